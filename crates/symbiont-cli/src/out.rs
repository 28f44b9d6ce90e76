//! Output helpers shared by the subcommands: tables, JSON, CSV, terminal checks.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use comfy_table::{ContentArrangement, Table, presets};

/// A table with the house style: a header rule, no vertical borders, wrapped to the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    t
}

/// True when standard error goes to a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Set once a JSON answer is on standard output, so that a failing command does not print a
/// second one (`--json` prints one JSON document, errors included).
static JSON_PRINTED: AtomicBool = AtomicBool::new(false);

/// Whether a JSON answer has been printed.
pub fn json_printed() -> bool {
    JSON_PRINTED.load(Ordering::Relaxed)
}

/// Print a value as pretty JSON on standard output. A closed pipe is an error here (of kind
/// `BrokenPipe`), which the binary's `main` turns into a quiet exit.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    JSON_PRINTED.store(true, Ordering::Relaxed);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value).context("writing JSON to standard output")?;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(())
}

/// Write bytes to a file atomically (see [`AtomicFiles`]), naming the file in the error: other
/// commands see either the previous file or the whole new one, never a part of it.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut files = AtomicFiles::new();
    files.write(path, bytes)?;
    files.commit()
}

/// Files that belong together, each written to a temporary name in its target's folder
/// (`.NAME.tmp-<pid>`) and renamed into place by [`AtomicFiles::commit`] once every one is
/// complete (a rename within one folder is atomic). Dropped without a commit, e.g. after an
/// error, it removes its temporary files and leaves the previous files as they were.
#[derive(Debug, Default)]
pub struct AtomicFiles {
    /// (temporary, target) pairs, in the order written.
    pending: Vec<(PathBuf, PathBuf)>,
}

/// The temporary name beside `path` that [`AtomicFiles`] writes first.
pub fn temporary_name(path: &Path) -> PathBuf {
    let name = path.file_name().map_or("file".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

impl AtomicFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Write `bytes` to the temporary name of `path` (creating its folder if needed).
    pub fn write(&mut self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating folder {}", parent.display()))?;
        }
        let tmp = temporary_name(path);
        // Registered first, so that a failed write removes what it left.
        self.pending.push((tmp.clone(), path.to_path_buf()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        written.with_context(|| format!("writing {}", path.display()))
    }

    /// Rename every file into place, replacing a previous file of that name as a whole.
    pub fn commit(mut self) -> anyhow::Result<()> {
        // A target that became a folder fails before any file is replaced.
        if let Some((_, p)) = self.pending.iter().find(|(_, p)| p.is_dir()) {
            anyhow::bail!(
                "writing {}: a folder is in the way; move it away or choose another file name",
                p.display()
            );
        }
        let pending = std::mem::take(&mut self.pending);
        for (i, (tmp, path)) in pending.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                for (t, _) in &pending[i..] {
                    let _ = std::fs::remove_file(t);
                }
                return Err(e).with_context(|| format!("writing {}", path.display()));
            }
        }
        Ok(())
    }
}

impl Drop for AtomicFiles {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Three significant digits with a k/M/bn suffix for large magnitudes (tables read in a minute).
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    // From a thousand billion on, a suffix no longer helps: scientific notation.
    if a >= 1e12 {
        return format!("{x:.2e}");
    }
    let (v, suffix) = if a >= 1e9 {
        (x / 1e9, "bn")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let va = v.abs();
    let digits = if va == 0.0 || va >= 100.0 {
        0
    } else if va >= 10.0 {
        1
    } else if va >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.digits$}{suffix}")
}

/// Format a number with a sensible number of significant digits for a table.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e7).contains(&a) {
        format!("{x:.3e}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}

/// Check that `--into DIR` names a run folder written by `symbiont simulate` (a folder with its
/// `manifest.json`), so that a part never lands in a folder that `symbiont report` cannot read.
pub fn run_folder(dir: &Path) -> anyhow::Result<()> {
    const EXPECTED: &str = "expected a run folder written by `symbiont simulate --out DIR`";
    anyhow::ensure!(dir.is_dir(), "--into {}: not a folder; {EXPECTED}", dir.display());
    let manifest = dir.join("manifest.json");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        anyhow::bail!("--into {}: not a run folder (no manifest.json); {EXPECTED}", dir.display());
    };
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!("--into {}: manifest.json is not valid JSON; {EXPECTED}", dir.display())
    })?;
    match value["invocation"]["command"].as_str() {
        Some("simulate") => Ok(()),
        Some(other) => anyhow::bail!(
            "--into {}: a folder written by `symbiont {other}`, not a run folder; {EXPECTED}",
            dir.display()
        ),
        None => anyhow::bail!(
            "--into {}: manifest.json does not say which command wrote it; {EXPECTED}",
            dir.display()
        ),
    }
}
