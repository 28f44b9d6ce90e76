//! `symbiont sweep`: check, run, resume after kill -9, shard and merge, analyze.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{fresh_dir, repo_root, symbiont, symbiont_in};

/// A sweep of the small scenario; `design` is the `[design]` body.
fn write_spec(dir: &Path, design: &str) -> String {
    let small = repo_root().join("scenarios/small.toml");
    std::fs::copy(&small, dir.join("small.toml")).expect("copy small.toml");
    let text = format!(
        r#"[sweep]
name = "cli-test"
scenario = "small.toml"
seed = 7
replications = 2
modes = ["fight_alone", "network"]
outputs = ["entered@network-fight_alone", "host_jobs@network-fight_alone"]
chunk = 4

[design]
{design}

[set]
"study.horizon_periods" = 4

[[parameter]]
path = "environment.host_openness"
dist = "uniform"
low = 0.3
high = 0.8

[[parameter]]
path = "mode[network].host_linkage"
dist = "uniform"
low = 0.1
high = 0.7

[[parameter]]
path = "finance[bank].credit_capacity_usd"
dist = "loguniform"
low = 1.0e7
high = 1.0e9
"#
    );
    std::fs::write(dir.join("SWEEP.toml"), text).expect("write SWEEP.toml");
    "SWEEP.toml".to_string()
}

fn read(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
}

#[test]
fn check_reports_the_size_and_located_errors() {
    let dir = fresh_dir("sweep-check");
    let spec = write_spec(&dir, "kind = \"sobol\"\nsamples = 8");
    let r = symbiont_in(&dir, &["sweep", "check", &spec]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.trim(),
        "ok  cli-test: 40 design points x 2 replication(s) x 2 mode(s) = 160 runs; 3 parameter(s), 2 output(s), 10 part file pair(s)"
    );
    let text = std::fs::read_to_string(dir.join(&spec))
        .unwrap()
        .replace("host_openness\"", "host_opennes\"");
    std::fs::write(dir.join("bad.toml"), text).unwrap();
    let r = symbiont_in(&dir, &["sweep", "check", "bad.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("bad.toml:18:8: environment.host_opennes"), "{}", r.stderr);
    assert!(r.stderr.contains("unknown key `host_opennes`"), "{}", r.stderr);
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "o", "--shard", "3/3"]);
    assert_eq!(r.code, 2, "a bad shard is a usage error");
}

