//! Every command answers: invalid numbers refused where they are written, text that is not
//! UTF-8 located, `--json` answering in JSON on errors too, a closed pipe ending quietly, and
//! `dynamics fit` refusing what `index` refuses. One regression test per defect.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{fresh_dir, repo_root, symbiont, symbiont_in};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Standard output parsed as one JSON document.
fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

#[test]
fn a_factor_price_of_1e308_is_refused_at_its_line() {
    let dir = fresh_dir("inputs-price");
    let text = SMALL.replacen(
        "[[government]]\n",
        "[factors]\ntalent = { unit = \"person\", price_usd = 1e308 }\n\n[[government]]\n",
        1,
    );
    write(&dir, "huge.toml", text.as_bytes());
    let r = symbiont_in(&dir, &["scenario", "check", "huge.toml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("error[out-of-range]: `price_usd` is 1e308, out of range"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> huge.toml:50:41"), "{}", r.stderr);
    assert!(r.stderr.contains("= expected: a number in 0..=1e15"), "{}", r.stderr);
    // The same scenario cannot reach a run.
    let r = symbiont_in(&dir, &["simulate", "huge.toml", "--runs", "1", "--out", "run"]);
    assert_eq!(r.code, 1);
    assert!(!dir.join("run").exists());
}

#[test]
fn a_scenario_that_is_not_utf8_is_located() {
    let dir = fresh_dir("inputs-latin1");
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("Small test scenario").unwrap() + 6;
    bytes[at] = 0xE9;
    write(&dir, "latin1.toml", &bytes);
    let r = symbiont_in(&dir, &["scenario", "check", "latin1.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            &format!("byte 0xE9 at byte offset {at} (line 6, column 16) is not valid UTF-8\n --> latin1.toml:6:16")
        ),
        "{}",
        r.stderr
    );
    // In JSON, as one problem of that file among the others.
    let r = symbiont_in(&dir, &["scenario", "check", "latin1.toml", "--json"]);
    assert_eq!(r.code, 1);
    let v = json(&r.stdout);
    let p = &v[0]["problems"][0];
    assert_eq!((p["line"].as_u64(), p["column"].as_u64()), (Some(6), Some(16)), "{v}");
    assert_eq!(p["code"], "syntax");
    // Every command that loads it says the same.
    let r = symbiont_in(&dir, &["plan", "latin1.toml", "--json"]);
    assert_eq!(r.code, 1);
    let v = json(&r.stdout);
    assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(6), Some(16)), "{v}");
    assert_eq!(v["problems"][0]["byte_offset"].as_u64(), Some(at as u64));
}

