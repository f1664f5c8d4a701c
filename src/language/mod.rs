//! Language profiles: everything language-specific that the pipeline uses, as data.
//!
//! A [`Language`] is the one value carried from a model file (or `train --language`)
//! down the pipeline; its [`Profile`] gives the segmenter's abbreviations and sentence
//! openers, the Snowball stemmer, and the cue word lists and lexicons. Pipeline stages
//! take the `Language` (or the part of its profile they need) and hold no word lists of
//! their own, so adding a language is a matter of writing its profile here: a new file
//! beside `en.rs` (its code, name, detector name, writing direction, segmentation
//! rules, stemmer and cues), a variant of [`Language`] with its place in
//! [`Language::ALL`], and one arm in [`Language::profile`]; a built-in model of it is
//! a line in `model::builtin`. This module depends on nothing else in factop.

pub mod detect;

mod ar;
mod bg;
mod de;
mod en;
mod it;

use serde::{Deserialize, Serialize};

/// A language factop can analyse. Serialised in model files by its [`Language::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    /// English: the default, with every cue group.
    #[serde(rename = "en")]
    English,
    /// German.
    #[serde(rename = "de")]
    German,
    /// Italian.
    #[serde(rename = "it")]
    Italian,
    /// Arabic.
    #[serde(rename = "ar")]
    Arabic,
    /// Bulgarian.
    #[serde(rename = "bg")]
    Bulgarian,
    /// Any other language: lowercasing only, no stemming, no cues.
    #[serde(rename = "none")]
    Unstemmed,
}

impl Language {
    /// Every language, in the order the command line lists them.
    pub const ALL: [Language; 6] = [
        Language::English,
        Language::German,
        Language::Italian,
        Language::Arabic,
        Language::Bulgarian,
        Language::Unstemmed,
    ];

    /// The language's profile.
    pub fn profile(self) -> &'static Profile {
        match self {
            Language::English => &en::PROFILE,
            Language::German => &de::PROFILE,
            Language::Italian => &it::PROFILE,
            Language::Arabic => &ar::PROFILE,
            Language::Bulgarian => &bg::PROFILE,
            Language::Unstemmed => &UNSTEMMED,
        }
    }

    /// The short code used on the command line and in model files (`en`, `de`...).
    pub fn code(self) -> &'static str {
        self.profile().code
    }

    /// A one-line description for help texts.
    pub fn about(self) -> &'static str {
        self.profile().about
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
    /// A one-line description for help texts (`--language`).
    pub about: &'static str,
    /// The language detector's name for it; `None`: never detected.
    pub detected_as: Option<whatlang::Lang>,
    /// Whether it is written right to left (pages set `dir="rtl"` on its text).
    pub right_to_left: bool,
    /// How words become stems.
    pub stemmer: StemRule,
    /// Sentence segmentation rules.
    pub segmentation: &'static SegmentRules,
    /// Cue word lists and lexicons; `None` when the language has none, in which case a
    /// model of it uses no cue features.
    pub cues: Option<&'static CueLexicon>,
}

/// How a language's words become stems.
#[derive(Debug, Clone, Copy)]
pub enum StemRule {
    /// A Snowball stemmer from rust-stemmers.
    Snowball(rust_stemmers::Algorithm),
    /// Strip the longest of these suffixes that leaves at least `min_stem` letters
    /// (for languages rust-stemmers has no stemmer for).
    Suffixes {
        /// Suffixes, lowercase.
        suffixes: &'static [&'static str],
        /// Shortest stem left, in letters.
        min_stem: usize,
    },
    /// Lowercase only.
    None,
}

