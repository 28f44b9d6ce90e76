//! The streamed store: shards merge to the one-machine tables byte for byte, a resumed run
//! equals a one-shot run, and every design point carries its derived seed.

use std::path::{Path, PathBuf};

use symbiont_abm::Params;
use symbiont_sweep::Shard;
use symbiont_sweep::bound::{BoundSweep, point_seed};
use symbiont_sweep::parts::{SweepDir, read_points};
use symbiont_sweep::spec::SweepSpec;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

fn spec_text(design: &str) -> String {
    format!(
        r#"[sweep]
name = "store-test"
scenario = "small.toml"
seed = 42
replications = 2
modes = ["fight_alone", "network"]
outputs = ["entered@network-fight_alone", "host_jobs@network"]
chunk = 3

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
"#
    )
}

fn plan(text: &str) -> BoundSweep {
    let spec = SweepSpec::parse(text, "SWEEP.toml").unwrap();
    BoundSweep::new(spec, text, "SWEEP.toml", SMALL, "small.toml").unwrap()
}

fn fresh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep-it").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_shard(plan: &BoundSweep, text: &str, dir: &Path, shard: Shard) -> SweepDir {
    let d = SweepDir::prepare(dir, text, SMALL, plan).unwrap();
    let done = d.complete(plan);
    for c in shard.chunks(plan.chunks()).filter(|c| !done.contains(c)) {
        let rows = plan.run_points(plan.chunk_range(c), &Params::default()).unwrap();
        d.write_chunk(plan, c, &rows).unwrap();
    }
    d
}

fn bytes(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap()
}

#[test]
fn shards_merge_to_the_local_tables_byte_for_byte() {
    let text = spec_text("kind = \"lhs\"\nsamples = 10");
    let plan = plan(&text);
    assert_eq!(plan.chunks(), 4);
    let local = fresh("local");
    let d = run_shard(&plan, &text, &local, Shard::ALL);
    d.merge(&plan, &[]).unwrap();

    // Three shards on a shared folder.
    let shared = fresh("shared");
    for k in 0..3 {
        run_shard(&plan, &text, &shared, Shard { index: k, count: 3 });
    }
    let d = SweepDir { root: shared.clone() };
    d.merge(&plan, &[]).unwrap();
    // Two shards on separate machines, merged with --from.
    let (a, b) = (fresh("machine-a"), fresh("machine-b"));
    run_shard(&plan, &text, &a, Shard { index: 0, count: 2 });
    run_shard(&plan, &text, &b, Shard { index: 1, count: 2 });
    let d = SweepDir { root: a.clone() };
    d.merge(&plan, &[SweepDir { root: b.clone() }]).unwrap();

    for f in ["points.parquet", "runs.parquet", "points.csv"] {
        assert_eq!(bytes(&local, f), bytes(&shared, f), "{f}: shared-folder shards");
        assert_eq!(bytes(&local, f), bytes(&a, f), "{f}: separate-machine shards");
    }
    let t = read_points(&local).unwrap();
    assert_eq!(t.column("point").unwrap(), (0..10).map(|i| i as f64).collect::<Vec<_>>());
    let seeds: Vec<f64> = (0..10).map(|i| point_seed(42, i) as f64).collect();
    assert_eq!(t.column("seed").unwrap(), seeds);
    assert!(t.columns.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn a_half_done_sweep_resumes_to_the_one_shot_tables_and_merge_refuses_gaps() {
    let text = spec_text("kind = \"sobol\"\nsamples = 2");
    let plan = plan(&text);
    assert_eq!(plan.points(), 8);
    let once = fresh("once");
    run_shard(&plan, &text, &once, Shard::ALL).merge(&plan, &[]).unwrap();

    let resumed = fresh("resumed");
    // Only the first chunk, then a leftover temporary file of a killed write.
    run_shard(&plan, &text, &resumed, Shard { index: 0, count: 3 });
    std::fs::write(resumed.join("parts/points-0000000003-0000000006.parquet.tmp"), b"half")
        .unwrap();
    let d = SweepDir { root: resumed.clone() };
    let err = d.merge(&plan, &[]).unwrap_err().to_string();
    assert!(err.contains("2 chunk(s) of points are not done yet (points 3..6, 6..8)"), "{err}");
    run_shard(&plan, &text, &resumed, Shard::ALL).merge(&plan, &[]).unwrap();
    for f in ["points.parquet", "runs.parquet", "points.csv"] {
        assert_eq!(bytes(&once, f), bytes(&resumed, f), "{f}");
    }
    // A different sweep in the same folder is refused.
    let other = text.replace("seed = 42", "seed = 43");
    let err = SweepDir::prepare(&resumed, &other, SMALL, &plan).unwrap_err().to_string();
    assert!(err.contains("holds another sweep"), "{err}");
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let text = spec_text("kind = \"random\"\nsamples = 4");
    let plan = plan(&text);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| plan.run_points(0..4, &Params::default())).unwrap();
    let b = three.install(|| plan.run_points(0..4, &Params::default())).unwrap();
    assert_eq!(a, b);
    // Each replication's seed derives from its point's seed; modes share it.
    let r = &a.runs[0];
    assert_eq!(r.seed, symbiont_study::runner::run_seed(point_seed(42, 0), 0));
    assert_eq!(a.runs.len(), 4 * 2 * 2);
}

#[test]
fn common_seeds_give_every_point_the_same_streams() {
    let text = spec_text("kind = \"random\"\nsamples = 3")
        .replace("chunk = 3", "chunk = 3\nseeds = \"common\"");
    let plan = plan(&text);
    let rows = plan.run_points(0..3, &Params::default()).unwrap();
    let common = symbiont_sweep::bound::common_seed(42);
    assert!(rows.points.iter().all(|p| p.seed == common));
    // Same replication, same seed at every point; the outputs differ through the parameters.
    let r0: Vec<u64> = rows.runs.iter().filter(|r| r.replication == 0).map(|r| r.seed).collect();
    assert!(r0.iter().all(|&s| s == r0[0]));
    assert_ne!(rows.points[0].outputs, rows.points[1].outputs);
    let bad = spec_text("kind = \"random\"\nsamples = 3")
        .replace("chunk = 3", "chunk = 3\nseeds = \"fresh\"");
    let err = SweepSpec::parse(&bad, "SWEEP.toml").unwrap_err().to_string();
    assert_eq!(
        err,
        "SWEEP.toml:9:9: sweep.seeds: unknown seeding `fresh`; expected `per-point` or `common`"
    );
}
