//! Stemming: turns tokens into terms (lowercased Snowball stems, `<num>` for numbers).
//! The stemmer is the language profile's (see [`crate::language`]).

use super::tokenize::{Token, TokenKind};
use crate::language::Language;
use rust_stemmers::Stemmer as Snowball;

/// The placeholder term every number becomes.
pub const NUMBER_TERM: &str = "<num>";

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
        Stemmer {
            inner: language.profile().stemmer.map(Snowball::create),
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
    use crate::pipeline::tokenize::tokenize;

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
