//! Atomic run folders: a command writes its run folder into a staging folder beside the target
//! and renames it into place at the end, so that an error, a kill or a full disk never leaves a
//! half-written folder that other commands would read (issue 15 §4).
//!
//! Replacing a folder: a previous run folder that holds only what `simulate` wrote (its
//! `manifest.json` lists the files) is replaced without asking; any other non-empty folder asks
//! for `--force`, so that parts added with `--into` or unrelated files are never lost silently.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// A staging folder for one run folder; removed on drop unless committed.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    stage: PathBuf,
    committed: bool,
}

/// Files `simulate` writes besides those its manifest lists.
const OWN: [&str; 3] = ["manifest.json", "report.html", "sensitivity.csv"];

/// Why `dir` may not be replaced without `--force`, if it may not.
fn foreign_files(dir: &Path) -> anyhow::Result<Option<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    names.sort();
    let listed: Vec<String> = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .filter(|m| m["invocation"]["command"] == "simulate")
        .and_then(|m| {
            m["files"].as_array().map(|fs| {
                fs.iter().filter_map(|f| f.as_str().map(str::to_string)).collect::<Vec<_>>()
            })
        })
        .unwrap_or_default();
    // Outside a run folder of `simulate` alone, every file is foreign.
    let foreign: Vec<&str> = names
        .iter()
        .filter(|n| listed.is_empty() || (!listed.contains(n) && !OWN.contains(&n.as_str())))
        .take(3)
        .map(String::as_str)
        .collect();
    Ok((!foreign.is_empty()).then(|| foreign.join(", ")))
}

impl Staging {
    /// Check that `target` may be written (replacing it needs `force` unless it is a previous
    /// run folder of `simulate` alone) and create the staging folder beside it.
    pub fn begin(target: &Path, force: bool) -> anyhow::Result<Staging> {
        if target.exists() {
            if !target.is_dir() {
                bail!("--out {}: this is a file, not a folder", target.display());
            }
            if !force && let Some(files) = foreign_files(target)? {
                bail!(
                    "--out {} is not empty and holds files that `symbiont simulate` did not write \
                     ({files}); add --force to replace the whole folder, or choose another --out",
                    target.display()
                );
            }
        }
        let name = target.file_name().map_or("run".into(), |n| n.to_string_lossy().into_owned());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let stage = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&stage);
        std::fs::create_dir_all(&stage).with_context(|| format!("creating {}", stage.display()))?;
        Ok(Staging { target: target.to_path_buf(), stage, committed: false })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.stage
    }

    /// Move the finished folder into place (the old folder, if any, is removed after).
    pub fn commit(mut self) -> anyhow::Result<()> {
        let old = self.stage.with_file_name(
            self.stage
                .file_name()
                .map_or("old".into(), |n| n.to_string_lossy().replace(".partial-", ".old-")),
        );
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .with_context(|| format!("moving the previous {} aside", self.target.display()))?;
        }
        if let Err(e) = std::fs::rename(&self.stage, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e)
                .with_context(|| format!("moving the run folder to {}", self.target.display()));
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.stage);
        }
    }
}

/// Move the finished folder `new` to `target`, replacing a previous folder there as a whole:
/// the previous folder is moved aside first and removed once `new` is in place (restored if
/// the move fails). A file at `target` is never replaced.
pub fn replace_dir(new: &Path, target: &Path) -> anyhow::Result<()> {
    let had_old = target.is_dir();
    if !had_old && target.exists() {
        bail!(
            "writing {}: a file is in the way of this folder; move it away or choose another name",
            target.display()
        );
    }
    let name = target.file_name().map_or("dir".into(), |n| n.to_string_lossy().into_owned());
    let old = target.with_file_name(format!(".{name}.old-{}", std::process::id()));
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(target, &old)
            .with_context(|| format!("moving the previous {} aside", target.display()))?;
    }
    if let Err(e) = std::fs::rename(new, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        return Err(e).with_context(|| format!("moving the new folder to {}", target.display()));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
