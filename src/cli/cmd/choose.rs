//! `--model`: a built-in model by name, a model file, or `auto` (each document's
//! language picks the built-in model), and the language checks that go with it.

use factop::language::detect::{detect, Detection};
use factop::language::Language;
use factop::model::builtin::{AutoPick, Builtin};
use factop::model::Classifier;
use factop::Error;
use std::path::Path;

/// Bytes of a document the language is detected from.
pub const DETECT_BYTES: usize = 4096;

/// What `--model` asks for.
#[derive(Debug, Clone)]
pub enum ModelSpec {
    /// A built-in model by name.
    Builtin(&'static Builtin),
    /// A model file.
    File(String),
    /// Each document's language chooses the built-in model (of the accurate tier when
    /// `accurate`).
    Auto {
        /// `--accurate`.
        accurate: bool,
    },
}

impl ModelSpec {
    /// Read `--model`: anything containing `/` or ending in `.json` is a path; `auto`;
    /// else a built-in name (an unknown one is a usage error). No flag: the built-in
    /// English model.
    pub fn parse(arg: Option<&str>) -> Result<ModelSpec, Error> {
        let Some(arg) = arg else {
            return Ok(ModelSpec::Builtin(&factop::model::builtin::BUILTINS[0]));
        };
        if factop::model::builtin::is_path(arg) {
            return Ok(ModelSpec::File(arg.to_string()));
        }
        if arg == "auto" {
            return Ok(ModelSpec::Auto { accurate: false });
        }
        match Builtin::find(arg) {
            Some(b) => Ok(ModelSpec::Builtin(b)),
            None => Err(Error::Param(format!(
                "--model {arg:?} is not a built-in model ({}), auto, or a path (a path contains / or ends in .json)",
                Builtin::names()
            ))),
        }
    }

