//! The built-in models, embedded in the binary at build time and chosen by name: one
//! fast model per language (`en`, `de`, `it`, `ar`, `bg`; `factop-XX` works too) and
//! the accurate tier's (`en-e5`, `de-e5`, ...), whose small model files are embedded
//! but which need the sentence encoder's weights installed ([`crate::encoder`]).
//! Each is rebuilt from `data/` by the command in `models/README.md`.

use crate::error::{Error, Result};
use crate::language::detect::Detection;
use crate::language::Language;
use crate::model::Classifier;
use std::path::Path;

/// A built-in model.
#[derive(Debug)]
pub struct Builtin {
    /// Its short name (`de`).
    pub name: &'static str,
    /// The name written in its file (`factop-de`).
    pub file_name: &'static str,
    /// Its language.
    pub language: Language,
    /// Accurate tier (needs the sentence encoder).
    pub accurate: bool,
    json: &'static str,
}

/// Every built-in model; the first is the default. Fast models come first.
pub static BUILTINS: [Builtin; 11] = [
    Builtin {
        name: "en",
        file_name: "factop-en",
        language: Language::English,
        accurate: false,
        json: crate::model::file::EMBEDDED_MODEL,
    },
    Builtin {
        name: "de",
        file_name: "factop-de",
        language: Language::German,
        accurate: false,
        json: include_str!("../../models/factop-de.json"),
    },
    Builtin {
        name: "it",
        file_name: "factop-it",
        language: Language::Italian,
        accurate: false,
        json: include_str!("../../models/factop-it.json"),
    },
    Builtin {
        name: "ar",
        file_name: "factop-ar",
        language: Language::Arabic,
        accurate: false,
        json: include_str!("../../models/factop-ar.json"),
    },
    Builtin {
        name: "bg",
        file_name: "factop-bg",
        language: Language::Bulgarian,
        accurate: false,
        json: include_str!("../../models/factop-bg.json"),
    },
    Builtin {
        name: "en-e5",
        file_name: "factop-en-e5",
        language: Language::English,
        accurate: true,
        json: include_str!("../../models/factop-en-e5.json"),
    },
    Builtin {
        name: "de-e5",
        file_name: "factop-de-e5",
        language: Language::German,
        accurate: true,
        json: include_str!("../../models/factop-de-e5.json"),
    },
    Builtin {
        name: "it-e5",
        file_name: "factop-it-e5",
        language: Language::Italian,
        accurate: true,
        json: include_str!("../../models/factop-it-e5.json"),
    },
    Builtin {
        name: "ar-e5",
        file_name: "factop-ar-e5",
        language: Language::Arabic,
        accurate: true,
        json: include_str!("../../models/factop-ar-e5.json"),
    },
    Builtin {
        name: "bg-e5",
        file_name: "factop-bg-e5",
        language: Language::Bulgarian,
        accurate: true,
        json: include_str!("../../models/factop-bg-e5.json"),
    },
    Builtin {
        name: "xx-e5",
        file_name: "factop-xx-e5",
        language: Language::Unstemmed,
        accurate: true,
        json: include_str!("../../models/factop-xx-e5.json"),
    },
];

/// What `--model auto` makes of a text: the language whose built-in model scores it,
/// and, when that is not the text's own language's model, why.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoPick {
    /// The language of the model to use: one of the five, or [`Language::Unstemmed`]
    /// for the multilingual accurate model `xx-e5`.
    pub language: Language,
    /// Why the text's own language has no model here (`None` when it has).
    pub why: Option<String>,
    /// Whether the English model stands in for a text that may not be English.
    pub english_stands_in: bool,
}

impl AutoPick {
    /// The pick for a text the detector said `detection` of (`None`: it could not
    /// tell at all). A language with a built-in model gets it; under `accurate`, any
    /// other language the detector is sure of gets the multilingual `xx-e5`, never
    /// the English model; otherwise English stands in, with the reason.
    pub fn of(detection: Option<&Detection>, accurate: bool) -> AutoPick {
        match detection {
            Some(&Detection {
                language: Some(language),
                reliable: true,
                ..
            }) => AutoPick {
                language,
                why: None,
                english_stands_in: false,
            },
            Some(d) if d.reliable && accurate => AutoPick {
                language: Language::Unstemmed,
                why: Some(format!("{} has no model of its own", d.name)),
                english_stands_in: false,
            },
            Some(d) if d.reliable => AutoPick {
                language: Language::English,
                why: Some(format!("{} has no built-in model", d.name)),
                english_stands_in: true,
            },
            _ => AutoPick {
                language: Language::English,
                why: Some("too little text to tell the language".to_string()),
                english_stands_in: true,
            },
        }
    }
}

