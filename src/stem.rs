//! Stemming: turns tokens into terms (lowercased Snowball stems, `<num>` for numbers).

use crate::tokenize::{Token, TokenKind};
use rust_stemmers::{Algorithm, Stemmer as Snowball};
use serde::{Deserialize, Serialize};

/// The placeholder term every number becomes.
pub const NUMBER_TERM: &str = "<num>";

/// A language factop can stem. The default model is English; the others are
/// available to `factop train --language` (cue features are English-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (Snowball "english", the Porter2 stemmer). The default.
    #[value(name = "en")]
    #[serde(rename = "en")]
    English,
    /// German (Snowball "german").
    #[value(name = "de")]
    #[serde(rename = "de")]
    German,
    /// Italian (Snowball "italian").
    #[value(name = "it")]
    #[serde(rename = "it")]
    Italian,
    /// Arabic (Snowball "arabic").
    #[value(name = "ar")]
    #[serde(rename = "ar")]
    Arabic,
    /// Any other language: lowercasing only, no stemming.
    #[value(name = "none")]
    #[serde(rename = "none")]
    Unstemmed,
}

impl Language {
    /// The short code used on the command line and in model files.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
            Language::Italian => "it",
            Language::Arabic => "ar",
            Language::Unstemmed => "none",
        }
    }
}

/// Turns tokens into terms for one language.
pub struct Stemmer {
    inner: Option<Snowball>,
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stemmer")
            .field("stems", &self.inner.is_some())
            .finish()
    }
}

impl Stemmer {
    /// A stemmer for `language`.
    pub fn new(language: Language) -> Self {
        let algorithm = match language {
            Language::English => Some(Algorithm::English),
            Language::German => Some(Algorithm::German),
            Language::Italian => Some(Algorithm::Italian),
            Language::Arabic => Some(Algorithm::Arabic),
            Language::Unstemmed => None,
        };
        Stemmer {
            inner: algorithm.map(Snowball::create),
        }
    }

    /// Write the term for `token` into `out` (cleared first); `lower` is scratch space.
    pub fn term_into(&self, token: &Token<'_>, lower: &mut String, out: &mut String) {
        out.clear();
        match token.kind {
            TokenKind::Number => out.push_str(NUMBER_TERM),
            TokenKind::Mark => out.push_str(token.text),
            TokenKind::Word => {
                lower.clear();
                if token.text.is_ascii() {
                    lower.push_str(token.text);
                    lower.make_ascii_lowercase();
                } else {
                    lower.extend(token.text.chars().flat_map(char::to_lowercase));
                }
                match &self.inner {
                    Some(s) => out.push_str(&s.stem(lower)),
                    None => out.push_str(lower),
                }
            }
        }
    }

    /// Stem an already lowercased word.
    pub fn stem_lower<'a>(&self, lower: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.inner {
            Some(s) => s.stem(lower),
            None => std::borrow::Cow::Borrowed(lower),
        }
    }

    /// The term for `token`, as a new string.
    pub fn term(&self, token: &Token<'_>) -> String {
        let (mut lower, mut out) = (String::new(), String::new());
        self.term_into(token, &mut lower, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn terms(lang: Language, s: &str) -> Vec<String> {
        let st = Stemmer::new(lang);
        tokenize(s).iter().map(|t| st.term(t)).collect()
    }

    #[test]
    fn english_stems_lowercases_and_maps_numbers() {
        assert_eq!(
            terms(Language::English, "Talks INCREASINGLY failed in 2017?"),
            ["talk", "increas", "fail", "in", "<num>", "?"]
        );
    }

    #[test]
    fn unstemmed_only_lowercases() {
        assert_eq!(
            terms(Language::Unstemmed, "Größe Talks"),
            ["größe", "talks"]
        );
    }

    #[test]
    fn german_stemmer() {
        assert_eq!(terms(Language::German, "Häuser"), ["haus"]);
    }
}
