//! `symbiont calibrate` and `symbiont simulate --posterior`: a calibration killed with SIGKILL
//! resumes to the posterior of an uninterrupted one; a bad calibration file is located before
//! anything runs; the comparison over the posterior writes its ranking and draws.

use std::process::Command;
use std::time::Duration;

use crate::support::{fresh_dir, symbiont_in};

/// A calibration file of the default scenario small enough for a test: four generations of
/// 40 particles, three parameters, three targets.
const SMALL_CALIBRATION: &str = r#"
[calibration]
name = "test"
seed = 7
mode = "fight_alone"

[[prior]]
param = "environment.host_openness"
dist = "uniform"
low = 0.3
high = 0.8

[[prior]]
param = "enterprise_group[jiangsu-manufacturers].capital_usd.median"
dist = "loguniform"
low = 5.0e5
high = 2.0e7

[[prior]]
param = "trade_share"
observation = true
dist = "loguniform"
low = 0.01
high = 0.5

[[target]]
name = "jobs_per_firm"
expr = "host_jobs@2018 / operating@2018"
value = 69.2
cv = 0.3

[[target]]
name = "imports"
expr = "goods_to_host_usd@{year} / trade_share"
years = [2016, 2018]
values = [7.697e8, 1.381e9]
cv = 0.2

[abc]
particles = 40
max_generations = 4
"#;

