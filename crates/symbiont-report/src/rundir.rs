//! Reading a run folder into [`RunData`]: the manifest and the CSV tables that
//! `symbiont simulate` writes, plus the optional parts other commands add (see
//! `docs/report.md` for their formats). Tables that older run folders lack (the network
//! structure, the trade comparison, the first run's entities and ties) are read when present.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ReportError;
use crate::parts::{DynamicsData, NetworkData, PlanData};

/// One row of `summary.csv`: a metric at the end of the horizon, per mode.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SummaryRow {
    pub mode: String,
    pub metric: String,
    pub unit: String,
    pub runs: u32,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p2_5: f64,
    pub p97_5: f64,
}

/// One row of `series.csv`: a metric's mean and 95% CI per period, per mode.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeriesRow {
    pub mode: String,
    pub metric: String,
    pub period: u32,
    pub year: i32,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// One row of `symbiosis.csv`: how often a symbiosis mode was found for a pair of unit kinds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SymbiosisRow {
    pub mode: String,
    pub scale: String,
    pub a: String,
    pub b: String,
    pub symbiosis_mode: String,
    pub detail: String,
    pub share_of_runs: f64,
    pub mean_benefit_a: f64,
    pub mean_benefit_b: f64,
}

/// One row of `indices.csv` (optional): an index value with its grade.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndexRow {
    /// Which table the row belongs to (e.g. `coupling`, `synergy`, `topsis`).
    pub table: String,
    pub entity: String,
    pub year: Option<i32>,
    pub index: String,
    pub value: f64,
    #[serde(default)]
    pub grade: String,
}

/// One row of `sensitivity.csv` (optional): a key outcome at the low and high value of a lever.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SensitivityRow {
    pub metric: String,
    pub unit: String,
    pub lever: String,
    pub lever_low: String,
    pub lever_high: String,
    pub outcome_low: f64,
    pub outcome_high: f64,
    pub baseline: f64,
}

/// A number that may be empty or `NaN` (a quantile of a class share, an observed series the
/// scenario lacks): both read as NaN; anything else must be a number.
fn nan_if_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// One row of `network_structure.csv`: a structure measure's median and 2.5/97.5 percentiles
/// over the runs of a mode, or (`measure` = `class: <name>`) the share of runs in a class, in
/// `median`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StructureRow {
    pub mode: String,
    pub measure: String,
    pub median: f64,
    #[serde(deserialize_with = "nan_if_empty")]
    pub p025: f64,
    #[serde(deserialize_with = "nan_if_empty")]
    pub p975: f64,
}

impl StructureRow {
    /// The class name when the row is a class share.
    pub fn class(&self) -> Option<&str> {
        self.measure.strip_prefix("class: ")
    }
}

/// One row of `structure.csv`: the class of the network one run formed, the one-line reason,
/// and its measures in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStructureRow {
    pub mode: String,
    pub run: u32,
    pub class: String,
    pub reason: String,
    pub measures: Vec<(String, f64)>,
}

/// One row of `trade.csv`: simulated goods per year one way beside the observed trade.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TradeRow {
    pub mode: String,
    /// `home_to_host` (the host's imports from the home side) or `host_to_home` (its exports).
    pub direction: String,
    pub simulated_usd_per_year: f64,
    /// NaN when the scenario has no observed series (or no home trade share).
    #[serde(deserialize_with = "nan_if_empty")]
    pub observed_usd_per_year: f64,
    #[serde(default)]
    pub observed_years: String,
    #[serde(deserialize_with = "nan_if_empty")]
    pub ratio: f64,
}

/// One row of `ranking.csv` (`simulate --posterior`): a mode's chance of ranking first on an
/// outcome over the posterior draws, and its expected shortfall from the best mode.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RankingRow {
    pub metric: String,
    pub mode: String,
    pub better: String,
    pub p_first: f64,
    pub expected_regret: f64,
    pub mean: f64,
    pub q05: f64,
    pub q95: f64,
    pub runs: u32,
}

