//! Cue features: hand-made, named signals of reporting versus commentary.
//!
//! Each cue is a number computed from a sentence's tokens. Most cues look only at the
//! author's own voice, i.e. the words outside double quotation marks: an attributed
//! quote of an opinion is a reported statement, so the evaluative words inside it should
//! not count as the author's. Cues are grouped (attribution, quotation, person, ...) so
//! that a model can be trained with any subset, and each has a stable name that `inspect`
//! and `classify --explain` show.
//!
//! The cues are the same for every language; the words behind them come from the
//! language's [`CueLexicon`] (see [`crate::language`]). For English, the evaluative cues
//! use two permissively licensed lexicons shipped in `data/lexicons/` and embedded in
//! the binary: the Pattern adjective subjectivity lexicon (PDDL) and the VADER valence
//! lexicon (MIT).

use super::stem::Stemmer;
use super::tokenize::{Token, TokenKind};
use crate::language::{CueLexicon, Language, WordClass};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A family of cue features, switched on or off together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CueGroup {
    /// Reporting verbs (said, told, disclosed...), "according to", and who is speaking.
    Attribution,
    /// Material inside double quotes, attributed quotes, scare quotes.
    Quotation,
    /// First and second person pronouns in the author's voice.
    Person,
    /// Modal verbs and hedges (should, must, perhaps, likely...).
    Modality,
    /// Intensifiers, stance adverbs, superlatives and lexicon subjectivity and valence.
    Evaluative,
    /// Negation words.
    Negation,
    /// Questions and exclamations in the author's voice.
    Punctuation,
    /// Numbers, dates, money and percentages.
    Numbers,
    /// Name-like capitalised words.
    Names,
    /// Sentence length.
    Length,
    /// Past-tense narration versus present-tense copulas.
    Tense,
    /// Contrast and concession connectives (but, however, yet...).
    Discourse,
}

impl CueGroup {
    /// Every group, in feature order.
    pub const ALL: [CueGroup; 12] = [
        CueGroup::Attribution,
        CueGroup::Quotation,
        CueGroup::Person,
        CueGroup::Modality,
        CueGroup::Evaluative,
        CueGroup::Negation,
        CueGroup::Punctuation,
        CueGroup::Numbers,
        CueGroup::Names,
        CueGroup::Length,
        CueGroup::Tense,
        CueGroup::Discourse,
    ];

    /// The group's name on the command line and in model files (`attribution`...).
    pub fn name(self) -> &'static str {
        match self {
            CueGroup::Attribution => "attribution",
            CueGroup::Quotation => "quotation",
            CueGroup::Person => "person",
            CueGroup::Modality => "modality",
            CueGroup::Evaluative => "evaluative",
            CueGroup::Negation => "negation",
            CueGroup::Punctuation => "punctuation",
            CueGroup::Numbers => "numbers",
            CueGroup::Names => "names",
            CueGroup::Length => "length",
            CueGroup::Tense => "tense",
            CueGroup::Discourse => "discourse",
        }
    }

    /// What the group's cues look for, in one line.
    pub fn about(self) -> &'static str {
        match self {
            CueGroup::Attribution => {
                "Reporting verbs (said, told, disclosed...), \"according to\", and who is speaking"
            }
            CueGroup::Quotation => "Material inside double quotes, attributed quotes, scare quotes",
            CueGroup::Person => "First and second person pronouns in the author's voice",
            CueGroup::Modality => "Modal verbs and hedges (should, must, perhaps, likely...)",
            CueGroup::Evaluative => {
                "Intensifiers, stance adverbs, superlatives and lexicon subjectivity and valence"
            }
            CueGroup::Negation => "Negation words",
            CueGroup::Punctuation => "Questions and exclamations in the author's voice",
            CueGroup::Numbers => "Numbers, dates, money and percentages",
            CueGroup::Names => "Name-like capitalised words",
            CueGroup::Length => "Sentence length",
            CueGroup::Tense => "Past-tense narration versus present-tense copulas",
            CueGroup::Discourse => "Contrast and concession connectives (but, however, yet...)",
        }
    }
}

