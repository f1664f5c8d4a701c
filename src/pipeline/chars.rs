//! Character properties the pipeline asks of every non-ASCII character, remembered per
//! block of 64 code points, and the format characters (Unicode general category Cf)
//! that the pipeline reads past and that output for people shows visibly.
//!
//! The standard library answers `char::is_alphanumeric` and `char::to_lowercase` for
//! letters outside ASCII with searches through its Unicode tables, which dominated the
//! time of Arabic and Cyrillic text (the normaliser keeps one more property this way). Here each property is computed with those same
//! functions, once per block of the Basic Multilingual Plane the text uses, and kept in
//! a bitmap shared by every thread; characters above the BMP ask the standard library
//! each time. The answers are the standard library's by construction.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

/// Blocks of 64 code points in the Basic Multilingual Plane.
const BLOCKS: usize = 0x1_0000 / 64;

/// One property of the BMP's characters, filled in a block at a time on first use.
/// Filling is idempotent, so two threads that fill a block at once store the same bits.
pub(crate) struct BlockCache {
    /// Bit `i` of block `b`: the property of code point `64 b + i`.
    bits: [AtomicU64; BLOCKS],
    /// Bit `b % 64` of word `b / 64`: block `b` is filled.
    filled: [AtomicU64; BLOCKS / 64],
    property: fn(char) -> bool,
}

impl BlockCache {
    /// A cache of `property`, which must be a pure function of the character.
    pub(crate) const fn new(property: fn(char) -> bool) -> BlockCache {
        BlockCache {
            bits: [const { AtomicU64::new(0) }; BLOCKS],
            filled: [const { AtomicU64::new(0) }; BLOCKS / 64],
            property,
        }
    }

    /// `property(c)`.
    pub(crate) fn get(&self, c: char) -> bool {
        let code = c as usize;
        if code >= 0x1_0000 {
            return (self.property)(c);
        }
        let block = code / 64;
        let filled = 1u64 << (block % 64);
        // Acquire pairs with `fill`'s release: a block seen filled has its bits stored.
        if self.filled[block / 64].load(Ordering::Acquire) & filled == 0 {
            self.fill(block);
        }
        self.bits[block].load(Ordering::Relaxed) >> (code % 64) & 1 != 0
    }

    #[cold]
    fn fill(&self, block: usize) {
        let mut bits = 0u64;
        for i in 0..64 {
            if char::from_u32((block * 64 + i) as u32).is_some_and(self.property) {
                bits |= 1 << i;
            }
        }
        self.bits[block].store(bits, Ordering::Relaxed);
        self.filled[block / 64].fetch_or(1 << (block % 64), Ordering::Release);
    }
}

static ALPHANUMERIC: BlockCache = BlockCache::new(char::is_alphanumeric);
static OWN_LOWERCASE: BlockCache = BlockCache::new(lowercase_is_itself);

fn lowercase_is_itself(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// `c.is_alphanumeric()`.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ALPHANUMERIC.get(c)
    }
}

