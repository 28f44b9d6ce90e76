//! The run folder: tidy per-period, flow and benefit tables streamed as runs finish, the
//! summaries written at the end, and `manifest.json` that says how to reproduce it.
//!
//! Files (each as `.csv` and/or `.parquet`):
//! - `periods`: one row per mode, run and period, with the observation list of MODEL §7;
//! - `flows`: `mode,run,period,factor,source,target,value`, flows by factor and direction;
//! - `benefits`: `mode,run,period,a,b,to_a,to_b`, benefit streams per pair of unit kinds;
//! - `summary`: per mode and metric, the end-of-horizon mean, its 95% CI and the 2.5/97.5
//!   percentiles across runs;
//! - `series`: per mode, metric and period, the mean and its 95% CI (the bands of the charts);
//! - `symbiosis`: per mode, the micro mode of each pair of unit kinds and the macro mode, with
//!   the share of runs in which each was found;
//! - `structure`: one row per mode and run, the class of the network the run formed, the reason
//!   and its measures (`crate::structure::MEASURES`);
//! - `entities` and `ties`: the network of each mode's first run, as a node list (`id` numbers
//!   the entities of that run) and an edge list (`source`, `target` are entity ids);
//! - `trade`: per mode, the simulated goods flows each way per year beside the host region's
//!   observed trade series times `study.home_trade_share` ([`crate::trade`]);
//! - `network_structure`: per mode and measure, the median and 2.5/97.5 percentiles over runs,
//!   and per class the share of runs.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use symbiont_model::Scenario;

use crate::StudyError;
use crate::metrics::METRICS;
use crate::runner::{RunRecord, Sink, StudyOptions};
use crate::summary::StudySummary;
use crate::tables::{Cell, Col, Format, TableWriter};

/// The period columns after `mode, run, seed`.
const PERIOD_COLS: &[(&str, Col)] = &[
    ("period", Col::U32),
    ("year", Col::I32),
    ("at_home", Col::U32),
    ("preparing", Col::U32),
    ("in_approval", Col::U32),
    ("operating", Col::U32),
    ("failed", Col::U32),
    ("returned", Col::U32),
    ("operating_in_parks", Col::U32),
    ("operating_scattered", Col::U32),
    ("decided", Col::U32),
    ("financed", Col::U32),
    ("credit_refused", Col::U32),
    ("credit_rationed", Col::U32),
    ("approvals_refused", Col::U32),
    ("entered", Col::U32),
    ("survival", Col::F64),
    ("penetration_depth", Col::F64),
    ("penetration_range", Col::U32),
    ("time_to_operate_days", Col::F64),
    ("capital_stock_usd", Col::F64),
    ("host_jobs", Col::F64),
    ("host_capability", Col::F64),
    ("technology_received", Col::F64),
    ("talent_trained", Col::F64),
    ("excess_capacity_relocated_usd", Col::F64),
    ("two_way_index", Col::F64),
    ("home_output_usd", Col::F64),
    ("host_output_usd", Col::F64),
];

/// A sink writing the streamed tables of a run folder.
#[derive(Debug)]
pub struct RunDirSink {
    dir: PathBuf,
    format: Format,
    periods: TableWriter,
    flows: TableWriter,
    benefits: TableWriter,
    structure: TableWriter,
    entities: TableWriter,
    ties: TableWriter,
}