/// One cue feature: its stable name, group and meaning.
#[derive(Debug, Clone, Copy)]
pub struct Cue {
    /// Stable name, shown by `inspect` and `--explain` as `cue:NAME`.
    pub name: &'static str,
    /// The group the cue belongs to.
    pub group: CueGroup,
    /// What the cue measures.
    pub doc: &'static str,
    /// The cue in a few plain words, as explanations show it to a reader
    /// (`quotes someone`, `sentence length`).
    pub plain: &'static str,
}

macro_rules! cues {
    ($($name:literal, $group:ident, $doc:literal, $plain:literal;)*) => {
        /// Every cue feature, in feature order.
        pub const CUES: &[Cue] = &[$(Cue { name: $name, group: CueGroup::$group, doc: $doc, plain: $plain }),*];
    };
}

cues! {
    "attribution.verb", Attribution, "a reporting verb (said, told, disclosed, acknowledged...) outside quotes", "reporting verb (said, told)";
    "attribution.third_party", Attribution, "a reporting verb next to a third-party speaker (he said, officials told, said Smith)", "reports what someone else said";
    "attribution.according_to", Attribution, "the phrase 'according to'", "cites a source (\"according to\")";
    "quotation.share", Quotation, "share of words inside double quotes", "words in quotation marks";
    "quotation.attributed", Quotation, "a quote together with a reporting verb outside it", "quotes someone";
    "quotation.scare", Quotation, "a quote of one to three words (scare quotes)", "scare quotes";
    "person.first_singular", Person, "I, me, my, mine, myself outside quotes", "first person (I, me, my)";
    "person.first_plural", Person, "we, us, our, ours, ourselves outside quotes", "first person plural (we, our)";
    "person.second", Person, "you, your, yours, yourself outside quotes", "speaks to the reader (you)";
    "modality.modal", Modality, "modal verbs (should, must, would, could, might, may...) outside quotes", "modal verb (should, must, could)";
    "modality.hedge", Modality, "hedges (perhaps, probably, likely, seems, arguably...) outside quotes", "hedge (perhaps, likely, seems)";
    "evaluative.intensifier", Evaluative, "intensifiers (very, really, extremely, so, too...) outside quotes", "intensifier (very, really)";
    "evaluative.stance", Evaluative, "stance adverbs (unfortunately, clearly, obviously, sadly...) outside quotes", "stance adverb (unfortunately, clearly)";
    "evaluative.opening_adverb", Evaluative, "the author's first word is an evaluative -ly adverb (lexicon stem: Unfortunately, Sadly...)", "opens with a judging adverb";
    "evaluative.superlative", Evaluative, "superlatives (best, worst, most, least...) outside quotes", "superlative (best, worst, most)";
    "evaluative.subjectivity", Evaluative, "mean Pattern-lexicon subjectivity of the author's words", "subjective wording";
    "evaluative.valence", Evaluative, "mean absolute VADER valence of the author's words", "emotionally charged wording";
    "evaluative.strong_words", Evaluative, "words with |VADER valence| >= 1.5 outside quotes", "strong judgement words";
    "negation.count", Negation, "not, n't, no, never, none, nothing... outside quotes", "negation (not, never, no)";
    "punctuation.question", Punctuation, "a question mark outside quotes", "question in the author's voice";
    "punctuation.exclamation", Punctuation, "an exclamation mark outside quotes", "exclamation in the author's voice";
    "numbers.count", Numbers, "numbers in the sentence, log(1 + n)", "numbers";
    "numbers.date", Numbers, "month and weekday names and years", "dates";
    "numbers.money_percent", Numbers, "money and percentages (%, $, percent, million, billion)", "money or percentages";
    "names.capitalised", Names, "share of words after the first that are capitalised (name-like)", "names (capitalised words)";
    "length.words", Length, "log(1 + number of words)", "sentence length";
    "tense.past", Tense, "share of past-tense forms (-ed, was, were, had, did)", "past tense";
    "tense.present_be", Tense, "present-tense copulas (is, are, am, 's) outside quotes", "present tense (is, are)";
    "discourse.contrast", Discourse, "contrast connectives (but, however, yet, though...) outside quotes", "contrast (but, however)";
}

