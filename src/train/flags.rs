//! Training settings as the command line names them: one [`TrainFlags`] value per
//! `factop train` flag, with the command line's defaults, turned into
//! [`TrainParams`] by [`TrainFlags::params`]. The command line fills it from parsed
//! flags; the Python package's `factop.train(**flags)` fills it by name with
//! [`TrainFlags::set`]. Both therefore train the same model from the same rows and
//! flags.

use crate::encoder::cache::EmbeddingCache;
use crate::encoder::{EncoderSpec, Pooling};
use crate::error::{Error, Result};
use crate::language::Language;
use crate::pipeline::analyzer::FeatureSettings;
use crate::pipeline::cues::{self, CueGroup};
use crate::train::{Balance, EncoderTraining, Solver, TrainParams};

/// Every training flag, by its name with `_` for `-` (`ngram_max` is `--ngram-max`).
pub const FLAG_NAMES: [&str; 24] = [
    "name",
    "language",
    "alpha",
    "ngram_min",
    "ngram_max",
    "min_df",
    "max_features",
    "raw_tf",
    "cues",
    "cue_groups",
    "cue_scale",
    "max_iterations",
    "tolerance",
    "balance",
    "solver",
    "fixed_threshold",
    "threshold_folds",
    "seed",
    "encoder",
    "encoder_scale",
    "embedding_cache",
    "encoder_pooling",
    "borrow_weight",
    "own_vocabulary",
];

/// The training flags of `factop train`, each with the command line's default.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainFlags {
    /// `--name`. Default: `factop-en`.
    pub name: String,
    /// `--language`. Default: English.
    pub language: Language,
    /// `--alpha`. Default: [`TrainParams::default`]'s.
    pub alpha: f64,
    /// `--ngram-min`. Default: [`FeatureSettings::default`]'s.
    pub ngram_min: usize,
    /// `--ngram-max`. Default: [`FeatureSettings::default`]'s.
    pub ngram_max: usize,
    /// `--min-df`. Default: [`FeatureSettings::default`]'s.
    pub min_df: u32,
    /// `--max-features`. Default: [`FeatureSettings::default`]'s.
    pub max_features: usize,
    /// `--raw-tf`: raw term counts instead of 1 + ln(tf). Default: false.
    pub raw_tf: bool,
    /// `--cues all|none`: every cue group of the language, or none. Default: all.
    pub cues: bool,
    /// `--cue-groups`: these groups only (overrides `cues`). Default: empty.
    pub cue_groups: Vec<CueGroup>,
    /// `--cue-scale`. Default: [`FeatureSettings::default`]'s.
    pub cue_scale: f64,
    /// `--max-iterations`. Default: [`TrainParams::default`]'s.
    pub max_iterations: u64,
    /// `--tolerance`. Default: [`TrainParams::default`]'s.
    pub tolerance: f64,
    /// `--balance`. Default: none.
    pub balance: Balance,
    /// `--solver`. Default: auto.
    pub solver: Solver,
    /// `--fixed-threshold`. Default: none (chosen by cross-validation).
    pub fixed_threshold: Option<f64>,
    /// `--threshold-folds`. Default: [`TrainParams::default`]'s.
    pub threshold_folds: usize,
    /// `--seed`. Default: [`TrainParams::default`]'s.
    pub seed: u64,
    /// `--encoder` (`e5-small`): the accurate tier. Default: none.
    pub encoder: Option<&'static EncoderSpec>,
    /// `--encoder-scale`. Default: none (chosen by cross-validation).
    pub encoder_scale: Option<f64>,
    /// `--embedding-cache DIR|none`. Default: the per-user cache folder's
    /// `embeddings/`.
    pub embedding_cache: EmbeddingCache,
    /// `--encoder-pooling`. Default: mean, e5's own.
    pub encoder_pooling: Pooling,
    /// `--borrow-weight`: each borrowed row's weight in the loss. Default: 1.
    pub borrow_weight: f64,
    /// `--own-vocabulary`: with borrowed rows, words from the own rows only. Default:
    /// false.
    pub own_vocabulary: bool,
}

impl Default for TrainFlags {
    fn default() -> Self {
        let p = TrainParams::default();
        let f = FeatureSettings::default();
        TrainFlags {
            name: p.name,
            language: f.language,
            alpha: p.alpha,
            ngram_min: f.ngram_min,
            ngram_max: f.ngram_max,
            min_df: f.min_df,
            max_features: f.max_features,
            raw_tf: !f.sublinear_tf,
            cues: true,
            cue_groups: Vec::new(),
            cue_scale: f.cue_scale,
            max_iterations: p.max_iterations,
            tolerance: p.tolerance,
            balance: p.balance,
            solver: p.solver,
            fixed_threshold: p.threshold,
            threshold_folds: p.threshold_folds,
            seed: p.seed,
            encoder: None,
            encoder_scale: None,
            embedding_cache: EmbeddingCache::Default,
            encoder_pooling: Pooling::Mean,
            borrow_weight: p.borrow_weight,
            own_vocabulary: p.own_vocabulary,
        }
    }
}