    /// Load the one model this names; `auto` is refused (it is for classify only).
    pub fn load(&self) -> factop::Result<Classifier> {
        match self {
            ModelSpec::Builtin(b) => b.load(),
            ModelSpec::File(p) => Classifier::load(Path::new(p)),
            ModelSpec::Auto { .. } => Err(Error::Param(
                "--model auto picks a model per document and is for classify only; name a model"
                    .into(),
            )),
        }
    }
}

/// The detected language of the start of a document (up to [`DETECT_BYTES`], cut at
/// a char boundary).
pub fn detect_start(bytes: &[u8]) -> Option<Detection> {
    let head = &bytes[..bytes.len().min(DETECT_BYTES)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    detect(text)
}

/// Picks the model of each document, loading built-in models once.
pub struct Chooser {
    fixed: Option<Classifier>,
    loaded: Vec<(Language, Classifier)>,
    quiet: bool,
    /// Under `auto --accurate`: whether the encoder is installed (checked once).
    accurate: bool,
}

impl Chooser {
    /// A chooser for `spec`; `quiet` silences notes and warnings.
    pub fn new(spec: ModelSpec, quiet: bool) -> factop::Result<Chooser> {
        let (fixed, mut accurate) = match spec {
            ModelSpec::Auto { accurate } => (None, accurate),
            _ => (Some(spec.load()?), false),
        };
        if accurate {
            let spec = &factop::encoder::E5_SMALL;
            let installed = factop::encoder::store::installed_path(spec)?.is_file();
            if !installed {
                if !quiet {
                    note!(
                        "note: --accurate: the {} sentence encoder is not installed (`factop encoder install PATH`); using the fast models",
                        spec.name
                    );
                }
                accurate = false;
            }
        }
        Ok(Chooser {
            fixed,
            loaded: Vec::new(),
            quiet,
            accurate,
        })
    }

    /// The single model of a run that is not `auto`.
    pub fn fixed(&self) -> Option<&Classifier> {
        self.fixed.as_ref()
    }

    /// The model for a document called `source` that starts with `start`. Under
    /// `auto`, the built-in model of its detected language (English when the language
    /// is not recognised or the text is too short to tell, with a note); with a named
    /// model, a warning when the document is clearly in another language.
    pub fn pick(&mut self, source: &str, start: &[u8]) -> factop::Result<&Classifier> {
        if let Some(model) = &self.fixed {
            // A named model only warns: with -q there is nothing to detect for.
            // A multilingual model is a model of every language.
            if !self.quiet && model.language() != Language::Unstemmed {
                if let Some(d) = detect_start(start).filter(|d| d.reliable) {
                    if d.language != Some(model.language()) {
                        note!("{}", mismatch_warning(source, &d, model));
                    }
                }
            }
            return Ok(model);
        }
        let pick = self.auto_language(start);
        let i = load_language(&mut self.loaded, self.accurate, pick.language)?;
        if let (Some(why), false) = (&pick.why, self.quiet) {
            let (which, name) = if pick.english_stands_in {
                ("the English model", self.english_name())
            } else {
                ("the multilingual model", "xx-e5")
            };
            note!(
                "note: {}: {why}; using {which} ({name})",
                crate::cli::safe::shown(source)
            );
        }
        Ok(&self.loaded[i].1)
    }

    /// Under `auto`, the model for one record of `--no-split` input, told from its own
    /// text, with nothing printed: its index for [`Chooser::loaded`] and, when the
    /// English model stands in, why. `None` for a run that is not `auto`.
    pub fn pick_record(&mut self, text: &str) -> factop::Result<Option<(usize, Option<String>)>> {
        if self.fixed.is_some() {
            return Ok(None);
        }
        let pick = self.auto_language(text.as_bytes());
        let i = load_language(&mut self.loaded, self.accurate, pick.language)?;
        Ok(Some((i, pick.why.filter(|_| pick.english_stands_in))))
    }

    /// A model [`Chooser::pick_record`] loaded.
    pub fn loaded(&self, i: usize) -> Option<&Classifier> {
        self.loaded.get(i).map(|(_, m)| m)
    }

    /// The name of the model `auto` falls back to: `en`, or `en-e5` under `--accurate`.
    pub fn english_name(&self) -> &'static str {
        if self.accurate {
            "en-e5"
        } else {
            "en"
        }
    }

    /// What `auto` picks for a text that starts with `start` (see [`AutoPick::of`]).
    fn auto_language(&self, start: &[u8]) -> AutoPick {
        AutoPick::of(detect_start(start).as_ref(), self.accurate)
    }
}

/// The index in `loaded` of the built-in model of `language` (of the accurate tier when
/// `accurate` and there is one), loaded on first use.
fn load_language(
    loaded: &mut Vec<(Language, Classifier)>,
    accurate: bool,
    language: Language,
) -> factop::Result<usize> {
    if let Some(i) = loaded.iter().position(|(l, _)| *l == language) {
        return Ok(i);
    }
    let b = Builtin::for_language_tier(language, accurate)
        .or_else(|| Builtin::for_language(language))
        .unwrap_or(&factop::model::builtin::BUILTINS[0]);
    loaded.push((language, ModelSpec::Builtin(b).load()?));
    Ok(loaded.len() - 1)
}

/// `warning: SOURCE looks like German (de), not English: try --model de or --model auto`.
fn mismatch_warning(source: &str, d: &Detection, model: &Classifier) -> String {
    let source = crate::cli::safe::shown(source);
    let model_name = crate::cli::safe::shown(&model.model_file().name);
    let model_language = model.language().profile().name;
    match d.language.and_then(Builtin::for_language) {
        Some(b) => format!(
            "warning: {source} looks like {} but {model_name} is a model of {model_language}: try --model {} or --model auto (-q silences this)",
            d.name, b.name
        ),
        None => format!(
            "warning: {source} looks like {}, which factop has no model for; {model_name} is a model of {model_language} (-q silences this)",
            d.name
        ),
    }
}
