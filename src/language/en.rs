//! English: the language of the default model.
//!
//! Segmentation rules for English news (titles, company suffixes, months, common
//! sentence openers), the Snowball English (Porter2) stemmer, and cue word lists written
//! for English news reporting and commentary. The evaluative lexicons are the Pattern
//! adjective subjectivity lexicon (PDDL) and the VADER valence lexicon (MIT), both in
//! `data/lexicons/` with their licences.

use super::{CueLexicon, Profile, SegmentRules, StemRule, WordClass};
use rust_stemmers::Algorithm;

/// The English profile.
pub(super) const PROFILE: Profile = Profile {
    code: "en",
    name: "English",
    about: "English (Snowball \"english\", the Porter2 stemmer). The default",
    detected_as: Some(whatlang::Lang::Eng),
    right_to_left: false,
    stemmer: StemRule::Snowball(Algorithm::English),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of English news text.
pub(super) const SEGMENTATION: SegmentRules = SegmentRules {
    // Titles and the like: never end a sentence.
    never_end: &[
        "v", "e.g", "i.e", "mr", "mrs", "ms", "mx", "dr", "drs", "prof", "gen", "sen", "sens",
        "rep", "reps", "gov", "lt", "col", "capt", "cmdr", "sgt", "adm", "maj", "rev", "hon",
        "pres", "supt", "messrs", "mme", "mlle", "fr", "vs", "cf", "viz", "approx",
    ],
    // Suffixes, months, street words: end a sentence only before a common opener.
    may_end: &[
        "st", "jr", "sr", "inc", "corp", "ltd", "co", "bros", "etc", "al", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "tues", "thurs", "ave",
        "blvd", "rd", "mt", "ft", "vol", "dept", "univ", "assn", "intl", "govt",
    ],
    // Words that commonly open a sentence and rarely follow an abbreviation inside one.
    starters: &[
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "But",
        "And",
        "Or",
        "So",
        "Yet",
        "Nor",
        "In",
        "On",
        "At",
        "For",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "As",
        "Although",
        "Though",
        "Because",
        "Since",
        "His",
        "Her",
        "Its",
        "Their",
        "Our",
        "My",
        "Your",
        "Some",
        "Many",
        "Most",
        "Such",
        "Not",
        "Now",
        "Then",
        "Thus",
        "However",
        "Meanwhile",
        "Still",
        "Also",
        "What",
        "Why",
        "How",
        "Who",
        "Where",
        "Which",
        "Both",
        "Each",
        "Every",
        "All",
        "Last",
        "Earlier",
        "Later",
        "Instead",
        "Indeed",
        "Despite",
        "During",
        "To",
    ],
    ordinals: false,
    quotes: &[('\u{201C}', '\u{201D}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[
    (WordClass::Reporting, "said says say saying told tells tell telling acknowledged acknowledges disclosed discloses stated states announced announces added adds reported reports claimed claims noted notes explained explains insisted insists argued argues wrote writes asked asks confirmed confirms denied denies declared declares testified testifies warned warns urged urges recalled recalls revealed reveals replied replies responded responds commented comments tweeted posted according alleged alleges admitted admits suggested estimated predicted conceded countered"),
    (WordClass::Speaker, "he she they it officials official spokesman spokeswoman spokesperson police ministry department agency report reports statement source sources analysts analyst experts expert researchers authorities court government company president minister lawyer lawyers prosecutors witnesses residents study survey data who"),
    (WordClass::FirstSingular, "i me my mine myself i'm i've i'd i'll"),
    (WordClass::FirstPlural, "we us our ours ourselves we're we've we'd we'll let's"),
    (WordClass::Second, "you your yours yourself yourselves you're you've you'd you'll"),
    (WordClass::Modal, "should must ought might could would may shall can can't cannot couldn't wouldn't shouldn't mustn't need needs"),
    (WordClass::Hedge, "perhaps probably likely unlikely seems seem seemed seemingly apparently arguably maybe possibly presumably supposedly think believe guess suppose doubt suspect appears appear somewhat"),
    (WordClass::Intensifier, "very really extremely so too totally absolutely utterly truly incredibly deeply highly hugely remarkably simply just even quite rather entirely completely terribly awfully enormously"),
    (WordClass::Stance, "unfortunately fortunately sadly hopefully clearly obviously surely frankly honestly ironically luckily thankfully regrettably undoubtedly admittedly certainly of course indeed"),
    (WordClass::Superlative, "best worst most least greatest biggest worse better finest"),
    (WordClass::Negation, "not n't no never none nothing nobody neither nor nowhere without isn't aren't wasn't weren't don't doesn't didn't won't hasn't haven't hadn't"),
    (WordClass::Date, "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow week month year"),
    (WordClass::Money, "percent per cent million billion trillion dollars dollar euros euro pounds usd"),
    (WordClass::Past, "was were had did been"),
    (WordClass::Be, "is are am it's that's there's here's what's"),
    (WordClass::Contrast, "but however yet though although nevertheless nonetheless instead still whereas"),
    ],
    according_to: &["according to"],
    own_view: &["according to me", "according to us"],
    past_suffixes: &["ed"],
    adverb_suffixes: &["ly"],
    subjectivity_xml: Some(include_str!("../../data/lexicons/pattern-en-sentiment.xml")),
    valence_tsv: Some(include_str!("../../data/lexicons/vader_lexicon.txt")),
};
