//! Scenario discovery and robustness over a merged sweep folder: the condition language,
//! the tables and report parts written, determinism for a seed, and located errors.

use std::path::{Path, PathBuf};

use expect_test::expect;
use symbiont_abm::Params;
use symbiont_sweep::bound::BoundSweep;
use symbiont_sweep::condition::Condition;
use symbiont_sweep::discover::{DiscoverRequest, discover};
use symbiont_sweep::parts::SweepDir;
use symbiont_sweep::robust::{OutcomeSpec, RobustRequest, robust};
use symbiont_sweep::spec::SweepSpec;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");
const SPEC: &str = r#"[sweep]
name = "discover-test"
scenario = "small.toml"
seed = 5
replications = 1
modes = ["fight_alone", "hub", "network"]
chunk = 8

[design]
kind = "lhs"
samples = 24

[set]
"study.horizon_periods" = 4

[[parameter]]
name = "openness"
path = "environment.host_openness"
dist = "uniform"
low = 0.2
high = 0.9

[[parameter]]
name = "linkage"
path = "mode[network].host_linkage"
dist = "uniform"
low = 0.0
high = 0.8
"#;

/// A merged (or, with `merge = false`, unmerged) sweep folder of the small scenario.
fn sweep(name: &str, merge: bool) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep-discover").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let spec = SweepSpec::parse(SPEC, "SWEEP.toml").unwrap();
    let plan = BoundSweep::new(spec, SPEC, "SWEEP.toml", SMALL, "small.toml").unwrap();
    let d = SweepDir::prepare(&dir, SPEC, SMALL, &plan).unwrap();
    for c in 0..plan.chunks() {
        let rows = plan.run_points(plan.chunk_range(c), &Params::default()).unwrap();
        d.write_chunk(&plan, c, &rows).unwrap();
    }
    if merge {
        d.merge(&plan, &[]).unwrap();
    }
    dir
}

fn eval(text: &str, values: &[Vec<f64>]) -> Result<Vec<bool>, String> {
    let modes = vec!["hub".to_string(), "network".to_string()];
    let metrics = ["operating", "host_jobs"];
    let n = values[0].len();
    let c = Condition::parse(text).map_err(|e| format!("column {}: {}", e.column, e.message))?;
    c.evaluate(&modes, &metrics, n, &|m, k| values[m * 2 + k].clone())
        .map_err(|e| format!("column {}: {}", e.column, e.message))
}

#[test]
fn the_condition_language_compares_modes_and_quantiles() {
    // hub.operating, hub.host_jobs, network.operating, network.host_jobs at four points.
    let v = vec![
        vec![10.0, 20.0, 30.0, 40.0],
        vec![1.0, 2.0, 3.0, 4.0],
        vec![15.0, 15.0, 35.0, 35.0],
        vec![4.0, 3.0, 2.0, 1.0],
    ];
    assert_eq!(eval("network.operating < hub.operating", &v).unwrap(), [false, true, false, true]);
    assert_eq!(
        eval("network.operating < max_other(network.operating)", &v).unwrap(),
        [false, true, false, true]
    );
    assert_eq!(
        eval("network.host_jobs < q50(network.host_jobs)", &v).unwrap(),
        [false, false, true, true]
    );
    assert_eq!(
        eval(
            "(network.operating - hub.operating) / hub.operating > 0.2 and not hub.host_jobs >= 3",
            &v
        )
        .unwrap(),
        [true, false, false, false]
    );
    assert_eq!(
        eval("abs(network.host_jobs - 2.5) <= 0.5 or hub.operating == 40", &v).unwrap(),
        [false, true, true, true]
    );
}