impl RunDirSink {
    /// Create the folder (if needed) and open the streamed tables.
    pub fn create(dir: &Path, format: Format) -> Result<Self, StudyError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StudyError::Io { path: dir.to_path_buf(), message: e.to_string() })?;
        let mut cols: Vec<(&str, Col)> =
            vec![("mode", Col::Str), ("run", Col::U32), ("seed", Col::Str)];
        cols.extend_from_slice(PERIOD_COLS);
        let periods = TableWriter::create(dir, "periods", &cols, format)?;
        let flows = TableWriter::create(
            dir,
            "flows",
            &[
                ("mode", Col::Str),
                ("run", Col::U32),
                ("period", Col::U32),
                ("factor", Col::Str),
                ("source", Col::Str),
                ("target", Col::Str),
                ("value", Col::F64),
            ],
            format,
        )?;
        let benefits = TableWriter::create(
            dir,
            "benefits",
            &[
                ("mode", Col::Str),
                ("run", Col::U32),
                ("period", Col::U32),
                ("a", Col::Str),
                ("b", Col::Str),
                ("to_a", Col::F64),
                ("to_b", Col::F64),
            ],
            format,
        )?;
        let mut cols: Vec<(&str, Col)> =
            vec![("mode", Col::Str), ("run", Col::U32), ("class", Col::Str), ("reason", Col::Str)];
        cols.extend(crate::structure::MEASURES.iter().map(|m| (m.0, Col::F64)));
        let structure = TableWriter::create(dir, "structure", &cols, format)?;
        let entities = TableWriter::create(
            dir,
            "entities",
            &[
                ("mode", Col::Str),
                ("run", Col::U32),
                ("id", Col::U32),
                ("label", Col::Str),
                ("kind", Col::Str),
                ("side", Col::Str),
                ("support", Col::U32),
            ],
            format,
        )?;
        let ties = TableWriter::create(
            dir,
            "ties",
            &[
                ("mode", Col::Str),
                ("run", Col::U32),
                ("source", Col::U32),
                ("target", Col::U32),
                ("kind", Col::Str),
                ("factor", Col::Str),
                ("weight", Col::F64),
                ("period", Col::U32),
            ],
            format,
        )?;
        Ok(RunDirSink {
            dir: dir.to_path_buf(),
            format,
            periods,
            flows,
            benefits,
            structure,
            entities,
            ties,
        })
    }

    /// Close the streamed tables and write the summaries; returns every file written.
    pub fn finish(
        self,
        scenario: &Scenario,
        summary: &StudySummary,
    ) -> Result<Vec<PathBuf>, StudyError> {
        let mut files = self.periods.finish()?;
        files.extend(self.flows.finish()?);
        files.extend(self.benefits.finish()?);
        files.extend(self.structure.finish()?);
        files.extend(self.entities.finish()?);
        files.extend(self.ties.finish()?);
        files.extend(write_summary(&self.dir, summary, self.format)?);
        files.extend(write_trade(&self.dir, scenario, summary, self.format)?);
        Ok(files)
    }
}

impl Sink for RunDirSink {
    fn write_run(&mut self, r: &RunRecord<'_>) -> Result<(), StudyError> {
        let mode = r.mode.id.as_str();
        for p in &r.output.periods {
            let cells: Vec<Cell> = vec![
                mode.into(),
                r.run.into(),
                r.seed.to_string().into(),
                p.period.into(),
                p.year.into(),
                p.at_home.into(),
                p.preparing.into(),
                p.in_approval.into(),
                p.operating.into(),
                p.failed.into(),
                p.returned.into(),
                p.operating_in_parks.into(),
                p.operating_scattered.into(),
                p.decided.into(),
                p.financed.into(),
                p.credit_refused.into(),
                p.credit_rationed.into(),
                p.approvals_refused.into(),
                p.entered.into(),
                p.survival.into(),
                p.penetration_depth.into(),
                p.penetration_range.into(),
                p.time_to_operate_days.into(),
                p.capital_stock_usd.into(),
                p.host_jobs.into(),
                p.host_capability.into(),
                p.technology_received.into(),
                p.talent_trained.into(),
                p.excess_capacity_relocated_usd.into(),
                p.two_way_index.into(),
                p.home_output_usd.into(),
                p.host_output_usd.into(),
            ];
            self.periods.row(cells)?;
        }
        for f in &r.output.flows {
            self.flows.row(vec![
                mode.into(),
                r.run.into(),
                f.period.into(),
                f.factor.word().into(),
                f.source.label().into(),
                f.target.label().into(),
                f.value.into(),
            ])?;
        }
        for b in &r.output.benefits {
            self.benefits.row(vec![
                mode.into(),
                r.run.into(),
                b.period.into(),
                b.a.label().into(),
                b.b.label().into(),
                b.to_a.into(),
                b.to_b.into(),
            ])?;
        }
        if let Some(st) = r.structure {
            let mut cells: Vec<Cell> = vec![
                mode.into(),
                r.run.into(),
                st.class.class.name().into(),
                st.class.reason.as_str().into(),
            ];
            cells.extend(
                crate::structure::MEASURES.iter().map(|m| Cell::from((m.1)(&st.structure))),
            );
            self.structure.row(cells)?;
        }
        if let Some(g) = r.network {
            for (id, e) in g.entities().iter().enumerate() {
                self.entities.row(vec![
                    mode.into(),
                    r.run.into(),
                    (id as u32).into(),
                    e.label.as_str().into(),
                    e.kind.as_str().into(),
                    e.side.name().into(),
                    u32::from(e.support).into(),
                ])?;
            }
            for t in g.ties() {
                self.ties.row(vec![
                    mode.into(),
                    r.run.into(),
                    t.source.into(),
                    t.target.into(),
                    t.kind.as_str().into(),
                    t.layer.name().into(),
                    t.weight.into(),
                    t.period.into(),
                ])?;
            }
        }
        Ok(())
    }
}

