//! The report of a sweep folder's decision analyses: scenario discovery
//! (`discovery/NAME/discovery.json`, written by `symbiont sweep discover`) and robustness
//! (`robustness/robustness.json`, by `symbiont sweep robust`). The JSON shapes are the types
//! below; the report reads files only, so a page can be rebuilt from the folder alone.
//!
//! Charts: the peeling trajectory (coverage against density, coloured by the number of
//! restricted inputs, the chosen box ringed), the chosen box's limits on each input's range,
//! the inputs' feature scores, and per outcome the modes' regret and satisficing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::{Block, Report, Section};
use crate::error::ReportError;
use crate::figure::{
    BarSeries, BarValue, BarsFigure, Chart, Figure, HBar, HBarsFigure, RangeRow, RangesFigure,
    ScatterFigure, ScatterPoint, fmt_num,
};
use crate::html::esc;

/// One box of a PRIM trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// Which PRIM box (0 for the first).
    pub box_index: usize,
    pub step: usize,
    pub coverage: f64,
    pub density: f64,
    pub res_dim: usize,
    /// The box chosen on this trajectory.
    pub selected: bool,
}

/// One restricted input of a chosen box, on its range scaled to 0..1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitRow {
    pub box_index: usize,
    pub input: String,
    pub low: f64,
    pub high: f64,
    /// The restriction in words, e.g. "plots < 39.5".
    pub text: String,
    /// The largest (weakest) binomial quasi-p of its restricted ends.
    pub quasi_p: Option<f64>,
    /// Share of resampled boxes restricting it (closest in coverage).
    pub reproduce: Option<f64>,
}

/// An input's feature score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub input: String,
    pub score: f64,
}

/// A CART leaf dense in cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeafRow {
    pub text: String,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

/// A discovery, as the report draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryPart {
    pub name: String,
    /// What the condition means, in words (default: the condition).
    pub label: String,
    pub condition: String,
    pub points: usize,
    pub cases: usize,
    /// Plain-text findings, one per chosen box.
    pub statements: Vec<String>,
    pub trajectory: Vec<TrajectoryPoint>,
    pub limits: Vec<LimitRow>,
    #[serde(default)]
    pub scores: Vec<ScoreRow>,
    #[serde(default)]
    pub leaves: Vec<LeafRow>,
}

/// One mode's robustness for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeRow {
    pub mode: String,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub max_regret: f64,
    pub p90_regret: f64,
    pub satisficing: Option<f64>,
    pub signal_to_noise: Option<f64>,
    /// (criterion, rank) with 1 = best.
    pub ranks: Vec<(String, Option<usize>)>,
}

/// One outcome of a robustness analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomePart {
    pub metric: String,
    pub label: String,
    pub unit: String,
    /// "maximize" or "minimize".
    pub direction: String,
    pub threshold: Option<f64>,
    pub rows: Vec<ModeRow>,
}

/// A robustness analysis, as the report draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustnessPart {
    pub points: usize,
    pub modes: Vec<String>,
    pub outcomes: Vec<OutcomePart>,
    /// Share of points where a mode meets every threshold at once, per mode.
    #[serde(default)]
    pub satisficing_all: Vec<(String, f64)>,
    pub statements: Vec<String>,
}

/// The decision analyses of a sweep folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepParts {
    pub name: String,
    pub discoveries: Vec<DiscoveryPart>,
    pub robustness: Option<RobustnessPart>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ReportError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    serde_json::from_str(&text)
        .map_err(|e| ReportError::Json { path: path.to_path_buf(), message: e.to_string() })
}

/// Read every `discovery/*/discovery.json` (in name order) and `robustness/robustness.json`.
pub fn read_sweep_parts(dir: &Path) -> Result<SweepParts, ReportError> {
    let mut parts = SweepParts::default();
    let manifest = dir.join("manifest.json");
    if manifest.is_file() {
        let m: serde_json::Value = read_json(&manifest)?;
        parts.name = m["name"].as_str().unwrap_or("").to_string();
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("discovery")) {
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path().join("discovery.json"))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for p in paths {
            parts.discoveries.push(read_json(&p)?);
        }
    }
    let r = dir.join("robustness").join("robustness.json");
    if r.is_file() {
        parts.robustness = Some(read_json(&r)?);
    }
    Ok(parts)
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            s.push_str(&format!("<td>{c}</td>"));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