#[test]
fn shard_and_merge_equal_the_local_run_byte_for_byte() {
    let dir = fresh_dir("sweep-shards");
    let spec = write_spec(&dir, "kind = \"lhs\"\nsamples = 18");
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "local", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for k in 0..4 {
        let shard = format!("{k}/4");
        let r = symbiont_in(
            &dir,
            &["sweep", "run", &spec, "--out", "sharded", "--shard", &shard, "-q"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!dir.join("sharded/points.parquet").exists(), "a shard does not merge");
    }
    let r = symbiont_in(&dir, &["sweep", "merge", "sharded"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["points.parquet", "runs.parquet", "points.csv"] {
        assert_eq!(read(&dir.join("local"), f), read(&dir.join("sharded"), f), "{f}");
    }
    let csv = String::from_utf8(read(&dir.join("local"), "points.csv")).unwrap();
    assert_eq!(csv.lines().count(), 19);
    assert!(csv.starts_with("point,seed,environment.host_openness,mode[network].host_linkage,"));
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_one_shot_tables() {
    let dir = fresh_dir("sweep-kill");
    let spec = write_spec(&dir, "kind = \"random\"\nsamples = 240");
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "once", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let mut child = Command::new(env!("CARGO_BIN_EXE_symbiont"))
        .args(["sweep", "run", &spec, "--out", "killed", "-q", "--threads", "1"])
        .current_dir(&dir)
        .spawn()
        .expect("start symbiont");
    let parts = dir.join("killed/parts");
    let count = || {
        std::fs::read_dir(&parts)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
                    .count()
            })
            .unwrap_or(0)
    };
    // Wait for a few finished chunks, then kill -9 mid-run.
    let mut waited = 0;
    while count() < 6 && waited < 600 {
        std::thread::sleep(Duration::from_millis(50));
        waited += 1;
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was killed before it finished");
    assert!(!dir.join("killed/points.parquet").exists());
    let before = count();
    assert!((6..120).contains(&before), "{before} part files when killed");

    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "killed"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("chunk(s) already done"), "{}", r.stderr);
    for f in ["points.parquet", "runs.parquet", "points.csv"] {
        assert_eq!(read(&dir.join("once"), f), read(&dir.join("killed"), f), "{f}");
    }
}

#[test]
fn analyze_prints_sobol_and_morris_tables() {
    let dir = fresh_dir("sweep-analyze");
    let spec = write_spec(&dir, "kind = \"sobol\"\nsamples = 16");
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "s", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = symbiont_in(
        &dir,
        &[
            "sweep",
            "analyze",
            "s",
            "--output",
            "host_jobs@network-fight_alone",
            "--bootstrap",
            "100",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("host_jobs@network-fight_alone: Sobol indices (N = 16 base rows"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("mode[network].host_linkage"), "{}", r.stdout);
    // The indices are also drawn, with the chart's data beside it.
    let svg = std::fs::read_to_string(dir.join("s/charts/sobol-host_jobs_network-fight_alone.svg"))
        .unwrap();
    assert!(svg.contains("<svg") && svg.contains("mode[network].host_linkage"));
    let csv = std::fs::read_to_string(dir.join("s/charts/sobol-host_jobs_network-fight_alone.csv"))
        .unwrap();
    assert!(csv.lines().count() > 1);
    let r = symbiont_in(&dir, &["sweep", "analyze", "s", "--json", "--bootstrap", "50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    for out in v.as_array().unwrap() {
        if let Some(ix) = out.get("indices") {
            for i in ix.as_array().unwrap() {
                assert!(i["ST"].as_f64().unwrap().is_finite());
            }
        }
    }
    let r = symbiont_in(&dir, &["sweep", "analyze", "s", "--output", "nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no output `nope`"), "{}", r.stderr);

    let dir = fresh_dir("sweep-analyze-morris");
    let spec = write_spec(&dir, "kind = \"morris\"\nsamples = 6\nlevels = 4");
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "m", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = symbiont_in(&dir, &["sweep", "analyze", "m", "--bootstrap", "50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Morris screening (6 trajectories"), "{}", r.stdout);
    assert!(
        std::fs::read_dir(dir.join("m/charts"))
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().starts_with("morris-") })
    );
    let _ = symbiont(&["--version"]);
}

#[test]
fn discover_and_robust_write_tables_a_page_and_located_errors() {
    let dir = fresh_dir("sweep-discover");
    let spec = write_spec(&dir, "kind = \"lhs\"\nsamples = 16");
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "s", "--no-merge", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cond = "network.host_jobs < q50(network.host_jobs)";
    let r = symbiont_in(&dir, &["sweep", "discover", "s", "--where", cond]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is not merged (no points.parquet"), "{}", r.stderr);
    let r = symbiont_in(&dir, &["sweep", "merge", "s"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = symbiont_in(
        &dir,
        &["sweep", "discover", "s", "--where", cond, "--name", "jobs", "--trees", "10"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("8 of 16 design points are cases of interest."), "{}", r.stdout);
    assert!(r.stdout.contains("holds when"), "{}", r.stdout);
    assert!(dir.join("s/discovery/jobs/trajectory.parquet").is_file());
    let r = symbiont_in(
        &dir,
        &["sweep", "robust", "s", "--outcome", "operating", "--threshold", "operating=1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Most robust across the outcomes"), "{}", r.stdout);
    let page = std::fs::read_to_string(dir.join("s/decisions.html")).unwrap();
    assert!(
        page.contains("prim-trajectory-jobs") && page.contains("regret-operating"),
        "the page has both analyses"
    );
    let r = symbiont_in(
        &dir,
        &["sweep", "discover", "s", "--where", "network.host_jobs < (hub.host_jobs"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("column 35: expected `)`"), "{}", r.stderr);
    let r = symbiont_in(&dir, &["sweep", "discover", "s", "--where", "netwrk.host_jobs < 1"]);
    assert!(
        r.stderr.contains("column 1: unknown mode `netwrk` (did you mean `network`?)"),
        "{}",
        r.stderr
    );
    let r = symbiont_in(
        &dir,
        &["sweep", "robust", "s", "--outcome", "operating", "--threshold", "operating=lots"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`lots` is not a number"), "{}", r.stderr);
}

/// A design point whose counts cannot fit is refused before its population is drawn, naming
/// the point and the field; the sweep writes no part for it.
#[test]
fn a_point_too_large_to_fit_is_refused_naming_the_field() {
    let dir = fresh_dir("sweep-huge");
    let spec = write_spec(&dir, "kind = \"random\"\nsamples = 2");
    let text = std::fs::read_to_string(dir.join(&spec))
        .unwrap()
        .replace("[set]\n", "[set]\n\"enterprise_group[0].count\" = 100000000\n");
    std::fs::write(dir.join(&spec), text).unwrap();
    let r = symbiont_in(&dir, &["sweep", "run", &spec, "--out", "o", "-q"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("design point 0"), "{}", r.stderr);
    assert!(r.stderr.contains("enterprise_group.count"), "{}", r.stderr);
}
