//! German. (Placeholder: the pack is being written.)

use super::{CueLexicon, Profile, SegmentRules, StemRule};
use rust_stemmers::Algorithm;

/// The German profile.
pub(super) const PROFILE: Profile = Profile {
    code: "de",
    name: "German",
    stemmer: StemRule::Snowball(Algorithm::German),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

const SEGMENTATION: SegmentRules = SegmentRules {
    never_end: &[],
    may_end: &[],
    starters: &[],
    ordinals: true,
    quotes: &[('\u{201E}', '\u{201C}'), ('\u{00BB}', '\u{00AB}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[],
    according_to: &[],
    past_suffixes: &[],
    adverb_suffixes: &[],
    subjectivity_xml: None,
    valence_tsv: None,
};
