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
/// dashes and all whitespace folded to their ASCII forms. ASCII input is copied
/// through with control characters turned into spaces.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    // One pass decides the common case: printable ASCII with no backquote is its own
    // normal form.
    if text.bytes().all(|b| (b' '..0x7f).contains(&b) && b != b'`') {
        out.push_str(text);
    } else if text.is_ascii() {
        out.extend(text.chars().map(fold));
    } else if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        // Already NFKC (the common case: ASCII plus typographic quotes): copy ASCII
        // runs whole and fold the other characters one by one.
        let mut rest = text;
        while !rest.is_empty() {
            let run = rest
                .bytes()
                .position(|b| !(b' '..0x7f).contains(&b) || b == b'`')
                .unwrap_or(rest.len());
            out.push_str(&rest[..run]);
            rest = &rest[run..];
            if let Some(c) = rest.chars().next() {
                out.push(fold(c));
                rest = &rest[c.len_utf8()..];
            }
        }
    } else {
        out.extend(text.nfkc().map(fold));
    }
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
