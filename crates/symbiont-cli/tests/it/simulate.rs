//! Tests of `symbiont simulate`: the comparison, the run folder, determinism, bad flags.

use crate::support::{fresh_dir, symbiont};

#[test]
fn default_study_prints_the_comparison_and_writes_the_folder() {
    let out = fresh_dir("simulate-default");
    let o = out.to_str().unwrap();
    let r = symbiont(&["simulate", "--runs", "4", "--horizon", "8", "--out", o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "fight_alone",
        "one_way_street",
        "hub",
        "network",
        "survival of entrants",
        "host jobs",
        "two-way interaction index",
        "time to operate",
        "excess capacity relocated",
        "macro: a home output, b host output",
    ] {
        assert!(r.stdout.contains(needle), "missing {needle:?}:\n{}", r.stdout);
    }
    for f in [
        "periods.csv",
        "periods.parquet",
        "flows.csv",
        "summary.csv",
        "symbiosis.csv",
        "manifest.json",
        "report.html",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    // 4 modes x 4 runs x 8 periods.
    let periods = std::fs::read_to_string(out.join("periods.csv")).unwrap();
    assert_eq!(periods.lines().count(), 1 + 4 * 4 * 8);
}

#[test]
fn same_seed_same_tables_on_one_or_two_threads() {
    let a = fresh_dir("simulate-t1");
    let b = fresh_dir("simulate-t2");
    let args = |d: &std::path::Path, t: &str| {
        symbiont(&[
            "simulate",
            "scenarios/small.toml",
            "--runs",
            "6",
            "--threads",
            t,
            "--format",
            "csv",
            "--out",
            d.to_str().unwrap(),
        ])
    };
    assert_eq!(args(&a, "1").code, 0);
    assert_eq!(args(&b, "2").code, 0);
    for f in
        ["periods.csv", "flows.csv", "benefits.csv", "summary.csv", "series.csv", "symbiosis.csv"]
    {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn no_report_flag_skips_the_report() {
    // `simulated_run` runs `simulate ... --no-report` and checks it exits 0.
    let (_dir, out) = crate::support::simulated_run("simulate-no-report");
    assert!(out.join("summary.csv").exists());
    assert!(!out.join("report.html").exists());
}

#[test]
fn unknown_mode_is_named() {
    let out = fresh_dir("simulate-bad-mode");
    let r = symbiont(&[
        "simulate",
        "--modes",
        "network,netwrok",
        "--runs",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--modes: unknown mode \"netwrok\""), "{}", r.stderr);
}

#[test]
fn invalid_scenario_is_refused_before_any_run() {
    let dir = fresh_dir("simulate-invalid");
    let text = include_str!("../../../../scenarios/small.toml").replacen(
        "approval_probability = 0.9\n",
        "approval_probability = 1.5\n",
        1,
    );
    std::fs::write(dir.join("bad.toml"), text).unwrap();
    let out = dir.join("out");
    let r = symbiont(&[
        "simulate",
        dir.join("bad.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`approval_probability` is 1.5, out of range"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is written for an invalid scenario");
}

#[test]
fn json_summary() {
    let out = fresh_dir("simulate-json");
    let r = symbiont(&[
        "simulate",
        "scenarios/small.toml",
        "--runs",
        "3",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["modes"].as_array().unwrap().len(), 4);
    assert!(v["modes"][3]["end"]["survival"]["mean"].is_number());
}

#[test]
fn planned_site_choice_takes_the_planners_sites() {
    let dir = fresh_dir("simulate-planned");
    let text = format!(
        "{}\n[[mode]]\nid = \"planned_network\"\nbase = \"network\"\nsite_choice = \"planned\"\n",
        include_str!("../../../../scenarios/small.toml")
    );
    std::fs::write(dir.join("planned.toml"), text).unwrap();
    let out = dir.join("out");
    let r = symbiont(&[
        "simulate",
        dir.join("planned.toml").to_str().unwrap(),
        "--modes",
        "network,planned_network",
        "--runs",
        "3",
        "--no-report",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("plan for planned_network:"), "{}", r.stderr);
    assert!(r.stdout.contains("planned_network"));
}
