//! Aggregation across runs: per-period bands, end-state summaries, and the micro and macro
//! symbiosis modes with their frequencies across runs.

use std::collections::BTreeMap;

use symbiont_abm::Params;
use symbiont_abm::mechanisms::m12_mode;
use symbiont_abm::output::{Node, RunOutput};
use symbiont_dynamics::{FitOptions, fit_pair};
use symbiont_model::{Scenario, SymbiosisMode};

use crate::metrics::METRICS;
use crate::runner::StudyOptions;
use crate::stats::{Running, quantile};

/// Mean, 95% CI of the mean, and 2.5/97.5 percentiles across runs of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p025: f64,
    pub p975: f64,
    pub n: u64,
}

/// One metric's band per period, for one mode.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesBand {
    pub period: u32,
    pub year: i32,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The frequency of each symbiosis mode across runs for one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairModes {
    pub a: Node,
    pub b: Node,
    /// (mode, share of runs), most frequent first.
    pub modes: Vec<(SymbiosisMode, f64)>,
    /// Mean cumulative benefit to a and to b, US$.
    pub mean_to_a: f64,
    pub mean_to_b: f64,
}

impl PairModes {
    /// The modal mode and its share of runs.
    pub fn modal(&self) -> Option<(SymbiosisMode, f64)> {
        self.modes.first().copied()
    }
}

/// The macro mode of a mode's runs: the fitted Lotka-Volterra mode between the aggregate home
/// and host series.
#[derive(Debug, Clone, PartialEq)]
pub struct MacroModes {
    /// (mode, share of runs), most frequent first, over the runs where a fit was identified.
    pub modes: Vec<(SymbiosisMode, f64)>,
    /// Runs where the fit could not be made or was not identified.
    pub unidentified: u64,
    /// The reason given for the first such run.
    pub first_reason: Option<String>,
}

/// Everything summarised for one mode.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeSummary {
    pub mode_id: String,
    pub mode_name: String,
    pub runs: u64,
    /// End-of-horizon band per metric, in `METRICS` order.
    pub end: Vec<Band>,
    /// Per-period bands per metric, in `METRICS` order.
    pub series: Vec<Vec<SeriesBand>>,
    pub micro: Vec<PairModes>,
    pub macro_modes: Option<MacroModes>,
    /// Total flows by (factor, source, target) per run, mean over runs.
    pub flows: Vec<(String, Node, Node, f64)>,
    /// The network the runs formed, when the study measured it.
    pub structure: Option<StructureSummary>,
}

/// The structure of the networks a mode's runs formed: each measure's median and 2.5%-97.5%
/// range over runs (in [`crate::structure::MEASURES`] order) and the share of runs in each class.
#[derive(Debug, Clone, PartialEq)]
pub struct StructureSummary {
    /// (median, 2.5%, 97.5%) per measure.
    pub measures: Vec<(f64, f64, f64)>,
    /// (class name, share of runs), most frequent first.
    pub classes: Vec<(String, f64)>,
    /// The reason the first run got its class.
    pub first_reason: String,
}

impl StructureSummary {
    /// The most frequent class.
    pub fn class(&self) -> &str {
        self.classes.first().map_or("", |c| c.0.as_str())
    }
    /// The median of the measure `name`.
    pub fn median(&self, name: &str) -> Option<f64> {
        let k = crate::structure::MEASURES.iter().position(|m| m.0 == name)?;
        self.measures.get(k).map(|m| m.0)
    }
}

/// The study's summary: one entry per mode, in the order of `StudyOptions::modes`.
#[derive(Debug, Clone, PartialEq)]
pub struct StudySummary {
    pub modes: Vec<ModeSummary>,
}

/// Per pair: how often each mode was found, and the running benefits to a and to b.
type PairAcc = (BTreeMap<SymbiosisMode, u64>, Running, Running);

