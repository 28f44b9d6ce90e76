//! The report of a 100 runs × 4 modes study: read the run folder, build, draw every chart and
//! assemble the HTML. Target: under 2 s, and an HTML page under 5 MB (printed once).
//!
//! By default the bench writes a synthetic run folder with the shape of
//! `symbiont simulate --runs 100` (4 modes, 20 periods, 16 metrics, 25 flows per run and
//! period); set `SYMBIONT_REPORT_RUN_DIR` to bench a real run folder instead.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use symbiont_report::{ReportOptions, build, read_run_dir, render};

const MODES: [&str; 4] = ["fight_alone", "one_way_street", "hub", "network"];
const METRICS: [(&str, &str); 16] = [
    ("entered", "firms"),
    ("operating", "firms"),
    ("survival", "share"),
    ("penetration_depth", "share"),
    ("penetration_range", "cells"),
    ("host_jobs", "jobs"),
    ("host_capability", "0..1"),
    ("technology_received", "packages"),
    ("talent_trained", "people"),
    ("two_way_index", "ratio"),
    ("time_to_operate_days", "days"),
    ("capital_stock_usd", "US$"),
    ("excess_capacity_relocated_usd", "US$"),
    ("home_output_usd", "US$"),
    ("host_output_usd", "US$"),
    ("macro_placeholder", "US$"),
];
const FLOWS: [(&str, &str, &str); 25] = [
    ("capital", "home:enterprise", "host:enterprise"),
    ("capital", "home:finance", "host:enterprise"),
    ("capital", "host:government", "host:enterprise"),
    ("capital", "host:enterprise", "host:host_firm"),
    ("capital", "host:enterprise", "home:enterprise"),
    ("capital", "host:enterprise", "home:finance"),
    ("goods", "home:enterprise", "host:enterprise"),
    ("goods", "host:enterprise", "home:enterprise"),
    ("goods", "host:enterprise", "host:host_firm"),
    ("goods", "host:host_firm", "host:enterprise"),
    ("profit", "host:enterprise", "home:enterprise"),
    ("profit", "host:enterprise", "home:finance"),
    ("technology", "home:enterprise", "host:enterprise"),
    ("technology", "host:enterprise", "host:host_firm"),
    ("technology", "home:research_institute", "host:enterprise"),
    ("talent", "home:enterprise", "host:enterprise"),
    ("talent", "host:enterprise", "home:enterprise"),
    ("talent", "home:university", "host:enterprise"),
    ("talent", "host:university", "host:enterprise"),
    ("talent", "home:university", "host:host_firm"),
    ("talent", "host:host_firm", "home:university"),
    ("information", "host:intermediary", "home:enterprise"),
    ("information", "home:enterprise", "host:department"),
    ("information", "host:enterprise", "home:enterprise"),
    ("information", "home:promoting_org", "host:government"),
];

fn synthetic_run_dir(runs: u32, periods: u32) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("symbiont-report-bench-{runs}x4"));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let modes: Vec<String> = MODES
        .iter()
        .map(|m| format!("{{\"id\": \"{m}\", \"name\": \"{m}\", \"levers\": \"Levers {{ }}\"}}"))
        .collect();
    let manifest = format!(
        "{{\"symbiont_version\": \"0.1.0\", \"scenario\": {{\"name\": \"bench\", \"title\": \"Bench\", \"origin\": \"bench.toml\", \"sha256\": \"0\"}}, \
         \"seed\": 1, \"runs_per_mode\": {runs}, \"modes\": [{}], \"horizon_periods\": {periods}, \"start_year\": 2013, \"period_days\": 365, \
         \"options\": {{}}, \"threads\": 1, \"timing\": {{}}, \"files\": [], \"invocation\": {{\"command\": \"simulate\"}}}}",
        modes.join(",")
    );
    std::fs::write(dir.join("manifest.json"), manifest).expect("write");
    let mut summary = String::from("mode,metric,unit,runs,mean,ci95_low,ci95_high,p2_5,p97_5\n");
    let mut series = String::from("mode,metric,period,year,mean,ci95_low,ci95_high\n");
    for (i, m) in MODES.iter().enumerate() {
        for (k, (key, unit)) in METRICS.iter().enumerate() {
            let scale = 10f64.powi((k % 7) as i32) * (1.0 + i as f64 * 0.3);
            let _ = writeln!(
                summary,
                "{m},{key},{unit},{runs},{},{},{},{},{}",
                scale,
                scale * 0.95,
                scale * 1.05,
                scale * 0.8,
                scale * 1.2
            );
            for p in 0..periods {
                let v = scale * f64::from(p + 1) / f64::from(periods);
                let _ =
                    writeln!(series, "{m},{key},{p},{},{v},{},{}", 2013 + p, v * 0.95, v * 1.05);
            }
        }
    }
    std::fs::write(dir.join("summary.csv"), summary).expect("write");
    std::fs::write(dir.join("series.csv"), series).expect("write");
    let mut sym = String::from(
        "mode,scale,a,b,symbiosis_mode,detail,share_of_runs,mean_benefit_a,mean_benefit_b\n",
    );
    for m in MODES {
        for b in
            ["home:university", "home:finance", "host:host_firm", "host:park", "host:government"]
        {
            let _ = writeln!(
                sym,
                "{m},micro,home:enterprise,{b},asymmetric_mutualism,asymmetric mutualism (1 gains more),1,100,50"
            );
        }
        let _ = writeln!(
            sym,
            "{m},macro,home:output,host:output,parasitism,parasitism (2 gains),1,NaN,NaN"
        );
    }
    std::fs::write(dir.join("symbiosis.csv"), sym).expect("write");
    let mut flows = String::from("mode,run,period,factor,source,target,value\n");
    for m in MODES {
        for r in 0..runs {
            for p in 0..periods {
                for (j, (f, s, t)) in FLOWS.iter().enumerate() {
                    let _ = writeln!(
                        flows,
                        "{m},{r},{p},{f},{s},{t},{}",
                        1000.0 * (j + 1) as f64 + f64::from(r * p) * 0.5
                    );
                }
            }
        }
    }
    std::fs::write(dir.join("flows.csv"), flows).expect("write");
    dir
}

fn bench(c: &mut Criterion) {
    let dir: PathBuf = match std::env::var("SYMBIONT_REPORT_RUN_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => synthetic_run_dir(100, 20),
    };
    let opts = ReportOptions { metric_labels: Vec::new(), charts_dir: "report-charts".into() };
    let once = |d: &Path| {
        let data = read_run_dir(d).expect("run folder");
        let report = build(&data, &opts);
        render(&report).expect("render")
    };
    let r = once(&dir);
    println!(
        "report of {}: {} charts, HTML {:.2} MB",
        dir.display(),
        r.charts.len(),
        r.html.len() as f64 / 1e6
    );
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("read+build+render, 100 runs x 4 modes", |b| b.iter(|| black_box(once(&dir))));
    let data = read_run_dir(&dir).expect("run folder");
    g.bench_function("build+render only", |b| {
        b.iter(|| black_box(render(&build(&data, &opts)).expect("render")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
