//! Reading a simulation run's `flows.csv` (`mode,run,period,factor,source,target,value`)
//! into a [`Network`]: one layer per factor, averaged over runs, per period or aggregated.
//!
//! Parsing takes text, not a path: the CLI reads the file and passes its name for messages.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Edge, Layer, Network, NetworkError, Node};

/// The columns a flows file must have.
pub const FLOW_COLUMNS: [&str; 7] =
    ["mode", "run", "period", "factor", "source", "target", "value"];

/// A problem in a flows file, with the place it was found.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FlowError {
    #[error("{file}: the file is empty; expected the header `{}`", FLOW_COLUMNS.join(","))]
    Empty { file: String },
    #[error("{file}: line 1: missing column `{column}`; expected the header `{}`", FLOW_COLUMNS.join(","))]
    MissingColumn { file: String, column: &'static str },
    #[error("{file}: line {line}: {message}")]
    Csv { file: String, line: u64, message: String },
    #[error("{file}: line {line}, column `{column}`: {found:?} is not {expected}")]
    BadField { file: String, line: u64, column: &'static str, found: String, expected: String },
    #[error("{file}: no data rows after the header")]
    NoRows { file: String },
    #[error("{file}: no rows for mode `{mode}`; the file has modes: {}", available.join(", "))]
    NoSuchMode { file: String, mode: String, available: Vec<String> },
    #[error("{file}: the file has several modes ({}); choose one with --mode", available.join(", "))]
    SeveralModes { file: String, available: Vec<String> },
}

/// One row of a flows file.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    pub mode: String,
    pub run: u64,
    pub period: u32,
    pub layer: Layer,
    pub source: String,
    pub target: String,
    pub value: f64,
}

/// All rows of a flows file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowTable {
    file: String,
    rows: Vec<FlowRow>,
}

impl FlowTable {
    /// Parse the text of a flows file; `file` names it in error messages. Every field is
    /// checked: integers for run and period, a known factor, non-empty labels, and a finite,
    /// non-negative value.
    pub fn parse(file: &str, text: &str) -> Result<FlowTable, FlowError> {
        let file = file.to_string();
        if text.trim().is_empty() {
            return Err(FlowError::Empty { file });
        }
        let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let header = rdr
            .headers()
            .map_err(|e| FlowError::Csv { file: file.clone(), line: 1, message: e.to_string() })?
            .clone();
        let mut col = [0usize; 7];
        for (k, name) in FLOW_COLUMNS.iter().enumerate() {
            col[k] = header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or(FlowError::MissingColumn { file: file.clone(), column: name })?;
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| FlowError::Csv {
                file: file.clone(),
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let field = |k: usize| rec.get(col[k]).unwrap_or("");
            let bad = |k: usize, expected: &str| FlowError::BadField {
                file: file.clone(),
                line,
                column: FLOW_COLUMNS[k],
                found: field(k).to_string(),
                expected: expected.to_string(),
            };
            let run = field(1).parse::<u64>().map_err(|_| bad(1, "a run number (0, 1, 2, ...)"))?;
            let period =
                field(2).parse::<u32>().map_err(|_| bad(2, "a period number (0, 1, 2, ...)"))?;
            let layer = Layer::parse(field(3))
                .filter(|l| *l != Layer::Relation)
                .ok_or_else(|| bad(3, &format!("a factor ({})", factor_names())))?;
            let value = field(6)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| bad(6, "a finite, non-negative number"))?;
            if field(0).is_empty() {
                return Err(bad(0, "a mode name"));
            }
            if field(4).is_empty() {
                return Err(bad(4, "a node label such as home:enterprise"));
            }
            if field(5).is_empty() {
                return Err(bad(5, "a node label such as host:host_firm"));
            }
            rows.push(FlowRow {
                mode: field(0).to_string(),
                run,
                period,
                layer,
                source: field(4).to_string(),
                target: field(5).to_string(),
                value,
            });
        }
        if rows.is_empty() {
            return Err(FlowError::NoRows { file });
        }
        Ok(FlowTable { file, rows })
    }

    pub fn rows(&self) -> &[FlowRow] {
        &self.rows
    }

    /// The modes present, sorted.
    pub fn modes(&self) -> Vec<String> {
        self.rows.iter().map(|r| r.mode.clone()).collect::<BTreeSet<_>>().into_iter().collect()
    }

    /// Resolve the mode to use: the one asked for, or the only one in the file.
    pub fn choose_mode(&self, mode: Option<&str>) -> Result<String, FlowError> {
        let available = self.modes();
        match mode {
            Some(m) if available.iter().any(|a| a == m) => Ok(m.to_string()),
            Some(m) => Err(FlowError::NoSuchMode {
                file: self.file.clone(),
                mode: m.to_string(),
                available,
            }),
            None if available.len() == 1 => Ok(available[0].clone()),
            None => Err(FlowError::SeveralModes { file: self.file.clone(), available }),
        }
    }

    /// The flow network of one mode. Values are averaged over the mode's runs (a run without
    /// a row for some flow counts as 0 there). With `per_period` each period keeps its own
    /// edges (`period: Some(p)`); otherwise periods are summed into one edge per source,
    /// target and factor. Node kind and side come from labels of the form `side:kind`.
    pub fn network(&self, mode: &str, per_period: bool) -> Result<Network, NetworkError> {
        let rows: Vec<&FlowRow> = self.rows.iter().filter(|r| r.mode == mode).collect();
        let runs = rows.iter().map(|r| r.run).collect::<BTreeSet<_>>().len().max(1) as f64;
        let mut net = Network::new();
        let mut sum: BTreeMap<(usize, usize, Layer, Option<u32>), f64> = BTreeMap::new();
        for r in &rows {
            let s = net.add_node(Node::from_label(&r.source));
            let t = net.add_node(Node::from_label(&r.target));
            let period = per_period.then_some(r.period);
            *sum.entry((s, t, r.layer, period)).or_default() += r.value;
        }
        for ((source, target, layer, period), total) in sum {
            net.add_edge(Edge { source, target, layer, period, weight: total / runs })?;
        }
        Ok(net)
    }
}

fn factor_names() -> String {
    Layer::FACTORS.iter().map(|l| l.name()).collect::<Vec<_>>().join("|")
}
