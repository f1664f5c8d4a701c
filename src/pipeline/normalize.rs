//! Normalisation: Unicode NFKC, typographic quotes, apostrophes, dashes and the Arabic
//! question mark folded to ASCII.
//!
//! Case is kept here (cue features look at capitalisation); lowercasing happens when a
//! token becomes a term (see [`super::stem`]).

use unicode_normalization::UnicodeNormalization;

/// Fold one character that NFKC leaves alone but which readers treat as the same mark.
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{061F}' => '?', // the Arabic question mark
        c if c.is_whitespace() => ' ',
        c if c.is_control() => ' ',
        c => c,
    }
}

/// Normalise `text` into `out` (cleared first): NFKC, then quotes, apostrophes,
/// dashes and all whitespace folded to their ASCII forms.
///
/// Most text is printable ASCII with a few typographic marks: runs of printable ASCII
/// are copied whole, and each run of other characters is folded as it stands when it
/// is NFKC already. ASCII resets the NFKC quick check, so a text passes it when every
/// such run does; when one does not, the whole text goes through NFKC.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let plain = from + plain_prefix(&bytes[from..]);
        out.push_str(&text[from..plain]);
        let Some(&b) = bytes.get(plain) else {
            return;
        };
        if b.is_ascii() {
            // A control character or the backquote.
            out.push(fold(char::from(b)));
            from = plain + 1;
            continue;
        }
        let end = plain
            + bytes[plain..]
                .iter()
                .position(u8::is_ascii)
                .unwrap_or(bytes.len() - plain);
        let run = &text[plain..end];
        if unicode_normalization::is_nfkc_quick(run.chars())
            != unicode_normalization::IsNormalized::Yes
        {
            out.clear();
            out.extend(text.nfkc().map(fold));
            return;
        }
        out.extend(run.chars().map(fold));
        from = end;
    }
}

/// How many bytes at the start are printable ASCII other than the backquote (text that
/// is its own normal form). Checked 32 bytes at a time without an early exit inside a
/// block, so that the compiler can use vector compares.
fn plain_prefix(bytes: &[u8]) -> usize {
    let plain = |b: u8| (b' '..0x7f).contains(&b) && b != b'`';
    let mut n = 0;
    for block in bytes.chunks_exact(32) {
        if !block.iter().fold(true, |ok, &b| ok & plain(b)) {
            break;
        }
        n += 32;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| !plain(b))
        .unwrap_or(bytes.len() - n)
}

/// Normalise `text` into a new string; see [`normalize_into`].
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prefix_stops_at_every_other_byte() {
        let text = "x".repeat(100);
        assert_eq!(plain_prefix(text.as_bytes()), 100);
        assert_eq!(plain_prefix(b""), 0);
        for at in [0, 31, 32, 63, 64, 95, 99] {
            for odd in [b'`', b'\t', b'\n', 0x7f, 0x1f, 0xc3] {
                let mut b = text.clone().into_bytes();
                b[at] = odd;
                assert_eq!(plain_prefix(&b), at, "byte {odd:#x} at {at}");
            }
        }
    }

    proptest::proptest! {
        /// Whatever path a text takes, the result is NFKC followed by the folds.
        #[test]
        fn every_path_is_nfkc_then_fold(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", " ", "`", "\t", "\n", "\u{7f}", "x y", "\u{2019}", "\u{201C}",
                    "\u{2033}", "\u{2011}", "\u{2014}", "\u{e9}", "e\u{301}", "\u{301}",
                    "\u{323}\u{301}", "\u{301}\u{323}", "\u{fb01}", "\u{a0}", "\u{61f}",
                    "\u{644}\u{627}", "\u{ff21}", "\u{2460}", "\u{1100}\u{1161}", "\u{ac00}",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let expected: String = text.nfkc().map(fold).collect();
            proptest::prop_assert_eq!(normalize(&text), expected);
        }
    }

    #[test]
    fn folds_curly_quotes_and_apostrophes() {
        assert_eq!(
            normalize("\u{201C}We\u{2019}re here,\u{201D} he said"),
            "\"We're here,\" he said"
        );
    }

    #[test]
    fn nfkc_and_spaces() {
        // NBSP becomes a space, the ligature is decomposed, the ellipsis becomes dots.
        assert_eq!(
            normalize("fait\u{00A0}accompli \u{FB01}ne\u{2026}"),
            "fait accompli fine..."
        );
    }

    #[test]
    fn dashes_and_controls() {
        assert_eq!(normalize("a\u{2014}b\tc\u{0}d"), "a-b c d");
    }

    #[test]
    fn fast_path_matches_full_nfkc() {
        for s in [
            "plain \u{2018}quoted\u{2019} text\tend`",
            "caf\u{e9} \u{201C}x\u{201D}",
            "e\u{301} combining",
            "\u{FB01} ligature \u{2019}",
        ] {
            let full: String = s.nfkc().map(fold).collect();
            assert_eq!(normalize(s), full, "{s:?}");
        }
    }

    #[test]
    fn keeps_case() {
        assert_eq!(normalize("U.S. Secretary"), "U.S. Secretary");
    }
}
