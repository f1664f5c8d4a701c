//! Language profiles: everything language-specific that the pipeline uses, as data.
//!
//! A [`Language`] is the one value carried from a model file (or `train --language`)
//! down the pipeline; its [`Profile`] gives the segmenter's abbreviations and sentence
//! openers, the Snowball stemmer, and the cue word lists and lexicons. Pipeline stages
//! take the `Language` (or the part of its profile they need) and hold no word lists of
//! their own, so adding a language is a matter of writing its profile here: a new file
//! beside `en.rs`, a variant of [`Language`], and one arm in [`Language::profile`].
//! This module depends on nothing else in factop.

mod en;

use serde::{Deserialize, Serialize};

/// A language factop can analyse. Serialised in model files by its [`Language::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    /// English: the default, with every cue group.
    #[serde(rename = "en")]
    English,
    /// German: Snowball stemmer; English segmentation rules and no cues yet.
    #[serde(rename = "de")]
    German,
    /// Italian: Snowball stemmer; English segmentation rules and no cues yet.
    #[serde(rename = "it")]
    Italian,
    /// Arabic: Snowball stemmer; English segmentation rules and no cues yet.
    #[serde(rename = "ar")]
    Arabic,
    /// Any other language: lowercasing only, no stemming, no cues.
    #[serde(rename = "none")]
    Unstemmed,
}

impl Language {
    /// Every language, in the order the command line lists them.
    pub const ALL: [Language; 5] = [
        Language::English,
        Language::German,
        Language::Italian,
        Language::Arabic,
        Language::Unstemmed,
    ];

    /// The language's profile.
    pub fn profile(self) -> &'static Profile {
        match self {
            Language::English => &en::PROFILE,
            Language::German => &GERMAN,
            Language::Italian => &ITALIAN,
            Language::Arabic => &ARABIC,
            Language::Unstemmed => &UNSTEMMED,
        }
    }

    /// The short code used on the command line and in model files (`en`, `de`...).
    pub fn code(self) -> &'static str {
        self.profile().code
    }

    /// A one-line description for help texts.
    pub fn about(self) -> &'static str {
        match self {
            Language::English => "English (Snowball \"english\", the Porter2 stemmer). The default",
            Language::German => "German (Snowball \"german\")",
            Language::Italian => "Italian (Snowball \"italian\")",
            Language::Arabic => "Arabic (Snowball \"arabic\")",
            Language::Unstemmed => "Any other language: lowercasing only, no stemming",
        }
    }

    /// The language whose code is `code`.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// A small index (0..[`Language::ALL`]`.len()`), for per-language caches.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Everything language-specific the pipeline needs.
#[derive(Debug)]
pub struct Profile {
    /// Short code (`en`).
    pub code: &'static str,
    /// English name of the language.
    pub name: &'static str,
    /// Snowball stemmer, or `None` to lowercase only.
    pub stemmer: Option<rust_stemmers::Algorithm>,
    /// Sentence segmentation rules.
    pub segmentation: &'static SegmentRules,
    /// Cue word lists and lexicons; `None` when the language has none, in which case a
    /// model of it uses no cue features.
    pub cues: Option<&'static CueLexicon>,
}

/// Where a single period after a word does or does not end a sentence. Entries are
/// ASCII bytes: abbreviations lowercase, sentence openers in their usual case.
#[derive(Debug)]
pub struct SegmentRules {
    /// Abbreviations that never end a sentence (titles: `mr`, `dr`, `gen`...).
    pub never_end: &'static [&'static [u8]],
    /// Abbreviations that end a sentence only before a common sentence opener
    /// (`inc`, `jr`, `sept`...).
    pub may_end: &'static [&'static [u8]],
    /// Words that commonly open a sentence and rarely follow an abbreviation inside one.
    pub starters: &'static [&'static [u8]],
}

/// The classes of words the cue features count. Each cue word list of a language
/// names the class its words belong to; a word may be in several classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordClass {
    /// Reporting verbs (said, told...).
    Reporting,
    /// Third-party speakers (officials, police, he, she...).
    Speaker,
    /// First person singular pronouns.
    FirstSingular,
    /// First person plural pronouns.
    FirstPlural,
    /// Second person pronouns.
    Second,
    /// Modal verbs.
    Modal,
    /// Hedges (perhaps, likely...).
    Hedge,
    /// Intensifiers (very, extremely...).
    Intensifier,
    /// Stance adverbs (unfortunately, clearly...).
    Stance,
    /// Superlatives and comparatives of judgement.
    Superlative,
    /// Negation words.
    Negation,
    /// Month and weekday names and time words.
    Date,
    /// Money and percentage words.
    Money,
    /// Irregular past-tense forms.
    Past,
    /// Present-tense copulas.
    Be,
    /// Contrast connectives.
    Contrast,
}

/// A language's cue word lists and evaluative lexicons.
#[derive(Debug)]
pub struct CueLexicon {
    /// Word lists: each class with its words (lowercase, separated by whitespace).
    pub words: &'static [(WordClass, &'static str)],
    /// The two-word phrase of attribution by source ("according to").
    pub according_to: [&'static str; 2],
    /// Suffix of regular past-tense forms (`ed`).
    pub past_suffix: &'static str,
    /// Suffix of adverbs, for the evaluative opening adverb (`ly`).
    pub adverb_suffix: &'static str,
    /// A subjectivity lexicon in the Pattern XML format (`<word form=.. subjectivity=..>`).
    pub subjectivity_xml: Option<&'static str>,
    /// A valence lexicon in the VADER format (word, tab, mean valence).
    pub valence_tsv: Option<&'static str>,
}

/// German, Italian and Arabic have their stemmers but no rules of their own yet: they
/// segment by the English rules and use no cues.
const GERMAN: Profile = Profile {
    code: "de",
    name: "German",
    stemmer: Some(rust_stemmers::Algorithm::German),
    segmentation: &en::SEGMENTATION,
    cues: None,
};

const ITALIAN: Profile = Profile {
    code: "it",
    name: "Italian",
    stemmer: Some(rust_stemmers::Algorithm::Italian),
    segmentation: &en::SEGMENTATION,
    cues: None,
};

const ARABIC: Profile = Profile {
    code: "ar",
    name: "Arabic",
    stemmer: Some(rust_stemmers::Algorithm::Arabic),
    segmentation: &en::SEGMENTATION,
    cues: None,
};

const UNSTEMMED: Profile = Profile {
    code: "none",
    name: "unstemmed",
    stemmer: None,
    segmentation: &en::SEGMENTATION,
    cues: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_indices_are_dense() {
        for (i, l) in Language::ALL.into_iter().enumerate() {
            assert_eq!(Language::from_code(l.code()), Some(l));
            assert_eq!(l.index(), i);
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.code()));
        }
        assert_eq!(Language::from_code("xx"), None);
    }

    #[test]
    fn only_english_has_cues_so_far() {
        for l in Language::ALL {
            assert_eq!(l.profile().cues.is_some(), l == Language::English, "{l:?}");
        }
    }

    #[test]
    fn english_word_lists_are_lowercase() {
        let cues = Language::English.profile().cues.unwrap();
        for (_, words) in cues.words {
            for w in words.split_whitespace() {
                assert_eq!(w, w.to_lowercase(), "{w}");
            }
        }
    }
}
