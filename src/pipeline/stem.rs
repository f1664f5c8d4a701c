//! Stemming: turns tokens into terms (lowercased Snowball stems, `<num>` for numbers).
//! The stemmer is the language profile's (see [`crate::language`]).

use super::tokenize::{Token, TokenKind};
use crate::language::{Language, StemRule};
use rust_stemmers::Stemmer as Snowball;
use std::borrow::Cow;

/// The placeholder term every number becomes.
pub const NUMBER_TERM: &str = "<num>";

/// Turns tokens into terms for one language.
pub struct Stemmer {
    inner: Inner,
}

enum Inner {
    Snowball(Snowball),
    Suffixes {
        suffixes: &'static [&'static str],
        min_stem: usize,
    },
    None,
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Snowball(_) => "snowball",
            Inner::Suffixes { .. } => "suffixes",
            Inner::None => "none",
        };
        f.debug_struct("Stemmer").field("kind", &kind).finish()
    }
}

impl Stemmer {
    /// A stemmer for `language`, as its profile says.
    pub fn new(language: Language) -> Self {
        let inner = match language.profile().stemmer {
            StemRule::Snowball(a) => Inner::Snowball(Snowball::create(a)),
            StemRule::Suffixes { suffixes, min_stem } => Inner::Suffixes { suffixes, min_stem },
            StemRule::None => Inner::None,
        };
        Stemmer { inner }
    }

    /// Write the term for `token` into `out` (cleared first); `lower` is scratch space.
    pub fn term_into(&self, token: &Token<'_>, lower: &mut String, out: &mut String) {
        out.clear();
        match token.kind {
            TokenKind::Number => out.push_str(NUMBER_TERM),
            TokenKind::Mark => out.push_str(token.text),
            TokenKind::Word => {
                lower.clear();
                super::chars::push_lowercase(token.text, lower);
                out.push_str(&self.stem_lower(lower));
            }
        }
    }

    /// Stem an already lowercased word.
    pub fn stem_lower<'a>(&self, lower: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.inner {
            Inner::Snowball(s) => s.stem(lower),
            Inner::Suffixes { suffixes, min_stem } => {
                Cow::Borrowed(strip_suffix(lower, suffixes, *min_stem))
            }
            Inner::None => Cow::Borrowed(lower),
        }
    }

    /// The term for `token`, as a new string.
    pub fn term(&self, token: &Token<'_>) -> String {
        let (mut lower, mut out) = (String::new(), String::new());
        self.term_into(token, &mut lower, &mut out);
        out
    }
}

/// `word` without the longest of `suffixes` whose removal leaves at least `min_stem`
/// chars; `word` itself when none does.
fn strip_suffix<'a>(word: &'a str, suffixes: &[&str], min_stem: usize) -> &'a str {
    let mut best = word;
    for suffix in suffixes {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.len() < best.len() && stem.chars().count() >= min_stem {
                best = stem;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tokenize::tokenize;

    fn terms(lang: Language, s: &str) -> Vec<String> {
        let st = Stemmer::new(lang);
        tokenize(s).iter().map(|t| st.term(t)).collect()
    }

    #[test]
    fn english_stems_lowercases_and_maps_numbers() {
        assert_eq!(
            terms(Language::English, "Talks INCREASINGLY failed in 2017?"),
            ["talk", "increas", "fail", "in", "<num>", "?"]
        );
    }

    #[test]
    fn unstemmed_only_lowercases() {
        assert_eq!(
            terms(Language::Unstemmed, "Größe Talks"),
            ["größe", "talks"]
        );
    }

    #[test]
    fn suffix_stripping_takes_the_longest_suffix_that_leaves_a_stem() {
        let suffixes = ["а", "та", "ите", "и"];
        assert_eq!(strip_suffix("жената", &suffixes, 3), "жена");
        assert_eq!(strip_suffix("градовете", &suffixes, 3), "градовете");
        assert_eq!(strip_suffix("хората", &suffixes, 3), "хора");
        assert_eq!(strip_suffix("мъжите", &suffixes, 3), "мъж");
        assert_eq!(strip_suffix("ата", &suffixes, 3), "ата");
    }

    #[test]
    fn german_stemmer() {
        assert_eq!(terms(Language::German, "Häuser"), ["haus"]);
    }
}
