//! The report of a calibration folder (written by `symbiont calibrate`): what the targets pin
//! down, how well the calibrated model reproduces them, and how the sampler went.
//!
//! Sections: the identifiability table (contraction, status, trade-offs); the marginal
//! posteriors (histograms of an equally weighted resample, the median marked); pairwise
//! posteriors of the most correlated pairs (each axis the pair's range among the particles);
//! the posterior predictive check (each target's simulated 5-95% band against the observed
//! value, and where the observation falls in its simulated distribution); the generations; the
//! recovery check when the folder holds one. Everything is read from the folder's CSV tables.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::build::{Block, Report, Section, p, table};
use crate::error::ReportError;
use crate::figure::{
    Chart, Figure, HBar, HBarsFigure, HistFigure, HistPanel, ScatterFigure, ScatterPoint, fmt_num,
};
use crate::html::esc;
use crate::rundir::read_table;

#[derive(Debug, Clone, Deserialize)]
struct ParamRow {
    parameter: String,
    role: String,
    prior: String,
    q05: f64,
    q50: f64,
    q95: f64,
    contraction: f64,
    identified: String,
    trades_off_with: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PredRow {
    target: String,
    observed: f64,
    q05: f64,
    q50: f64,
    q95: f64,
    percentile: f64,
    inside_90: String,
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
struct GenRow {
    generation: u32,
    tolerance: f64,
    particles: u32,
    attempts: f64,
    acceptance_rate: f64,
    ess: f64,
    complete: String,
}

#[derive(Debug, Clone, Deserialize)]
struct RecRow {
    parameter: String,
    replicates: u32,
    covered_50: u32,
    band_50: String,
    covered_90: u32,
    band_90: String,
    within_90: String,
    rank_p_value: f64,
}

/// A calibration folder, as the report reads it.
#[derive(Debug, Clone)]
pub struct CalibrationData {
    pub name: String,
    pub mode: String,
    pub simulations: u64,
    params: Vec<ParamRow>,
    predictive: Vec<PredRow>,
    generations: Vec<GenRow>,
    recovery: Vec<RecRow>,
    /// Parameter names and the equally weighted resample of the posterior, one row per draw.
    names: Vec<String>,
    draws: Vec<Vec<f64>>,
}

fn optional<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, ReportError> {
    if path.is_file() { read_table(path) } else { Ok(Vec::new()) }
}

/// Systematic resampling of weighted particles to `n` equally weighted draws.
fn resample(theta: &[Vec<f64>], weights: &[f64], n: usize) -> Vec<Vec<f64>> {
    let total: f64 = weights.iter().sum();
    if theta.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    let (mut out, mut cum, mut j) = (Vec::with_capacity(n), weights[0] / total, 0);
    for i in 0..n {
        let u = (i as f64 + 0.5) / n as f64;
        while u > cum && j + 1 < theta.len() {
            j += 1;
            cum += weights[j] / total;
        }
        out.push(theta[j].clone());
    }
    out
}

/// Read a calibration folder.
pub fn read_calibration_dir(dir: &Path) -> Result<CalibrationData, ReportError> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|_| ReportError::Missing {
        path: manifest_path.clone(),
        hint: "expected a folder written by `symbiont calibrate`".into(),
    })?;
    let m: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| ReportError::Json { path: manifest_path.clone(), message: e.to_string() })?;
    let name = m["calibration_name"].as_str().unwrap_or("calibration").to_string();
    let mode = m["mode"].as_str().unwrap_or("").to_string();
    let simulations = m["simulations"].as_u64().unwrap_or(0);
    let (mut names, mut draws) = (Vec::new(), Vec::new());
    let post = dir.join("posterior.csv");
    if post.is_file() {
        let mut rdr = csv::Reader::from_path(&post)
            .map_err(|e| ReportError::Io { path: post.clone(), message: e.to_string() })?;
        let headers = rdr
            .headers()
            .map_err(|e| ReportError::Io { path: post.clone(), message: e.to_string() })?
            .clone();
        names = headers.iter().skip(2).map(str::to_string).collect();
        let (mut theta, mut weights) = (Vec::new(), Vec::new());
        for (i, rec) in rdr.records().enumerate() {
            let rec =
                rec.map_err(|e| ReportError::Io { path: post.clone(), message: e.to_string() })?;
            let nums: Result<Vec<f64>, _> = rec.iter().skip(1).map(str::parse::<f64>).collect();
            let nums = nums.map_err(|e| ReportError::Table {
                path: post.clone(),
                line: i as u64 + 2,
                column: "?".into(),
                message: format!("{e}; expected numbers"),
            })?;
            weights.push(nums[0]);
            theta.push(nums[1..].to_vec());
        }
        draws = resample(&theta, &weights, 1000);
    }
    Ok(CalibrationData {
        name,
        mode,
        simulations,
        params: optional(&dir.join("parameters.csv"))?,
        predictive: optional(&dir.join("predictive.csv"))?,
        generations: optional(&dir.join("generations.csv"))?,
        recovery: optional(&dir.join("recovery.csv"))?,
        names,
        draws,
    })
}

