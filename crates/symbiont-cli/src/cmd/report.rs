//! `symbiont report RUN_DIR`: one self-contained HTML report of a run folder (charts inline,
//! no network needed to open it), with each chart's SVG and CSV (and PNG with `--png`) in a
//! folder beside it.

use std::path::PathBuf;

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

pub fn run(a: Args) -> anyhow::Result<()> {
    let out = a.out.clone().unwrap_or_else(|| a.run_dir.join("report.html"));
    anyhow::ensure!(
        out.extension().is_some_and(|e| e == "html" || e == "htm"),
        "--out {}: expected a file name ending in .html",
        out.display()
    );
    let manifest = std::fs::read_to_string(a.run_dir.join("manifest.json")).unwrap_or_default();
    if manifest.contains("\"command\": \"calibrate\"") {
        let files = symbiont_report::calibration::report_calibration_dir(&a.run_dir, &out, a.png)?;
        println!("{}: the calibration's report; {} files", out.display(), files.len());
        return Ok(());
    }
    let w = symbiont_report::report_run_dir(&a.run_dir, &out, metric_labels(), a.png)?;
    println!(
        "{}: {} sections, {} charts, {:.1} MB; chart files ({}) in {}/",
        w.html.display(),
        w.sections,
        w.charts,
        w.html_bytes as f64 / 1e6,
        if a.png { "svg, csv, png" } else { "svg, csv" },
        w.charts_dir.display()
    );
    if !w.absent.is_empty() {
        println!("not in this run folder: {}", w.absent.join("; "));
    }
    Ok(())
}
