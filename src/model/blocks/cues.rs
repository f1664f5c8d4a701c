//! The cue block: the enabled cue features ([`crate::pipeline::cues`]), standardised
//! with the training means and deviations and multiplied by the settings' `cue_scale`.
//! One column per enabled cue, named `cue:NAME`.

use super::{BlockFit, FeatureBlock, TrainingSet, WrittenGrams};
use crate::error::{Error, Result};
use crate::limits::{MAX_MODEL_NUMBER, MIN_CUE_SD};
use crate::model::file::{BlockKind, ModelFile};
use crate::pipeline::analyzer::{Analysis, FeatureSettings};
use crate::pipeline::cues::{CUES, N_CUES};
use std::path::Path;

/// The fitted cue block.
#[derive(Debug)]
pub struct CueBlock {
    /// Indices into [`CUES`] of the enabled cues, in column order.
    index: Vec<usize>,
    mean: Vec<f64>,
    multiplier: Vec<f64>,
}

impl CueBlock {
    /// A block of the cues that `settings` enable. `mean` and `multiplier` have one
    /// entry per enabled cue; `multiplier` already includes the settings' `cue_scale`.
    pub fn new(settings: &FeatureSettings, mean: Vec<f64>, multiplier: Vec<f64>) -> Self {
        CueBlock {
            index: settings.cue_indices(),
            mean,
            multiplier,
        }
    }

    /// Fit the standardisation on raw cue values of the training rows (all cues per
    /// row; the enabled ones are used). A cue that (all but) never varies gets
    /// multiplier 0 (see [`MIN_CUE_SD`]).
    pub fn fit(settings: &FeatureSettings, raw: &[[f64; N_CUES]]) -> Self {
        let n = raw.len() as f64;
        let (mut mean, mut multiplier) = (Vec::new(), Vec::new());
        for c in settings.cue_indices() {
            let m = raw.iter().map(|r| r[c]).sum::<f64>() / n;
            let var = raw.iter().map(|r| (r[c] - m).powi(2)).sum::<f64>() / n;
            let sd = var.sqrt();
            mean.push(m);
            multiplier.push(if sd >= MIN_CUE_SD {
                settings.cue_scale / sd
            } else {
                0.0
            });
        }
        CueBlock::new(settings, mean, multiplier)
    }

    /// Fit the standardisation on the raw cue values of the rows of `set`.
    pub(crate) fn fit_on(set: &TrainingSet<'_>) -> Self {
        let raw: Vec<[f64; N_CUES]> = set.rows.iter().map(|&i| *set.analysed.cues(i)).collect();
        Self::fit(set.settings, &raw)
    }

    /// Append the columns for a sentence's raw cue values (what [`FeatureBlock::append`]
    /// does with the analysis's cues; training calls it on cues it analysed once).
    pub(crate) fn append_raw(&self, raw: &[f64; N_CUES], base: u32, row: &mut Vec<(u32, f64)>) {
        for (k, &c) in self.index.iter().enumerate() {
            let v = (raw[c] - self.mean[k]) * self.multiplier[k];
            row.push((base + k as u32, v));
        }
    }

    /// Read and check the block from a model file: the block and its weights.
    pub fn load<'f>(file: &'f ModelFile, path: &Path) -> Result<(Self, &'f [f64])> {
        let f = &file.features;
        let index = f.cue_indices();
        let expected: Vec<&str> = index.iter().map(|&i| CUES[i].name).collect();
        if file.cues != expected {
            return Err(Error::model(
                path,
                format!(
                    "cue list does not match the enabled cue groups (file has {}, settings give {})",
                    file.cues.len(),
                    expected.len()
                ),
            ));
        }
        let c = file.cues.len();
        if file.cue_mean.len() != c || file.cue_multiplier.len() != c || file.cue_weights.len() != c
        {
            return Err(Error::model(
                path,
                format!(
                    "{c} cues but cue_mean has {}, cue_multiplier {}, cue_weights {}",
                    file.cue_mean.len(),
                    file.cue_multiplier.len(),
                    file.cue_weights.len()
                ),
            ));
        }
        if file
            .cue_mean
            .iter()
            .chain(&file.cue_multiplier)
            .chain(&file.cue_weights)
            .chain([&f.cue_scale])
            .any(|x| !x.is_finite())
        {
            return Err(Error::model(path, "a number is not finite"));
        }
        if file
            .cue_mean
            .iter()
            .chain(&file.cue_multiplier)
            .chain(&file.cue_weights)
            .any(|x| x.abs() > MAX_MODEL_NUMBER)
        {
            return Err(Error::model(
                path,
                format!("a cue number is larger than {MAX_MODEL_NUMBER:e} in magnitude"),
            ));
        }
        let block = CueBlock::new(f, file.cue_mean.clone(), file.cue_multiplier.clone());
        Ok((block, &file.cue_weights))
    }
}

impl FeatureBlock for CueBlock {
    fn kind(&self) -> BlockKind {
        BlockKind::Cues
    }

    fn width(&self) -> usize {
        self.index.len()
    }

    fn column_name(&self, j: usize) -> String {
        self.index
            .get(j)
            .map(|&c| format!("cue:{}", CUES[c].name))
            .unwrap_or_default()
    }

    fn feature_kind(&self) -> &'static str {
        "cue"
    }

    fn shown(&self, column: Option<usize>, feature: &str, _written: &WrittenGrams) -> String {
        match column.and_then(|j| self.index.get(j)) {
            Some(&c) => CUES[c].plain.to_string(),
            None => feature.to_string(),
        }
    }

    fn wants_cues(&self) -> bool {
        !self.index.is_empty()
    }

    fn present(&self, j: usize, value: f64) -> bool {
        // `append` computes (raw − mean) × multiplier; raw 0 gives exactly this.
        match (self.mean.get(j), self.multiplier.get(j)) {
            (Some(m), Some(k)) => value != (0.0 - m) * k,
            _ => true,
        }
    }

    fn append(&self, analysis: &mut Analysis<'_>, base: u32, row: &mut Vec<(u32, f64)>) {
        self.append_raw(analysis.cues(), base, row);
    }

    fn save(&self, weights: &[f64], file: &mut ModelFile) {
        file.cues = self
            .index
            .iter()
            .map(|&i| CUES[i].name.to_string())
            .collect();
        file.cue_mean = self.mean.clone();
        file.cue_multiplier = self.multiplier.clone();
        file.cue_weights = weights.to_vec();
    }
}

impl BlockFit for CueBlock {
    fn width(&self) -> usize {
        self.index.len()
    }

    fn append_training(
        &self,
        set: &TrainingSet<'_>,
        i: usize,
        base: u32,
        row: &mut Vec<(u32, f64)>,
    ) {
        self.append_raw(set.analysed.cues(i), base, row);
    }

    fn into_block(self: Box<Self>) -> Box<dyn FeatureBlock> {
        self
    }
}