fn column(d: &CalibrationData, j: usize) -> Vec<f64> {
    d.draws.iter().map(|t| t[j]).collect()
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa > 0.0 && sbb > 0.0 { sab / (saa * sbb).sqrt() } else { 0.0 }
}

fn unit(v: &[f64]) -> Vec<f64> {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    v.iter().map(|x| if hi > lo { (x - lo) / (hi - lo) } else { 0.5 }).collect()
}

fn identifiability(d: &CalibrationData) -> Section {
    let rows: Vec<Vec<String>> = d
        .params
        .iter()
        .map(|r| {
            vec![
                esc(&r.parameter),
                esc(&r.role),
                esc(&r.prior),
                fmt_num(r.q50),
                format!("{} .. {}", fmt_num(r.q05), fmt_num(r.q95)),
                format!("{:.2}", r.contraction),
                esc(&r.identified),
                esc(&r.trades_off_with),
            ]
        })
        .collect();
    let head: Vec<String> = [
        "parameter",
        "role",
        "prior",
        "median",
        "90% interval",
        "contraction",
        "identified",
        "trades off with",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pinned: Vec<&str> = d
        .params
        .iter()
        .filter(|r| r.identified == "pinned down")
        .map(|r| r.parameter.as_str())
        .collect();
    let open: Vec<&str> = d
        .params
        .iter()
        .filter(|r| r.identified == "not identified")
        .map(|r| r.parameter.as_str())
        .collect();
    let mut blocks = vec![p(&format!(
        "Calibrated under mode <code>{}</code> with {} simulations. The targets pin down: {}. They leave open (the posterior is the prior, so these stay assumptions): {}.",
        esc(&d.mode),
        d.simulations,
        if pinned.is_empty() { "none".to_string() } else { esc(&pinned.join(", ")) },
        if open.is_empty() { "none".to_string() } else { esc(&open.join(", ")) },
    ))];
    blocks.push(Block::Html(table(&head, &rows)));
    blocks.push(p(
        "Contraction is the posterior sd over the prior sd: pinned down below 0.5, not identified at 0.9 or above, weakly identified between; two parameters trade off when their posterior correlation is at least 0.5 in absolute value (the targets fix a combination of them, not each).",
    ));
    Section { id: "calibration-parameters", title: "What the data pin down".into(), blocks }
}

fn marginals(d: &CalibrationData) -> Option<Section> {
    if d.draws.is_empty() {
        return None;
    }
    let panels = d
        .names
        .iter()
        .enumerate()
        .map(|(j, n)| {
            let v = column(d, j);
            let median = d.params.get(j).map_or(f64::NAN, |r| r.q50);
            HistPanel { name: n.clone(), draws: v, estimate: median }
        })
        .collect();
    let hist = Chart::new(
        "posterior-marginals",
        "Marginal posteriors (1,000 equally weighted draws; the line marks the median)",
        Figure::Hist(HistFigure { panels }),
    );
    // The most correlated pairs.
    let k = d.names.len();
    let mut pairs: Vec<(f64, usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .map(|(a, b)| (corr(&column(d, a), &column(d, b)), a, b))
        .collect();
    pairs.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    let mut charts = vec![hist];
    for (i, &(r, a, b)) in pairs.iter().take(3).enumerate() {
        let (xa, xb) = (unit(&column(d, a)), unit(&column(d, b)));
        let points = xa
            .iter()
            .zip(&xb)
            .map(|(&x, &y)| ScatterPoint { x, y, group: 0, marked: false })
            .collect();
        charts.push(Chart::new(
            format!("posterior-pair-{i}"),
            format!(
                "{} against {} (correlation {r:+.2}; each axis its range in the posterior)",
                d.names[b], d.names[a]
            ),
            Figure::Scatter(ScatterFigure {
                x_label: d.names[a].clone(),
                y_label: d.names[b].clone(),
                group_label: "posterior draws".into(),
                points,
            }),
        ));
    }
    Some(Section {
        id: "calibration-posterior",
        title: "The posterior".into(),
        blocks: vec![Block::Charts(charts)],
    })
}

fn predictive(d: &CalibrationData) -> Option<Section> {
    if d.predictive.is_empty() {
        return None;
    }
    let bars = d
        .predictive
        .iter()
        .map(|r| HBar { label: r.target.clone(), low: 0.5, high: r.percentile })
        .collect();
    let chart = Chart::new(
        "predictive-percentiles",
        "Where each observed value falls in its simulated distribution (near 0 or 1: the calibrated model cannot reproduce it)",
        Figure::HBars(HBarsFigure {
            x_label: "share of simulations below the observed value (0.5: in the middle)".into(),
            base: 0.5,
            low_name: String::new(),
            high_name: "observed value's percentile".into(),
            bars,
        }),
    );
    let head: Vec<String> =
        ["target", "observed", "simulated median", "simulated 5-95%", "inside", "source"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let rows: Vec<Vec<String>> = d
        .predictive
        .iter()
        .map(|r| {
            vec![
                esc(&r.target),
                fmt_num(r.observed),
                fmt_num(r.q50),
                format!("{} .. {}", fmt_num(r.q05), fmt_num(r.q95)),
                esc(&r.inside_90),
                esc(&r.source),
            ]
        })
        .collect();
    let outside: Vec<&str> =
        d.predictive.iter().filter(|r| r.inside_90 != "yes").map(|r| r.target.as_str()).collect();
    let summary = if outside.is_empty() {
        "Every observed value lies inside its simulated 90% band.".to_string()
    } else {
        format!(
            "Outside their simulated 90% band: {}. The calibrated model cannot reproduce these; read them as a limit of the model, not of the sampler.",
            esc(&outside.join(", "))
        )
    };
    Some(Section {
        id: "calibration-predictive",
        title: "Posterior predictive check".into(),
        blocks: vec![p(&summary), Block::Charts(vec![chart]), Block::Html(table(&head, &rows))],
    })
}

fn generations(d: &CalibrationData) -> Option<Section> {
    if d.generations.is_empty() {
        return None;
    }
    let head: Vec<String> =
        ["generation", "tolerance", "accepted", "proposals", "acceptance", "ESS", "complete"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let rows = d
        .generations
        .iter()
        .map(|g| {
            vec![
                g.generation.to_string(),
                fmt_num(g.tolerance),
                g.particles.to_string(),
                fmt_num(g.attempts),
                format!("{:.1}%", 100.0 * g.acceptance_rate),
                format!("{:.1}", g.ess),
                esc(&g.complete),
            ]
        })
        .collect::<Vec<_>>();
    Some(Section {
        id: "calibration-generations",
        title: "The sampler, generation by generation".into(),
        blocks: vec![
            p(
                "Tolerances are in the units of each generation's own adaptive distance, so they need not fall; the acceptance rate and the effective sample size (ESS) say whether the sample can be trusted. A generation cut short by the budget is not used.",
            ),
            Block::Html(table(&head, &rows)),
        ],
    })
}

fn recovery(d: &CalibrationData) -> Option<Section> {
    if d.recovery.is_empty() {
        return None;
    }
    let head: Vec<String> =
        ["parameter", "50% covered", "50% band", "90% covered", "90% band", "within", "ranks p"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let rows = d
        .recovery
        .iter()
        .map(|r| {
            vec![
                esc(&r.parameter),
                format!("{}/{}", r.covered_50, r.replicates),
                esc(&r.band_50),
                format!("{}/{}", r.covered_90, r.replicates),
                esc(&r.band_90),
                esc(&r.within_90),
                format!("{:.3}", r.rank_p_value),
            ]
        })
        .collect::<Vec<_>>();
    Some(Section {
        id: "calibration-recovery",
        title: "Recovery check".into(),
        blocks: vec![
            p(
                "Parameters drawn from the prior, data simulated from them, calibrated back: a calibrated posterior holds the truth in its 90% interval about 90% of the time (the band is the 95% binomial range), and the ranks of the truth are uniform (p of a chi-square test).",
            ),
            Block::Html(table(&head, &rows)),
        ],
    })
}

/// The report of a calibration folder.
pub fn calibration_report(d: &CalibrationData, charts_dir: &str) -> Report {
    let mut sections = Vec::new();
    if !d.params.is_empty() {
        sections.push(identifiability(d));
    }
    sections.extend(marginals(d));
    sections.extend(predictive(d));
    sections.extend(generations(d));
    sections.extend(recovery(d));
    Report {
        title: format!("Calibration: {}", d.name),
        subtitle: format!("fitted under mode {}; {} simulations", d.mode, d.simulations),
        sections,
        absent: Vec::new(),
        charts_dir: charts_dir.to_string(),
    }
}

/// Read a calibration folder and write its page to `html_path`, the chart files in
/// `<stem>-charts/` beside it. Returns the files written.
pub fn report_calibration_dir(
    dir: &Path,
    html_path: &Path,
    png: bool,
) -> Result<Vec<PathBuf>, ReportError> {
    let data = read_calibration_dir(dir)?;
    let report = calibration_report(&data, &crate::charts_dir_name(html_path));
    crate::write_page(&report, html_path, png)
}