#[derive(Debug, Default)]
struct ModeAcc {
    runs: u64,
    end_values: Vec<Vec<f64>>,
    end_running: Vec<Running>,
    series: Vec<Vec<Running>>,
    years: Vec<i32>,
    pairs: BTreeMap<(Node, Node), PairAcc>,
    macro_counts: BTreeMap<SymbiosisMode, u64>,
    macro_unidentified: u64,
    macro_reason: Option<String>,
    flows: BTreeMap<(&'static str, Node, Node), f64>,
    structure: Vec<Vec<f64>>,
    classes: BTreeMap<&'static str, u64>,
    first_reason: Option<String>,
}

/// Accumulates runs as they arrive (in a fixed order).
#[derive(Debug)]
pub struct Aggregator {
    ids: Vec<(String, String)>,
    order: Vec<usize>,
    accs: BTreeMap<usize, ModeAcc>,
    /// M12's zero band and symmetry band live in the engine's parameters.
    params: Params,
    macro_mode: bool,
}

impl Aggregator {
    pub fn new(scenario: &Scenario, opts: &StudyOptions) -> Self {
        Aggregator {
            ids: scenario.modes.iter().map(|m| (m.id.clone(), m.name.clone())).collect(),
            order: opts.modes.clone(),
            accs: BTreeMap::new(),
            params: opts.params.clone(),
            macro_mode: opts.macro_mode,
        }
    }

    /// Add one run's network structure.
    pub fn push_structure(&mut self, mode: usize, st: &crate::structure::RunStructure) {
        let acc = self.accs.entry(mode).or_default();
        if acc.structure.is_empty() {
            acc.structure = vec![Vec::new(); crate::structure::MEASURES.len()];
        }
        for (k, (_, get)) in crate::structure::MEASURES.iter().enumerate() {
            acc.structure[k].push(get(&st.structure));
        }
        *acc.classes.entry(st.class.class.name()).or_default() += 1;
        if acc.first_reason.is_none() {
            acc.first_reason = Some(st.class.reason.clone());
        }
    }

    pub fn push(&mut self, mode: usize, out: &RunOutput) {
        let acc = self.accs.entry(mode).or_default();
        acc.runs += 1;
        let nm = METRICS.len();
        if acc.end_values.is_empty() {
            acc.end_values = vec![Vec::new(); nm];
            acc.end_running = vec![Running::default(); nm];
            acc.series = vec![vec![Running::default(); out.periods.len()]; nm];
            acc.years = out.periods.iter().map(|p| p.year).collect();
        }
        if let Some(last) = out.periods.last() {
            for (k, m) in METRICS.iter().enumerate() {
                let v = (m.get)(last);
                acc.end_values[k].push(v);
                acc.end_running[k].push(v);
            }
        }
        for (t, p) in out.periods.iter().enumerate() {
            for (k, m) in METRICS.iter().enumerate() {
                if let Some(r) = acc.series[k].get_mut(t) {
                    r.push((m.get)(p));
                }
            }
        }
        // Micro modes: cumulative benefits per pair over the horizon.
        let mut sums: BTreeMap<(Node, Node), (f64, f64)> = BTreeMap::new();
        for b in &out.benefits {
            let e = sums.entry((b.a, b.b)).or_default();
            e.0 += b.to_a;
            e.1 += b.to_b;
        }
        for ((a, b), (ta, tb)) in sums {
            let e = acc.pairs.entry((a, b)).or_default();
            *e.0.entry(m12_mode(ta, tb, &self.params)).or_default() += 1;
            e.1.push(ta);
            e.2.push(tb);
        }
        for f in &out.flows {
            *acc.flows.entry((f.factor.word(), f.source, f.target)).or_default() += f.value;
        }
        if self.macro_mode {
            let (home, host): (Vec<f64>, Vec<f64>) = out
                .periods
                .iter()
                .filter(|p| p.home_output_usd > 0.0 && p.host_output_usd > 0.0)
                .map(|p| (p.home_output_usd, p.host_output_usd))
                .unzip();
            match fit_pair(&home, &host, &FitOptions::default()) {
                Ok(pf) => match pf.mode {
                    Some(m) => *acc.macro_counts.entry(m).or_default() += 1,
                    None => {
                        acc.macro_unidentified += 1;
                        acc.macro_reason
                            .get_or_insert_with(|| "coefficients not significant".into());
                    }
                },
                Err(e) => {
                    acc.macro_unidentified += 1;
                    acc.macro_reason.get_or_insert_with(|| e.to_string());
                }
            }
        }
    }

