//! The run folder: streamed tables as CSV and Parquet with the same rows, identical bytes for
//! any thread count, and a manifest.

use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use symbiont_model::parse_scenario;
use symbiont_study::rundir::{Manifest, RunDirSink, write_manifest};
use symbiont_study::runner::{StudyOptions, run_study};
use symbiont_study::tables::Format;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

fn write(dir: &Path, threads: usize) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    let s = parse_scenario(SMALL, "small.toml").unwrap();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.runs = 5;
    let population = symbiont_abm::population::generate(&s, opts.seed);
    let mut sink = RunDirSink::create(dir, Format::Both).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let summary =
        pool.install(|| run_study(&s, &population, &opts, &mut sink, &mut |_, _| {})).unwrap();
    let mut files = sink.finish(&s, &summary).unwrap();
    let m = Manifest {
        scenario: &s,
        scenario_text: SMALL,
        scenario_origin: "small.toml",
        options: &opts,
        threads,
        elapsed_s: 0.0,
        files: &files,
        extra: serde_json::json!({}),
    };
    files.push(write_manifest(dir, &m).unwrap());
    files
}

fn csv_rows(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

fn parquet_rows(path: &Path) -> i64 {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    r.metadata().file_metadata().num_rows()
}

#[test]
fn tables_are_written_and_agree() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("study-rundir-a");
    let files = write(&dir, 2);
    let names: Vec<String> =
        files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for t in ["periods", "flows", "benefits", "summary", "series", "symbiosis"] {
        assert!(names.contains(&format!("{t}.csv")), "{t}.csv missing");
        assert!(names.contains(&format!("{t}.parquet")), "{t}.parquet missing");
        assert_eq!(
            csv_rows(&dir.join(format!("{t}.csv"))) as i64,
            parquet_rows(&dir.join(format!("{t}.parquet"))),
            "{t}"
        );
    }
    // 4 modes x 5 runs x 10 periods.
    assert_eq!(csv_rows(&dir.join("periods.csv")), 200);
    let header = std::fs::read_to_string(dir.join("flows.csv")).unwrap();
    assert!(header.starts_with("mode,run,period,factor,source,target,value\n"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["runs_per_mode"], 5);
    assert_eq!(manifest["scenario"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn same_bytes_on_one_thread_or_two() {
    let a = Path::new(env!("CARGO_TARGET_TMPDIR")).join("study-rundir-1");
    let b = Path::new(env!("CARGO_TARGET_TMPDIR")).join("study-rundir-2");
    let files = write(&a, 1);
    write(&b, 2);
    for f in files {
        let name = f.file_name().unwrap();
        if name == "manifest.json" {
            continue; // records the thread count
        }
        assert!(
            std::fs::read(&f).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name:?} differs"
        );
    }
}
