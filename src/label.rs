//! The two labels a sentence can have, and how they are read, written and decided.

use serde::{Deserialize, Serialize};

/// The two labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// A reported statement.
    Fact,
    /// The author's own commentary.
    Opinion,
}

impl Label {
    /// Parse a data label, case-insensitively: `fact|objective|obj` or
    /// `opinion|subjective|subj`.
    pub fn parse(s: &str) -> Option<Label> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fact" | "objective" | "obj" => Some(Label::Fact),
            "opinion" | "subjective" | "subj" => Some(Label::Opinion),
            _ => None,
        }
    }

    /// `fact` or `opinion`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Fact => "fact",
            Label::Opinion => "opinion",
        }
    }

    /// The CheckThat! scorer's name: `OBJ` or `SUBJ`.
    pub fn checkthat(self) -> &'static str {
        match self {
            Label::Fact => "OBJ",
            Label::Opinion => "SUBJ",
        }
    }

    /// The label for a probability of opinion and a threshold.
    pub fn from_probability(p: f64, threshold: f64) -> Label {
        if p >= threshold {
            Label::Opinion
        } else {
            Label::Fact
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}
