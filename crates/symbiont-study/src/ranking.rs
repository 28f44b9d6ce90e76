//! Which mode comes first on each outcome, and what choosing another one costs, over runs
//! that give every mode the same parameters and the same shocks (a study over posterior
//! draws: `symbiont simulate --posterior`).
//!
//! Per outcome and run, the best mode is the one with the highest final value (the lowest for
//! [`crate::metrics::LOWER_IS_BETTER`]); modes tied for best share the first place. A mode's
//! regret in a run is how far it falls short of that run's best. Over the runs: the probability
//! that each mode ranks first, and its expected regret.

use crate::StudyError;
use crate::metrics::{LOWER_IS_BETTER, METRICS};
use crate::runner::{RunRecord, Sink};
use crate::stats::quantile;

/// One row of `ranking.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    pub metric: &'static str,
    pub mode: String,
    /// `higher` or `lower` is better.
    pub better: &'static str,
    /// Share of runs in which the mode ranks first (ties shared).
    pub p_first: f64,
    /// Mean shortfall from the run's best mode, in the metric's unit.
    pub expected_regret: f64,
    pub mean: f64,
    pub q05: f64,
    pub q95: f64,
    pub runs: usize,
}

/// A sink that keeps each run's final outcomes and passes every run on.
pub struct RankingSink<'a, S: Sink> {
    inner: &'a mut S,
    modes: Vec<String>,
    /// `[mode][metric][run]`.
    values: Vec<Vec<Vec<f64>>>,
}

impl<S: Sink> std::fmt::Debug for RankingSink<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankingSink").field("modes", &self.modes).finish()
    }
}

impl<'a, S: Sink> RankingSink<'a, S> {
    /// Keep the outcomes of `modes` (ids, in the order to report them).
    pub fn new(inner: &'a mut S, modes: Vec<String>) -> Self {
        let values = vec![vec![Vec::new(); METRICS.len()]; modes.len()];
        RankingSink { inner, modes, values }
    }

    /// The ranking rows, metric by metric, modes in order.
    pub fn rows(&self) -> Vec<RankRow> {
        ranking(&self.modes, &self.values)
    }
}

impl<S: Sink> Sink for RankingSink<'_, S> {
    fn write_run(&mut self, record: &RunRecord<'_>) -> Result<(), StudyError> {
        if let (Some(m), Some(last)) =
            (self.modes.iter().position(|x| *x == record.mode.id), record.output.periods.last())
        {
            for (k, metric) in METRICS.iter().enumerate() {
                self.values[m][k].push((metric.get)(last));
            }
        }
        self.inner.write_run(record)
    }
}

/// The ranking from `values[mode][metric][run]` (runs aligned across modes).
pub fn ranking(modes: &[String], values: &[Vec<Vec<f64>>]) -> Vec<RankRow> {
    let mut rows = Vec::new();
    for (k, metric) in METRICS.iter().enumerate() {
        let lower = LOWER_IS_BETTER.contains(&metric.key);
        let runs = values.iter().map(|v| v[k].len()).min().unwrap_or(0);
        let mut first = vec![0.0; modes.len()];
        let mut regret = vec![0.0; modes.len()];
        for r in 0..runs {
            let v: Vec<f64> = values.iter().map(|m| m[k][r]).collect();
            let best = if lower {
                v.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            };
            let tol = 1e-12 * best.abs().max(1.0);
            let tied = v.iter().filter(|&&x| (x - best).abs() <= tol).count() as f64;
            for (m, &x) in v.iter().enumerate() {
                if (x - best).abs() <= tol {
                    first[m] += 1.0 / tied;
                }
                regret[m] += (x - best).abs();
            }
        }
        let n = runs.max(1) as f64;
        for (m, id) in modes.iter().enumerate() {
            let xs = &values[m][k][..runs];
            let sorted = crate::summary::sorted_finite(xs);
            rows.push(RankRow {
                metric: metric.key,
                mode: id.clone(),
                better: if lower { "lower" } else { "higher" },
                p_first: first[m] / n,
                expected_regret: regret[m] / n,
                mean: xs.iter().sum::<f64>() / n,
                q05: quantile(&sorted, 0.05),
                q95: quantile(&sorted, 0.95),
                runs,
            });
        }
    }
    rows
}