/// Write `trade`: the simulated goods flows beside the observed trade ([`crate::trade`]).
pub fn write_trade(
    dir: &Path,
    scenario: &Scenario,
    s: &StudySummary,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let mut t = TableWriter::create(
        dir,
        "trade",
        &[
            ("mode", Col::Str),
            ("direction", Col::Str),
            ("simulated_usd_per_year", Col::F64),
            ("observed_usd_per_year", Col::F64),
            ("observed_years", Col::Str),
            ("ratio", Col::F64),
        ],
        format,
    )?;
    for r in crate::trade::comparison(scenario, s) {
        t.row(vec![
            r.mode.into(),
            r.direction.into(),
            r.simulated_usd_per_year.into(),
            r.observed_usd_per_year.into(),
            r.observed_years.into(),
            r.ratio.into(),
        ])?;
    }
    t.finish()
}

/// Write `summary`, `series` and `symbiosis` tables.
pub fn write_summary(
    dir: &Path,
    s: &StudySummary,
    format: Format,
) -> Result<Vec<PathBuf>, StudyError> {
    let mut files = Vec::new();
    let mut t = TableWriter::create(
        dir,
        "summary",
        &[
            ("mode", Col::Str),
            ("metric", Col::Str),
            ("unit", Col::Str),
            ("runs", Col::U32),
            ("mean", Col::F64),
            ("ci95_low", Col::F64),
            ("ci95_high", Col::F64),
            ("p2_5", Col::F64),
            ("p97_5", Col::F64),
        ],
        format,
    )?;
    for m in &s.modes {
        for (k, b) in m.end.iter().enumerate() {
            t.row(vec![
                m.mode_id.clone().into(),
                METRICS[k].key.into(),
                METRICS[k].unit.into(),
                (b.n as u32).into(),
                b.mean.into(),
                b.ci_low.into(),
                b.ci_high.into(),
                b.p025.into(),
                b.p975.into(),
            ])?;
        }
    }
    files.extend(t.finish()?);

    let mut t = TableWriter::create(
        dir,
        "series",
        &[
            ("mode", Col::Str),
            ("metric", Col::Str),
            ("period", Col::U32),
            ("year", Col::I32),
            ("mean", Col::F64),
            ("ci95_low", Col::F64),
            ("ci95_high", Col::F64),
        ],
        format,
    )?;
    for m in &s.modes {
        for (k, per) in m.series.iter().enumerate() {
            for b in per {
                t.row(vec![
                    m.mode_id.clone().into(),
                    METRICS[k].key.into(),
                    b.period.into(),
                    b.year.into(),
                    b.mean.into(),
                    b.ci_low.into(),
                    b.ci_high.into(),
                ])?;
            }
        }
    }
    files.extend(t.finish()?);

    let mut t = TableWriter::create(
        dir,
        "symbiosis",
        &[
            ("mode", Col::Str),
            ("scale", Col::Str),
            ("a", Col::Str),
            ("b", Col::Str),
            ("symbiosis_mode", Col::Str),
            ("detail", Col::Str),
            ("share_of_runs", Col::F64),
            ("mean_benefit_a", Col::F64),
            ("mean_benefit_b", Col::F64),
        ],
        format,
    )?;
    for m in &s.modes {
        for p in &m.micro {
            for (mode, share) in &p.modes {
                t.row(vec![
                    m.mode_id.clone().into(),
                    "micro".into(),
                    p.a.label().into(),
                    p.b.label().into(),
                    mode.key().into(),
                    mode.to_string().into(),
                    (*share).into(),
                    p.mean_to_a.into(),
                    p.mean_to_b.into(),
                ])?;
            }
        }
        if let Some(mm) = &m.macro_modes {
            for (mode, share) in &mm.modes {
                t.row(vec![
                    m.mode_id.clone().into(),
                    "macro".into(),
                    "home:output".into(),
                    "host:output".into(),
                    mode.key().into(),
                    mode.to_string().into(),
                    (*share).into(),
                    f64::NAN.into(),
                    f64::NAN.into(),
                ])?;
            }
        }
    }
    files.extend(t.finish()?);
    if s.modes.iter().any(|m| m.structure.is_some()) {
        let mut t = TableWriter::create(
            dir,
            "network_structure",
            &[
                ("mode", Col::Str),
                ("measure", Col::Str),
                ("median", Col::F64),
                ("p025", Col::F64),
                ("p975", Col::F64),
            ],
            format,
        )?;
        for m in &s.modes {
            let Some(st) = &m.structure else { continue };
            for (k, (name, _)) in crate::structure::MEASURES.iter().enumerate() {
                let (med, lo, hi) = st.measures[k];
                t.row(vec![
                    m.mode_id.as_str().into(),
                    (*name).into(),
                    med.into(),
                    lo.into(),
                    hi.into(),
                ])?;
            }
            for (class, share) in &st.classes {
                let name = format!("class: {class}");
                t.row(vec![
                    m.mode_id.as_str().into(),
                    name.into(),
                    (*share).into(),
                    f64::NAN.into(),
                    f64::NAN.into(),
                ])?;
            }
        }
        files.extend(t.finish()?);
    }
    Ok(files)
}

