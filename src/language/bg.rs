//! Bulgarian. (Placeholder: the pack is being written.)

use super::{CueLexicon, Profile, SegmentRules, StemRule};

/// The Bulgarian profile.
pub(super) const PROFILE: Profile = Profile {
    code: "bg",
    name: "Bulgarian",
    stemmer: StemRule::Suffixes {
        suffixes: &[],
        min_stem: 3,
    },
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

const SEGMENTATION: SegmentRules = SegmentRules {
    never_end: &[],
    may_end: &[],
    starters: &[],
    ordinals: false,
    quotes: &[('\u{201E}', '\u{201C}'), ('\u{00AB}', '\u{00BB}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[],
    according_to: &[],
    past_suffixes: &[],
    adverb_suffixes: &[],
    subjectivity_xml: None,
    valence_tsv: None,
};