/// One row of `entities.csv`: an entity of a mode's first run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntityRow {
    pub mode: String,
    pub run: u32,
    pub id: u32,
    pub label: String,
    pub kind: String,
    pub side: String,
    pub support: u32,
}

/// One row of `ties.csv`: a tie between two entities (ids of `entities.csv`) of a mode's first
/// run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TieRow {
    pub mode: String,
    pub run: u32,
    pub source: u32,
    pub target: u32,
    pub kind: String,
    pub factor: String,
    pub weight: f64,
    pub period: u32,
}

/// Flows summed over runs and periods, by mode, factor, source and target, with the number of
/// runs of each mode (so that a mean per run can be taken).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowTotals {
    pub totals: BTreeMap<(String, String, String, String), f64>,
    pub runs: BTreeMap<String, u32>,
}

impl FlowTotals {
    /// Add one flow of one run.
    pub fn add(
        &mut self,
        mode: &str,
        run: u32,
        factor: &str,
        source: &str,
        target: &str,
        value: f64,
    ) {
        let key = (mode.to_string(), factor.to_string(), source.to_string(), target.to_string());
        *self.totals.entry(key).or_insert(0.0) += value;
        let r = self.runs.entry(mode.to_string()).or_insert(0);
        *r = (*r).max(run + 1);
    }

    /// Mean per run of the flows of `mode`: (factor, source, target, value).
    pub fn per_run(&self, mode: &str) -> Vec<(&str, &str, &str, f64)> {
        let runs = f64::from(self.runs.get(mode).copied().unwrap_or(1).max(1));
        self.totals
            .iter()
            .filter(|(k, _)| k.0 == mode)
            .map(|(k, v)| (k.1.as_str(), k.2.as_str(), k.3.as_str(), v / runs))
            .collect()
    }
}

/// Everything the report reads from a run folder.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    pub manifest: serde_json::Value,
    pub summary: Vec<SummaryRow>,
    pub series: Vec<SeriesRow>,
    pub symbiosis: Vec<SymbiosisRow>,
    pub flows: Option<FlowTotals>,
    pub sensitivity: Vec<SensitivityRow>,
    pub indices: Vec<IndexRow>,
    pub dynamics: Option<DynamicsData>,
    pub plan: Option<PlanData>,
    pub network: Option<NetworkData>,
    /// `network_structure.csv`; empty when the folder has none.
    pub structure: Vec<StructureRow>,
    /// `structure.csv`; empty when the folder has none.
    pub structure_runs: Vec<RunStructureRow>,
    /// `trade.csv`; empty when the folder has none.
    pub trade: Vec<TradeRow>,
    /// `ranking.csv` (a study over a calibration's posterior); empty when absent.
    pub ranking: Vec<RankingRow>,
    /// `entities.csv` and `ties.csv` (each mode's first run); empty when absent.
    pub entities: Vec<EntityRow>,
    pub ties: Vec<TieRow>,
}