/// Provenance of a study, written as `manifest.json`.
#[derive(Debug, Clone)]
pub struct Manifest<'a> {
    pub scenario: &'a Scenario,
    /// The scenario's source text (hashed) and where it came from.
    pub scenario_text: &'a str,
    pub scenario_origin: &'a str,
    pub options: &'a StudyOptions,
    pub threads: usize,
    /// Wall time of the runs, measured by the caller (engines take no clock).
    pub elapsed_s: f64,
    pub files: &'a [PathBuf],
    /// Free-form key-value options of the caller (command line flags, ...).
    pub extra: serde_json::Value,
}

/// The SHA-256 of a scenario's text, hex.
pub fn scenario_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `manifest.json` into `dir`.
pub fn write_manifest(dir: &Path, m: &Manifest<'_>) -> Result<PathBuf, StudyError> {
    let s = m.scenario;
    let modes: Vec<serde_json::Value> = m
        .options
        .modes
        .iter()
        .map(|&i| serde_json::json!({ "id": s.modes[i].id, "name": s.modes[i].name, "levers": symbiont_model::levers_table(&s.modes[i].levers) }))
        .collect();
    let runs_total = m.options.runs as usize * m.options.modes.len();
    let value = serde_json::json!({
        "symbiont_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "name": s.meta.name,
            "title": s.meta.title,
            "origin": m.scenario_origin,
            "sha256": scenario_hash(m.scenario_text),
        },
        "seed": m.options.seed,
        "runs_per_mode": m.options.runs,
        "modes": modes,
        "horizon_periods": s.study.horizon_periods,
        "start_year": s.study.start_year,
        "period_days": s.study.period_days,
        "population": m.options.effective_population().word(),
        "intervals_include": m.options.effective_population().intervals_include(),
        "seeding": match m.options.effective_population() {
            crate::runner::PopulationMode::PerRun => "run r draws its population from derive(seed, [\"population\", r]) and its stream from derive(seed, [\"run\", r]), the same in every mode (common random numbers)",
            crate::runner::PopulationMode::Fixed => "one population from the master seed; run r uses derive(seed, [\"run\", r]) in every mode (common random numbers)",
        },
        "options": {
            "micro_mode": format!("M12 on cumulative benefits: zero band {} of the larger benefit, symmetric within a ratio of 1 + {}", m.options.params.zero_band, m.options.params.symmetry_band),
            "macro_mode": if m.options.macro_mode { "E1 difference regression, F1, simple growth rate, lagged regressors" } else { "off" },
            "planned_sites": m.options.planned_sites.is_some(),
            "params": format!("{:?}", m.options.params),
        },
        "threads": m.threads,
        "timing": {
            "elapsed_s": m.elapsed_s,
            "runs": runs_total,
            "runs_per_s": if m.elapsed_s > 0.0 { runs_total as f64 / m.elapsed_s } else { 0.0 },
        },
        "files": m.files.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect::<Vec<_>>(),
        "invocation": m.extra,
    });
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    std::fs::write(&path, text + "\n")
        .map_err(|e| StudyError::Io { path: path.clone(), message: e.to_string() })?;
    Ok(path)
}
