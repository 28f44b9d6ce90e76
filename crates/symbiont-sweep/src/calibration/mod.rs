//! The going-out model as a calibration simulator: a calibration TOML (`symbiont-calibrate`)
//! bound to a scenario, so that θ of scenario parameter paths (as in a sweep) and a seed give
//! the model outputs `metric@year` the targets need.
//!
//! - [`load`] parses the calibration against the scenario: metric names against [`OUTPUTS`],
//!   years against the scenario's horizon, `[calibration] mode` against its modes, and every
//!   parameter path by setting it on the scenario and re-validating. Every problem is located
//!   in the file before anything runs.
//! - [`Binding`] is the [`Simulator`]: per `(θ, seed)` it sets the paths on the base scenario,
//!   re-parses it (every point validated like any scenario), draws the population from the
//!   seed and runs the calibration's mode for as many periods as the latest target year needs
//!   (a run's first periods do not depend on the horizon; a test holds it to that).
//! - [`run`] drives ABC-SMC into a run folder with a checkpoint after every generation, the
//!   method of simulated moments and the recovery check; [`posterior`] gives the scenarios of
//!   posterior draws for `symbiont simulate --posterior`.

pub mod posterior;
pub mod run;

use std::collections::BTreeMap;

use rayon::prelude::*;
use symbiont_abm::output::{FlowFactor, RunOutput};
use symbiont_abm::{Params, RunInput};
use symbiont_calibrate::{CalibrationSpec, Context, Reference, Simulator};
use symbiont_model::diag::Diagnostics;
use symbiont_model::levers::SiteChoice;
use symbiont_model::seed::{derive, label};
use symbiont_model::{Scenario, Side, parse_scenario};
use toml::{Table, Value};

use crate::path::ParamPath;

/// The calibration of the default scenario to the shipped data.
pub const DEFAULT_CALIBRATION: &str =
    include_str!("../../../../calibrations/overseas-jiangsu-laos.toml");
/// Its file name, for messages.
pub const DEFAULT_CALIBRATION_NAME: &str = "overseas-jiangsu-laos.toml";

/// How an output is read for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The value at the end of the year (its last period).
    State,
    /// The sum over the periods of the year.
    Flow,
}

/// A model output a target may name.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub key: &'static str,
    pub unit: &'static str,
    pub reading: Reading,
    pub meaning: &'static str,
}

const fn state(key: &'static str, unit: &'static str, meaning: &'static str) -> Output {
    Output { key, unit, reading: Reading::State, meaning }
}

/// Every output a target may name: the columns of `periods.csv` (read at the end of the year)
/// and the goods and capital crossing the border (summed over the year).
pub const OUTPUTS: &[Output] = &[
    state("at_home", "firms", "enterprises at home"),
    state("preparing", "firms", "enterprises preparing to go out"),
    state("in_approval", "firms", "enterprises in approval"),
    state("operating", "firms", "enterprises operating abroad"),
    state("failed", "firms", "enterprises failed abroad (cumulative)"),
    state("returned", "firms", "enterprises returned home (cumulative)"),
    state("operating_in_parks", "firms", "operating abroad inside parks"),
    state("operating_scattered", "firms", "operating abroad outside parks"),
    state("decided", "firms", "going-out decisions (cumulative)"),
    state("financed", "firms", "firms granted credit (cumulative)"),
    state("credit_refused", "firms", "applicants too risky for every lender (cumulative)"),
    state("credit_rationed", "firms", "applicants left without credit (cumulative)"),
    state("approvals_refused", "firms", "dossiers refused (cumulative)"),
    state("entered", "firms", "enterprises that ever operated abroad (cumulative)"),
    state("survival", "share", "share of entrants still operating"),
    state("penetration_depth", "share", "home firms' share of host sector output"),
    state("penetration_range", "cells", "sector x province cells reached"),
    state("time_to_operate_days", "days", "mean days from decision to operation"),
    state("capital_stock_usd", "US$", "capital of operating home firms abroad"),
    state("host_jobs", "jobs", "host jobs in home firms and linked suppliers"),
    state("host_capability", "0..1", "mean capability of host firms"),
    state("technology_received", "packages", "technology received by the host (cumulative)"),
    state("talent_trained", "people", "host people trained (cumulative)"),
    state("excess_capacity_relocated_usd", "US$", "home excess capacity relocated (cumulative)"),
    state("two_way_index", "ratio", "flows back over flows out (M11)"),
    state("home_output_usd", "US$", "home output attributable to going out"),
    state("host_output_usd", "US$", "host output of the firms involved"),
    Output {
        key: "goods_to_host_usd",
        unit: "US$/year",
        reading: Reading::Flow,
        meaning: "goods from the home side to the host side in the year (host imports)",
    },
    Output {
        key: "goods_to_home_usd",
        unit: "US$/year",
        reading: Reading::Flow,
        meaning: "goods from the host side to the home side in the year (host exports)",
    },
    Output {
        key: "capital_to_host_usd",
        unit: "US$/year",
        reading: Reading::Flow,
        meaning: "capital from the home side to the host side in the year",
    },
    Output {
        key: "capital_to_home_usd",
        unit: "US$/year",
        reading: Reading::Flow,
        meaning: "capital back to the home side in the year (profit, interest, repayments)",
    },
];