impl RunData {
    /// The mode ids in manifest order (falling back to their order in `summary.csv`).
    pub fn mode_ids(&self) -> Vec<String> {
        let from_manifest: Vec<String> = self.manifest["modes"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m["id"].as_str().map(String::from)).collect())
            .unwrap_or_default();
        if !from_manifest.is_empty() {
            return from_manifest;
        }
        let mut seen = Vec::new();
        for r in &self.summary {
            if !seen.contains(&r.mode) {
                seen.push(r.mode.clone());
            }
        }
        seen
    }

    /// The human name of a mode id, from the manifest.
    pub fn mode_name(&self, id: &str) -> String {
        self.manifest["modes"]
            .as_array()
            .and_then(|a| a.iter().find(|m| m["id"].as_str() == Some(id)))
            .and_then(|m| m["name"].as_str())
            .unwrap_or(id)
            .to_string()
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> ReportError {
    ReportError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// The error of a CSV row, naming the line and the column.
fn table_error(path: &Path, err: &csv::Error, headers: Option<&csv::StringRecord>) -> ReportError {
    let line = err.position().map(|p| p.line()).unwrap_or(0);
    let (column, message) = match err.kind() {
        csv::ErrorKind::Deserialize { err: de, .. } => {
            let col =
                de.field().and_then(|i| headers.and_then(|h| h.get(i as usize))).unwrap_or("?");
            let expected = match de.kind() {
                csv::DeserializeErrorKind::ParseFloat(_) => "; expected a number",
                csv::DeserializeErrorKind::ParseInt(_) => "; expected a whole number",
                _ => "",
            };
            (col.to_string(), format!("{}{expected}", de.kind()))
        }
        _ => ("?".to_string(), err.to_string()),
    };
    ReportError::Table { path: path.to_path_buf(), line, column, message }
}

/// Read a whole CSV table into rows of `T`.
pub fn read_table<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, ReportError> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| io(path, e))?;
    let headers = rdr.headers().map_err(|e| table_error(path, &e, None))?.clone();
    let mut out = Vec::new();
    for row in rdr.deserialize() {
        out.push(row.map_err(|e| table_error(path, &e, Some(&headers)))?);
    }
    Ok(out)
}

/// Read a table when the file is there; no file is no rows.
fn optional_table<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, ReportError> {
    if path.is_file() { read_table(path) } else { Ok(Vec::new()) }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| ReportError::Json { path: path.to_path_buf(), message: e.to_string() })
}

/// Stream `flows.csv` into totals (the file has one row per run, period and flow, so it is
/// the largest table of a run folder and is never held whole).
pub fn read_flows(path: &Path) -> Result<FlowTotals, ReportError> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| io(path, e))?;
    let headers = rdr.headers().map_err(|e| table_error(path, &e, None))?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| ReportError::Table {
            path: path.to_path_buf(),
            line: 1,
            column: name.to_string(),
            message: "missing column; expected mode,run,period,factor,source,target,value"
                .to_string(),
        })
    };
    let [mode, run, factor, source, target, value] =
        [col("mode")?, col("run")?, col("factor")?, col("source")?, col("target")?, col("value")?];
    let mut totals = FlowTotals::default();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(table_error(path, &e, Some(&headers))),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize, name: &str, what: &str| -> Result<&str, ReportError> {
            rec.get(i).ok_or_else(|| ReportError::Table {
                path: path.to_path_buf(),
                line,
                column: name.to_string(),
                message: format!("missing; expected {what}"),
            })
        };
        let bad = |name: &str, got: &str, what: &str| ReportError::Table {
            path: path.to_path_buf(),
            line,
            column: name.to_string(),
            message: format!("\"{got}\" is not {what}"),
        };
        let m = field(mode, "mode", "a mode id")?;
        let r_text = field(run, "run", "a run number")?;
        let r: u32 = r_text.parse().map_err(|_| bad("run", r_text, "a run number (0, 1, ...)"))?;
        let v_text = field(value, "value", "a number")?;
        let v: f64 = v_text.parse().map_err(|_| bad("value", v_text, "a number"))?;
        if !v.is_finite() {
            return Err(bad("value", v_text, "a finite number"));
        }
        totals.add(
            m,
            r,
            field(factor, "factor", "a factor")?,
            field(source, "source", "a unit label")?,
            field(target, "target", "a unit label")?,
            v,
        );
    }
    Ok(totals)
}