fn choice<T: Copy>(
    flag: &str,
    value: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|&v| name(v) == value)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
            Error::Param(format!(
                "{flag} {:?} is not one of {}",
                crate::error::capped(value),
                names.join(", ")
            ))
        })
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T> {
    value.trim().parse().map_err(|_| {
        Error::Param(format!(
            "{flag} {:?} is not a number of the right kind",
            crate::error::capped(value)
        ))
    })
}

impl TrainFlags {
    /// Set one flag from its text, as the command line reads it: `flag` is a name from
    /// [`FLAG_NAMES`]; `raw_tf` takes `true`/`false`; `cue_groups` a comma-separated
    /// list. An unknown flag or a value that does not parse is an [`Error::Param`]
    /// naming it; ranges are checked later, by [`TrainParams::check`].
    pub fn set(&mut self, flag: &str, value: &str) -> Result<()> {
        let shown = format!("--{}", flag.replace('_', "-"));
        let f = shown.as_str();
        match flag {
            "name" => self.name = value.to_string(),
            "language" => self.language = choice(f, value, &Language::ALL, Language::code)?,
            "alpha" => self.alpha = number(f, value)?,
            "ngram_min" => self.ngram_min = number(f, value)?,
            "ngram_max" => self.ngram_max = number(f, value)?,
            "min_df" => self.min_df = number(f, value)?,
            "max_features" => self.max_features = number(f, value)?,
            "raw_tf" => {
                self.raw_tf = choice(
                    f,
                    value,
                    &[true, false],
                    |b| if b { "true" } else { "false" },
                )?
            }
            "cues" => {
                self.cues = choice(f, value, &[true, false], |b| if b { "all" } else { "none" })?
            }
            "cue_groups" => {
                self.cue_groups = value
                    .split(',')
                    .map(|g| choice(f, g.trim(), &CueGroup::ALL, CueGroup::name))
                    .collect::<Result<_>>()?
            }
            "cue_scale" => self.cue_scale = number(f, value)?,
            "max_iterations" => self.max_iterations = number(f, value)?,
            "tolerance" => self.tolerance = number(f, value)?,
            "balance" => self.balance = choice(f, value, &Balance::ALL, Balance::as_str)?,
            "solver" => self.solver = choice(f, value, &Solver::ALL, Solver::as_str)?,
            "fixed_threshold" => self.fixed_threshold = Some(number(f, value)?),
            "threshold_folds" => self.threshold_folds = number(f, value)?,
            "seed" => self.seed = number(f, value)?,
            "encoder" => {
                self.encoder = Some(EncoderSpec::find(value).ok_or_else(|| {
                    Error::Param(format!(
                        "{f} {:?} is not a sentence encoder factop knows ({})",
                        crate::error::capped(value),
                        crate::encoder::ENCODERS
                            .iter()
                            .map(|e| e.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?)
            }
            "encoder_scale" => self.encoder_scale = Some(number(f, value)?),
            "borrow_weight" => self.borrow_weight = number(f, value)?,
            "own_vocabulary" => {
                self.own_vocabulary =
                    choice(
                        f,
                        value,
                        &[true, false],
                        |b| if b { "true" } else { "false" },
                    )?
            }
            "embedding_cache" => self.embedding_cache = EmbeddingCache::parse(value)?,
            "encoder_pooling" => {
                self.encoder_pooling = choice(f, value, &Pooling::ALL, Pooling::as_str)?
            }
            _ => {
                return Err(Error::Param(format!(
                    "{:?} is not a training flag (they are: {})",
                    crate::error::capped(flag),
                    FLAG_NAMES.join(", ")
                )))
            }
        }
        Ok(())
    }

    /// The training parameters these flags ask for (unchecked: call
    /// [`TrainParams::check`]). `encoder_scale`, `embedding_cache` or a pooling other
    /// than the mean without `encoder` is refused.
    pub fn params(&self) -> Result<TrainParams> {
        if self.encoder_scale.is_some() && self.encoder.is_none() {
            return Err(Error::Param(
                "--encoder-scale applies only with --encoder".into(),
            ));
        }
        if !self.encoder_pooling.is_default() && self.encoder.is_none() {
            return Err(Error::Param(
                "--encoder-pooling applies only with --encoder".into(),
            ));
        }
        if self.embedding_cache != EmbeddingCache::Default && self.encoder.is_none() {
            return Err(Error::Param(
                "--embedding-cache applies only with --encoder".into(),
            ));
        }
        let requested = if !self.cue_groups.is_empty() {
            &self.cue_groups[..]
        } else if self.cues {
            &CueGroup::ALL[..]
        } else {
            &[]
        };
        Ok(TrainParams {
            name: self.name.clone(),
            features: FeatureSettings {
                language: self.language,
                ngram_min: self.ngram_min,
                ngram_max: self.ngram_max,
                min_df: self.min_df,
                max_features: self.max_features,
                sublinear_tf: !self.raw_tf,
                cue_groups: cues::groups_for(self.language, requested),
                cue_scale: self.cue_scale,
            },
            alpha: self.alpha,
            max_iterations: self.max_iterations,
            tolerance: self.tolerance,
            balance: self.balance,
            threshold: self.fixed_threshold,
            threshold_folds: self.threshold_folds,
            seed: self.seed,
            encoder: self.encoder.map(|spec| EncoderTraining {
                spec,
                scale: self.encoder_scale,
                pooling: self.encoder_pooling,
            }),
            solver: self.solver,
            embedding_cache: self.embedding_cache.clone(),
            borrow_weight: self.borrow_weight,
            own_vocabulary: self.own_vocabulary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_default_params() {
        assert_eq!(
            TrainFlags::default().params().unwrap(),
            TrainParams {
                features: FeatureSettings {
                    cue_groups: CueGroup::ALL.to_vec(),
                    ..FeatureSettings::default()
                },
                ..TrainParams::default()
            }
        );
    }

    #[test]
    fn flags_set_by_name_as_the_command_line_reads_them() {
        let mut f = TrainFlags::default();
        for (flag, value) in [
            ("language", "de"),
            ("alpha", "0.1"),
            ("ngram_max", "3"),
            ("raw_tf", "true"),
            ("cue_groups", "quotation, attribution"),
            ("balance", "oversample"),
            ("fixed_threshold", "0.4"),
            ("encoder", "e5-small"),
            ("encoder_scale", "0.05"),
            ("embedding_cache", "cache/dir"),
            ("encoder_pooling", "mean-max"),
            ("borrow_weight", "0.25"),
            ("own_vocabulary", "true"),
        ] {
            f.set(flag, value).unwrap();
        }
        let p = f.params().unwrap();
        assert_eq!(p.features.language, Language::German);
        assert_eq!(p.alpha, 0.1);
        assert_eq!(p.features.ngram_max, 3);
        assert!(!p.features.sublinear_tf);
        assert_eq!(
            p.features.cue_groups,
            vec![CueGroup::Attribution, CueGroup::Quotation]
        );
        assert_eq!(p.balance, Balance::Oversample);
        assert_eq!(p.threshold, Some(0.4));
        assert_eq!(p.encoder.unwrap().scale, Some(0.05));
        assert_eq!(p.encoder.unwrap().pooling, Pooling::MeanMax);
        assert_eq!(p.embedding_cache, EmbeddingCache::At("cache/dir".into()));
        assert_eq!(p.borrow_weight, 0.25);
        assert!(p.own_vocabulary);
        f.set("cues", "none").unwrap();
        f.cue_groups.clear();
        assert!(f.params().unwrap().features.cue_groups.is_empty());
    }

    #[test]
    fn bad_flags_and_values_are_named() {
        let mut f = TrainFlags::default();
        let e = |r: Result<()>| r.unwrap_err().to_string();
        assert!(e(f.set("alhpa", "1")).contains("\"alhpa\" is not a training flag"));
        assert!(e(f.set("alpha", "much")).contains("--alpha \"much\""));
        assert!(e(f.set("language", "fr")).contains("not one of en, de, it, ar, bg"));
        assert!(e(f.set("encoder", "bert")).contains("--encoder \"bert\""));
        f.set("encoder_scale", "0.1").unwrap();
        assert!(f
            .params()
            .unwrap_err()
            .to_string()
            .contains("only with --encoder"));
        f.encoder_scale = None;
        f.set("embedding_cache", "none").unwrap();
        assert_eq!(f.embedding_cache, EmbeddingCache::Off);
        assert!(f
            .params()
            .unwrap_err()
            .to_string()
            .contains("--embedding-cache applies only with --encoder"));
        assert!(e(f.set("embedding_cache", "")).contains("needs a folder, or none"));
        f.embedding_cache = EmbeddingCache::Default;
        assert!(e(f.set("encoder_pooling", "cls"))
            .contains("not one of mean, top4-mean, max, mean-max"));
        f.set("encoder_pooling", "top4-mean").unwrap();
        assert!(f
            .params()
            .unwrap_err()
            .to_string()
            .contains("--encoder-pooling applies only with --encoder"));
        assert_eq!(
            FLAG_NAMES.len(),
            FLAG_NAMES
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }
}
