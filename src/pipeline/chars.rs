//! Character properties the pipeline asks of every non-ASCII character, remembered per
//! block of 64 code points.
//!
//! The standard library answers `char::is_alphanumeric` and `char::to_lowercase` for
//! letters outside ASCII with searches through its Unicode tables, which dominated the
//! time of Arabic and Cyrillic text (the normaliser keeps one more property this way). Here each property is computed with those same
//! functions, once per block of the Basic Multilingual Plane the text uses, and kept in
//! a bitmap shared by every thread; characters above the BMP ask the standard library
//! each time. The answers are the standard library's by construction.

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
}