#[test]
fn a_calibration_killed_with_sigkill_resumes_to_the_uninterrupted_posterior() {
    let dir = fresh_dir("calibrate-kill");
    std::fs::write(dir.join("calib.toml"), SMALL_CALIBRATION).unwrap();
    let args = ["calibrate", "calib.toml", "--predictive-draws", "10", "-q"];
    let r = symbiont_in(&dir, &[&args[..], &["--out", "once"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);

    let mut child = Command::new(env!("CARGO_BIN_EXE_symbiont"))
        .args([&args[..], &["--out", "killed", "--threads", "1"]].concat())
        .current_dir(&dir)
        .spawn()
        .expect("start symbiont");
    let checkpoint = dir.join("killed.partial/checkpoint.json");
    let mut waited = 0;
    while !checkpoint.exists() && waited < 1200 {
        std::thread::sleep(Duration::from_millis(25));
        waited += 1;
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert!(checkpoint.exists(), "no checkpoint within 30 s");
    assert!(!status.success(), "the calibration was killed before it finished");
    assert!(!dir.join("killed").exists(), "a killed calibration leaves no finished folder");

    let r = symbiont_in(
        &dir,
        &["calibrate", "calib.toml", "--predictive-draws", "10", "--out", "killed"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("resuming from the checkpoint"), "{}", r.stderr);
    for f in ["posterior.json", "posterior.csv", "generations.csv", "parameters.csv"] {
        assert_eq!(
            std::fs::read(dir.join("once").join(f)).unwrap(),
            std::fs::read(dir.join("killed").join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!dir.join("killed.partial").exists());
    let html = std::fs::read_to_string(dir.join("killed/report.html")).unwrap();
    for id in [
        "calibration-parameters",
        "calibration-posterior",
        "calibration-predictive",
        "calibration-generations",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing from the report");
    }
    let r2 = symbiont_in(&dir, &["report", "killed", "--out", "again.html"]);
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    assert!(
        std::fs::read_to_string(dir.join("again.html")).unwrap().contains("What the data pin down")
    );
    // The table a user reads first names every parameter and its status.
    assert!(r.stdout.contains("environment.host_openness"), "{}", r.stdout);
    assert!(r.stdout.contains("pinned down") || r.stdout.contains("identified"), "{}", r.stdout);

    // A second calibration into the finished folder asks for --force.
    let r = symbiont_in(&dir, &[&args[..], &["--out", "once"]].concat());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);

    // The comparison over the posterior: one draw per run, the same for every mode.
    let r = symbiont_in(
        &dir,
        &[
            "simulate",
            "--posterior",
            "once",
            "--runs",
            "6",
            "--out",
            "post",
            "--structure-runs",
            "0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("over the posterior of test"), "{}", r.stdout);
    let ranking = std::fs::read_to_string(dir.join("post/ranking.csv")).unwrap();
    assert!(ranking.starts_with("metric,mode,better,p_first,expected_regret,mean,q05,q95,runs"));
    assert_eq!(ranking.lines().count(), 1 + 15 * 4, "15 outcomes x 4 modes");
    let draws = std::fs::read_to_string(dir.join("post/draws.csv")).unwrap();
    assert_eq!(draws.lines().count(), 7);
    assert!(draws.starts_with("run,environment.host_openness,enterprise_group[jiangsu-manufacturers].capital_usd.median\n"), "{draws}");
    let html = std::fs::read_to_string(dir.join("post/report.html")).unwrap();
    assert!(html.contains("id=\"posterior-ranking\""), "the report has no ranking section");
    let manifest = std::fs::read_to_string(dir.join("post/manifest.json")).unwrap();
    assert!(manifest.contains("\"fitted_mode\": \"fight_alone\""), "{manifest}");
}

#[test]
fn a_bad_calibration_is_located_and_nothing_runs() {
    let dir = fresh_dir("calibrate-bad");
    let bad = SMALL_CALIBRATION
        .replace("host_jobs@2018", "host_job@2018")
        .replace("low = 0.3", "low = 0.9");
    std::fs::write(dir.join("calib.toml"), bad).unwrap();
    let r = symbiont_in(&dir, &["calibrate", "calib.toml", "--out", "c"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("calib.toml:10:7") || r.stderr.contains("calib.toml:11"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown metric `host_job`"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `host_jobs`?"), "{}", r.stderr);
    assert!(r.stderr.contains("empty support"), "{}", r.stderr);
    assert!(r.stderr.contains("is not a valid calibration (2 problems)"), "{}", r.stderr);
    assert!(!dir.join("c").exists() && !dir.join("c.partial").exists());

    // A posterior folder that is not one.
    let r = symbiont_in(&dir, &["simulate", "--posterior", "nowhere", "--out", "s"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("expected a folder written by `symbiont calibrate`"), "{}", r.stderr);
}

#[test]
fn the_outputs_a_target_may_name_are_listed() {
    let dir = fresh_dir("calibrate-outputs");
    let r = symbiont_in(&dir, &["calibrate", "--outputs", "--out", "x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for o in ["goods_to_host_usd", "capital_stock_usd", "sum over the year", "end of year"] {
        assert!(r.stdout.contains(o), "{o}: {}", r.stdout);
    }
}

#[test]
fn a_generation_runs_as_shards_and_is_collected() {
    let dir = fresh_dir("calibrate-shards");
    std::fs::write(dir.join("calib.toml"), SMALL_CALIBRATION).unwrap();
    for k in 0..2 {
        let shard = format!("{k}/2");
        let r = symbiont_in(
            &dir,
            &["calibrate", "calib.toml", "--out", "c", "--shard", &shard, "--proposals", "64"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains(&format!("generation 0: shard {shard} simulated proposals")),
            "{}",
            r.stdout
        );
    }
    assert!(dir.join("c.partial/gen-0/part-1-of-2.json").is_file());
    let r = symbiont_in(&dir, &["calibrate", "calib.toml", "--out", "c", "--collect"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("generation 0 collected and checkpointed"), "{}", r.stdout);
    assert!(dir.join("c.partial/checkpoint.json").is_file());
    assert!(!dir.join("c.partial/gen-0").exists(), "a collected generation's parts are removed");
    // Collecting again without the next generation's shards says what to do.
    let r = symbiont_in(&dir, &["calibrate", "calib.toml", "--out", "c", "--collect"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no shard has written generation 1"), "{}", r.stderr);
    // --shard and --recover do not mix.
    let r = symbiont_in(
        &dir,
        &["calibrate", "calib.toml", "--out", "c", "--shard", "0/2", "--recover", "3"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}
