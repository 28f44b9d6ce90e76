//! Sensitivity of the key outcomes to the main levers: one lever at a time swapped from a
//! comparison mode into a base mode.
//!
//! For a base mode (default: the network) and a comparison mode (default: fighting alone),
//! every lever on which the two differ is set, alone, to the comparison mode's value while the
//! other levers keep the base mode's values. Each setting (the baseline plus one per swapped
//! lever) runs `runs` Monte Carlo runs, and the outcome is the mean at the end of the horizon of
//! every metric in [`METRICS`].
//!
//! - **Common random numbers.** Run `k` uses the same population and the same run seed
//!   ([`run_seed`]`(seed, k)`) in every setting, so a swap is compared with the baseline run for
//!   run, and the baseline is the base mode's result of the study itself (same seed, same runs
//!   give the same mean as `summary.csv`).
//! - **Deterministic.** Runs go in parallel on the current rayon pool; results are collected in
//!   job order and summed in run order, so the output is identical for any thread count.
//! - **Pure.** No IO and no clock: the caller writes the table (see [`Sensitivity::write_csv`]).
//!
//! Each row holds the outcome with the lever at the base mode's value (`outcome_low`, equal to
//! the baseline) and at the comparison mode's value (`outcome_high`), and the 95% confidence
//! interval of the paired change (run `k` swapped minus run `k` at the baseline).

use rayon::prelude::*;
use symbiont_abm::output::RunOutput;
use symbiont_abm::{Params, RunInput};
use symbiont_model::levers::words::{self, word};
use symbiont_model::population::Population;
use symbiont_model::{Levers, Scenario};

use crate::StudyError;
use crate::metrics::METRICS;
use crate::runner::{PopulationMode, run_seed};
use crate::stats::Running;

/// What to run.
#[derive(Debug, Clone)]
pub struct SensitivityOptions {
    /// Index into `scenario.modes` of the base mode (the baseline).
    pub base: usize,
    /// Index into `scenario.modes` of the mode whose lever values are swapped in.
    pub alt: usize,
    /// Runs per setting.
    pub runs: u32,
    /// Master seed: run `k` uses `run_seed(seed, k)` in every setting.
    pub seed: u64,
    pub params: Params,
    /// The planner's sites, needed when a setting has `site_choice = planned`.
    pub planned_sites: Option<Vec<Option<u16>>>,
    /// Which population each run simulates (as in a study; planned sites force `Fixed`).
    pub population: PopulationMode,
}