#[test]
fn condition_errors_name_the_column() {
    let v = vec![vec![1.0]; 4];
    let errors: Vec<String> = [
        "network.operating < hub.operatin",
        "netwrk.operating < 1",
        "network.operating < (hub.operating",
        "network.operating <",
        "network.operating + 1",
        "network operating < 1",
        "q25(network.operating) < 1 and 2",
        "network.operating < foo(1)",
        "network.operating ~ 1",
        "",
    ]
    .iter()
    .map(|t| format!("{t}  =>  {}", eval(t, &v).unwrap_err()))
    .collect();
    expect![[r#"
        network.operating < hub.operatin  =>  column 25: unknown outcome `operatin` (did you mean `operating`?); the outcomes are operating, host_jobs
        netwrk.operating < 1  =>  column 1: unknown mode `netwrk` (did you mean `network`?); the sweep's modes are hub, network
        network.operating < (hub.operating  =>  column 35: expected `)` to close the `(` at column 21, found the end of the condition
        network.operating <  =>  column 20: expected a number, a mode.metric reference, a function or `(`, found the end of the condition
        network.operating + 1  =>  column 1: the condition is a number, not yes/no: compare it, e.g. `... < 0`
        network operating < 1  =>  column 9: expected `.` and a metric after the mode `network` (a reference is mode.metric, e.g. network.operating), found `operating`
        q25(network.operating) < 1 and 2  =>  column 32: expected a comparison (yes/no) here, found a number
        network.operating < foo(1)  =>  column 21: unknown function `foo`; the functions are abs, min, max, max_other, min_other, mean, median, qNN (e.g. q25)
        network.operating ~ 1  =>  column 19: unexpected `~`
          =>  column 1: the condition is empty; e.g. "network.operating < hub.operating""#]]
    .assert_eq(&errors.join("\n"));
}

#[test]
fn discovery_writes_tables_and_is_deterministic_for_a_seed() {
    let dir = sweep("discover", true);
    let mut req = DiscoverRequest::new(&dir, "network.host_jobs < q50(network.host_jobs)");
    req.name = "jobs".into();
    req.trees = 20;
    req.resamples = 4;
    let a = discover(&req).unwrap();
    assert_eq!(a.points, 24);
    assert_eq!(a.cases, 12);
    assert!(a.boxes[0].statement.contains("holds when"), "{}", a.boxes[0].statement);
    assert_eq!(a.scores.len(), 2);
    for f in [
        "trajectory.csv",
        "trajectory.parquet",
        "boxes.csv",
        "cart.parquet",
        "scores.csv",
        "discovery.json",
        "manifest.json",
    ] {
        assert!(dir.join("discovery/jobs").join(f).is_file(), "{f}");
    }
    let first = std::fs::read(dir.join("discovery/jobs/boxes.csv")).unwrap();
    let b = discover(&req).unwrap();
    assert_eq!(a, b, "the same request gives the same result");
    assert_eq!(first, std::fs::read(dir.join("discovery/jobs/boxes.csv")).unwrap());
    let parts = symbiont_report::sweep::read_sweep_parts(&dir).unwrap();
    assert_eq!(parts.discoveries.len(), 1);
    assert_eq!(parts.discoveries[0].statements, vec![a.boxes[0].statement.clone()]);
}

#[test]
fn robustness_ranks_the_modes() {
    let dir = sweep("robust", true);
    let req = RobustRequest {
        sweep_dir: dir.clone(),
        outcomes: vec![
            OutcomeSpec { metric: "operating".into(), direction: None, threshold: Some(1.0) },
            OutcomeSpec { metric: "time_to_operate_days".into(), direction: None, threshold: None },
        ],
    };
    let r = robust(&req).unwrap();
    assert_eq!(r.outcomes.len(), 2);
    assert_eq!(r.outcomes[1].direction, symbiont_sweep::robust::Direction::Minimize);
    for o in &r.outcomes {
        // The mode with the best outcome at every point has no regret there.
        let min_regret = o.modes.iter().map(|(_, s)| s.mean_regret).fold(f64::INFINITY, f64::min);
        assert!(min_regret >= 0.0);
        assert_eq!(o.modes.len(), 3);
    }
    assert_eq!(r.satisficing_all.len(), 3);
    assert!(dir.join("robustness/rankings.parquet").is_file());
    assert_eq!(robust(&req).unwrap(), r);
}

#[test]
fn bad_requests_are_located_errors() {
    let unmerged = sweep("unmerged", false);
    let e = discover(&DiscoverRequest::new(&unmerged, "network.operating < hub.operating"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "is not merged (no points.parquet; 6 part file(s) in parts/): run `symbiont sweep merge"
        ),
        "{e}"
    );
    let dir = sweep("bad", true);
    let e = discover(&DiscoverRequest::new(&dir, "network.operating < one_way_street.operating"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--where \"network.operating < one_way_street.operating\": column 21: unknown mode `one_way_street`"), "{e}");
    let e =
        discover(&DiscoverRequest::new(&dir, "network.operating < -1")).unwrap_err().to_string();
    assert!(e.ends_with("column 1: the condition holds at 0 of the 24 design points: there is nothing to tell apart"), "{e}");
    let mut req = DiscoverRequest::new(&dir, "network.host_jobs < q50(network.host_jobs)");
    req.inputs = vec!["opennes".into()];
    let e = discover(&req).unwrap_err().to_string();
    assert_eq!(
        e,
        "inputs[0]: no parameter `opennes` in the sweep; the parameters are openness, linkage"
    );
    req.inputs.clear();
    req.name = "a/b".into();
    assert_eq!(
        discover(&req).unwrap_err().to_string(),
        "name: `a/b` is not a folder name of letters, digits, `-` and `_`"
    );
    let e = robust(&RobustRequest {
        sweep_dir: dir,
        outcomes: vec![OutcomeSpec { metric: "jobs".into(), direction: None, threshold: None }],
    })
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("outcomes[0].metric: unknown outcome `jobs`"), "{e}");
}
