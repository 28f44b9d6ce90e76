//! Embed the repository's `web/` folder (the dashboard) into the binary: write a table of
//! `(path, bytes)` with `include_bytes!` for every file of the app. Dotfiles, `node_modules/`,
//! the dashboard's own tests (`web/tests/`) and its npm manifests (`package.json`,
//! `package-lock.json`) are not part of the app and are left out. A missing or empty folder
//! gives an empty table, and the server then serves a page saying so.

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        let top = dir == root;
        if top && (name == "package.json" || name == "package-lock.json") {
            continue;
        }
        if top && name == "tests" && p.is_dir() {
            continue;
        }
        if p.is_dir() {
            walk(&p, root, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, p.clone()));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let web = manifest.join("../../web");
    println!("cargo:rerun-if-changed={}", web.display());
    let mut files = Vec::new();
    walk(&web, &web, &mut files);
    for (_, p) in &files {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    let mut src = String::from(
        "/// The embedded dashboard files: (path under web/, bytes).\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, p) in &files {
        let abs = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        src.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", abs.to_string_lossy()));
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("web_files.rs");
    if let Err(e) = fs::write(&out, src) {
        panic!("cannot write {}: {e}", out.display());
    }
}
