//! `symbiont sweep robust`: which mode is the safest bet across a sweep's design points?
//! A [`RobustRequest`] in, `SWEEP_DIR/robustness/` and a [`RobustResult`] out.
//!
//! ```text
//! SWEEP_DIR/robustness/robustness.{csv,parquet}   per outcome and mode: mean, percentiles, regret, satisficing, S/N
//! SWEEP_DIR/robustness/rankings.{csv,parquet}     per outcome, criterion and mode: the rank (1 = best)
//! SWEEP_DIR/robustness/robustness.json            what the report draws
//! SWEEP_DIR/robustness/manifest.json              the request and the files
//! ```
//!
//! The design points weigh equally: a sweep over a calibration posterior (points drawn from
//! it) gives robustness over that posterior.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
pub use symbiont_discover::robust::{Criterion, Direction, Robustness};
use symbiont_discover::robust::{rank, robustness};
use symbiont_report::sweep::{ModeRow, OutcomePart, RobustnessPart};
use symbiont_study::metrics::METRICS;

use crate::SweepError;
use crate::discover::{short, sweep_fingerprint};
use crate::outcomes::read_outcomes;
use crate::tables::{Col, write_json, write_table};

/// One outcome to judge the modes by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// A metric key (`operating`, `host_jobs`, ...).
    pub metric: String,
    /// Default: minimize for `time_to_operate_days`, maximize otherwise.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// A point satisfices when the outcome is at least this (at most, when minimized).
    #[serde(default)]
    pub threshold: Option<f64>,
}

/// What to judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobustRequest {
    pub sweep_dir: PathBuf,
    /// The outcomes (at least one).
    pub outcomes: Vec<OutcomeSpec>,
}

use symbiont_study::metrics::LOWER_IS_BETTER;

impl RobustRequest {
    /// Check what needs no sweep; the error names the field.
    pub fn validate(&self) -> Result<(), SweepError> {
        if self.outcomes.is_empty() {
            return Err(SweepError::Request {
                field: "outcomes".into(),
                message: "expected at least one outcome, e.g. operating".into(),
            });
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            if !METRICS.iter().any(|m| m.key == o.metric) {
                let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
                return Err(SweepError::Request {
                    field: format!("outcomes[{i}].metric"),
                    message: format!(
                        "unknown outcome `{}`; the outcomes are {}",
                        o.metric,
                        keys.join(", ")
                    ),
                });
            }
            if o.threshold.is_some_and(|t| !t.is_finite()) {
                return Err(SweepError::Request {
                    field: format!("outcomes[{i}].threshold"),
                    message: "expected a finite number".into(),
                });
            }
        }
        Ok(())
    }
}

/// One outcome's robustness per mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRobustness {
    pub metric: String,
    pub direction: Direction,
    pub threshold: Option<f64>,
    /// In the sweep's mode order.
    pub modes: Vec<(String, Robustness)>,
    /// The best mode by each criterion (ties: the first in the sweep's order).
    pub best: Vec<(Criterion, String)>,
}

/// What a robustness analysis found and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustResult {
    pub points: usize,
    pub outcomes: Vec<OutcomeRobustness>,
    /// Share of points where each mode meets every threshold given (empty without thresholds).
    pub satisficing_all: Vec<(String, f64)>,
    /// The mode with the lowest 90th-percentile regret summed over the outcomes' ranks.
    pub most_robust: String,
    pub statements: Vec<String>,
    pub files: Vec<PathBuf>,
}