fn pct(v: f64) -> String {
    format!("{:.0}%", 100.0 * v)
}

fn discovery_section(d: &DiscoveryPart) -> Section {
    let mut blocks = vec![Block::Html(format!(
        "<p>Cases of interest: <code>{}</code> ({}), at {} of {} design points. {}</p>",
        esc(&d.condition),
        esc(&d.label),
        d.cases,
        d.points,
        d.statements
            .iter()
            .map(|s| format!("<strong>{}</strong>", esc(s)))
            .collect::<Vec<_>>()
            .join(" ")
    ))];
    let id = slug(&d.name);
    let traj = Chart::new(
        format!("prim-trajectory-{id}"),
        format!("PRIM peeling trajectory: {}", d.label),
        Figure::Scatter(ScatterFigure {
            x_label: "coverage (share of all cases inside)".into(),
            y_label: "density (share of the box that are cases)".into(),
            group_label: "restricted inputs".into(),
            points: d
                .trajectory
                .iter()
                .map(|t| ScatterPoint {
                    x: t.coverage,
                    y: t.density,
                    group: t.res_dim,
                    marked: t.selected,
                })
                .collect(),
        }),
    );
    let limits = Chart::new(
        format!("prim-box-{id}"),
        format!("The chosen box: {}", d.label),
        Figure::Ranges(RangesFigure {
            x_label: "share of the input's range in the sweep".into(),
            rows: d
                .limits
                .iter()
                .map(|l| RangeRow {
                    label: l.input.clone(),
                    low: l.low,
                    high: l.high,
                    text: format!(
                        "{}{}",
                        l.text,
                        l.quasi_p.map(|q| format!(" (qp {})", fmt_qp(q))).unwrap_or_default()
                    ),
                })
                .collect(),
        }),
    );
    blocks.push(Block::Charts(vec![traj, limits].into_iter().filter(|c| !c.is_empty()).collect()));
    let rows: Vec<Vec<String>> = d
        .limits
        .iter()
        .map(|l| {
            vec![
                format!("{}", l.box_index + 1),
                esc(&l.text),
                l.quasi_p.map_or("–".into(), fmt_qp),
                l.reproduce.map_or("–".into(), pct),
            ]
        })
        .collect();
    blocks.push(Block::Html(format!(
        "<h3>Restrictions of the chosen box</h3><p class=\"note\">qp: one-sided binomial quasi-p value of \
         the restriction (small: the restriction matters); reproduced: share of PRIM boxes on resamples that \
         restrict the input.</p>{}",
        table(&["box", "restriction", "quasi-p", "reproduced"], &rows)
    )));
    if !d.scores.is_empty() {
        let c = Chart::new(
            format!("scores-{id}"),
            format!("Feature scores: {}", d.label),
            Figure::HBars(HBarsFigure {
                x_label: "extra-trees importance (sums to 1)".into(),
                base: 0.0,
                low_name: String::new(),
                high_name: "score".into(),
                bars: d
                    .scores
                    .iter()
                    .map(|s| HBar { label: s.input.clone(), low: 0.0, high: s.score })
                    .collect(),
            }),
        );
        blocks.push(Block::Charts(vec![c]));
    }
    if !d.leaves.is_empty() {
        let rows: Vec<Vec<String>> = d
            .leaves
            .iter()
            .map(|l| vec![esc(&l.text), pct(l.coverage), pct(l.density), pct(l.mass)])
            .collect();
        blocks.push(Block::Html(format!(
            "<h3>CART leaves where the cases are the majority</h3>{}",
            table(&["leaf", "coverage", "density", "mass"], &rows)
        )));
    }
    Section { id: "discovery", title: format!("Scenario discovery: {}", d.label), blocks }
}

fn fmt_qp(q: f64) -> String {
    if q < 1e-3 { format!("{q:.1e}") } else { format!("{q:.3}") }
}