/// Number of cue features.
pub const N_CUES: usize = CUES.len();

const fn flag(class: WordClass) -> u32 {
    1 << class as u32
}

const F_REPORT: u32 = flag(WordClass::Reporting);
const F_SPEAKER: u32 = flag(WordClass::Speaker);
const F_DATE: u32 = flag(WordClass::Date);
const F_MONEY: u32 = flag(WordClass::Money);
const F_PAST: u32 = flag(WordClass::Past);
/// Word shapes, worked out once per word (see [`Lexicon::word_cues`]): a word of more
/// than four letters that ends in the language's past-tense or adverb suffix.
const F_PAST_SUFFIX: u32 = 1 << 16;
const F_ADVERB_SUFFIX: u32 = 1 << 17;

/// A language's cue lexicon, parsed: word classes by lowercase form, lexicon scores by
/// stem, and the language's rules.
#[derive(Debug)]
pub struct Lexicon {
    flags: FxHashMap<&'static str, u32>,
    /// Each scored stem's entry in `scores`.
    scored: FxHashMap<String, u32>,
    /// (subjectivity, valence) of each scored stem, NaN where a lexicon has no score;
    /// entry 0 is the unscored word's, both NaN.
    scores: Vec<(f64, f64)>,
    rules: &'static CueLexicon,
}

/// The mean score of the words sharing each Snowball stem, summed in input order.
fn stem_means<'a>(
    stemmer: &Stemmer,
    scores: impl Iterator<Item = (&'a str, f64)>,
) -> FxHashMap<String, f64> {
    let mut sums: FxHashMap<String, (f64, u32)> = FxHashMap::default();
    for (word, score) in scores {
        let e = sums
            .entry(stemmer.stem_lower(&word.to_lowercase()).into_owned())
            .or_insert((0.0, 0));
        e.0 += score;
        e.1 += 1;
    }
    sums.into_iter()
        .map(|(w, (s, n))| (w, s / f64::from(n)))
        .collect()
}

fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = line.find(&key)? + key.len();
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

impl Lexicon {
    fn parse(language: Language, rules: &'static CueLexicon) -> Lexicon {
        let mut flags: FxHashMap<&'static str, u32> = FxHashMap::default();
        for &(class, words) in rules.words {
            for w in words.split_whitespace() {
                *flags.entry(w).or_insert(0) |= flag(class);
            }
        }
        // Both lexicons are keyed by the language's stem, so that inflections and
        // adverbs (unfortunate, unfortunately) share an entry.
        let stemmer = Stemmer::new(language);
        // Pattern: average the subjectivity of the senses of the words sharing a stem.
        let subjectivity = stem_means(
            &stemmer,
            rules
                .subjectivity_xml
                .unwrap_or("")
                .lines()
                .filter(|l| l.starts_with("<word "))
                .filter_map(|line| {
                    let form = attribute(line, "form")?;
                    let subj = attribute(line, "subjectivity")?.parse::<f64>().ok()?;
                    (!form.contains(' ')).then_some((form, subj))
                }),
        );
        // VADER: average the valence of the words sharing a stem.
        let valence = stem_means(
            &stemmer,
            rules.valence_tsv.unwrap_or("").lines().filter_map(|line| {
                let mut cols = line.split('\t');
                let (w, v) = (cols.next()?, cols.next()?);
                Some((w, v.parse::<f64>().ok()?))
            }),
        );
        let mut scored: FxHashMap<String, u32> = FxHashMap::default();
        let mut scores = vec![(f64::NAN, f64::NAN)];
        for stem in subjectivity.keys().chain(valence.keys()) {
            if !scored.contains_key(stem) {
                scored.insert(stem.clone(), scores.len() as u32);
                scores.push((
                    subjectivity.get(stem).copied().unwrap_or(f64::NAN),
                    valence.get(stem).copied().unwrap_or(f64::NAN),
                ));
            }
        }
        Lexicon {
            flags,
            scored,
            scores,
            rules,
        }
    }

