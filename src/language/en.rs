//! English: the language of the default model.
//!
//! Segmentation rules for English news (titles, company suffixes, months, common
//! sentence openers), the Snowball English (Porter2) stemmer, and cue word lists written
//! for English news reporting and commentary. The evaluative lexicons are the Pattern
//! adjective subjectivity lexicon (PDDL) and the VADER valence lexicon (MIT), both in
//! `data/lexicons/` with their licences.

use super::{CueLexicon, Profile, SegmentRules, WordClass};
use rust_stemmers::Algorithm;

/// The English profile.
pub(super) const PROFILE: Profile = Profile {
    code: "en",
    name: "English",
    stemmer: Some(Algorithm::English),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of English news text.
pub(super) const SEGMENTATION: SegmentRules = SegmentRules {
    // Titles and the like: never end a sentence.
    never_end: &[
        b"mr", b"mrs", b"ms", b"mx", b"dr", b"drs", b"prof", b"gen", b"sen", b"sens", b"rep",
        b"reps", b"gov", b"lt", b"col", b"capt", b"cmdr", b"sgt", b"adm", b"maj", b"rev", b"hon",
        b"pres", b"supt", b"messrs", b"mme", b"mlle", b"fr", b"vs", b"cf", b"viz", b"approx",
    ],
    // Suffixes, months, street words: end a sentence only before a common opener.
    may_end: &[
        b"st", b"jr", b"sr", b"inc", b"corp", b"ltd", b"co", b"bros", b"etc", b"al", b"jan",
        b"feb", b"mar", b"apr", b"jun", b"jul", b"aug", b"sep", b"sept", b"oct", b"nov", b"dec",
        b"tues", b"thurs", b"ave", b"blvd", b"rd", b"mt", b"ft", b"vol", b"dept", b"univ", b"assn",
        b"intl", b"govt",
    ],
    // Words that commonly open a sentence and rarely follow an abbreviation inside one.
    starters: &[
        b"The",
        b"A",
        b"An",
        b"He",
        b"She",
        b"It",
        b"They",
        b"We",
        b"I",
        b"You",
        b"This",
        b"That",
        b"These",
        b"Those",
        b"There",
        b"Here",
        b"But",
        b"And",
        b"Or",
        b"So",
        b"Yet",
        b"Nor",
        b"In",
        b"On",
        b"At",
        b"For",
        b"If",
        b"When",
        b"While",
        b"After",
        b"Before",
        b"As",
        b"Although",
        b"Though",
        b"Because",
        b"Since",
        b"His",
        b"Her",
        b"Its",
        b"Their",
        b"Our",
        b"My",
        b"Your",
        b"Some",
        b"Many",
        b"Most",
        b"Such",
        b"Not",
        b"Now",
        b"Then",
        b"Thus",
        b"However",
        b"Meanwhile",
        b"Still",
        b"Also",
        b"What",
        b"Why",
        b"How",
        b"Who",
        b"Where",
        b"Which",
        b"Both",
        b"Each",
        b"Every",
        b"All",
        b"Last",
        b"Earlier",
        b"Later",
        b"Instead",
        b"Indeed",
        b"Despite",
        b"During",
        b"To",
    ],
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
    according_to: ["according", "to"],
    past_suffix: "ed",
    adverb_suffix: "ly",
    subjectivity_xml: Some(include_str!("../../data/lexicons/pattern-en-sentiment.xml")),
    valence_tsv: Some(include_str!("../../data/lexicons/vader_lexicon.txt")),
};
