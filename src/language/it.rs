//! Italian. (Placeholder: the pack is being written.)

use super::{CueLexicon, Profile, SegmentRules, StemRule};
use rust_stemmers::Algorithm;

/// The Italian profile.
pub(super) const PROFILE: Profile = Profile {
    code: "it",
    name: "Italian",
    stemmer: StemRule::Snowball(Algorithm::Italian),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

const SEGMENTATION: SegmentRules = SegmentRules {
    never_end: &[],
    may_end: &[],
    starters: &[],
    ordinals: false,
    quotes: &[('\u{00AB}', '\u{00BB}'), ('\u{201C}', '\u{201D}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[],
    according_to: &[],
    past_suffixes: &[],
    adverb_suffixes: &[],
    subjectivity_xml: None,
    valence_tsv: None,
};
