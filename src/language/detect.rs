//! Which language a text is in, by the `whatlang` crate (trigram statistics over 69
//! languages), mapped to factop's languages.

use super::Language;

/// Fewest letters a text needs before its detected language is trusted.
pub const MIN_LETTERS: usize = 40;
/// Least detector confidence that is trusted. `whatlang`'s own `is_reliable` asks for
/// more than one news sentence usually gives (a 70-letter English sentence scores
/// about 0.5), so factop trusts the top language from this confidence on, given
/// [`MIN_LETTERS`].
pub const MIN_CONFIDENCE: f64 = 0.4;

/// What the detector says about a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The factop language, when the detected one is one of them.
    pub language: Option<Language>,
    /// The detected language's English name (`German`), whatever it is.
    pub name: &'static str,
    /// The detector's confidence, 0 to 1.
    pub confidence: f64,
    /// Whether the text is long enough and the detector sure enough to act on.
    pub reliable: bool,
}

/// Detect the language of `text`; `None` when the detector cannot tell at all (no
/// letters, say).
pub fn detect(text: &str) -> Option<Detection> {
    let info = whatlang::detect(text)?;
    let language = Language::ALL
        .into_iter()
        .find(|l| l.profile().detected_as == Some(info.lang()));
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    Some(Detection {
        language,
        name: info.lang().eng_name(),
        confidence: info.confidence(),
        reliable: letters >= MIN_LETTERS
            && (info.is_reliable() || info.confidence() >= MIN_CONFIDENCE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Option<Language> {
        detect(text).filter(|d| d.reliable).and_then(|d| d.language)
    }

    #[test]
    fn news_sentences_in_each_language() {
        let cases = [
            (
                "The minister said on Tuesday that the government would raise taxes next year.",
                Language::English,
            ),
            (
                "Der Minister sagte am Dienstag, die Regierung werde die Steuern im nächsten Jahr erhöhen.",
                Language::German,
            ),
            (
                "Il ministro ha detto martedì che il governo aumenterà le tasse il prossimo anno.",
                Language::Italian,
            ),
            (
                "وقال الوزير يوم الثلاثاء إن الحكومة سترفع الضرائب في العام المقبل.",
                Language::Arabic,
            ),
            (
                "Министърът заяви във вторник, че правителството ще повиши данъците догодина.",
                Language::Bulgarian,
            ),
        ];
        for (text, expected) in cases {
            let d = detect(text).unwrap();
            assert!(d.reliable, "{text}: {d:?}");
            assert_eq!(lang(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn short_or_other_languages_are_not_acted_on() {
        // Too short to trust.
        assert_eq!(lang("Es ist gut."), None);
        assert!(detect("").is_none());
        // French is detected, but is not a factop language.
        let fr = detect("Le ministre a déclaré mardi que le gouvernement augmenterait les impôts l'année prochaine.").unwrap();
        assert_eq!(fr.language, None);
        assert_eq!(fr.name, "French");
    }
}
