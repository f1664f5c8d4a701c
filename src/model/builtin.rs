//! The built-in models: one fast model per language, embedded in the binary at build
//! time and chosen by name (`en`, `de`, `it`, `ar`, `bg`; `factop-XX` works too).
//! Each is rebuilt from `data/` by the command in `models/README.md`.

use crate::error::{Error, Result};
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
    json: &'static str,
}

/// Every built-in model; the first is the default.
pub static BUILTINS: [Builtin; 5] = [
    Builtin {
        name: "en",
        file_name: "factop-en",
        language: Language::English,
        json: crate::model::file::EMBEDDED_MODEL,
    },
    Builtin {
        name: "de",
        file_name: "factop-de",
        language: Language::German,
        json: include_str!("../../models/factop-de.json"),
    },
    Builtin {
        name: "it",
        file_name: "factop-it",
        language: Language::Italian,
        json: include_str!("../../models/factop-it.json"),
    },
    Builtin {
        name: "ar",
        file_name: "factop-ar",
        language: Language::Arabic,
        json: include_str!("../../models/factop-ar.json"),
    },
    Builtin {
        name: "bg",
        file_name: "factop-bg",
        language: Language::Bulgarian,
        json: include_str!("../../models/factop-bg.json"),
    },
];

impl Builtin {
    /// The built-in model called `name` (`de` or `factop-de`).
    pub fn find(name: &str) -> Option<&'static Builtin> {
        BUILTINS
            .iter()
            .find(|b| b.name == name || b.file_name == name)
    }

    /// The built-in model of `language`, if there is one.
    pub fn for_language(language: Language) -> Option<&'static Builtin> {
        BUILTINS.iter().find(|b| b.language == language)
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

    /// The names to list in messages: `en, de, it, ar, bg`.
    pub fn names() -> String {
        let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        names.join(", ")
    }
}

impl Classifier {
    /// The built-in model called `name` (`en`, `de`, `it`, `ar`, `bg`, or `factop-XX`).
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
    fn every_builtin_loads_with_its_name_and_language() {
        for b in &BUILTINS {
            let m = b.load().unwrap();
            assert_eq!(m.model_file().name, b.file_name);
            assert_eq!(m.language(), b.language);
            assert!(std::ptr::eq(Builtin::find(b.name).unwrap(), b));
            assert!(std::ptr::eq(Builtin::find(b.file_name).unwrap(), b));
            assert!(std::ptr::eq(Builtin::for_language(b.language).unwrap(), b));
        }
        assert!(Builtin::find("xx").is_none());
        assert!(Classifier::builtin("xx")
            .unwrap_err()
            .to_string()
            .contains("en, de, it, ar, bg"));
    }
}
