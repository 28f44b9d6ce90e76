//! `symbiont report RUN_DIR`: one self-contained HTML report of a run folder (charts inline,
//! no network needed to open it), with each chart's SVG and CSV (and PNG with `--png`) in a
//! folder beside it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use symbiont_study::metrics::METRICS;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  symbiont simulate --out results/ && symbiont report results/
  symbiont report results/ --out slides/study.html --png

Writes RUN_DIR/report.html (or --out) and, beside it, a folder <name>-charts/ with every
chart as .svg and its data as .csv. See docs/report.md for the optional files a run folder
can hold (dynamics.json, plan.json, network.json, indices.csv, sensitivity.csv).")]
pub struct Args {
    /// The run folder (written by `symbiont simulate --out DIR`).
    pub run_dir: PathBuf,
    /// The HTML file to write (default: RUN_DIR/report.html).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write every chart as PNG (for slides).
    #[arg(long)]
    pub png: bool,
}

/// The readable labels of the simulation's metrics, for chart titles and axes.
pub fn metric_labels() -> Vec<(String, String)> {
    METRICS.iter().map(|m| (m.key.to_string(), m.label.to_string())).collect()
}

/// The page and its chart folder, written into a hidden folder beside the page
/// (`.NAME.tmp-<pid>`) and moved into place only once everything is written, so that an error
/// or a kill never leaves a half-written report; removed on drop unless committed.
struct StagedReport {
    stage: PathBuf,
    html: PathBuf,
    charts: PathBuf,
}

impl StagedReport {
    fn new(out: &Path) -> Self {
        let stem = out.file_stem().map_or("report".into(), |s| s.to_string_lossy().into_owned());
        let charts = out.with_file_name(format!("{stem}-charts"));
        let stage = crate::out::temporary_name(out);
        let _ = std::fs::remove_dir_all(&stage);
        Self { html: stage.join(out.file_name().unwrap_or_default()), stage, charts }
    }

    /// Where the library writes the page (it creates the folder once the run folder is read).
    fn html(&self) -> &Path {
        &self.html
    }

    /// The chart folder, then the page (a rename within one folder replaces a file whole).
    fn commit(&self, out: &Path) -> anyhow::Result<()> {
        let charts_name = self.charts.file_name().unwrap_or_default();
        let staged_charts = self.stage.join(charts_name);
        if staged_charts.is_dir() {
            crate::rundir::replace_dir(&staged_charts, &self.charts)?;
        }
        std::fs::rename(&self.html, out).with_context(|| format!("writing {}", out.display()))
    }
}

impl Drop for StagedReport {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.stage);
    }
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let out = a.out.clone().unwrap_or_else(|| a.run_dir.join("report.html"));
    anyhow::ensure!(
        out.extension().is_some_and(|e| e == "html" || e == "htm"),
        "--out {}: expected a file name ending in .html",
        out.display()
    );
    anyhow::ensure!(
        !out.is_dir(),
        "--out {}: a folder is in the way; move it away or choose another file name",
        out.display()
    );
    let staged = StagedReport::new(&out);
    let manifest = std::fs::read_to_string(a.run_dir.join("manifest.json")).unwrap_or_default();
    if manifest.contains("\"command\": \"calibrate\"") {
        let files =
            symbiont_report::calibration::report_calibration_dir(&a.run_dir, staged.html(), a.png)?;
        staged.commit(&out)?;
        println!("{}: the calibration's report; {} files", out.display(), files.len());
        return Ok(());
    }
    let w = symbiont_report::report_run_dir(&a.run_dir, staged.html(), metric_labels(), a.png)?;
    staged.commit(&out)?;
    println!(
        "{}: {} sections, {} charts, {:.1} MB; chart files ({}) in {}/",
        out.display(),
        w.sections,
        w.charts,
        w.html_bytes as f64 / 1e6,
        if a.png { "svg, csv, png" } else { "svg, csv" },
        staged.charts.display()
    );
    if !w.absent.is_empty() {
        println!("not in this run folder: {}", w.absent.join("; "));
    }
    Ok(())
}
