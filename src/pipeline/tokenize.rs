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
    super::chars::is_alphanumeric(c)
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

/// The same rules as [`tokenize_into`], for ASCII text, 64 bytes at a time: each byte's
/// class becomes a bit of a mask, a token is a run of set bits, and the byte loop of
/// [`tokenize_ascii_bytes`] runs only on the rare run that holds a joiner.
fn tokenize_ascii<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let rest = &b[pos..];
        let masks = if rest.len() >= 64 {
            ByteClasses::of(rest[..64].try_into().expect("64 bytes"))
        } else {
            // The bytes past the end read as zero: neither a word byte nor a mark,
            // like the space the byte loop reads there.
            let mut block = [0u8; 64];
            block[..rest.len()].copy_from_slice(rest);
            ByteClasses::of(&block)
        };
        // When text follows the block, whether its last byte joins a token needs the
        // next byte: a token is taken only when the byte after it is at bit 62 or
        // before (so that byte's class is certain), and the next block starts at the
        // first token not taken.
        let whole = rest.len() <= 64;
        let word = masks.alpha | masks.digit;
        let joins = (masks.apostrophe & (masks.alpha << 1) & (masks.alpha >> 1))
            | (masks.separator & (masks.digit << 1) & (masks.digit >> 1));
        let run = word | joins;
        let mut events = (run & !(run << 1)) | masks.mark;
        let mut next = if whole { rest.len() } else { 63 };
        while events != 0 {
            let at = events.trailing_zeros();
            events &= events - 1;
            if !whole && at > 62 {
                break;
            }
            if masks.mark >> at & 1 != 0 {
                let i = pos + at as usize;
                out.push(Token {
                    text: &text[i..i + 1],
                    kind: TokenKind::Mark,
                });
                continue;
            }
            let len = (run >> at).trailing_ones();
            if !whole && at + len > 62 {
                if at == 0 {
                    // A run longer than the block: the byte loop takes it.
                    next = run_end(b, pos);
                    tokenize_ascii_bytes(&text[pos..pos + next], out);
                } else {
                    next = at as usize;
                }
                break;
            }
            let (start, end) = (pos + at as usize, pos + (at + len) as usize);
            if joins >> at & (u64::MAX >> (64 - len)) != 0 {
                // A joiner applies only to its token's sort (`'` in words, `.,:` in
                // numbers), which the byte loop decides.
                tokenize_ascii_bytes(&text[start..end], out);
            } else {
                out.push(Token {
                    text: &text[start..end],
                    kind: if masks.digit >> at & 1 != 0 {
                        TokenKind::Number
                    } else {
                        TokenKind::Word
                    },
                });
            }
        }
        pos += next;
    }
}

/// The length of the run of word bytes and joiners that starts at `b[from]`, by the
/// masks' rule: a joiner between two bytes of its sort, whatever the token's.
fn run_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        let d = b[i];
        let joins = i > from
            && ((d == b'\'' && b[i - 1].is_ascii_alphabetic())
                || (matches!(d, b'.' | b',' | b':') && b[i - 1].is_ascii_digit()))
            && b.get(i + 1).is_some_and(|n| {
                if d == b'\'' {
                    n.is_ascii_alphabetic()
                } else {
                    n.is_ascii_digit()
                }
            });
        if !(d.is_ascii_alphanumeric() || joins) {
            break;
        }
        i += 1;
    }
    i - from
}

/// One bit per byte of a 64-byte block (bit `i` for byte `i`) for each class the
/// ASCII tokenizer looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ByteClasses {
    alpha: u64,
    digit: u64,
    /// `'`
    apostrophe: u64,
    /// `.`, `,` and `:`, which join digits.
    separator: u64,
    /// `!`, `?` and `"`.
    mark: u64,
}

impl ByteClasses {
    #[cfg(target_arch = "x86_64")]
    fn of(block: &[u8; 64]) -> ByteClasses {
        let mut c = ByteClasses::default();
        let (quarters, _) = block.as_chunks::<16>();
        for (k, quarter) in quarters.iter().enumerate() {
            // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 processor has it.
            let m = unsafe { Self::of_16(quarter) };
            let shift = 16 * k;
            c.alpha |= m[0] << shift;
            c.digit |= m[1] << shift;
            c.apostrophe |= m[2] << shift;
            c.separator |= m[3] << shift;
            c.mark |= m[4] << shift;
        }
        c
    }