/// The names of [`OUTPUTS`].
pub fn output_names() -> Vec<String> {
    OUTPUTS.iter().map(|o| o.key.to_string()).collect()
}

/// Why a calibration cannot be set up, run or written.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// The calibration file has problems (every one, located).
    #[error("the calibration file has {} problem(s)", .0.items.len())]
    Spec(Diagnostics),
    #[error("the scenario {origin} is invalid:\n{message}")]
    Scenario { origin: String, message: String },
    #[error("{field}: {message}")]
    Setup { field: String, message: String },
    #[error(transparent)]
    Abc(#[from] symbiont_calibrate::AbcError),
    #[error(transparent)]
    Msm(#[from] symbiont_calibrate::MsmError),
    #[error("cannot write or read {}: {message}", path.display())]
    Io { path: std::path::PathBuf, message: String },
}

impl From<symbiont_study::StudyError> for CalibrationError {
    fn from(e: symbiont_study::StudyError) -> Self {
        match e {
            symbiont_study::StudyError::Io { path, message } => {
                CalibrationError::Io { path, message }
            }
            other => CalibrationError::Setup { field: "tables".into(), message: other.to_string() },
        }
    }
}

/// The scenario side of a calibration: everything needed to turn θ into model outputs.
#[derive(Debug, Clone)]
pub struct Binding {
    base: Table,
    origin: String,
    paths: Vec<ParamPath>,
    /// The calibration's mode, as the scenario names it.
    mode: String,
    /// Periods simulated: up to the end of the latest year a target names.
    periods: u32,
    /// For each reference: (index into [`OUTPUTS`], year).
    refs: Vec<(usize, i32)>,
    params: Params,
}

/// The study years of a scenario.
fn years_of(sc: &Scenario) -> Vec<i32> {
    let n = (f64::from(sc.study.horizon_periods) * sc.study.period_days / 365.0).ceil() as i32;
    (sc.study.start_year..sc.study.start_year + n.max(1)).collect()
}

/// Parse a calibration against its scenario. Problems in the file come back located
/// ([`CalibrationError::Spec`]); a broken scenario as [`CalibrationError::Scenario`].
pub fn load(
    calib_text: &str,
    calib_origin: &str,
    scenario_text: &str,
    scenario_origin: &str,
) -> Result<(CalibrationSpec, Binding), CalibrationError> {
    let base_sc = parse_scenario(scenario_text, scenario_origin).map_err(|d| {
        CalibrationError::Scenario { origin: scenario_origin.into(), message: render(&d) }
    })?;
    let base: Table = toml::from_str(scenario_text).map_err(|e| CalibrationError::Scenario {
        origin: scenario_origin.into(),
        message: e.to_string(),
    })?;
    let metrics = output_names();
    let years = years_of(&base_sc);
    let modes: Vec<String> = base_sc.modes.iter().map(|m| m.id.clone()).collect();
    let check = |path: &str| check_path(&base, scenario_origin, path);
    let ctx = Context::open().metrics(&metrics).years(&years).modes(&modes).check_params(&check);
    let spec =
        CalibrationSpec::parse(calib_text, calib_origin, &ctx).map_err(CalibrationError::Spec)?;
    let binding = Binding::new(&spec, base, scenario_origin, &base_sc)?;
    Ok((spec, binding))
}

/// The first problems of a scenario, one per line.
pub(crate) fn render(d: &Diagnostics) -> String {
    d.items
        .iter()
        .take(5)
        .map(|x| {
            let mut s = format!("{}:{}:{}: {}: {}", x.origin, x.line, x.column, x.path, x.message);
            if let Some(e) = &x.expected {
                s.push_str(&format!(" (expected {e})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A value at a path of the TOML tree, when the path names an existing field (presets of
/// modes are not in the tree).
fn existing<'t>(root: &'t Table, path: &ParamPath) -> Option<&'t Value> {
    use crate::path::Segment;
    let mut table = root;
    let last = path.segments.len() - 1;
    for (i, seg) in path.segments.iter().enumerate() {
        let v = match seg {
            Segment::Key(k) => table.get(k)?,
            Segment::Id(k, id) => table
                .get(k)?
                .as_array()?
                .iter()
                .find(|v| v.get("id").and_then(Value::as_str) == Some(id))?,
            Segment::Index(k, n) => table.get(k)?.as_array()?.get(*n)?,
        };
        if i == last {
            return Some(v);
        }
        table = v.as_table()?;
    }
    None
}

/// Whether `path` names a number in the scenario: setting it (to its own value, or to 0.5
/// for a lever a preset mode does not write) and re-validating must succeed.
fn check_path(base: &Table, origin: &str, path: &str) -> Result<(), String> {
    let p = ParamPath::parse(path)?;
    let value = match existing(base, &p) {
        Some(v @ (Value::Integer(_) | Value::Float(_))) => v.clone(),
        Some(v) => {
            return Err(format!("`{path}` is a {}, not a number", v.type_str()));
        }
        None => Value::Float(0.5),
    };
    let mut t = base.clone();
    p.set(&mut t, value, &mut BTreeMap::new())?;
    let text = toml::to_string(&t).map_err(|e| e.to_string())?;
    parse_scenario(&text, origin).map(|_| ()).map_err(|d| {
        d.items
            .first()
            .map(|x| format!("setting `{path}` breaks the scenario: {}: {}", x.path, x.message))
            .unwrap_or_default()
    })
}

impl Binding {
    fn new(
        spec: &CalibrationSpec,
        base: Table,
        origin: &str,
        sc: &Scenario,
    ) -> Result<Binding, CalibrationError> {
        let mode = match &spec.mode {
            Some(m) => m.clone(),
            None => sc.study.compare.first().map(|&i| sc.modes[i].id.clone()).ok_or_else(|| {
                CalibrationError::Setup {
                    field: "calibration.mode".into(),
                    message: "the scenario compares no modes; name the mode of the observed years"
                        .into(),
                }
            })?,
        };
        let def =
            sc.modes.iter().find(|m| m.id == mode).ok_or_else(|| CalibrationError::Setup {
                field: "calibration.mode".into(),
                message: format!("the scenario has no mode `{mode}`"),
            })?;
        if def.levers.site_choice == SiteChoice::Planned {
            return Err(CalibrationError::Setup {
                field: "calibration.mode".into(),
                message: format!(
                    "mode `{mode}` chooses sites by the planner; a calibration simulates thousands of scenarios and cannot plan each: calibrate under a mode with another site choice"
                ),
            });
        }
        let paths = spec
            .model_params()
            .iter()
            .map(|&j| {
                ParamPath::parse(&spec.params[j].name).map_err(|m| CalibrationError::Setup {
                    field: format!("{}.param", spec.params[j].field),
                    message: m,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<(usize, i32)> = spec
            .references
            .iter()
            .map(|r: &Reference| {
                let k = OUTPUTS.iter().position(|o| o.key == r.metric).unwrap_or(0);
                (k, r.year)
            })
            .collect();
        let last_year = refs.iter().map(|r| r.1).max().unwrap_or(sc.study.start_year);
        let periods_per_year = 365.0 / sc.study.period_days;
        let periods =
            (f64::from(last_year - sc.study.start_year + 1) * periods_per_year).ceil() as u32;
        Ok(Binding {
            base,
            origin: origin.to_string(),
            paths,
            mode,
            periods: periods.clamp(1, sc.study.horizon_periods),
            refs,
            params: Params::default(),
        })
    }

    /// The calibration's mode.
    pub fn mode(&self) -> &str {
        &self.mode
    }

    /// Periods each simulation runs.
    pub fn periods(&self) -> u32 {
        self.periods
    }

    /// Run the full horizon instead of stopping at the latest target year (for tests).
    pub fn with_full_horizon(mut self) -> Binding {
        self.periods = u32::MAX;
        self
    }

    /// The scenario at the model parameters `theta` (ordered as the calibration's model
    /// parameters), with the index of the calibration's mode in it.
    pub fn scenario(&self, theta: &[f64]) -> Result<(Scenario, usize), String> {
        let mut t = self.base.clone();
        let mut renamed = BTreeMap::new();
        for (p, &x) in self.paths.iter().zip(theta) {
            p.set(&mut t, Value::Float(x), &mut renamed)?;
        }
        let text = toml::to_string(&t).map_err(|e| e.to_string())?;
        let mut sc = parse_scenario(&text, &self.origin).map_err(|d| render(&d))?;
        sc.study.horizon_periods = sc.study.horizon_periods.min(self.periods);
        // A draw whose counts cannot fit fails as a simulation (counted, rejected) instead of
        // exhausting the machine. Counts only, never the free memory: the posterior must not
        // depend on the machine or the thread count.
        symbiont_study::size::check(
            &symbiont_study::size::size(&sc, 1, 1, 1),
            None,
            "the calibration's priors",
        )
        .map_err(|e| e.to_string())?;
        let id = renamed.get(&self.mode).unwrap_or(&self.mode);
        let m = sc
            .modes
            .iter()
            .position(|d| &d.id == id)
            .ok_or_else(|| format!("mode `{id}` is missing"))?;
        Ok((sc, m))
    }

    /// One simulation: the outputs of [`CalibrationSpec::references`], in order.
    pub fn outputs(&self, theta: &[f64], seed: u64) -> Result<Vec<f64>, String> {
        let (sc, m) = self.scenario(theta)?;
        let out = run_one(&sc, m, &self.params, seed)?;
        extract(&out, &self.refs)
    }
}

/// The population and run seeds of one simulation, both from its seed.
pub fn simulation_seeds(seed: u64) -> (u64, u64) {
    (derive(seed, &[label("population")]), derive(seed, &[label("run")]))
}

fn run_one(sc: &Scenario, m: usize, params: &Params, seed: u64) -> Result<RunOutput, String> {
    let (pop_seed, run_seed) = simulation_seeds(seed);
    let population = symbiont_abm::population::generate(sc, pop_seed);
    let input = RunInput {
        scenario: sc,
        population: &population,
        levers: &sc.modes[m].levers,
        params,
        seed: run_seed,
        planned_sites: None,
    };
    symbiont_abm::run(&input).map_err(|e| e.to_string())
}

/// A flow output's factor and the side it goes to.
fn flow_of(key: &str) -> (FlowFactor, Side) {
    match key {
        "goods_to_host_usd" => (FlowFactor::Goods, Side::Host),
        "goods_to_home_usd" => (FlowFactor::Goods, Side::Home),
        "capital_to_host_usd" => (FlowFactor::Capital, Side::Host),
        _ => (FlowFactor::Capital, Side::Home),
    }
}

/// The value of output `k` in `year` of a run; `year_of[p]` is period `p`'s year, and
/// `flows[k]` the flow output `k` summed by year (empty for a state output).
fn value(out: &RunOutput, k: usize, year: i32, flows: &[BTreeMap<i32, f64>]) -> Option<f64> {
    let o = &OUTPUTS[k];
    let last = out.periods.iter().rfind(|p| p.year == year)?;
    match o.reading {
        Reading::State => period_value(last, o.key),
        Reading::Flow => Some(flows[k].get(&year).copied().unwrap_or(0.0)),
    }
}

/// The flow outputs `refs` name, summed by year in one pass over the run's flows.
fn flows_by_year(out: &RunOutput, refs: &[(usize, i32)]) -> Vec<BTreeMap<i32, f64>> {
    let mut by = vec![BTreeMap::new(); OUTPUTS.len()];
    let wanted: Vec<usize> = (0..OUTPUTS.len())
        .filter(|&k| OUTPUTS[k].reading == Reading::Flow && refs.iter().any(|r| r.0 == k))
        .collect();
    if wanted.is_empty() {
        return by;
    }
    let year_of: BTreeMap<u32, i32> = out.periods.iter().map(|p| (p.period, p.year)).collect();
    for f in &out.flows {
        let Some(&year) = year_of.get(&f.period) else { continue };
        for &k in &wanted {
            let (factor, to) = flow_of(OUTPUTS[k].key);
            if f.factor == factor && f.target.side == to && f.source.side != to {
                *by[k].entry(year).or_insert(0.0) += f.value;
            }
        }
    }
    by
}

/// A state output of one period, by its `periods.csv` column name.
fn period_value(p: &symbiont_abm::output::PeriodObs, key: &str) -> Option<f64> {
    Some(match key {
        "at_home" => f64::from(p.at_home),
        "preparing" => f64::from(p.preparing),
        "in_approval" => f64::from(p.in_approval),
        "operating" => f64::from(p.operating),
        "failed" => f64::from(p.failed),
        "returned" => f64::from(p.returned),
        "operating_in_parks" => f64::from(p.operating_in_parks),
        "operating_scattered" => f64::from(p.operating_scattered),
        "decided" => f64::from(p.decided),
        "financed" => f64::from(p.financed),
        "credit_refused" => f64::from(p.credit_refused),
        "credit_rationed" => f64::from(p.credit_rationed),
        "approvals_refused" => f64::from(p.approvals_refused),
        "entered" => f64::from(p.entered),
        "survival" => p.survival,
        "penetration_depth" => p.penetration_depth,
        "penetration_range" => f64::from(p.penetration_range),
        "time_to_operate_days" => p.time_to_operate_days,
        "capital_stock_usd" => p.capital_stock_usd,
        "host_jobs" => p.host_jobs,
        "host_capability" => p.host_capability,
        "technology_received" => p.technology_received,
        "talent_trained" => p.talent_trained,
        "excess_capacity_relocated_usd" => p.excess_capacity_relocated_usd,
        "two_way_index" => p.two_way_index,
        "home_output_usd" => p.home_output_usd,
        "host_output_usd" => p.host_output_usd,
        _ => return None,
    })
}

/// The outputs `refs` of a run; a missing year or a non-finite value is an error naming it.
fn extract(out: &RunOutput, refs: &[(usize, i32)]) -> Result<Vec<f64>, String> {
    let flows = flows_by_year(out, refs);
    refs.iter()
        .map(|&(k, year)| {
            let name = OUTPUTS[k].key;
            match value(out, k, year, &flows) {
                Some(v) if v.is_finite() => Ok(v),
                Some(v) => Err(format!("{name}@{year} is {v}")),
                None => Err(format!("{name}@{year}: the run has no period in {year}")),
            }
        })
        .collect()
}

impl Simulator for Binding {
    type Error = String;
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, String>> {
        batch.par_iter().map(|(theta, seed)| self.outputs(theta, *seed)).collect()
    }
}
