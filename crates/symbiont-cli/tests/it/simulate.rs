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

/// The number of drawn (non-zero-width) bars of the swapped setting in a tornado chart's SVG.
fn tornado_bars(svg: &str) -> usize {
    svg.split("<rect")
        .skip(1)
        .filter(|r| r.contains("fill=\"#D55E00\"") && !r.contains("width=\"0\""))
        .count()
        // The legend's swatch is a rectangle of the same colour.
        .saturating_sub(1)
}

#[test]
fn sensitivity_writes_its_table_and_the_report_draws_the_tornadoes() {
    let out = fresh_dir("simulate-sensitivity");
    let o = out.to_str().unwrap();
    let r = symbiont(&[
        "simulate",
        "scenarios/small.toml",
        "--runs",
        "3",
        "--format",
        "csv",
        "--sensitivity",
        "--out",
        o,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("sensitivity: network with one lever at a time set to fight_alone's value (3 runs per setting, 12 settings"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("approvals (one_window -> serial)"), "{}", r.stdout);
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "metric,unit,lever,lever_low,lever_high,outcome_low,outcome_high,baseline,runs,change_ci95_low,change_ci95_high"
        )
    );
    // 15 outcomes x 11 levers (every lever differs between the two presets).
    assert_eq!(lines.count(), 15 * 11);
    // The baseline is the study's own mean for the network (same runs, same seeds).
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let jobs_mean = summary
        .lines()
        .find(|l| l.starts_with("network,host_jobs,"))
        .and_then(|l| l.split(',').nth(4))
        .unwrap();
    let jobs_row = csv.lines().find(|l| l.starts_with("host_jobs,jobs,finance,")).unwrap();
    assert_eq!(jobs_row.split(',').nth(7), Some(jobs_mean), "{jobs_row}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let s = &manifest["invocation"]["sensitivity"];
    assert_eq!(
        (s["base"].as_str(), s["alt"].as_str(), s["runs"].as_u64()),
        (Some("network"), Some("fight_alone"), Some(3))
    );
    assert!(manifest["files"].as_array().unwrap().iter().any(|f| f == "sensitivity.csv"));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"sensitivity\""), "no sensitivity section");
    assert!(html.contains("set to its value in the Fighting alone mode"), "intro names the modes");
    let charts = out.join("report-charts");
    for id in ["sensitivity-host-jobs", "sensitivity-operating", "sensitivity-two-way-index"] {
        assert!(html.contains(&format!("id=\"fig-{id}\"")), "{id} not in the page");
        let svg = std::fs::read_to_string(charts.join(format!("{id}.svg"))).unwrap();
        assert!(tornado_bars(&svg) >= 2, "{id}: tornado without bars");
        assert!(svg.contains("lever set to its fight_alone value"), "{id}: legend");
        let data = std::fs::read_to_string(charts.join(format!("{id}.csv"))).unwrap();
        assert_eq!(data.lines().count(), 1 + 11, "{id}.csv");
    }
}

