//! Output helpers shared by the subcommands: tables, JSON, CSV, terminal checks.

use std::io::{IsTerminal, Write};
use std::path::Path;
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

/// Write bytes to a file, naming the file in the error.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating folder {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
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

/// Check that `--into DIR` names an existing run folder (written by `symbiont simulate`).
pub fn run_folder(dir: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        dir.is_dir(),
        "--into {}: not a folder (write a run folder with `symbiont simulate --out DIR` first)",
        dir.display()
    );
    Ok(())
}