    /// The parsed cue lexicon of `language`, or `None` when its profile has none.
    /// Parsed once per language, on first use.
    pub fn of(language: Language) -> Option<&'static Lexicon> {
        static LEXICONS: [OnceLock<Option<Lexicon>>; Language::ALL.len()] =
            [const { OnceLock::new() }; Language::ALL.len()];
        LEXICONS[language.index()]
            .get_or_init(|| {
                let rules = language.profile().cues?;
                Some(Lexicon::parse(language, rules))
            })
            .as_ref()
    }

    /// Look up a word by its lowercase form (word lists and suffixes) and its stem
    /// (lexicons).
    pub fn word_cues(&self, lower: &str, stem: &str) -> WordCues {
        let long = lower.chars().nth(4).is_some();
        let ends = |suffixes: &[&str]| long && suffixes.iter().any(|s| lower.ends_with(s));
        let shape = if ends(self.rules.past_suffixes) {
            F_PAST_SUFFIX
        } else {
            0
        } | if ends(self.rules.adverb_suffixes) {
            F_ADVERB_SUFFIX
        } else {
            0
        };
        WordCues {
            flags: self.flags.get(lower).copied().unwrap_or(0) | shape,
            scores: self.scored.get(stem).copied().unwrap_or(0),
        }
    }

    /// A word's lexicon subjectivity, if the lexicon has one.
    fn subjectivity(&self, word: WordCues) -> Option<f64> {
        let s = self.scores[word.scores as usize].0;
        (!s.is_nan()).then_some(s)
    }

    /// A word's lexicon valence, if the lexicon has one.
    fn valence(&self, word: WordCues) -> Option<f64> {
        let v = self.scores[word.scores as usize].1;
        (!v.is_nan()).then_some(v)
    }
}

/// Make sure the embedded lexicons of `language` are parsed (so that timing the first
/// sentence does not include it).
pub fn warm_up(language: Language) {
    Lexicon::of(language);
}

/// The cue groups a model of `language` uses when `requested` are asked for: sorted
/// and without repeats; none when the language has no cue lexicon, and only the
/// [`WORDLESS_GROUPS`] when its lexicon has no words.
pub fn groups_for(language: Language, requested: &[CueGroup]) -> Vec<CueGroup> {
    let Some(lexicon) = language.profile().cues else {
        return Vec::new();
    };
    let mut g: Vec<CueGroup> = requested
        .iter()
        .copied()
        .filter(|g| !lexicon.words.is_empty() || WORDLESS_GROUPS.contains(g))
        .collect();
    g.sort();
    g.dedup();
    g
}

/// The cue groups that need no word list: they read quotation marks, question and
/// exclamation marks, digits, capital letters and the number of words, so they mean
/// the same in any language (the cues inside them that do need words, such as an
/// attributed quote's reporting verb, stay 0 and get no weight).
pub const WORDLESS_GROUPS: [CueGroup; 5] = [
    CueGroup::Quotation,
    CueGroup::Punctuation,
    CueGroup::Numbers,
    CueGroup::Names,
    CueGroup::Length,
];

/// What the word lists and lexicons of one [`Lexicon`] say about one word: its class
/// flags and its entry in the lexicon's score table (8 bytes, so that a cached word
/// takes half a cache line with its key). Callers may cache it per word and lexicon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordCues {
    flags: u32,
    scores: u32,
}

