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

/// The names in `dir` (and one level of folders below it) that a command writes while it works:
/// temporary files (`.NAME.tmp-<pid>`) and staging or set-aside folders.
pub fn temporaries(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).expect("read the folder").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if [".tmp-", ".partial-", ".old-"].iter().any(|t| name.contains(t)) {
            found.push(name.clone());
        }
        if e.path().is_dir() {
            for f in std::fs::read_dir(e.path()).expect("read the folder").flatten() {
                let sub = f.file_name().to_string_lossy().into_owned();
                if sub.contains(".tmp-") {
                    found.push(format!("{name}/{sub}"));
                }
            }
        }
    }
    found
}

/// Check that `write`, a command that adds the file `part` to the run folder `run`, writes it
/// atomically: a previous `part` (holding `previous`) is replaced as a whole by a rename (a hard link to the old file
/// keeps the old bytes, which an in-place write would have overwritten), no temporary file is
/// left, and when `part` is occupied by a folder the command fails after writing (the rename
/// is refused), leaves that folder's content and the other files as they were and removes its
/// temporary file. Returns the part as written.
pub fn check_atomic_part(
    run: &Path,
    part: &str,
    previous: &str,
    write: impl Fn() -> Run,
) -> String {
    let target = run.join(part);
    let manifest = std::fs::read(run.join("manifest.json")).expect("a run folder");
    std::fs::write(&target, previous).unwrap();
    let holder = run.join("held-by-a-reader");
    let _ = std::fs::remove_file(&holder);
    std::fs::hard_link(&target, &holder).unwrap();
    let r = write();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(&target).unwrap();
    assert_ne!(written, previous, "{part} was not replaced");
    assert_eq!(std::fs::read_to_string(&holder).unwrap(), previous, "{part} written in place");
    assert_eq!(temporaries(run), Vec::<String>::new(), "left after success");
    std::fs::remove_file(&holder).unwrap();

    std::fs::remove_file(&target).unwrap();
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "kept").unwrap();
    let r = write();
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains(part) && r.stderr.contains("a folder is in the way"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(target.join("keep")).unwrap(), "kept");
    assert_eq!(std::fs::read(run.join("manifest.json")).unwrap(), manifest);
    assert_eq!(temporaries(run), Vec::<String>::new(), "left after a failure");
    std::fs::remove_dir_all(&target).unwrap();
    written
}

/// Check that `write` (a command given `--into DIR`) refuses `dir`, a folder that is not a run
/// folder of `symbiont simulate`, naming the folder and what was expected, and writes nothing.
pub fn check_refuses_non_run_folder(dir: &Path, write: impl Fn() -> Run) {
    let r = write();
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains(&format!("--into {}", dir.display())), "{}", r.stderr);
    assert!(r.stderr.contains("not a run folder (no manifest.json)"), "{}", r.stderr);
    assert!(r.stderr.contains("symbiont simulate --out DIR"), "{}", r.stderr);
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}
