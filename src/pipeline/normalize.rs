//! Normalisation: format characters removed (soft hyphens, zero-width spaces and
//! joiners, bidirectional controls: see [`super::chars::is_format`]), then Unicode
//! NFKC, typographic quotes, apostrophes, dashes and the Arabic question mark folded
//! to ASCII.
//!
//! Case is kept here (cue features look at capitalisation); lowercasing happens when a
//! token becomes a term (see [`super::stem`]).

use super::chars::{is_format, BlockCache};
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

/// Normalise `text` into `out` (cleared first): format characters removed, NFKC, then
/// quotes, apostrophes, dashes and all whitespace folded to their ASCII forms. A word
/// with a soft hyphen or a zero-width space inside is the same word without it.
///
/// Most text is printable ASCII with a few typographic marks, or letters of one script:
/// runs of printable ASCII, and of characters that are their own normal form with
/// combining class 0 (`NFKC_STABLE`), are copied whole, and each run of other
/// characters is folded as it stands when it is NFKC already. Both kinds of run reset
/// the NFKC quick check, so a text passes it when every other run does; when one does
/// not, or when it holds a format character, the whole text goes through the full
/// path (`normalize_slowly`).
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
        // Characters that are their own normal form and fold, like the letters of most
        // scripts, are copied as they are; they leave the quick check where ASCII does.
        let stable = text[plain..]
            .char_indices()
            .find(|&(_, c)| c.is_ascii() || !NFKC_STABLE.get(c))
            .map_or(text.len(), |(i, _)| plain + i);
        if stable > plain {
            out.push_str(&text[plain..stable]);
            from = stable;
            continue;
        }
        let end = text[plain..]
            .char_indices()
            .find(|&(_, c)| c.is_ascii() || NFKC_STABLE.get(c))
            .map_or(text.len(), |(i, _)| plain + i);
        let run = &text[plain..end];
        if run.chars().any(is_format)
            || unicode_normalization::is_nfkc_quick(run.chars())
                != unicode_normalization::IsNormalized::Yes
        {
            normalize_slowly(text, out);
            return;
        }
        out.extend(run.chars().map(fold));
        from = end;
    }
}

/// The definition of [`normalize_into`], character by character: format characters
/// removed, NFKC, folds.
fn normalize_slowly(text: &str, out: &mut String) {
    out.clear();
    out.extend(text.chars().filter(|&c| !is_format(c)).nfkc().map(fold));
}

/// Characters that the NFKC quick check passes with combining class 0 (so they end any
/// run the check looks at, as ASCII does), that [`fold`] leaves alone and that are not
/// format characters: text made of them is its own normal form.
static NFKC_STABLE: BlockCache = BlockCache::new(|c| {
    unicode_normalization::is_nfkc_quick(std::iter::once(c))
        == unicode_normalization::IsNormalized::Yes
        && unicode_normalization::char::canonical_combining_class(c) == 0
        && fold(c) == c
        && !is_format(c)
});

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

    /// What [`normalize`] must give: format characters removed, NFKC, folds.
    fn reference(text: &str) -> String {
        text.chars()
            .filter(|&c| !is_format(c))
            .nfkc()
            .map(fold)
            .collect()
    }

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
                    "\u{1161}", "\u{627}", "\u{654}", "\u{64e}", "\u{438}", "\u{306}", "\u{439}",
                    "\u{915}\u{93c}", "\u{3300}", "\u{410}", "\u{3b1}\u{301}", "\u{1f600}",
                    "\u{64f}", "\u{651}", "\u{315}", "\u{ad}", "\u{200b}", "\u{202e}",
                    "\u{2066}", "\u{feff}", "\u{200d}", "\u{e0041}",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let expected: String = reference(&text);
            proptest::prop_assert_eq!(normalize(&text), expected);
        }

        #[test]
        fn any_text_is_nfkc_then_fold(chars in proptest::collection::vec(proptest::char::any(), 0..30)) {
            let text: String = chars.into_iter().collect();
            let expected: String = reference(&text);
            proptest::prop_assert_eq!(normalize(&text), expected);
        }
    }

    /// Every character alone, after a letter it may compose with, and after a mark it
    /// may have to be reordered with, normalises as NFKC then fold (this covers every
    /// block of the stable-character cache).
    #[test]
    fn every_character_is_nfkc_then_fold() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            // U+0315 has combining class 232 and passes the quick check: a mark of a
            // lower class after it must be reordered.
            for text in [
                format!("{c}"),
                format!("\u{627}{c}"),
                format!("x{c}a"),
                format!("x\u{315}{c}"),
            ] {
                let expected: String = reference(&text);
                assert_eq!(normalize(&text), expected, "{c:?}");
            }
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
            let full: String = reference(s);
            assert_eq!(normalize(s), full, "{s:?}");
        }
    }

    #[test]
    fn keeps_case() {
        assert_eq!(normalize("U.S. Secretary"), "U.S. Secretary");
    }

    /// A soft hyphen, zero-width space, word joiner or bidirectional control inside a
    /// word leaves the word whole, and one between a letter and its accent lets them
    /// compose.
    #[test]
    fn format_characters_are_removed_before_nfkc() {
        assert_eq!(normalize("Unfortu\u{AD}nately, it"), "Unfortunately, it");
        assert_eq!(
            normalize("Un\u{200B}for\u{2060}tu\u{200D}nate\u{202E}ly\u{FEFF}."),
            "Unfortunately."
        );
        assert_eq!(normalize("e\u{200B}\u{301}"), "\u{e9}");
        assert_eq!(normalize("\u{2067}\u{627}\u{2069} \u{200F}"), "\u{627} ");
    }
}