    /// The class bits of 16 bytes, by vector compares, in the order alpha, digit,
    /// apostrophe, separator, mark.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    #[inline]
    fn of_16(block: &[u8; 16]) -> [u64; 5] {
        use std::arch::x86_64::*;
        // SAFETY: the load reads the 16 bytes of `block`; an unaligned load has no
        // alignment requirement.
        let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
        let eq = |x: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8));
        // x <= limit, unsigned, as min(x, limit) == x.
        let at_most =
            |x: __m128i, limit: u8| _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(limit as i8)), x);
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let alpha = at_most(_mm_sub_epi8(folded, _mm_set1_epi8(b'a' as i8)), 25);
        let digit = at_most(_mm_sub_epi8(v, _mm_set1_epi8(b'0' as i8)), 9);
        let separator = _mm_or_si128(_mm_or_si128(eq(b'.'), eq(b',')), eq(b':'));
        let mark = _mm_or_si128(_mm_or_si128(eq(b'!'), eq(b'?')), eq(b'"'));
        let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16);
        [
            bits(alpha),
            bits(digit),
            bits(eq(b'\'')),
            bits(separator),
            bits(mark),
        ]
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn of(block: &[u8; 64]) -> ByteClasses {
        ByteClasses::of_bytes(block)
    }

    /// [`ByteClasses::of`], a byte at a time.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn of_bytes(block: &[u8; 64]) -> ByteClasses {
        let mut c = ByteClasses::default();
        for (i, &x) in block.iter().enumerate() {
            let bit = 1u64 << i;
            if x.is_ascii_alphabetic() {
                c.alpha |= bit;
            }
            if x.is_ascii_digit() {
                c.digit |= bit;
            }
            if x == b'\'' {
                c.apostrophe |= bit;
            }
            if matches!(x, b'.' | b',' | b':') {
                c.separator |= bit;
            }
            if matches!(x, b'!' | b'?' | b'"') {
                c.mark |= bit;
            }
        }
        c
    }
}

/// The rules of [`tokenize_into`] on ASCII bytes, a byte at a time.
fn tokenize_ascii_bytes<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
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
    use proptest::strategy::Strategy;

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

    /// Text drawn from the bytes the rules treat differently, in runs long enough to
    /// cross the 64-byte blocks.
    fn ascii_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(b"aZ09'.,:!?\" -x".to_vec()),
            0..300,
        )
        .prop_map(|b| String::from_utf8(b).expect("ASCII"))
    }

    proptest::proptest! {
        #[test]
        fn ascii_masks_match_the_byte_loop(text in ascii_text()) {
            let mut masked = Vec::new();
            tokenize_ascii(&text, &mut masked);
            let mut bytes = Vec::new();
            tokenize_ascii_bytes(&text, &mut bytes);
            proptest::prop_assert_eq!(masked, bytes);
        }

        #[test]
        fn byte_classes_match_byte_by_byte(block in proptest::array::uniform32(0u8..128)) {
            let mut full = [0u8; 64];
            full[..32].copy_from_slice(&block);
            full[32..].copy_from_slice(&block);
            full.reverse();
            proptest::prop_assert_eq!(ByteClasses::of(&full), ByteClasses::of_bytes(&full));
        }
    }

    #[test]
    fn long_runs_and_block_edges_match_the_byte_loop() {
        let long_word = "x".repeat(150);
        for text in [
            long_word.clone(),
            format!("{long_word}'s 1,000"),
            format!("{}1.5 a'b", " ".repeat(61)),
            format!("{}don't {}3,4", "a ".repeat(31), "9".repeat(70)),
            "a".repeat(64),
            format!("{}!", "b".repeat(63)),
        ] {
            let mut masked = Vec::new();
            tokenize_ascii(&text, &mut masked);
            let mut bytes = Vec::new();
            tokenize_ascii_bytes(&text, &mut bytes);
            assert_eq!(masked, bytes, "{text}");
        }
    }

    #[test]
    fn empty_and_symbols_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" -- ;; ").is_empty());
    }
}
