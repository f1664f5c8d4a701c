//! Text for a terminal: control characters in an article, a file name or a model name
//! must not move the cursor, erase a line or change colours, so that what a person
//! reads is what the file holds. Machine formats (json, jsonl, tsv, html) keep the exact
//! text, escaped by their own syntax; human formats and messages go through [`shown`].

use std::borrow::Cow;

/// `s` with every control character except tab shown as a visible symbol (C0 controls
/// and DEL as their Unicode control pictures, ESC as `␛`, C1 controls as `�`) and every
/// invisible format character (bidirectional controls, zero-width characters, soft
/// hyphens) as its code point, `<U+202E>`: [`factop::pipeline::chars::visible`].
pub fn shown(s: &str) -> Cow<'_, str> {
    factop::pipeline::chars::visible(s)
}

/// [`shown`] for a multi-line report: line breaks (`\n`) are kept.
pub fn shown_lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') {
        return shown(s);
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(shown).collect();
    if lines.iter().all(|l| matches!(l, Cow::Borrowed(_))) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_and_plain_text_is_untouched() {
        assert!(matches!(
            shown("Plain text, tabs\tand ünïcode."),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            shown("What a disgrace!\x1b[2K\x1b[1G   0  fact"),
            "What a disgrace!\u{241B}[2K\u{241B}[1G   0  fact"
        );
        assert_eq!(
            shown("a\rb\u{7f}c\u{9b}d\u{0}"),
            "a\u{240D}b\u{2421}c\u{FFFD}d\u{2400}"
        );
        assert_eq!(shown("a\nb"), "a\u{240A}b");
        assert_eq!(shown_lines("a\nb\x1b"), "a\nb\u{241B}");
        assert_eq!(
            shown_lines("report\u{202E}txt.csv\nline 2"),
            "report<U+202E>txt.csv\nline 2"
        );
        assert!(matches!(shown_lines("a\nb"), Cow::Borrowed(_)));
    }
}