/// One lever (or group of levers that only make sense together) that can be swapped.
#[derive(Debug, Clone, Copy)]
pub struct Lever {
    /// The lever's name(s) as in the scenario's `[[mode]]` tables.
    pub name: &'static str,
    /// Set the lever(s) of the first argument to the values of the second.
    pub set: fn(&mut Levers, &Levers),
    /// The value(s) in the scenario's words.
    pub show: fn(&Levers) -> String,
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// The levers swapped one at a time, in the order of the scenario's `[[mode]]` tables.
/// `profit` and `reinvest_share` move together: the share only matters when profit is
/// reinvested.
pub const LEVERS: &[Lever] = &[
    Lever {
        name: "site_choice",
        set: |l, o| l.site_choice = o.site_choice,
        show: |l| word(words::SITE_CHOICE, l.site_choice).into(),
    },
    Lever {
        name: "site_search_noise",
        set: |l, o| l.site_search_noise = o.site_search_noise,
        show: |l| num(l.site_search_noise),
    },
    Lever { name: "cohort", set: |l, o| l.cohort = o.cohort, show: |l| l.cohort.to_string() },
    Lever {
        name: "approvals",
        set: |l, o| l.approvals = o.approvals,
        show: |l| word(words::APPROVALS, l.approvals).into(),
    },
    Lever {
        name: "finance",
        set: |l, o| l.finance = o.finance,
        show: |l| word(words::FINANCE, l.finance).into(),
    },
    Lever {
        name: "talent_technology",
        set: |l, o| l.talent_technology = o.talent_technology,
        show: |l| word(words::TALENT_TECHNOLOGY, l.talent_technology).into(),
    },
    Lever {
        name: "host_training",
        set: |l, o| l.host_training = o.host_training,
        show: |l| l.host_training.to_string(),
    },
    Lever {
        name: "intermediaries",
        set: |l, o| l.intermediaries = o.intermediaries,
        show: |l| word(words::INTERMEDIARIES, l.intermediaries).into(),
    },
    Lever {
        name: "information_sharing",
        set: |l, o| l.information_sharing = o.information_sharing,
        show: |l| word(words::INFORMATION_SHARING, l.information_sharing).into(),
    },
    Lever {
        name: "profit + reinvest_share",
        set: |l, o| {
            l.profit = o.profit;
            l.reinvest_share = o.reinvest_share;
        },
        show: |l| format!("{} {}", word(words::PROFIT, l.profit), num(l.reinvest_share)),
    },
    Lever {
        name: "host_linkage",
        set: |l, o| l.host_linkage = o.host_linkage,
        show: |l| num(l.host_linkage),
    },
];

/// One outcome under one swapped lever.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    /// The metric's key (see [`METRICS`]).
    pub metric: &'static str,
    pub unit: &'static str,
    pub lever: &'static str,
    /// The lever's value in the base mode.
    pub lever_low: String,
    /// The lever's value in the comparison mode.
    pub lever_high: String,
    /// The outcome with the lever at `lever_low` (the baseline itself).
    pub outcome_low: f64,
    /// The outcome with the lever at `lever_high`, the other levers at the base mode's values.
    pub outcome_high: f64,
    /// The base mode's outcome (mean over the runs at the end of the horizon).
    pub baseline: f64,
    /// 95% confidence interval of the mean paired change `outcome_high - outcome_low`.
    pub change_ci95: (f64, f64),
}

/// The result of [`run_sensitivity`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub base_id: String,
    pub alt_id: String,
    pub runs: u32,
    /// Levers on which the two modes differ, in [`LEVERS`] order.
    pub levers: Vec<&'static str>,
    /// Levers on which the two modes agree (nothing to swap).
    pub same: Vec<&'static str>,
    /// One row per metric (in [`METRICS`] order) and swapped lever.
    pub rows: Vec<SensitivityRow>,
}

/// The columns of `sensitivity.csv`; the first eight are what the report reads.
pub const CSV_HEADER: [&str; 11] = [
    "metric",
    "unit",
    "lever",
    "lever_low",
    "lever_high",
    "outcome_low",
    "outcome_high",
    "baseline",
    "runs",
    "change_ci95_low",
    "change_ci95_high",
];

impl Sensitivity {
    /// The table as CSV text (header [`CSV_HEADER`], one row per metric and lever). Numbers
    /// are written in full precision, so equal inputs give byte-identical files.
    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail; errors would only come from IO.
        let _ = w.write_record(CSV_HEADER);
        for r in &self.rows {
            let _ = w.write_record([
                r.metric.to_string(),
                r.unit.to_string(),
                r.lever.to_string(),
                r.lever_low.clone(),
                r.lever_high.clone(),
                r.outcome_low.to_string(),
                r.outcome_high.to_string(),
                r.baseline.to_string(),
                self.runs.to_string(),
                r.change_ci95.0.to_string(),
                r.change_ci95.1.to_string(),
            ]);
        }
        w.into_inner().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }

    /// Write [`Sensitivity::csv`] to `path`.
    pub fn write_csv(&self, path: &std::path::Path) -> Result<(), StudyError> {
        std::fs::write(path, self.csv())
            .map_err(|e| StudyError::Io { path: path.to_path_buf(), message: e.to_string() })
    }
}

/// The end-of-horizon value of every metric of one run.
fn end_values(out: &RunOutput) -> Vec<f64> {
    match out.periods.last() {
        Some(last) => METRICS.iter().map(|m| (m.get)(last)).collect(),
        None => vec![f64::NAN; METRICS.len()],
    }
}