/// Run a robustness analysis over a merged sweep.
pub fn robust(req: &RobustRequest) -> Result<RobustResult, SweepError> {
    req.validate()?;
    let data = read_outcomes(&req.sweep_dir)?;
    let engine = |e: symbiont_discover::DiscoverError| SweepError::Request {
        field: "outcomes".into(),
        message: e.to_string(),
    };
    let mut outcomes = Vec::new();
    let mut part_outcomes = Vec::new();
    let mut rows: Vec<(String, String, Robustness, Direction, Option<f64>)> = Vec::new();
    let mut rank_rows: Vec<(String, String, String, Option<usize>)> = Vec::new();
    let mut all_ok = vec![vec![true; data.n]; data.modes.len()];
    let mut any_threshold = false;
    // Sum of ranks by 90th-percentile regret, over the outcomes: the robust mode has the least.
    let mut regret_rank = vec![0usize; data.modes.len()];
    for o in &req.outcomes {
        let k = data.metric(&o.metric).ok_or_else(|| SweepError::Request {
            field: "outcomes".into(),
            message: format!("no metric `{}` in the runs table", o.metric),
        })?;
        let direction = o.direction.unwrap_or(if LOWER_IS_BETTER.contains(&o.metric.as_str()) {
            Direction::Minimize
        } else {
            Direction::Maximize
        });
        let values: Vec<Vec<f64>> =
            (0..data.modes.len()).map(|m| data.column(m, k).to_vec()).collect();
        if let Some(t) = o.threshold {
            any_threshold = true;
            for (m, v) in values.iter().enumerate() {
                for (i, &x) in v.iter().enumerate() {
                    let ok = match direction {
                        Direction::Maximize => x >= t,
                        Direction::Minimize => x <= t,
                    };
                    all_ok[m][i] &= ok;
                }
            }
        }
        let stats = robustness(&values, direction, o.threshold).map_err(engine)?;
        let ranks: Vec<(Criterion, Vec<Option<usize>>)> =
            Criterion::ALL.iter().map(|&c| (c, rank(&stats, c, direction))).collect();
        for (m, r) in ranks
            .iter()
            .find(|(c, _)| *c == Criterion::P90Regret)
            .map(|x| x.1.clone())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            regret_rank[m] += r.unwrap_or(data.modes.len());
        }
        let best = ranks
            .iter()
            .filter_map(|(c, r)| {
                r.iter().position(|&x| x == Some(1)).map(|m| (*c, data.modes[m].clone()))
            })
            .collect();
        let metric = METRICS.iter().find(|m| m.key == o.metric);
        let mut part_rows = Vec::new();
        for (m, s) in stats.iter().enumerate() {
            rows.push((o.metric.clone(), data.modes[m].clone(), s.clone(), direction, o.threshold));
            let mut mode_ranks = Vec::new();
            for (c, r) in &ranks {
                rank_rows.push((
                    o.metric.clone(),
                    c.key().to_string(),
                    data.modes[m].clone(),
                    r[m],
                ));
                mode_ranks.push((c.key().to_string(), r[m]));
            }
            part_rows.push(ModeRow {
                mode: data.modes[m].clone(),
                mean: s.mean,
                p10: s.p10,
                p50: s.p50,
                p90: s.p90,
                max_regret: s.max_regret,
                p90_regret: s.p90_regret,
                satisficing: s.satisficing,
                signal_to_noise: s.signal_to_noise,
                ranks: mode_ranks,
            });
        }
        part_outcomes.push(OutcomePart {
            metric: o.metric.clone(),
            label: metric.map_or(o.metric.clone(), |m| m.label.to_string()),
            unit: metric.map_or(String::new(), |m| m.unit.to_string()),
            direction: match direction {
                Direction::Maximize => "maximize".into(),
                Direction::Minimize => "minimize".into(),
            },
            threshold: o.threshold,
            rows: part_rows,
        });
        outcomes.push(OutcomeRobustness {
            metric: o.metric.clone(),
            direction,
            threshold: o.threshold,
            modes: data.modes.iter().cloned().zip(stats).collect(),
            best,
        });
    }
    let satisficing_all: Vec<(String, f64)> = if any_threshold {
        data.modes
            .iter()
            .cloned()
            .zip(all_ok.iter().map(|v| v.iter().filter(|&&b| b).count() as f64 / data.n as f64))
            .collect()
    } else {
        Vec::new()
    };
    let most = (0..data.modes.len()).min_by_key(|&m| regret_rank[m]).unwrap_or(0);
    let most_robust = data.modes[most].clone();
    let mut statements = Vec::new();
    for o in &outcomes {
        let by = |c: Criterion| {
            o.best.iter().find(|(x, _)| *x == c).map_or("–".to_string(), |(_, m)| m.clone())
        };
        let p90 = o
            .modes
            .iter()
            .find(|(m, _)| *m == by(Criterion::P90Regret))
            .map_or(f64::NAN, |(_, s)| s.p90_regret);
        statements.push(format!(
            "On {}: best mean {}, best 10th percentile {}, least 90th-percentile regret {} ({}), least maximum regret {}.",
            o.metric,
            by(Criterion::Mean),
            by(Criterion::P10),
            by(Criterion::P90Regret),
            short(p90),
            by(Criterion::MaxRegret)
        ));
    }
    statements.push(format!(
        "Most robust across the outcomes (least 90th-percentile regret, ranks summed): {most_robust}."
    ));
    let dir = req.sweep_dir.join("robustness");
    let mut files = Vec::new();
    let opt = |f: &dyn Fn(&Robustness) -> Option<f64>| {
        Col::OptF64(rows.iter().map(|r| f(&r.2)).collect())
    };
    let val = |f: &dyn Fn(&Robustness) -> f64| Col::F64(rows.iter().map(|r| f(&r.2)).collect());
    files.extend(write_table(
        &dir,
        "robustness",
        &[
            ("outcome", Col::Str(rows.iter().map(|r| r.0.clone()).collect())),
            ("mode", Col::Str(rows.iter().map(|r| r.1.clone()).collect())),
            (
                "direction",
                Col::Str(
                    rows.iter()
                        .map(|r| {
                            if r.3 == Direction::Maximize { "maximize" } else { "minimize" }
                                .to_string()
                        })
                        .collect(),
                ),
            ),
            ("threshold", Col::OptF64(rows.iter().map(|r| r.4).collect())),
            ("mean", val(&|s| s.mean)),
            ("sd", val(&|s| s.sd)),
            ("min", val(&|s| s.min)),
            ("p10", val(&|s| s.p10)),
            ("p25", val(&|s| s.p25)),
            ("p50", val(&|s| s.p50)),
            ("p75", val(&|s| s.p75)),
            ("p90", val(&|s| s.p90)),
            ("max", val(&|s| s.max)),
            ("mean_regret", val(&|s| s.mean_regret)),
            ("max_regret", val(&|s| s.max_regret)),
            ("p90_regret", val(&|s| s.p90_regret)),
            ("satisficing", opt(&|s| s.satisficing)),
            ("signal_to_noise", opt(&|s| s.signal_to_noise)),
        ],
    )?);
    files.extend(write_table(
        &dir,
        "rankings",
        &[
            ("outcome", Col::Str(rank_rows.iter().map(|r| r.0.clone()).collect())),
            ("criterion", Col::Str(rank_rows.iter().map(|r| r.1.clone()).collect())),
            ("mode", Col::Str(rank_rows.iter().map(|r| r.2.clone()).collect())),
            ("rank", Col::OptF64(rank_rows.iter().map(|r| r.3.map(|x| x as f64)).collect())),
        ],
    )?);
    let part = RobustnessPart {
        points: data.n,
        modes: data.modes.clone(),
        outcomes: part_outcomes,
        satisficing_all: satisficing_all.clone(),
        statements: statements.clone(),
    };
    files.push(write_json(&dir.join("robustness.json"), &part)?);
    let manifest = serde_json::json!({
        "request": req,
        "points": data.n,
        "sweep_fingerprint": sweep_fingerprint(&req.sweep_dir),
        "files": files.iter().filter_map(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>(),
    });
    files.push(write_json(&dir.join("manifest.json"), &manifest)?);
    Ok(RobustResult { points: data.n, outcomes, satisficing_all, most_robust, statements, files })
}
