//! Tests of `symbiont scenario check|show|init`, and the exit codes.

use crate::support::{fresh_dir, symbiont, symbiont_in};

#[test]
fn check_default_and_small_scenarios_exit_0() {
    let r = symbiont(&[
        "scenario",
        "check",
        "scenarios/overseas-jiangsu-laos.toml",
        "scenarios/small.toml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(
        "ok: scenarios/overseas-jiangsu-laos.toml (2 regions, 6 parks, 2001 enterprises, 4 modes)"
    ));
    assert!(r.stdout.contains("ok: scenarios/small.toml"));
}

#[test]
fn check_broken_file_prints_every_problem_and_exits_1() {
    let dir = fresh_dir("check-broken");
    let text = include_str!("../../../../scenarios/small.toml")
        .replacen("plots = 20", "plts = 20", 1)
        .replacen("base_rate = 0.04", "base_rate = \"low\"", 1);
    std::fs::write(dir.join("broken.toml"), text).unwrap();
    let r = symbiont_in(&dir, &["scenario", "check", "broken.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[wrong-type]: `base_rate` must be a number in 0..=1, found a string"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> broken.toml:99:13"), "{}", r.stderr);
    assert!(r.stderr.contains("error[unknown-key]: unknown key `plts` in `park[0]`"));
    assert!(r.stderr.contains("help: did you mean `plots`?"));
    assert!(r.stderr.contains("invalid: broken.toml (3 problems)"), "{}", r.stderr);
}

#[test]
fn check_json_lists_problems_with_places() {
    let dir = fresh_dir("check-json");
    let text =
        include_str!("../../../../scenarios/small.toml").replacen("count = 60", "count = -60", 1);
    std::fs::write(dir.join("neg.toml"), text).unwrap();
    let r = symbiont_in(&dir, &["scenario", "check", "--json", "neg.toml"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let p = &v[0]["problems"][0];
    assert_eq!(p["code"], "out-of-range");
    assert_eq!(p["line"], 68);
    assert_eq!(p["column"], 9);
    assert_eq!(p["field"], "enterprise_group[0].count");
}

#[test]
fn missing_file_is_a_clear_error() {
    let r = symbiont(&["scenario", "check", "no-such-file.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("cannot read scenario file no-such-file.toml"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(symbiont(&["scenario", "check"]).code, 2);
    assert_eq!(symbiont(&["no-such-command"]).code, 2);
    let v = symbiont(&["--version"]);
    assert_eq!(v.code, 0);
    assert!(v.stdout.starts_with("symbiont "));
}

#[test]
fn init_writes_the_default_which_checks_and_round_trips() {
    let dir = fresh_dir("init");
    let r = symbiont_in(&dir, &["scenario", "init", "mine.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.join("mine.toml")).unwrap();
    assert_eq!(written, symbiont_model::DEFAULT_SCENARIO);
    let again = symbiont_model::parse_scenario(&written, "mine.toml").unwrap();
    assert_eq!(again, symbiont_model::default_scenario().unwrap());
    // No silent overwrite.
    let r = symbiont_in(&dir, &["scenario", "init", "mine.toml"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("exists already; pass --force"));
}

#[test]
fn show_summarises_units_parks_modes_and_events() {
    let r = symbiont(&["scenario", "show"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "Overseas Jiangsu",
        "Vientiane Saysettha Development Zone (saysettha)",
        "Luang Namtha",
        "enterprise",
        "2001",
        "one_window",
        "China-Laos Railway opens",
        "transport_cost scale 0.6",
    ] {
        assert!(r.stdout.contains(needle), "missing {needle:?} in:\n{}", r.stdout);
    }
}

#[test]
fn every_shipped_scenario_checks() {
    let dir = crate::support::repo_root().join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    let mut args = vec!["scenario", "check"];
    args.extend(files.iter().map(String::as_str));
    let r = symbiont(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
