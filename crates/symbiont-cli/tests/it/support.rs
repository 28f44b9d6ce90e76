//! Helpers to run the `symbiont` binary from tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary printed, and its exit code.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `symbiont` with `args`, from the repository root.
pub fn symbiont(args: &[&str]) -> Run {
    symbiont_in(&repo_root(), args)
}

/// Run `symbiont` with `args` in folder `dir`.
pub fn symbiont_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_symbiont"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the symbiont binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// A fresh, empty folder for one test, under cargo's target tmp dir.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-it").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test dir");
    dir
}

/// A fresh folder holding a small simulated run folder (`DIR/run`), without a report.
pub fn simulated_run(name: &str) -> (PathBuf, PathBuf) {
    let dir = fresh_dir(name);
    let run = dir.join("run");
    let r = symbiont(&[
        "simulate",
        "scenarios/small.toml",
        "--runs",
        "2",
        "--no-report",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (dir, run)
}
