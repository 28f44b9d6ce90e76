//! What a calibration estimates: named parameters with priors, and the observed summary
//! statistics with their uncertainty. Built by hand for a generic simulator, or by
//! [`crate::CalibrationSpec::problem`] from a calibration TOML.

use serde::{Deserialize, Serialize};

use crate::exact;
use crate::prior::Prior;

/// Parameters, priors and observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Parameter names (scenario paths such as `params.congestion_wage`, or observation
    /// parameters such as `share`); opaque to the engine.
    pub names: Vec<String>,
    /// One prior per parameter, independent.
    pub priors: Vec<Prior>,
    /// Summary statistic names (targets, a series expanded to `name@year`).
    pub stat_names: Vec<String>,
    /// Observed value of each summary statistic.
    #[serde(with = "exact::vec")]
    pub observed: Vec<f64>,
    /// Uncertainty (standard deviation) of each observed value: the fixed distance scale, the
    /// first-stage weights of the method of simulated moments, the observation noise.
    #[serde(with = "exact::vec")]
    pub sd: Vec<f64>,
    /// Relative weight of each statistic in the distance (1 by default).
    #[serde(with = "exact::vec")]
    pub weights: Vec<f64>,
}

/// A setting out of range: which, what it is, and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("setting `{field}` is {got}; expected {expected}")]
pub struct SettingsError {
    pub field: &'static str,
    pub expected: &'static str,
    pub got: String,
}

/// `Err(SettingsError)` for a check.
pub(crate) fn bad_setting(
    field: &'static str,
    expected: &'static str,
    got: impl ToString,
) -> Result<(), SettingsError> {
    Err(SettingsError { field, expected, got: got.to_string() })
}

/// A problem that does not hang together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProblemError {
    #[error("{what} has {got} entries, expected {expected} (one per {per})")]
    Length { what: &'static str, got: usize, expected: usize, per: &'static str },
    #[error("the problem has no parameters")]
    NoParameters,
    #[error("the problem has no summary statistics")]
    NoStatistics,
    #[error("{what} of `{name}` is {value}; expected {expected}")]
    Value { what: &'static str, name: String, value: f64, expected: &'static str },
    #[error("the parameter `{0}` is listed twice")]
    Duplicate(String),
}

impl Problem {
    /// A problem with statistics named `s0, s1, …`, unit sd and unit weights; set the
    /// uncertainty with [`Problem::with_sd`].
    pub fn new(names: Vec<String>, priors: Vec<Prior>, observed: Vec<f64>) -> Problem {
        let k = observed.len();
        Problem {
            names,
            priors,
            stat_names: (0..k).map(|i| format!("s{i}")).collect(),
            observed,
            sd: vec![1.0; k],
            weights: vec![1.0; k],
        }
    }

    pub fn with_sd(mut self, sd: Vec<f64>) -> Problem {
        self.sd = sd;
        self
    }

    pub fn with_weights(mut self, weights: Vec<f64>) -> Problem {
        self.weights = weights;
        self
    }

    pub fn with_stat_names(mut self, names: Vec<String>) -> Problem {
        self.stat_names = names;
        self
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.names.len()
    }

    /// Check shapes and values.
    pub fn check(&self) -> Result<(), ProblemError> {
        if self.names.is_empty() {
            return Err(ProblemError::NoParameters);
        }
        if self.observed.is_empty() {
            return Err(ProblemError::NoStatistics);
        }
        let (d, k) = (self.names.len(), self.observed.len());
        let len = |what, got, expected, per| {
            if got == expected {
                Ok(())
            } else {
                Err(ProblemError::Length { what, got, expected, per })
            }
        };
        len("priors", self.priors.len(), d, "parameter")?;
        len("stat_names", self.stat_names.len(), k, "observed value")?;
        len("sd", self.sd.len(), k, "observed value")?;
        len("weights", self.weights.len(), k, "observed value")?;
        for (i, n) in self.names.iter().enumerate() {
            if self.names[..i].contains(n) {
                return Err(ProblemError::Duplicate(n.clone()));
            }
        }
        for i in 0..k {
            let name = || self.stat_names[i].clone();
            if !self.observed[i].is_finite() {
                let value = self.observed[i];
                return Err(ProblemError::Value {
                    what: "the observed value",
                    name: name(),
                    value,
                    expected: "a finite number",
                });
            }
            if !(self.sd[i] > 0.0 && self.sd[i].is_finite()) {
                let value = self.sd[i];
                return Err(ProblemError::Value {
                    what: "the sd",
                    name: name(),
                    value,
                    expected: "a finite number > 0",
                });
            }
            if !(self.weights[i] >= 0.0 && self.weights[i].is_finite()) {
                let value = self.weights[i];
                return Err(ProblemError::Value {
                    what: "the weight",
                    name: name(),
                    value,
                    expected: "a finite number >= 0",
                });
            }
        }
        Ok(())
    }
}