/// Compute every cue for one sentence. `tokens` are the sentence's tokens (case kept),
/// `lower[i]` is token `i` lowercased and `words[i]` its [`Lexicon::word_cues`] (default
/// for numbers and marks); `lexicon` gives the language's rules. Writes [`N_CUES`]
/// values into `out`.
pub fn compute(
    lexicon: &Lexicon,
    tokens: &[Token<'_>],
    lower: &[&str],
    words_cues: &[WordCues],
    out: &mut [f64; N_CUES],
) {
    let rules = lexicon.rules;
    let cue_of = |i: usize| words_cues.get(i).copied().unwrap_or_default();
    let mut inside = false;
    let mut words = 0usize;
    let mut words_outside = 0usize;
    let mut words_inside = 0usize;
    let mut quote_marks = 0usize;
    let mut shortest_quote = usize::MAX;
    let mut current_quote = 0usize;
    let mut counts = [0u32; 16];
    let mut report_outside = false;
    let mut third_party = false;
    let mut according = false;
    let (mut subj_sum, mut val_sum, mut strong) = (0.0, 0.0, 0usize);
    let (mut question, mut exclaim, mut numbers, mut years) = (false, false, 0usize, 0usize);
    let (mut capitalised, mut past_suffix) = (0usize, 0usize);
    let mut money_sign = false;
    let mut opening_adverb = false;

    for (i, tok) in tokens.iter().enumerate() {
        match tok.kind {
            TokenKind::Mark => match tok.text {
                "\"" => {
                    quote_marks += 1;
                    if inside && current_quote > 0 {
                        shortest_quote = shortest_quote.min(current_quote);
                    }
                    inside = !inside;
                    current_quote = 0;
                }
                "?" if !inside => question = true,
                "!" if !inside => exclaim = true,
                _ => {}
            },
            TokenKind::Number => {
                numbers += 1;
                if tok.text.len() == 4 && (tok.text.starts_with("19") || tok.text.starts_with("20"))
                {
                    years += 1;
                }
                if tok.text.contains('$') {
                    money_sign = true;
                }
            }
            TokenKind::Word => {
                words += 1;
                if inside {
                    words_inside += 1;
                    current_quote += 1;
                } else {
                    words_outside += 1;
                }
                if words > 1 && tok.text.chars().next().is_some_and(char::is_uppercase) {
                    capitalised += 1;
                }
                let wc = cue_of(i);
                let f = wc.flags;
                if f & F_PAST_SUFFIX != 0 {
                    past_suffix += 1;
                }
                // Dates, money and narrative tense count everywhere; the rest only in
                // the author's own voice.
                for (bit, slot) in [(F_DATE, 11), (F_MONEY, 12), (F_PAST, 13)] {
                    if f & bit != 0 {
                        counts[slot] += 1;
                    }
                }
                if inside {
                    continue;
                }
                // Each other flag of the 16 counted ones: its set bits only.
                let mut bits = f & 0xFFFF & !(1 << 11 | 1 << 12 | 1 << 13);
                while bits != 0 {
                    counts[bits.trailing_zeros() as usize] += 1;
                    bits &= bits - 1;
                }
                if f & F_REPORT != 0 {
                    let at = |phrase: &&str| {
                        phrase
                            .split(' ')
                            .enumerate()
                            .all(|(k, w)| lower.get(i + k) == Some(&w))
                    };
                    let according_here = rules.according_to.iter().any(at);
                    // "According to me" (secondo me, според мен) gives the author's own
                    // view: no attribution (the pronoun counts as first person). Each
                    // own-view phrase begins with an according-to phrase, so only those
                    // are looked at.
                    if !(according_here && rules.own_view.iter().any(at)) {
                        report_outside = true;
                        according |= according_here;
                        let lo = i.saturating_sub(3);
                        let hi = (i + 4).min(tokens.len());
                        for j in (lo..hi).filter(|&j| j != i) {
                            let speaker = cue_of(j).flags & F_SPEAKER != 0;
                            let name = j > 0
                                && tokens[j].kind == TokenKind::Word
                                && tokens[j]
                                    .text
                                    .chars()
                                    .next()
                                    .is_some_and(char::is_uppercase);
                            if speaker || name {
                                third_party = true;
                            }
                        }
                    }
                }
                let (subj, val) = (lexicon.subjectivity(wc), lexicon.valence(wc));
                if words_outside == 1 && f & F_ADVERB_SUFFIX != 0 {
                    opening_adverb = subj.unwrap_or(0.0) > 0.0 || val.unwrap_or(0.0) != 0.0;
                }
                if let Some(s) = subj {
                    subj_sum += s;
                }
                if let Some(v) = val {
                    val_sum += v.abs();
                    if v.abs() >= 1.5 {
                        strong += 1;
                    }
                }
            }
        }
    }
    let outside = words_outside.max(1) as f64;
    // Most counts are small: their logarithms come from a table (the same values).
    static LN1P: std::sync::LazyLock<[f64; 64]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|n| (n as f64).ln_1p()));
    let ln1p = |n: usize| match LN1P.get(n) {
        Some(&v) => v,
        None => (n as f64).ln_1p(),
    };
    let has_quote = quote_marks > 0;
    *out = [
        f64::from(report_outside as u8),
        f64::from(third_party as u8),
        f64::from(according as u8),
        if words > 0 {
            words_inside as f64 / words as f64
        } else {
            0.0
        },
        f64::from((has_quote && report_outside) as u8),
        f64::from((shortest_quote <= 3) as u8),
        ln1p(counts[2] as usize),
        ln1p(counts[3] as usize),
        ln1p(counts[4] as usize),
        ln1p(counts[5] as usize),
        ln1p(counts[6] as usize),
        ln1p(counts[7] as usize),
        ln1p(counts[8] as usize),
        f64::from(opening_adverb as u8),
        ln1p(counts[9] as usize),
        subj_sum / outside,
        val_sum / (4.0 * outside),
        ln1p(strong),
        ln1p(counts[10] as usize),
        f64::from(question as u8),
        f64::from(exclaim as u8),
        ln1p(numbers),
        ln1p(counts[11] as usize + years),
        f64::from((counts[12] > 0 || money_sign) as u8),
        if words > 1 {
            capitalised as f64 / (words - 1) as f64
        } else {
            0.0
        },
        ln1p(words),
        (past_suffix + counts[13] as usize) as f64 / words.max(1) as f64,
        ln1p(counts[14] as usize),
        ln1p(counts[15] as usize),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::normalize::normalize;
    use crate::pipeline::tokenize::tokenize;

    fn cues_of(s: &str) -> FxHashMap<&'static str, f64> {
        cues_in(Language::English, s)
    }

    fn cues_in(language: Language, s: &str) -> FxHashMap<&'static str, f64> {
        let norm = normalize(s);
        let toks = tokenize(&norm);
        let lower: Vec<String> = toks.iter().map(|t| t.text.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let st = Stemmer::new(language);
        let lex = Lexicon::of(language).unwrap();
        let stems: Vec<String> = lower
            .iter()
            .map(|w| st.stem_lower(w).into_owned())
            .collect();
        let wc: Vec<WordCues> = toks
            .iter()
            .zip(lower.iter().zip(&stems))
            .map(|(t, (l, s))| match t.kind {
                TokenKind::Word => lex.word_cues(l, s),
                _ => WordCues::default(),
            })
            .collect();
        let mut out = [0.0; N_CUES];
        compute(lex, &toks, &lower, &wc, &mut out);
        CUES.iter().map(|c| c.name).zip(out).collect()
    }

    /// Every cue has plain words of its own for explanations, free of internal names.
    #[test]
    fn plain_descriptions_are_unique_and_plain() {
        let mut seen = std::collections::HashSet::new();
        for c in CUES {
            assert!(!c.plain.is_empty() && c.plain.len() <= 40, "{}", c.name);
            assert!(
                !c.plain.contains('.') && !c.plain.contains('_'),
                "{}",
                c.name
            );
            assert!(seen.insert(c.plain), "{} repeats {}", c.name, c.plain);
        }
    }

    #[test]
    fn names_are_unique_and_groups_ordered() {
        let mut names: Vec<_> = CUES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N_CUES);
        for c in CUES {
            assert!(c.name.starts_with(&format!("{:?}", c.group).to_lowercase()));
            assert!(c.name.starts_with(&format!("{}.", c.group.name())));
        }
        for g in CueGroup::ALL {
            let json = serde_json::to_string(&g).unwrap();
            assert_eq!(json, format!("\"{}\"", g.name()));
        }
    }

    #[test]
    fn attributed_quote_is_reporting() {
        let c = cues_of("\u{201C}We can talk to them. It is terrible,\u{201D} he said.");
        assert_eq!(c["attribution.verb"], 1.0);
        assert_eq!(c["attribution.third_party"], 1.0);
        assert_eq!(c["quotation.attributed"], 1.0);
        // "we" and "terrible" are inside the quote: not the author's voice
        assert_eq!(c["person.first_plural"], 0.0);
        assert_eq!(c["evaluative.valence"], 0.0);
        assert!((c["quotation.share"] - 8.0 / 10.0).abs() < 1e-12);
    }

    #[test]
    fn author_voice_commentary() {
        let c = cues_of("Unfortunately, we really should not accept such a terrible deal?");
        assert_eq!(c["evaluative.stance"], 2f64.ln());
        assert_eq!(c["evaluative.opening_adverb"], 1.0);
        assert_eq!(c["person.first_plural"], 2f64.ln());
        assert_eq!(c["evaluative.intensifier"], 2f64.ln());
        assert_eq!(c["modality.modal"], 2f64.ln());
        assert_eq!(c["negation.count"], 2f64.ln());
        assert_eq!(c["punctuation.question"], 1.0);
        assert!(c["evaluative.valence"] > 0.0);
        assert!(c["evaluative.subjectivity"] > 0.0);
        assert_eq!(c["attribution.verb"], 0.0);
    }

    #[test]
    fn according_to_numbers_and_dates() {
        let c = cues_of("According to the report, prices increased 3.5 percent in March 2017.");
        assert_eq!(c["attribution.according_to"], 1.0);
        assert!((c["numbers.count"] - 3f64.ln()).abs() < 1e-12);
        assert!((c["numbers.date"] - 3f64.ln()).abs() < 1e-12);
        assert_eq!(c["numbers.money_percent"], 1.0);
        assert!(c["tense.past"] > 0.0);
    }

    /// "According to" before a first-person pronoun is the author's own view, not a
    /// cited source; before anything else it stays attribution.
    #[test]
    fn according_to_me_is_not_attribution() {
        for (language, own, cited) in [
            (
                Language::English,
                "According to me, the plan is a mistake.",
                "According to the minister, the plan is a mistake.",
            ),
            (
                Language::Italian,
                "Secondo me il governo ha sbagliato tutto.",
                "Secondo il ministro il governo ha sbagliato tutto.",
            ),
            (
                Language::Bulgarian,
                "Според нас правителството сгреши.",
                "Според министъра правителството сгреши.",
            ),
        ] {
            let c = cues_in(language, own);
            assert_eq!(c["attribution.according_to"], 0.0, "{own}");
            assert_eq!(c["attribution.verb"], 0.0, "{own}");
            assert_eq!(c["attribution.third_party"], 0.0, "{own}");
            assert!(
                c["person.first_singular"] + c["person.first_plural"] > 0.0,
                "{own}"
            );
            let c = cues_in(language, cited);
            assert_eq!(c["attribution.according_to"], 1.0, "{cited}");
            assert_eq!(c["attribution.verb"], 1.0, "{cited}");
        }
        // A possessive cites the outlet's own work: still attribution.
        let c = cues_of("According to our count, 42 people were hurt.");
        assert_eq!(c["attribution.according_to"], 1.0);
        // Every own-view phrase begins with one of its language's according-to phrases.
        for language in Language::ALL {
            let Some(rules) = language.profile().cues else {
                continue;
            };
            for phrase in rules.own_view {
                assert!(
                    rules.according_to.iter().any(|a| phrase.starts_with(a)),
                    "{phrase}"
                );
            }
        }
    }

    #[test]
    fn scare_quotes_and_names() {
        let c = cues_of("Tillerson called the situation \"overheated\" in Beijing.");
        assert_eq!(c["quotation.scare"], 1.0);
        assert!((c["names.capitalised"] - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn empty_sentence_is_all_zero() {
        assert!(cues_of("").values().all(|&v| v == 0.0));
    }
}
