//! Tests of `symbiont plan` on scenarios/plan-small.toml (150 + 1 enterprises, 6 parks).

use crate::support::{fresh_dir, symbiont};

const SMALL: &str = "scenarios/plan-small.toml";

#[test]
fn plans_the_small_scenario_and_names_the_backend() {
    let r = symbiont(&["plan", SMALL]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Solved by microlp in"), "{}", r.stdout);
    assert!(r.stdout.contains("stopped within the requested gap"), "{}", r.stdout);
    // The default gap is 0.1%: the reported bound must be within it.
    let gap: f64 =
        r.stdout.split("gap ≤ ").nth(1).and_then(|t| t.split('%').next()).unwrap().parse().unwrap();
    assert!(gap <= 0.1, "{}", r.stdout);
    for park in ["saysettha", "boten", "vita-park", "savan-seno", "thakhek", "golden-triangle"] {
        assert!(r.stdout.contains(park), "{park} missing:\n{}", r.stdout);
    }
    assert!(r.stdout.contains("Factor flows per period"));
    assert!(r.stdout.contains("Objective breakdown"));
    assert!(r.stdout.contains("Bottlenecks (shadow prices"));
    assert!(r.stdout.contains("binds first: one more"), "{}", r.stdout);
}

#[test]
fn json_has_one_site_per_enterprise_and_a_consistent_breakdown() {
    let r = symbiont(&["plan", SMALL, "--json", "--no-bottlenecks"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["enterprises"], 151);
    let o = &v["outcome"];
    assert_eq!(o["outcome"], "planned");
    assert_eq!(o["backend"], "microlp");
    assert_eq!(o["site"].as_array().unwrap().len(), 151);
    let placed = o["site"].as_array().unwrap().iter().filter(|s| !s.is_null()).count();
    assert_eq!(placed, o["placements"].as_array().unwrap().len());
    let b = &o["breakdown"];
    let f = |k: &str| b[k].as_f64().unwrap();
    let obj = f("home_gain") + f("host_gain") + f("chain_bonus") - f("factor_cost");
    assert!((obj - f("objective")).abs() < 1e-6 * obj.abs(), "{b}");
}

#[test]
fn csv_mps_and_what_if() {
    let dir = fresh_dir("plan-mps");
    let mps = dir.join("small.mps");
    let r = symbiont(&["plan", SMALL, "--csv", "--no-bottlenecks", "--mps", mps.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(
            "enterprise,park,sector,chain,home_gain_usd,host_gain_usd,jobs,capital_eximbank-js"
        ),
        "{first}"
    );
    let text = std::fs::read_to_string(&mps).unwrap();
    assert!(text.starts_with("NAME plan-small\nOBJSENSE\n    MAX\nROWS\n"));
    assert!(text.trim_end().ends_with("ENDATA"));
    let r = symbiont(&["plan", SMALL, "--relax", "technology=+50%", "--no-bottlenecks"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("What if technology=+50%: objective US$"), "{}", r.stdout);
}

#[test]
fn infeasible_guidance_names_what_to_loosen() {
    // 60 electronics firms asked for, about 30 exist: only the minimums can be loosened.
    let r = symbiont(&[
        "plan",
        SMALL,
        "--min",
        "vita-park:electronics=30",
        "--min",
        "savan-seno:electronics=30",
        "--no-bottlenecks",
    ]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No plan meets the guidance"), "{}", r.stdout);
    assert!(r.stdout.contains("The smallest set of constraints to loosen:"), "{}", r.stdout);
    assert!(
        r.stdout.contains("lower at least 30 `electronics` enterprises in park"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("infeasible"), "{}", r.stderr);
}

#[test]
fn bad_input_gets_clear_messages() {
    let r = symbiont(&["plan", SMALL, "--designated-share", "120%"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--designated-share `120%`: a share must be between 0 and 1"),
        "{}",
        r.stderr
    );
    let r = symbiont(&["plan", SMALL, "--min", "nowhere:electronics=2"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("unknown park `nowhere`: expected one of saysettha"), "{}", r.stderr);
    let dir = fresh_dir("plan-options");
    let opts = dir.join("plan.toml");
    std::fs::write(&opts, "[guidance]\ndesignated_share = 1.5\n").unwrap();
    let r = symbiont(&["plan", SMALL, "--options", opts.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("plan.toml:2:20: `guidance.designated_share` is 1.5"),
        "{}",
        r.stderr
    );
    let noplots = dir.join("noplots.toml");
    let text = std::fs::read_to_string(crate::support::repo_root().join(SMALL)).unwrap();
    std::fs::write(&noplots, text.replacen("plots = 30", "plots = 0", 1)).unwrap();
    let r = symbiont(&["plan", noplots.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("plots"), "{}", r.stderr);
}

#[test]
fn a_start_within_the_gap_of_the_lp_bound_is_returned_without_a_search() {
    // At a 1% gap the rounded-LP plan of the small scenario (bound 0.57%) is already good
    // enough: the message must not claim the solver searched.
    let r = symbiont(&["plan", SMALL, "--gap", "0.01", "--no-bottlenecks"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Planned with microlp in"), "{}", r.stdout);
    assert!(r.stdout.contains("no branch and bound needed"), "{}", r.stdout);
    let r = symbiont(&["plan", SMALL, "--gap", "0.01", "--no-bottlenecks", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["outcome"]["searched"], false, "{v}");
}