#[test]
fn a_panel_or_data_file_that_is_not_utf8_is_located() {
    let dir = fresh_dir("inputs-latin1-csv");
    write(&dir, "p.csv", b"region,year,gdp,pat\nA,2020,1,2\nA,2021,caf\xe9,3\n");
    write(&dir, "spec.toml", b"[[subsystem]]\nname = \"a\"\nbenefit = [\"gdp\"]\n[[subsystem]]\nname = \"b\"\nbenefit = [\"pat\"]\n");
    let r = symbiont_in(&dir, &["index", "--method", "entropy", "p.csv", "--spec", "spec.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("p.csv, line 3: not UTF-8 text: byte 0xE9 at byte offset 41 (column 11)"),
        "{}",
        r.stderr
    );
    let r = symbiont_in(&dir, &["dynamics", "fit", "p.csv", "--units", "gdp,pat"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "p.csv: line 3: the file is not UTF-8 text: byte 0xE9 at byte offset 41 (column 11)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn json_errors_are_json() {
    let dir = fresh_dir("inputs-json");
    write(&dir, "bad.toml", SMALL.replacen("plots = 20", "plots = 0", 1).as_bytes());
    write(&dir, "d.csv", b"year,a,b\n2000,1,2\n2001,2,nan\n");
    let cases: &[&[&str]] = &[
        &["simulate", "bad.toml", "--json", "--out", "run"],
        &["plan", "bad.toml", "--json"],
        &["scenario", "check", "missing.toml", "--json"],
        &["dynamics", "fit", "d.csv", "--units", "a,b", "--json"],
        &["index", "--method", "entropy", "d.csv", "--json"],
        &["plan", "--json", "--no-such-flag"],
    ];
    for args in cases {
        let r = symbiont_in(&dir, args);
        assert_ne!(r.code, 0, "{args:?}");
        let v = json(&r.stdout);
        assert_eq!(v["ok"], false, "{args:?}: {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{args:?}: {v}");
        for k in ["file", "line", "column", "field", "problems"] {
            assert!(v.get(k).is_some(), "{args:?}: no {k} in {v}");
        }
    }
    // Where the place is known, it is in the answer.
    let v = json(&symbiont_in(&dir, cases[0]).stdout);
    assert_eq!((v["file"].as_str(), v["line"].as_u64()), (Some("bad.toml"), Some(121)), "{v}");
    assert_eq!(v["field"], "park[0].plots");
    let v = json(&symbiont_in(&dir, cases[3]).stdout);
    assert_eq!((v["line"].as_u64(), v["field"].as_str()), (Some(3), Some("b")), "{v}");
    // A usage error with --json is a JSON answer and exit code 2.
    assert_eq!(symbiont_in(&dir, cases[5]).code, 2);
}

/// Run with standard output a pipe whose reading end is already closed, as `| head` leaves it.
fn into_closed_pipe(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_symbiont"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the symbiont binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("it ends");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    for args in [
        &["scenario", "show"][..],
        &["scenario", "check", "scenarios/small.toml", "--json"],
        &["dynamics", "simulate", "scenarios/dynamics/predator-prey.toml", "--csv", "-"],
        &["dynamics", "simulate", "scenarios/dynamics/predator-prey.toml", "--json"],
        &["index", "--method", "coupling", "data/coupling_example.csv"],
        &["--help"],
    ] {
        let (code, stderr) = into_closed_pipe(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn dynamics_fit_refuses_nan_duplicated_columns_and_negative_years() {
    let dir = fresh_dir("inputs-fit");
    let rows =
        |f: &dyn Fn(usize) -> String| (0..12).map(|k| format!("{}\n", f(k))).collect::<String>();
    let nan = format!(
        "year,a,b\n{}",
        rows(&|k| {
            if k == 5 {
                "2005,12,nan".into()
            } else {
                format!("{},{},{}", 2000 + k, 10 + k, 20 + k)
            }
        })
    );
    let dup =
        format!("year,a,b,a\n{}", rows(&|k| format!("{},{},{},{}", 2000 + k, 10 + k, 20 + k, 1)));
    let neg = format!("year,a,b\n{}", rows(&|k| format!("{},{},{}", k as i64 - 6, 10 + k, 20 + k)));
    write(&dir, "nan.csv", nan.as_bytes());
    write(&dir, "dup.csv", dup.as_bytes());
    write(&dir, "neg.csv", neg.as_bytes());
    for (file, units, want) in [
        ("nan.csv", "a,b", "nan.csv: line 7, column b: expected a finite number, found \"nan\""),
        (
            "dup.csv",
            "a,b",
            "dup.csv: line 1, column a: the header names this column twice (columns 2 and 4)",
        ),
        (
            "neg.csv",
            "a,b",
            "neg.csv: line 2, column year: expected a year in 0..=9999, found \"-6\"",
        ),
        ("nan.csv", "a,a", "nan.csv: the series \"a\" is named twice"),
    ] {
        let r = symbiont_in(&dir, &["dynamics", "fit", file, "--units", units]);
        assert_eq!(r.code, 1, "{file}: {}", r.stdout);
        assert!(r.stderr.contains(want), "{file}: {}", r.stderr);
    }
    // As `index` refuses them.
    let r = symbiont_in(&dir, &["index", "--method", "entropy", "neg.csv"]);
    assert!(r.code == 1 && r.stderr.contains("\"-6\" is not a year in 0..=9999"), "{}", r.stderr);
    let r = symbiont_in(&dir, &["index", "--method", "entropy", "dup.csv"]);
    assert!(r.code == 1 && r.stderr.contains("names this column twice"), "{}", r.stderr);
}

#[test]
fn huge_numbers_print_in_scientific_notation_and_long_ids_briefly() {
    let dir = fresh_dir("inputs-huge");
    let text = SMALL.replacen(
        "[[government]]\n",
        "[factors]\ntalent = { unit = \"person\", price_usd = 9e14 }\n\n[[government]]\n",
        1,
    );
    write(&dir, "big.toml", text.as_bytes());
    let r = symbiont_in(&dir, &["scenario", "show", "big.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("9.000e14"), "{}", r.stdout);
    assert!(!r.stdout.contains("900000000000000"), "{}", r.stdout);
    // A 100,000-character id: a diagnostic of a few lines, not of 100,000 characters.
    let long = "x".repeat(100_000);
    let text = SMALL.replacen("id = \"south\"", &format!("id = \"{long}\""), 1);
    write(&dir, "long.toml", text.as_bytes());
    let r = symbiont_in(&dir, &["scenario", "check", "long.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.len() < 2000, "{} bytes of diagnostics", r.stderr.len());
    assert!(r.stderr.contains("… (100000 characters)\" is too long"), "{}", r.stderr);
}

#[test]
fn the_embedded_scenario_still_answers() {
    let r = symbiont(&["scenario", "check", "scenarios/overseas-jiangsu-laos.toml", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)[0]["ok"], true);
}