/// Append `word` lowercased character by character (`char::to_lowercase` of each) to
/// `out`.
pub(crate) fn push_lowercase(word: &str, out: &mut String) {
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if OWN_LOWERCASE.get(c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The format characters (general category Cf, Unicode 16), as inclusive ranges of
/// code points in increasing order: the soft hyphen, zero-width space and joiners,
/// word joiner, byte order mark, bidirectional controls (U+061C, U+200E/F,
/// U+202A..U+202E, U+2066..U+2069), invisible operators, tags and a few marks of
/// other scripts.
const FORMAT: [(u32, u32); 21] = [
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a format character (general category Cf): it changes how text is
/// drawn or broken but is not a letter, digit, mark or space. The pipeline reads past
/// them: "Unfortu\u{AD}nately" is the word "Unfortunately", and a right-to-left override
/// after a full stop does not hide the sentence end.
pub fn is_format(c: char) -> bool {
    let code = c as u32;
    if code < 0xAD {
        return false;
    }
    let at = FORMAT.partition_point(|&(_, last)| last < code);
    FORMAT.get(at).is_some_and(|&(first, _)| first <= code)
}

/// Whether `c` is a format character that draws nothing (all but the number signs
/// and marks of Arabic, Syriac and Kaithi that are drawn above or before digits).
fn is_invisible_format(c: char) -> bool {
    is_format(c)
        && !matches!(
            c,
            '\u{600}'..='\u{605}'
                | '\u{6DD}'
                | '\u{70F}'
                | '\u{890}'..='\u{891}'
                | '\u{8E2}'
                | '\u{110BD}'
                | '\u{110CD}'
        )
}

/// Whether [`visible`] shows `c` other than as itself.
fn needs_showing(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}') || is_invisible_format(c)
}

/// `s` as a person should read it on a terminal or in a message: what is invisible or
/// acts on the text around it is shown instead of obeyed. Format characters that draw
/// nothing (bidirectional controls such as U+202E, zero-width spaces and joiners, the
/// soft hyphen, the byte order mark, tags) and the line and paragraph separators
/// become `<U+202E>`; control characters but the tab become visible symbols: C0
/// controls and DEL their Unicode control pictures (ESC `␛`, LF `␊`), C1 controls `�`.
/// Text without any of them is returned as it is.
pub fn visible(s: &str) -> Cow<'_, str> {
    let Some(first) = s
        .char_indices()
        .find(|&(_, c)| needs_showing(c))
        .map(|(i, _)| i)
    else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match c {
            c if !needs_showing(c) => out.push(c),
            '\u{0}'..='\u{1F}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')),
            '\u{7F}' => out.push('\u{2421}'),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => {
                use std::fmt::Write as _;
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// `s` without its format characters ([`is_format`]); as it is when it has none.
pub fn without_format(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_format) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| !is_format(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character, in every block, gets the standard library's answers.
    #[test]
    fn every_character_agrees_with_the_standard_library() {
        let mut lower = String::new();
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            lower.clear();
            push_lowercase(c.encode_utf8(&mut [0; 4]), &mut lower);
            assert!(lower.chars().eq(c.to_lowercase()), "{c:?}");
        }
    }

    /// Words, ASCII or not, are lowercased character by character.
    #[test]
    fn words_are_lowercased_character_by_character() {
        for word in [
            "Tillerson",
            "\u{c4}rgerLICH",
            "\u{3a3}\u{39f}\u{3a6}\u{399}\u{391}",
            "\u{130}stanbul",
            "",
        ] {
            let mut out = String::from("kept ");
            push_lowercase(word, &mut out);
            let expected: String = word.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(out, format!("kept {expected}"), "{word}");
        }
    }

    /// Threads that fill the same blocks at once all see the right bits.
    #[test]
    fn concurrent_filling_agrees() {
        let cache = BlockCache::new(char::is_alphabetic);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for c in ('\u{400}'..='\u{6ff}').chain('\u{4e00}'..='\u{4fff}') {
                        assert_eq!(cache.get(c), c.is_alphabetic(), "{c:?}");
                    }
                });
            }
        });
    }

    /// The table is ordered, and exactly its code points are format characters.
    #[test]
    fn format_characters_are_the_table() {
        assert!(FORMAT.windows(2).all(|w| w[0].1 < w[1].0));
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            let listed = FORMAT.iter().any(|&(a, b)| (a..=b).contains(&(c as u32)));
            assert_eq!(is_format(c), listed, "{c:?}");
            // None is a letter, digit, space or control to the standard library.
            if listed {
                assert!(
                    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control(),
                    "{c:?}"
                );
            }
        }
        for c in [
            '\u{AD}',
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{61C}',
            '\u{E0041}',
        ] {
            assert!(is_format(c), "{c:?}");
        }
        for c in [
            'a', ' ', '\u{AC}', '\u{AE}', '\u{2028}', '\u{2065}', '\u{627}',
        ] {
            assert!(!is_format(c), "{c:?}");
        }
    }

    #[test]
    fn invisible_characters_are_shown_as_code_points() {
        assert!(matches!(
            visible("Plain, tabs\tand \u{fc}n\u{ef}code \u{627}."),
            Cow::Borrowed(_)
        ));
        assert_eq!(visible("evil\u{202E}txt.exe"), "evil<U+202E>txt.exe");
        assert_eq!(
            visible("Unfortu\u{AD}nately\u{200B}\u{2066}x\u{2069}\u{FEFF}\u{E0041}"),
            "Unfortu<U+00AD>nately<U+200B><U+2066>x<U+2069><U+FEFF><U+E0041>"
        );
        assert_eq!(visible("a\u{2028}b\u{2029}"), "a<U+2028>b<U+2029>");
        assert_eq!(
            visible("a\rb\u{7f}c\u{9b}d\u{0}\x1b[2K\n"),
            "a\u{240D}b\u{2421}c\u{FFFD}d\u{2400}\u{241B}[2K\u{240A}"
        );
        // Number signs that are drawn stay as they are.
        assert_eq!(visible("\u{600}12"), "\u{600}12");
    }

    #[test]
    fn format_characters_are_removed() {
        assert!(matches!(
            without_format("Unfortunately, \u{e9}"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            without_format("Unfortu\u{AD}nately\u{202E}."),
            "Unfortunately."
        );
    }
}
