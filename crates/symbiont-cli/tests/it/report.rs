//! Tests of `symbiont report`: the default study's report, its chart files, bad input, and
//! (behind `SYMBIONT_BROWSER_TESTS=1`) the page rendered in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{fresh_dir, symbiont};

/// The sections every simulate run folder's report has (ids of the HTML sections).
const SECTIONS: [&str; 6] = ["overview", "comparison", "symbiosis", "flows", "network", "methods"];

/// Simulate the default study into a fresh folder and write its report.
fn default_report(name: &str, runs: &str) -> PathBuf {
    let out = fresh_dir(name);
    let o = out.to_str().unwrap();
    let r =
        symbiont(&["simulate", "--runs", runs, "--horizon", "8", "--format", "csv", "--out", o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = symbiont(&["report", o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("report.html: 8 sections"), "{}", r.stdout);
    out
}

/// The opening tag of each `<svg` in `html` and how many drawn elements it contains (lines,
/// areas, markers, and rectangles beyond the background).
fn svg_drawn_counts(html: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let end = rest[i..].find("</svg>").map_or(rest.len(), |e| e + i);
        let body = &rest[i..end];
        let count = |tag: &str| body.matches(tag).count();
        let drawn = count("<polyline")
            + count("<polygon")
            + count("<circle")
            + count("<path")
            + count("<rect").saturating_sub(1);
        out.push(drawn);
        rest = &rest[end..];
    }
    out
}

#[test]
fn default_study_report_has_every_section_and_chart_files() {
    let out = default_report("report-default", "4");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for s in SECTIONS {
        assert!(html.contains(&format!("<section id=\"{s}\"")), "section {s} missing");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "external reference in the page"
    );
    let counts = svg_drawn_counts(&html);
    assert!(counts.len() >= 30, "only {} charts", counts.len());
    assert!(counts.iter().all(|&c| c > 0), "an empty chart: {counts:?}");
    let charts = out.join("report-charts");
    for id in
        ["series-host-jobs", "end-host-jobs", "symbiosis-micro", "flows-capital", "network-network"]
    {
        assert!(charts.join(format!("{id}.svg")).is_file(), "{id}.svg");
        let csv = std::fs::read_to_string(charts.join(format!("{id}.csv"))).unwrap();
        assert!(csv.lines().count() > 1, "{id}.csv has no rows");
    }
    // The bands of the host-jobs chart come straight from series.csv.
    let csv = std::fs::read_to_string(charts.join("series-host-jobs.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("series,year,host jobs (jobs),band_low,band_high"));
    assert_eq!(csv.lines().count(), 1 + 4 * 8);
}

#[test]
fn png_and_out_options() {
    let out = fresh_dir("report-png");
    let o = out.to_str().unwrap();
    let r = symbiont(&[
        "simulate",
        "scenarios/small.toml",
        "--runs",
        "2",
        "--format",
        "csv",
        "--out",
        o,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = out.join("slides/study.html");
    let r = symbiont(&["report", o, "--out", html.to_str().unwrap(), "--png"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(html.is_file());
    let png = std::fs::read(out.join("slides/study-charts/symbiosis-micro.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn bad_input_is_explained() {
    let r = symbiont(&["report", "no/such/folder"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no/such/folder: not found; expected a run folder"), "{}", r.stderr);
    let out = fresh_dir("report-bad");
    std::fs::write(out.join("manifest.json"), "{}").unwrap();
    std::fs::write(
        out.join("summary.csv"),
        "mode,metric,unit,runs,mean,ci95_low,ci95_high,p2_5,p97_5\na,m,u,x,1,1,1,1,1\n",
    )
    .unwrap();
    std::fs::write(out.join("series.csv"), "mode,metric,period,year,mean,ci95_low,ci95_high\n")
        .unwrap();
    let r = symbiont(&["report", out.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("summary.csv: line 2, column `runs`"), "{}", r.stderr);
    let r = symbiont(&["report", out.to_str().unwrap(), "--out", "report.pdf"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("expected a file name ending in .html"), "{}", r.stderr);
}

fn chromium(profile: &Path, args: &[&str]) -> std::process::Output {
    let exe = std::env::var("SYMBIONT_CHROMIUM").unwrap_or_else(|_| "chromium".to_string());
    Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs (apt-get install -y chromium)")
}

/// The sections of a report whose run folder has every optional part.
const ALL_SECTIONS: [&str; 10] = [
    "overview",
    "comparison",
    "symbiosis",
    "flows",
    "network",
    "sensitivity",
    "dynamics",
    "plan",
    "indices",
    "methods",
];

/// Simulate the default study with the sensitivity, add every other part (dynamics fit with a
/// bootstrap, plan, network, index tables) and write the report.
fn full_report(name: &str) -> PathBuf {
    let out = fresh_dir(name);
    let o = out.to_str().unwrap();
    let steps: [&[&str]; 6] = [
        &[
            "simulate",
            "--runs",
            "10",
            "--horizon",
            "8",
            "--format",
            "csv",
            "--sensitivity",
            "--sensitivity-runs",
            "4",
            "--no-report",
            "--out",
            o,
        ],
        &[
            "dynamics",
            "fit",
            "data/wdi_lao_chn_wide.csv",
            "--units",
            "lao_gdp_usd,chn_gdp_usd",
            "--from",
            "2000",
            "--to",
            "2024",
            "--bootstrap",
            "residual",
            "--draws",
            "50",
            "--into",
            o,
        ],
        &["plan", "scenarios/plan-small.toml", "--into", o],
        &["network", o, "--mode", "network", "--into", o],
        &[
            "index",
            "--method",
            "coupling",
            "--panel",
            "data/wdi_macro_long.csv",
            "--spec",
            "data/examples/indices/laos_economy.toml",
            "--into",
            o,
        ],
        &["report", o],
    ];
    for args in steps {
        let r = symbiont(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    out
}

#[test]
fn a_run_folder_with_every_part_has_every_section() {
    let out = full_report("report-full");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for s in ALL_SECTIONS {
        assert!(html.contains(&format!("<section id=\"{s}\"")), "section {s} missing");
    }
    assert!(!html.contains("Not in this run folder"), "a part reported missing");
    for id in ["sensitivity-host-jobs", "bootstrap", "phase", "index-coupling-coordination"] {
        assert!(html.contains(&format!("id=\"fig-{id}\"")), "chart {id} missing");
    }
    let counts = svg_drawn_counts(&html);
    assert!(counts.iter().all(|&c| c > 0), "an empty chart: {counts:?}");
}

/// Render a report with every part in headless Chromium: every section is in the DOM, no chart
/// is empty, and a screenshot is kept as a test artifact (target/test-artifacts/report.png).
#[test]
fn default_study_report_in_headless_chromium() {
    if std::env::var("SYMBIONT_BROWSER_TESTS").as_deref() != Ok("1") {
        println!("skipped: set SYMBIONT_BROWSER_TESTS=1 (with Debian's chromium installed) to run");
        return;
    }
    let out = full_report("report-browser");
    let page = format!("file://{}", out.join("report.html").display());
    let dom = chromium(&fresh_dir("report-chromium-dom"), &["--dump-dom", &page]);
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    for s in ALL_SECTIONS {
        assert!(
            dom.contains(&format!("<section id=\"{s}\"")),
            "section {s} not in the rendered DOM"
        );
    }
    let counts = svg_drawn_counts(&dom);
    assert!(counts.len() >= 30, "only {} charts in the DOM", counts.len());
    assert!(counts.iter().all(|&c| c > 0), "an empty chart in the DOM: {counts:?}");

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let screenshot_arg = format!("--screenshot={}", shot.display());
    let r = chromium(
        &fresh_dir("report-chromium-shot"),
        &[&screenshot_arg, "--window-size=1280,12000", &page],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 50_000, "screenshot suspiciously small: {} bytes", png.len());
}

#[test]
fn plan_and_network_written_into_a_run_folder_appear_in_its_report() {
    let (_dir, run) = crate::support::simulated_run("report-parts");
    let run_s = run.to_str().unwrap();
    let r = crate::support::symbiont(&["plan", "scenarios/plan-small.toml", "--into", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = crate::support::symbiont(&["network", run_s, "--mode", "network", "--into", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["parks"].as_array().unwrap().len(), 6);
    let net: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("network.json")).unwrap()).unwrap();
    assert!(["one-way street", "hub", "network"].contains(&net["class"].as_str().unwrap()));
    assert!(!net["edges"].as_array().unwrap().is_empty());
    let r = crate::support::symbiont(&["report", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    for id in ["id=\"plan\"", "id=\"fig-plan-parks\"", "id=\"network\"", "id=\"fig-network\""] {
        assert!(html.contains(id), "{id} missing");
    }
}

/// The page and its chart folder are written beside the page first and moved into place at the
/// end: a previous page is replaced whole (a hard link to it keeps the old bytes), no temporary
/// is left, and a failure at the end (a file where the chart folder goes) leaves the previous
/// page, that file and no temporary.
#[test]
fn the_report_replaces_the_page_whole_and_leaves_nothing_half_written() {
    let (_dir, run) = crate::support::simulated_run("report-atomic");
    let run_s = run.to_str().unwrap();
    let page = run.join("report.html");
    std::fs::write(&page, "previous").unwrap();
    let held = run.join("held-by-a-reader");
    std::fs::hard_link(&page, &held).unwrap();
    let r = crate::support::symbiont(&["report", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.trim_end().ends_with("</html>"), "not a whole page");
    assert_eq!(std::fs::read_to_string(&held).unwrap(), "previous", "page written in place");
    assert!(run.join("report-charts").is_dir());
    assert_eq!(crate::support::temporaries(&run), Vec::<String>::new());

    std::fs::remove_dir_all(run.join("report-charts")).unwrap();
    std::fs::write(run.join("report-charts"), "mine").unwrap();
    std::fs::write(&page, "previous").unwrap();
    let r = crate::support::symbiont(&["report", run_s]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("report-charts") && r.stderr.contains("in the way"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "previous");
    assert_eq!(std::fs::read_to_string(run.join("report-charts")).unwrap(), "mine");
    assert_eq!(crate::support::temporaries(&run), Vec::<String>::new());
}
