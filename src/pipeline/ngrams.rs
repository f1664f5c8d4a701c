//! Word n-grams over a sentence's terms, written into a reusable buffer so that
//! looking one up in the vocabulary allocates nothing.

/// Call `f` with every n-gram of `terms` for n in `min_n..=max_n`, in order of
/// position and then length. The words of an n-gram are joined by one space.
pub fn for_each_ngram<S: AsRef<str>>(
    terms: &[S],
    min_n: usize,
    max_n: usize,
    buf: &mut String,
    mut f: impl FnMut(&str),
) {
    let min_n = min_n.max(1);
    for start in 0..terms.len() {
        buf.clear();
        for (k, term) in terms[start..].iter().take(max_n).enumerate() {
            if k > 0 {
                buf.push(' ');
            }
            buf.push_str(term.as_ref());
            if k + 1 >= min_n {
                f(buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(terms: &[&str], min_n: usize, max_n: usize) -> Vec<String> {
        let mut out = Vec::new();
        for_each_ngram(terms, min_n, max_n, &mut String::new(), |g| {
            out.push(g.to_string())
        });
        out
    }

    #[test]
    fn unigrams_and_bigrams() {
        assert_eq!(
            collect(&["a", "b", "c"], 1, 2),
            ["a", "a b", "b", "b c", "c"]
        );
    }

    #[test]
    fn bigrams_only_and_trigrams() {
        assert_eq!(collect(&["a", "b", "c"], 2, 2), ["a b", "b c"]);
        assert_eq!(collect(&["a", "b", "c"], 3, 3), ["a b c"]);
    }

    #[test]
    fn empty_and_short() {
        assert!(collect(&[], 1, 2).is_empty());
        assert!(collect(&["a"], 2, 2).is_empty());
    }
}