fn robustness_section(r: &RobustnessPart) -> Section {
    let mut blocks = vec![Block::Html(format!(
        "<p>Across {} design points. {}</p>",
        r.points,
        r.statements
            .iter()
            .map(|s| format!("<strong>{}</strong>", esc(s)))
            .collect::<Vec<_>>()
            .join(" ")
    ))];
    let mut charts = Vec::new();
    for o in &r.outcomes {
        let value = |f: &dyn Fn(&ModeRow) -> f64| -> Vec<BarValue> {
            o.rows.iter().map(|m| BarValue { value: f(m), low: None, high: None }).collect()
        };
        charts.push(Chart::new(
            format!("regret-{}", slug(&o.metric)),
            format!("Regret on {} (lower is better)", o.label),
            Figure::Bars(BarsFigure {
                y_label: format!("regret ({})", o.unit),
                groups: o.rows.iter().map(|m| m.mode.clone()).collect(),
                series: vec![
                    BarSeries {
                        name: "90th-percentile regret".into(),
                        values: value(&|m| m.p90_regret),
                    },
                    BarSeries { name: "maximum regret".into(), values: value(&|m| m.max_regret) },
                ],
                color_by_group: false,
                note: "regret: how far the mode is from the best mode at the same design point"
                    .into(),
                thresholds: Vec::new(),
            }),
        ));
        let mut head =
            vec!["mode".to_string(), "mean".into(), "p10".into(), "p50".into(), "p90".into()];
        head.extend(
            ["max regret", "p90 regret", "satisficing", "signal/noise", "ranks (1 = best)"]
                .map(String::from),
        );
        let rows: Vec<Vec<String>> = o
            .rows
            .iter()
            .map(|m| {
                vec![
                    format!("<code>{}</code>", esc(&m.mode)),
                    fmt_num(m.mean),
                    fmt_num(m.p10),
                    fmt_num(m.p50),
                    fmt_num(m.p90),
                    fmt_num(m.max_regret),
                    fmt_num(m.p90_regret),
                    m.satisficing.map_or("–".into(), pct),
                    m.signal_to_noise.map_or("–".into(), fmt_num),
                    esc(&m
                        .ranks
                        .iter()
                        .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
                        .collect::<Vec<_>>()
                        .join(", ")),
                ]
            })
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        blocks.push(Block::Html(format!(
            "<h3>{} ({}, {}{})</h3>{}",
            esc(&o.label),
            esc(&o.unit),
            esc(&o.direction),
            o.threshold.map(|t| format!(", threshold {}", fmt_num(t))).unwrap_or_default(),
            table(&head, &rows)
        )));
    }
    for pair in charts.chunks(2) {
        blocks.push(Block::Charts(pair.iter().filter(|c| !c.is_empty()).cloned().collect()));
    }
    if !r.satisficing_all.is_empty() {
        let c = Chart::new(
            "satisficing-all",
            "Share of design points meeting every threshold",
            Figure::Bars(BarsFigure {
                y_label: "share of design points".into(),
                groups: r.satisficing_all.iter().map(|(m, _)| m.clone()).collect(),
                series: vec![BarSeries {
                    name: "satisficing".into(),
                    values: r
                        .satisficing_all
                        .iter()
                        .map(|(_, v)| BarValue { value: *v, low: None, high: None })
                        .collect(),
                }],
                color_by_group: true,
                note: String::new(),
                thresholds: Vec::new(),
            }),
        );
        blocks.push(Block::Charts(vec![c].into_iter().filter(|c| !c.is_empty()).collect()));
    }
    Section { id: "robustness", title: "Robustness of the modes".into(), blocks }
}

/// The report of a sweep folder's analyses.
pub fn sweep_report(parts: &SweepParts, charts_dir: &str) -> Report {
    let mut sections: Vec<Section> = parts.discoveries.iter().map(discovery_section).collect();
    if let Some(r) = &parts.robustness {
        sections.push(robustness_section(r));
    }
    Report {
        title: format!("Sweep {}: decisions under deep uncertainty", parts.name),
        subtitle: format!(
            "{} discovery analyses{}",
            parts.discoveries.len(),
            if parts.robustness.is_some() { ", robustness" } else { "" }
        ),
        sections,
        absent: Vec::new(),
        charts_dir: charts_dir.to_string(),
    }
}

/// Read a sweep folder's analyses and write their page to `html_path`, the chart files in
/// `<stem>-charts/` beside it. Returns the files written.
pub fn report_sweep_dir(
    dir: &Path,
    html_path: &Path,
    png: bool,
) -> Result<Vec<PathBuf>, ReportError> {
    let parts = read_sweep_parts(dir)?;
    let report = sweep_report(&parts, &crate::charts_dir_name(html_path));
    crate::write_page(&report, html_path, png)
}