impl Builtin {
    /// The built-in model called `name` (`de` or `factop-de`).
    pub fn find(name: &str) -> Option<&'static Builtin> {
        BUILTINS
            .iter()
            .find(|b| b.name == name || b.file_name == name)
    }

    /// The fast built-in model of `language`, if there is one.
    pub fn for_language(language: Language) -> Option<&'static Builtin> {
        Self::for_language_tier(language, false)
    }

    /// The built-in model of `language` in the fast or the accurate tier, if any.
    pub fn for_language_tier(language: Language, accurate: bool) -> Option<&'static Builtin> {
        BUILTINS
            .iter()
            .find(|b| b.language == language && b.accurate == accurate)
    }

    /// The model file's JSON.
    pub fn json(&self) -> &'static str {
        self.json
    }

    /// Parse and check the model; messages name it `<embedded factop-XX>`.
    pub fn load(&self) -> Result<Classifier> {
        let path = format!("<embedded {}>", self.file_name);
        Classifier::from_json(self.json, Path::new(&path))
    }

    /// The names to list in messages: `en, de, it, ar, bg, en-e5, ...`.
    pub fn names() -> String {
        let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        names.join(", ")
    }
}

/// Whether a `--model` value names a model file rather than a built-in model: it
/// contains `/`, ends in `.json`, or is `-` (standard input).
pub fn is_path(name_or_path: &str) -> bool {
    name_or_path.contains('/') || name_or_path.ends_with(".json") || name_or_path == "-"
}

impl Classifier {
    /// The model `name_or_path` names, by the rule `--model` follows: a model file when
    /// [`is_path`] says so, else a built-in model by name. The command line, the Python
    /// package and the server all load models through here.
    pub fn open(name_or_path: &str) -> Result<Self> {
        if is_path(name_or_path) {
            return Classifier::load(Path::new(name_or_path));
        }
        match Builtin::find(name_or_path) {
            Some(b) => b.load(),
            None => Err(Error::Param(format!(
                "{:?} is not a built-in model ({}) or a path (a path contains / or ends in .json)",
                crate::error::capped(name_or_path),
                Builtin::names()
            ))),
        }
    }

    /// The built-in model called `name` (`en`, `de`, `it`, `ar`, `bg`, `factop-XX`, or an
    /// accurate one, `XX-e5`).
    pub fn builtin(name: &str) -> Result<Self> {
        match Builtin::find(name) {
            Some(b) => b.load(),
            None => Err(Error::Param(format!(
                "no built-in model {name:?}; the built-in models are {}",
                Builtin::names()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fast_builtin_loads_with_its_name_and_language() {
        // The accurate ones need the encoder weights: tests/it/encoder.rs loads them.
        for b in BUILTINS.iter().filter(|b| !b.accurate) {
            let m = b.load().unwrap();
            assert_eq!(m.model_file().name, b.file_name);
            assert_eq!(m.language(), b.language);
            assert!(std::ptr::eq(Builtin::find(b.name).unwrap(), b));
            assert!(std::ptr::eq(Builtin::find(b.file_name).unwrap(), b));
            assert!(std::ptr::eq(Builtin::for_language(b.language).unwrap(), b));
            let accurate = Builtin::for_language_tier(b.language, true).unwrap();
            assert_eq!(accurate.name, format!("{}-e5", b.name));
            assert_eq!(accurate.file_name, format!("{}-e5", b.file_name));
        }
        assert!(Builtin::find("xx").is_none());
        assert_eq!(
            Classifier::open("de").unwrap().model_file().name,
            "factop-de"
        );
        let unknown = Classifier::open("xx").unwrap_err().to_string();
        assert!(
            unknown.contains("\"xx\" is not a built-in model"),
            "{unknown}"
        );
        assert!(is_path("m.json") && is_path("dir/m") && !is_path("en-e5"));
        assert!(Classifier::builtin("xx")
            .unwrap_err()
            .to_string()
            .contains("en, de, it, ar, bg"));
    }

    #[test]
    fn auto_never_gives_english_to_a_text_known_to_be_another_language() {
        let detected = |language, name, reliable| Detection {
            language,
            name,
            confidence: 0.9,
            reliable,
        };
        let french = detected(None, "French", true);
        let german = detected(Some(Language::German), "German", true);
        let unsure = detected(Some(Language::German), "German", false);
        for accurate in [false, true] {
            let p = AutoPick::of(Some(&german), accurate);
            assert_eq!(
                (p.language, p.why, p.english_stands_in),
                (Language::German, None, false)
            );
            for d in [Some(&unsure), None] {
                let p = AutoPick::of(d, accurate);
                assert_eq!(p.language, Language::English);
                assert!(p.english_stands_in);
                assert_eq!(
                    p.why.as_deref(),
                    Some("too little text to tell the language")
                );
            }
        }
        let p = AutoPick::of(Some(&french), true);
        assert_eq!(p.language, Language::Unstemmed);
        assert!(!p.english_stands_in);
        assert_eq!(p.why.as_deref(), Some("French has no model of its own"));
        let xx = Builtin::for_language_tier(p.language, true).unwrap();
        assert_eq!((xx.name, xx.file_name), ("xx-e5", "factop-xx-e5"));
        // The fast tier has no multilingual model: English stands in, and says so.
        let p = AutoPick::of(Some(&french), false);
        assert_eq!(p.language, Language::English);
        assert!(p.english_stands_in);
        assert_eq!(p.why.as_deref(), Some("French has no built-in model"));
        assert!(Builtin::for_language_tier(Language::Unstemmed, false).is_none());
    }
}