#[test]
fn same_seed_same_sensitivity_on_one_or_four_threads() {
    let table = |threads: &str| {
        let out = fresh_dir(&format!("simulate-sensitivity-threads-{threads}"));
        let r = symbiont(&[
            "simulate",
            "scenarios/small.toml",
            "--runs",
            "2",
            "--sensitivity=hub:fight_alone",
            "--sensitivity-runs",
            "5",
            "--threads",
            threads,
            "--no-report",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read_to_string(out.join("sensitivity.csv")).unwrap()
    };
    let one = table("1");
    // hub and fight_alone share cohort, approvals and host_training: 8 levers differ.
    assert_eq!(one.lines().count(), 1 + 15 * 8, "{one}");
    assert!(!one.contains(",approvals,"), "an equal lever was swapped");
    assert!(one.lines().skip(1).all(|l| l.split(',').nth(8) == Some("5")), "{one}");
    assert_eq!(one, table("4"));
}

#[test]
fn sensitivity_flags_are_checked() {
    let r = symbiont(&["simulate", "--sensitivity=network:nope", "--runs", "1", "--out", "-"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--sensitivity: unknown mode \"nope\"; the scenario has fight_alone"),
        "{}",
        r.stderr
    );
    let r = symbiont(&["simulate", "--sensitivity", "scenarios/small.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--sensitivity expects BASE:ALT")
            && r.stderr.contains("put it before --sensitivity"),
        "{}",
        r.stderr
    );
    let r = symbiont(&["simulate", "--sensitivity=hub:hub"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("BASE and ALT are the same mode"), "{}", r.stderr);
    let r = symbiont(&["simulate", "--sensitivity-runs", "3"]);
    assert_eq!(r.code, 2, "--sensitivity-runs needs --sensitivity");
}

#[test]
fn a_run_folder_is_replaced_only_when_it_is_ours_or_forced() {
    let dir = crate::support::fresh_dir("simulate-atomic");
    let out = dir.join("results");
    let args = |extra: &[&str]| {
        let mut v = vec!["simulate", "scenarios/small.toml", "--runs", "2", "--no-report", "--out"];
        v.push(out.to_str().unwrap());
        v.extend_from_slice(extra);
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        crate::support::symbiont(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(run(&[]).code, 0);
    // A previous run folder of simulate alone is replaced without asking.
    let again = run(&[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    // A part added by another command makes it ask for --force, and nothing is lost.
    std::fs::write(out.join("plan.json"), "{}").unwrap();
    let refused = run(&[]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("add --force"), "{}", refused.stderr);
    assert!(out.join("plan.json").exists() && out.join("manifest.json").exists());
    let forced = run(&["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!out.join("plan.json").exists() && out.join("periods.csv").exists());
    // No staging folder is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sizes_that_cannot_fit_are_refused_up_front() {
    let dir = crate::support::fresh_dir("simulate-limits");
    let small =
        std::fs::read_to_string(crate::support::repo_root().join("scenarios/small.toml")).unwrap();
    // 10^8 enterprises on 64 threads (about 1 TB): refused with the memory it would need and
    // the fields to change, before anything is written.
    std::fs::write(dir.join("huge.toml"), with_count(&small, 100_000_000)).unwrap();
    let r = crate::support::symbiont_in(
        &dir,
        &["simulate", "huge.toml", "--runs", "1", "--threads", "64", "--out", "o"],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("of memory") && r.stderr.contains("enterprise_group.count"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("o").exists());
    // 10^9 runs: refused, naming --runs.
    let out = dir.join("o");
    let r = crate::support::symbiont(&[
        "simulate",
        "scenarios/small.toml",
        "--runs",
        "1000000000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("lower --runs"), "{}", r.stderr);
    assert!(!out.exists());
}

/// The scenario with its first enterprise group's count set to `n`.
fn with_count(text: &str, n: u64) -> String {
    let mut out = String::new();
    let (mut in_group, mut done) = (false, false);
    for line in text.lines() {
        if line.trim() == "[[enterprise_group]]" {
            in_group = true;
        } else if line.starts_with('[') {
            in_group = false;
        }
        if in_group && !done && line.trim_start().starts_with("count") {
            out.push_str(&format!("count = {n}\n"));
            done = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(done, "the scenario has an enterprise group with a count");
    out
}

/// `manifest.json` keeps each mode's levers as fields in the scenario file's words, which the
/// report prints as `key = value`.
#[test]
fn the_manifest_holds_each_modes_levers_as_fields() {
    let (_dir, run) = crate::support::simulated_run("simulate-manifest-levers");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    let modes = m["modes"].as_array().unwrap();
    let fight = modes.iter().find(|x| x["id"] == "fight_alone").unwrap();
    assert_eq!(fight["levers"]["site_choice"], "scattered", "{fight}");
    assert_eq!(fight["levers"]["cohort"], false, "{fight}");
    assert!(fight["levers"]["host_linkage"].as_f64().is_some(), "{fight}");
    let net = modes.iter().find(|x| x["id"] == "network").unwrap();
    assert_eq!(net["levers"].as_object().unwrap().len(), 12, "{net}");
}
