//! Self-contained HTML reports of a Symbiont run folder, with the charts as SVG (PNG for
//! slides) and the data of every chart as CSV beside it.
//!
//! The pipeline has three steps, each a plain function over plain data:
//!
//! 1. [`rundir::read_run_dir`] reads a run folder (`manifest.json`, `summary.csv`, `series.csv`,
//!    `symbiosis.csv`, `flows.csv`, the network structure and trade tables when present, and
//!    the optional `sensitivity.csv`, `indices.csv`, `dynamics.json`, `plan.json`,
//!    `network.json`) into a [`RunData`];
//! 2. [`build::build`] turns it into a [`Report`]: sections of [`Chart`]s and tables, in
//!    reading order. A chart is a [`Figure`] (lines with bands, grouped bars with intervals, a
//!    categorical matrix, a network on two columns, a phase portrait, histograms, horizontal
//!    bars) with an id and a title;
//! 3. [`html::render`] draws every chart with plotters and assembles one HTML page with inline
//!    CSS and font and no external reference; [`html::write_report`] writes it, with each
//!    chart's `.svg`, `.csv` (and `.png`) in a folder beside it.
//!
//! The figures are usable on their own: build one from fixed data and call [`Chart::svg`],
//! [`Chart::png`] or [`Chart::csv`]. Colours come from the Okabe-Ito palette ([`palette`]);
//! text is measured and drawn with the embedded DejaVu Sans, so no system font is needed.
//!
//! ```
//! use symbiont_report::figure::{Chart, Figure, Line, LinesFigure};
//!
//! let chart = Chart::new(
//!     "jobs",
//!     "Host jobs, per year",
//!     Figure::Lines(LinesFigure {
//!         x_label: "year".into(),
//!         y_label: "host jobs (jobs)".into(),
//!         lines: vec![Line::new("network", vec![(2013.0, 0.0), (2014.0, 1200.0), (2015.0, 2500.0)])],
//!     }),
//! );
//! let svg = chart.svg().unwrap();
//! assert!(svg.contains("<polyline"));
//! assert!(chart.csv().starts_with("series,year,host jobs (jobs)"));
//! ```
//!
//! [`sweep`] reads a sweep folder's scenario discovery and robustness parts and builds their
//! page (trajectory, box limits, feature scores, regret), written by `symbiont sweep discover`
//! and `symbiont sweep robust`.
//!
//! Reading files lives here (a run folder is the report's input); the engines stay pure.

pub mod build;
pub mod calibration;
pub mod error;
pub mod figure;
pub mod html;
pub mod network;
pub mod palette;
pub mod parts;
pub mod rundir;
pub mod structure;
pub mod sweep;

pub use build::{Report, ReportOptions, Section, build};
pub use error::ReportError;
pub use figure::{Chart, Figure, svg_outline};
pub use html::{Rendered, render, write_report};
pub use rundir::{RunData, read_run_dir};

use std::path::{Path, PathBuf};

/// The chart folder's name beside `html_path`: `<stem>-charts`.
pub(crate) fn charts_dir_name(html_path: &Path) -> String {
    let stem = html_path
        .file_stem()
        .map_or_else(|| "report".to_string(), |s| s.to_string_lossy().into_owned());
    format!("{stem}-charts")
}

/// Draw a report and write it to `html_path` with its chart files; the files written.
pub(crate) fn write_page(
    report: &Report,
    html_path: &Path,
    png: bool,
) -> Result<Vec<PathBuf>, ReportError> {
    let rendered = render(report)?;
    write_report(report, &rendered, html_path, png)
}

/// What [`report_run_dir`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub html: PathBuf,
    /// The folder with each chart's `.svg`, `.csv` (and `.png`).
    pub charts_dir: PathBuf,
    pub sections: usize,
    pub charts: usize,
    pub html_bytes: usize,
    /// Optional parts the run folder lacks, with the command that adds each.
    pub absent: Vec<String>,
    pub files: Vec<PathBuf>,
}

/// Read `run_dir`, build its report and write it to `html_path`, with the chart files in
/// `<stem>-charts/` beside it: the whole of `symbiont report` in one call, for any command
/// that wants to leave a report in the folder it wrote.
pub fn report_run_dir(
    run_dir: &Path,
    html_path: &Path,
    metric_labels: Vec<(String, String)>,
    png: bool,
) -> Result<Written, ReportError> {
    let opts = ReportOptions { metric_labels, charts_dir: charts_dir_name(html_path) };
    let data = read_run_dir(run_dir)?;
    // Only once the run folder has been read, so that a mistyped folder creates nothing.
    if let Some(parent) = html_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| ReportError::Io { path: parent.to_path_buf(), message: e.to_string() })?;
    }
    let report = build(&data, &opts);
    let rendered = render(&report)?;
    let files = write_report(&report, &rendered, html_path, png)?;
    Ok(Written {
        html: html_path.to_path_buf(),
        charts_dir: html_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join(&opts.charts_dir),
        sections: report.sections.len(),
        charts: rendered.charts.len(),
        html_bytes: rendered.html.len(),
        absent: report.absent,
        files,
    })
}
