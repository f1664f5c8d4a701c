//! Tokenisation of normalised text: words, numbers, and the marks `!`, `?` and `"`.
//!
//! A word is a run of letters and digits; an apostrophe between two letters stays in the
//! word (`don't`, `Korea's`). A token that starts with a digit is a number, and may hold
//! `.`, `,` or `:` between digits (`3.5`, `1,000`, `5:30`). Every other character separates
//! tokens and is dropped, except `!`, `?` and `"`, which carry meaning for opinion detection.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (and digits after the first letter).
    Word,
    /// Starts with a digit.
    Number,
    /// One of `!`, `?`, `"`.
    Mark,
}

/// A token: a slice of the normalised text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's text, case kept.
    pub text: &'a str,
    /// What kind of token it is.
    pub kind: TokenKind,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Split normalised `text` into tokens, appended to `out` (cleared first).
pub fn tokenize_into<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    out.clear();
    if text.is_ascii() {
        tokenize_ascii(text, out);
        return;
    }
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '!' || c == '?' || c == '"' {
            out.push(Token {
                text: &text[start..start + 1],
                kind: TokenKind::Mark,
            });
            continue;
        }
        if !is_word_char(c) {
            continue;
        }
        let number = c.is_ascii_digit();
        let mut end = start + c.len_utf8();
        let mut prev = c;
        while let Some(&(i, d)) = chars.peek() {
            if is_word_char(d) {
                end = i + d.len_utf8();
                prev = d;
                chars.next();
                continue;
            }
            // A joiner stays only between two characters of the right sort.
            let joins = if number {
                matches!(d, '.' | ',' | ':') && prev.is_ascii_digit()
            } else {
                d == '\'' && prev.is_alphabetic()
            };
            if !joins {
                break;
            }
            let rest = &text[i + 1..];
            let next_ok = rest.chars().next().is_some_and(|n| {
                if number {
                    n.is_ascii_digit()
                } else {
                    n.is_alphabetic()
                }
            });
            if !next_ok {
                break;
            }
            chars.next();
        }
        out.push(Token {
            text: &text[start..end],
            kind: if number {
                TokenKind::Number
            } else {
                TokenKind::Word
            },
        });
    }
}

/// The same rules as [`tokenize_into`], on bytes, for ASCII text.
fn tokenize_ascii<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'!' || c == b'?' || c == b'"' {
            out.push(Token {
                text: &text[i..i + 1],
                kind: TokenKind::Mark,
            });
            i += 1;
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let number = c.is_ascii_digit();
        let start = i;
        i += 1;
        while i < b.len() {
            let d = b[i];
            if d.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let prev = b[i - 1];
            let next = b.get(i + 1).copied().unwrap_or(b' ');
            let joins = if number {
                matches!(d, b'.' | b',' | b':') && prev.is_ascii_digit() && next.is_ascii_digit()
            } else {
                d == b'\'' && prev.is_ascii_alphabetic() && next.is_ascii_alphabetic()
            };
            if !joins {
                break;
            }
            i += 1;
        }
        out.push(Token {
            text: &text[start..i],
            kind: if number {
                TokenKind::Number
            } else {
                TokenKind::Word
            },
        });
    }
}

/// Tokenise into a new vector; see [`tokenize_into`].
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_marks_and_apostrophes() {
        assert_eq!(
            texts("\"We don't talk,\" he said. Why?!"),
            ["\"", "We", "don't", "talk", "\"", "he", "said", "Why", "?", "!"]
        );
    }

    #[test]
    fn numbers_keep_inner_separators() {
        let toks = tokenize("It cost $1,200.50 at 5:30, up 3.5%.");
        let nums: Vec<_> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Number)
            .map(|t| t.text)
            .collect();
        assert_eq!(nums, ["1,200.50", "5:30", "3.5"]);
    }

    #[test]
    fn possessive_and_trailing_apostrophe() {
        assert_eq!(
            texts("Korea's leaders' plan"),
            ["Korea's", "leaders", "plan"]
        );
    }

    #[test]
    fn hyphens_split_and_unicode_letters_join() {
        assert_eq!(
            texts("nuclear-tipped Müller"),
            ["nuclear", "tipped", "Müller"]
        );
    }

    #[test]
    fn ascii_fast_path_matches_general_rules() {
        // The same text with a non-ASCII character appended takes the general path.
        for s in [
            "\"We don't talk,\" he said. Why?!",
            "It cost $1,200.50 at 5:30, up 3.5%.",
            "Korea's leaders' plan 9a b9 x'y 1.a",
        ] {
            let fast: Vec<_> = tokenize(s);
            let general_text = format!("{s} \u{e9}");
            let mut general = tokenize(&general_text);
            general.pop();
            assert_eq!(fast, general, "{s}");
        }
    }

    #[test]
    fn empty_and_symbols_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" -- ;; ").is_empty());
    }
}