/// Where a single period after a word does or does not end a sentence, and which
/// quotation marks pair up. Abbreviations are written lowercase without their final
/// period (`dr`, `e.g`, `z.b`, `ул`), at most 12 letters; sentence openers in their
/// usual case (`The`, `Der`).
#[derive(Debug)]
pub struct SegmentRules {
    /// Abbreviations that never end a sentence (titles: `mr`, `dr`, `gen`...). A
    /// single lowercase letter listed here (`v`, `z`) never ends one either.
    pub never_end: &'static [&'static str],
    /// Abbreviations that end a sentence only before a common sentence opener
    /// (`inc`, `jr`, `sept`...).
    pub may_end: &'static [&'static str],
    /// Words that commonly open a sentence and rarely follow an abbreviation inside one.
    pub starters: &'static [&'static str],
    /// Whether a period after a number of one or two digits is an ordinal
    /// (`am 3. Oktober`, `der 2. Weltkrieg`): such a period ends a sentence only
    /// before a sentence opener.
    pub ordinals: bool,
    /// Quotation marks, (opening, closing), besides the straight `"…"` every language
    /// has. A quotation that closes on its line keeps its sentences together.
    pub quotes: &'static [(char, char)],
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
    /// Word lists: each class with its words (lowercase, separated by whitespace). A
    /// word is matched as the tokenizer sees it: letters, digits and inner apostrophes.
    pub words: &'static [(WordClass, &'static str)],
    /// Phrases of attribution by source, words separated by spaces (`according to`,
    /// `laut`, `secondo`). The first word must also be a [`WordClass::Reporting`] word.
    pub according_to: &'static [&'static str],
    /// "According to me": phrases that begin with an [`CueLexicon::according_to`]
    /// phrase but give the author's own view (`secondo me`, `според мен`). They are
    /// no attribution; their pronoun counts as first person. Possessives stay
    /// attribution: "according to our count" cites the outlet's own work.
    pub own_view: &'static [&'static str],
    /// Suffixes of regular past-tense (or past participle) forms (`ed`); a word of
    /// more than four letters ending in one counts as past tense.
    pub past_suffixes: &'static [&'static str],
    /// Suffixes of adverbs, for the evaluative opening adverb (`ly`, `mente`).
    pub adverb_suffixes: &'static [&'static str],
    /// A subjectivity lexicon in the Pattern XML format (`<word form=.. subjectivity=..>`).
    pub subjectivity_xml: Option<&'static str>,
    /// A valence lexicon in the VADER format (word, tab, mean valence).
    pub valence_tsv: Option<&'static str>,
}

/// Any other language: the English segmentation rules, no stemming, and only the cues
/// that need no word list (see [`crate::pipeline::cues::groups_for`]).
const UNSTEMMED: Profile = Profile {
    code: "none",
    name: "unstemmed",
    about: "Any other language: lowercasing only, no stemming",
    detected_as: None,
    right_to_left: false,
    stemmer: StemRule::None,
    segmentation: &en::SEGMENTATION,
    cues: Some(&NO_WORDS),
};

/// A cue lexicon without words: quotation marks, question and exclamation marks,
/// numbers, capitalised words and length still give cues.
const NO_WORDS: CueLexicon = CueLexicon {
    words: &[],
    according_to: &[],
    own_view: &[],
    past_suffixes: &[],
    adverb_suffixes: &[],
    subjectivity_xml: None,
    valence_tsv: None,
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
    fn every_language_but_unstemmed_has_cue_words() {
        for l in Language::ALL {
            let cues = l.profile().cues.expect("every profile has a cue lexicon");
            assert_eq!(!cues.words.is_empty(), l != Language::Unstemmed, "{l:?}");
        }
    }

    #[test]
    fn lists_are_lowercase_and_fit_the_segmenter() {
        for l in Language::ALL {
            let p = l.profile();
            for a in p
                .segmentation
                .never_end
                .iter()
                .chain(p.segmentation.may_end)
            {
                assert_eq!(*a, a.to_lowercase(), "{l:?}: {a}");
                assert!(a.chars().count() <= 12 && !a.ends_with('.'), "{l:?}: {a}");
            }
            let Some(cues) = p.cues else { continue };
            for (_, words) in cues.words {
                for w in words.split_whitespace() {
                    assert_eq!(w, w.to_lowercase(), "{l:?}: {w}");
                }
            }
            for phrase in cues.according_to {
                let first = phrase.split(' ').next().unwrap();
                let reporting = cues
                    .words
                    .iter()
                    .filter(|(c, _)| *c == WordClass::Reporting)
                    .any(|(_, ws)| ws.split_whitespace().any(|w| w == first));
                assert!(reporting, "{l:?}: {first} is not a reporting word");
            }
        }
    }
}