/// Read `structure.csv`: `mode,run,class,reason` and then one number per measure (the
/// measures are whatever columns follow, so that a new measure needs no change here).
pub fn read_structure_runs(path: &Path) -> Result<Vec<RunStructureRow>, ReportError> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| io(path, e))?;
    let headers = rdr.headers().map_err(|e| table_error(path, &e, None))?.clone();
    const FIXED: [&str; 4] = ["mode", "run", "class", "reason"];
    for (i, name) in FIXED.iter().enumerate() {
        if headers.get(i) != Some(name) {
            return Err(ReportError::Table {
                path: path.to_path_buf(),
                line: 1,
                column: (*name).to_string(),
                message: "missing column; expected mode,run,class,reason and the measures"
                    .to_string(),
            });
        }
    }
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(table_error(path, &e, Some(&headers))),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let bad = |name: &str, got: &str, what: &str| ReportError::Table {
            path: path.to_path_buf(),
            line,
            column: name.to_string(),
            message: format!("\"{got}\" is not {what}"),
        };
        let run_text = &rec[1];
        let run: u32 =
            run_text.parse().map_err(|_| bad("run", run_text, "a run number (0, 1, ...)"))?;
        let mut measures = Vec::new();
        for (name, text) in headers.iter().zip(rec.iter()).skip(FIXED.len()) {
            let v = if text.is_empty() {
                f64::NAN
            } else {
                text.parse::<f64>().map_err(|_| bad(name, text, "a number"))?
            };
            measures.push((name.to_string(), v));
        }
        out.push(RunStructureRow {
            mode: rec[0].to_string(),
            run,
            class: rec[2].to_string(),
            reason: rec[3].to_string(),
            measures,
        });
    }
    Ok(out)
}

/// Read a run folder. `manifest.json`, `summary.csv` and `series.csv` are required; every other
/// part is read when present.
pub fn read_run_dir(dir: &Path) -> Result<RunData, ReportError> {
    if !dir.is_dir() {
        return Err(ReportError::Missing {
            path: dir.to_path_buf(),
            hint: "expected a run folder written by `symbiont simulate --out DIR`".to_string(),
        });
    }
    let p = |name: &str| -> PathBuf { dir.join(name) };
    let required = |name: &str| -> Result<PathBuf, ReportError> {
        let path = p(name);
        if path.is_file() {
            return Ok(path);
        }
        let parquet = path.with_extension("parquet");
        let hint = if parquet.is_file() {
            "the report reads the CSV tables, and this folder has only Parquet: run `symbiont simulate --format csv` (or `both`)".to_string()
        } else {
            "expected a run folder written by `symbiont simulate --out DIR`".to_string()
        };
        Err(ReportError::Missing { path, hint })
    };
    let manifest: serde_json::Value = read_json(&required("manifest.json")?)?;
    if !manifest.is_object() {
        return Err(ReportError::Json {
            path: p("manifest.json"),
            message: "expected a JSON object".to_string(),
        });
    }
    let summary = read_table(&required("summary.csv")?)?;
    let series = read_table(&required("series.csv")?)?;
    let optional = |name: &str| Some(p(name)).filter(|x| x.is_file());
    let symbiosis =
        optional("symbiosis.csv").map(|x| read_table(&x)).transpose()?.unwrap_or_default();
    let flows = optional("flows.csv").map(|x| read_flows(&x)).transpose()?;
    let sensitivity =
        optional("sensitivity.csv").map(|x| read_table(&x)).transpose()?.unwrap_or_default();
    let indices = optional("indices.csv").map(|x| read_table(&x)).transpose()?.unwrap_or_default();
    let dynamics = optional("dynamics.json").map(|x| read_json(&x)).transpose()?;
    let plan = optional("plan.json").map(|x| read_json(&x)).transpose()?;
    let network = optional("network.json").map(|x| read_json(&x)).transpose()?;
    let structure = optional_table(&p("network_structure.csv"))?;
    let structure_runs =
        optional("structure.csv").map(|x| read_structure_runs(&x)).transpose()?.unwrap_or_default();
    let trade = optional_table(&p("trade.csv"))?;
    let ranking = optional_table(&p("ranking.csv"))?;
    let entities = optional_table(&p("entities.csv"))?;
    let ties = optional_table(&p("ties.csv"))?;
    Ok(RunData {
        manifest,
        summary,
        series,
        symbiosis,
        flows,
        sensitivity,
        indices,
        dynamics,
        plan,
        network,
        structure,
        structure_runs,
        trade,
        ranking,
        entities,
        ties,
    })
}