    pub fn finish(mut self) -> StudySummary {
        let mut modes = Vec::new();
        for &m in &self.order {
            let acc = self.accs.remove(&m).unwrap_or_default();
            let end = (0..METRICS.len())
                .map(|k| {
                    let v = sorted_finite(acc.end_values.get(k).map_or(&[], |v| v));
                    let r = acc.end_running.get(k).copied().unwrap_or_default();
                    let (ci_low, ci_high) = r.ci95();
                    Band {
                        mean: r.mean,
                        ci_low,
                        ci_high,
                        p025: quantile(&v, 0.025),
                        p975: quantile(&v, 0.975),
                        n: r.n,
                    }
                })
                .collect();
            let series = acc
                .series
                .iter()
                .map(|per| {
                    per.iter()
                        .enumerate()
                        .map(|(t, r)| {
                            let (ci_low, ci_high) = r.ci95();
                            SeriesBand {
                                period: t as u32,
                                year: acc.years.get(t).copied().unwrap_or(0),
                                mean: r.mean,
                                ci_low,
                                ci_high,
                            }
                        })
                        .collect()
                })
                .collect();
            let runs = acc.runs.max(1) as f64;
            let micro = acc
                .pairs
                .iter()
                .map(|(&(a, b), (counts, ra, rb))| PairModes {
                    a,
                    b,
                    modes: ranked(counts),
                    mean_to_a: ra.mean,
                    mean_to_b: rb.mean,
                })
                .collect();
            let macro_modes = self.macro_mode.then(|| MacroModes {
                modes: ranked(&acc.macro_counts),
                unidentified: acc.macro_unidentified,
                first_reason: acc.macro_reason.clone(),
            });
            let flows =
                acc.flows.iter().map(|(&(f, s, t), &v)| (f.to_string(), s, t, v / runs)).collect();
            let structure = (!acc.structure.is_empty()).then(|| {
                let measures = acc
                    .structure
                    .iter()
                    .map(|v| {
                        let v = sorted_finite(v);
                        (quantile(&v, 0.5), quantile(&v, 0.025), quantile(&v, 0.975))
                    })
                    .collect();
                let classes =
                    ranked(&acc.classes).into_iter().map(|(c, sh)| (c.to_string(), sh)).collect();
                StructureSummary {
                    measures,
                    classes,
                    first_reason: acc.first_reason.clone().unwrap_or_default(),
                }
            });
            modes.push(ModeSummary {
                mode_id: self.ids[m].0.clone(),
                mode_name: self.ids[m].1.clone(),
                runs: acc.runs,
                end,
                series,
                micro,
                macro_modes,
                flows,
                structure,
            });
        }
        StudySummary { modes }
    }
}

/// The finite values, sorted (for quantiles).
pub(crate) fn sorted_finite(v: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Counts to shares, most frequent first (ties in the mode's order).
fn ranked<K: Ord + Clone>(counts: &BTreeMap<K, u64>) -> Vec<(K, f64)> {
    let total: u64 = counts.values().sum();
    let mut v: Vec<(K, f64)> = counts
        .iter()
        .map(|(m, &c)| (m.clone(), if total == 0 { 0.0 } else { c as f64 / total as f64 }))
        .collect();
    v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    v
}