/// Run the one-lever-at-a-time sensitivity: the baseline (the base mode) and one setting per
/// lever on which the base and comparison modes differ, `opts.runs` runs each.
/// `progress(done, total)` is called after every run, in job order.
pub fn run_sensitivity(
    scenario: &Scenario,
    population: &Population,
    opts: &SensitivityOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Sensitivity, StudyError> {
    for m in [opts.base, opts.alt] {
        if m >= scenario.modes.len() {
            return Err(StudyError::UnknownMode(m));
        }
    }
    if opts.runs == 0 {
        return Err(StudyError::NoRuns);
    }
    let base = &scenario.modes[opts.base];
    let alt = &scenario.modes[opts.alt];
    // Setting 0 is the baseline; then one per lever that differs.
    let mut settings: Vec<Levers> = vec![base.levers.clone()];
    let mut levers: Vec<&'static Lever> = Vec::new();
    let mut same = Vec::new();
    for lv in LEVERS {
        let mut l = base.levers.clone();
        (lv.set)(&mut l, &alt.levers);
        if l == base.levers {
            same.push(lv.name);
        } else {
            levers.push(lv);
            settings.push(l);
        }
    }
    let jobs: Vec<(usize, u32)> =
        (0..settings.len()).flat_map(|s| (0..opts.runs).map(move |r| (s, r))).collect();
    let total = jobs.len();
    // values[setting][run] = end-of-horizon metrics.
    let mut values: Vec<Vec<Vec<f64>>> =
        vec![Vec::with_capacity(opts.runs as usize); settings.len()];
    let chunk = (rayon::current_num_threads() * 4).max(4);
    let mut done = 0;
    for part in jobs.chunks(chunk) {
        let outs: Vec<Result<Vec<f64>, StudyError>> = part
            .par_iter()
            .map(|&(s, r)| {
                let own;
                let population =
                    if opts.population == PopulationMode::PerRun && opts.planned_sites.is_none() {
                        own = symbiont_abm::population::generate(
                            scenario,
                            crate::runner::population_seed(opts.seed, r),
                        );
                        &own
                    } else {
                        population
                    };
                let input = RunInput {
                    scenario,
                    population,
                    levers: &settings[s],
                    params: &opts.params,
                    seed: run_seed(opts.seed, r),
                    planned_sites: opts.planned_sites.as_deref(),
                };
                symbiont_abm::run(&input).map(|o| end_values(&o)).map_err(|e| StudyError::Run {
                    mode: if s == 0 {
                        base.id.clone()
                    } else {
                        format!("{} with {}'s {}", base.id, alt.id, levers[s - 1].name)
                    },
                    source: e,
                })
            })
            .collect();
        for (&(s, _), out) in part.iter().zip(outs) {
            values[s].push(out?);
            done += 1;
            progress(done, total);
        }
    }
    let mean = |s: usize, k: usize| {
        let mut acc = Running::default();
        values[s].iter().for_each(|v| acc.push(v[k]));
        acc.mean
    };
    let mut rows = Vec::with_capacity(METRICS.len() * levers.len());
    for (k, m) in METRICS.iter().enumerate() {
        let baseline = mean(0, k);
        for (j, lever) in levers.iter().enumerate() {
            let s = j + 1;
            let mut change = Running::default();
            for (a, b) in values[s].iter().zip(&values[0]) {
                change.push(a[k] - b[k]);
            }
            rows.push(SensitivityRow {
                metric: m.key,
                unit: m.unit,
                lever: lever.name,
                lever_low: (lever.show)(&base.levers),
                lever_high: (lever.show)(&alt.levers),
                outcome_low: baseline,
                outcome_high: mean(s, k),
                baseline,
                change_ci95: change.ci95(),
            });
        }
    }
    Ok(Sensitivity {
        base_id: base.id.clone(),
        alt_id: alt.id.clone(),
        runs: opts.runs,
        levers: levers.iter().map(|l| l.name).collect(),
        same,
        rows,
    })
}
