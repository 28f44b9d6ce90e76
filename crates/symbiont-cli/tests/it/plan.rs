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

// ------------------------------------------------------------------ the default scenario
//
// The CLI-only options of `symbiont plan --help` on the default scenario, on each backend of
// this build (HiGHS when the CLI is built with `--features highs`). Bounds each test relies
// on: the command's own time limit (`--time-limit 30`, the default, for the whole command) and
// search-tree bound (`--memory-limit 256`). Time is measured by bench/plan_options.sh, not
// asserted.

const DEFAULT: &str = "scenarios/overseas-jiangsu-laos.toml";

/// The backends this `symbiont` was built with.
fn backends() -> Vec<&'static str> {
    let mut b = vec!["microlp"];
    if cfg!(feature = "highs") {
        b.push("highs");
    }
    b
}

/// `symbiont plan ARGS --backend B --gap 0.01 --memory-limit 256`, which must succeed.
fn plan_ok(backend: &str, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--backend", backend, "--gap", "0.01", "--memory-limit", "256"]);
    let r = symbiont(&all);
    assert_eq!(r.code, 0, "{backend} {args:?}: {}\n{}", r.stdout, r.stderr);
    r
}

/// The scenario path, `--csv` and `--no-bottlenecks`: one row per placed enterprise, one
/// column per supplier, and as many rows as the table says are placed.
#[test]
fn default_scenario_csv() {
    for b in backends() {
        let r = plan_ok(b, &[DEFAULT, "--csv", "--no-bottlenecks"]);
        let mut lines = r.stdout.lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with("enterprise,park,sector,chain,"), "{header}");
        let rows: Vec<&str> = lines.collect();
        assert!(!rows.is_empty(), "{b}: someone is placed");
        let cols = header.split(',').count();
        assert!(rows.iter().all(|l| l.split(',').count() == cols), "{b}");
        let table = plan_ok(b, &[DEFAULT, "--no-bottlenecks"]);
        let placed: usize =
            table.stdout.split(": ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert_eq!(placed, rows.len(), "{b}");
    }
}

/// `--json`: the outcome with its limits, the bottlenecks, and the seconds; the breakdown adds
/// up and the limits are the ones asked for.
#[test]
fn default_scenario_json_has_the_limits() {
    for b in backends() {
        let r = plan_ok(b, &["--json", "--time-limit", "25"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        let o = &v["outcome"];
        assert_eq!(o["outcome"], "planned", "{b}");
        assert_eq!(o["backend"], b);
        assert_eq!(o["limits"]["time_limit_s"], 25.0, "{b}");
        assert_eq!(o["limits"]["memory_limit_mb"], 256.0, "{b}");
        assert!(o["gap"].as_f64().unwrap() <= 0.01, "{b}: {}", o["gap"]);
        assert!(v["bottlenecks"]["prices"].as_array().is_some_and(|p| !p.is_empty()), "{b}");
        assert_eq!(v["bottlenecks"]["complete"], true, "{b}");
    }
}

/// `--into`: the report part `plan.json` with the parks, the factor use and the bottlenecks.
#[test]
fn default_scenario_into_a_run_folder() {
    let (_dir, run) = crate::support::simulated_run("plan-into");
    for b in backends() {
        plan_ok(b, &["--into", run.to_str().unwrap()]);
        let dir = &run;
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
        assert_eq!(v["parks"].as_array().unwrap().len(), 6, "{b}");
        assert!(v["status"].as_str().unwrap().contains(&format!("by {b}")), "{v}");
        assert!(!v["bottlenecks"].as_array().unwrap().is_empty(), "{b}");
    }
}

/// `--mps`: the model of the default scenario, one column line per pair left after the exact
/// pruning and the objective row, and the size the command prints.
#[test]
fn default_scenario_mps() {
    for b in backends() {
        let dir = fresh_dir(&format!("plan-mps-{b}"));
        let mps = dir.join("default.mps");
        let r = plan_ok(b, &["--mps", mps.to_str().unwrap(), "--no-bottlenecks"]);
        let text = std::fs::read_to_string(&mps).unwrap();
        assert!(text.starts_with("NAME overseas-jiangsu-laos\nOBJSENSE\n    MAX\n"), "{b}");
        assert!(text.trim_end().ends_with("ENDATA"));
        let cols = text.lines().filter(|l| l.starts_with(" x_") && l.contains(" obj ")).count();
        assert!(r.stderr.contains(&format!("{cols} integer")), "{b}: {cols}\n{}", r.stderr);
    }
}

/// The table names the limits and, when a limit stops the search, says so with the gap: a
/// time limit of 0.001 s stops the command before the LP is solved, and a plan still comes.
#[test]
fn default_scenario_time_limit_is_reported() {
    for b in backends() {
        let r = plan_ok(b, &["--no-bottlenecks"]);
        assert!(
            r.stdout.contains("Limits: time 30 s for the whole command, search tree 256 MB"),
            "{}",
            r.stdout
        );
        let r = plan_ok(b, &["--no-bottlenecks", "--time-limit", "0.001"]);
        assert!(r.stdout.contains("stopped by the time limit (0.001 s)"), "{b}: {}", r.stdout);
        assert!(r.stdout.contains("the best plan found so far"), "{}", r.stdout);
    }
}

/// `plan --help` writes the defaults of the limits.
#[test]
fn help_names_the_default_limits() {
    let r = symbiont(&["plan", "--help"]);
    assert_eq!(r.code, 0);
    let one_line = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(one_line.contains("--time-limit <SECONDS>"), "{}", r.stdout);
    assert!(one_line.contains("[default: 30]"), "{}", r.stdout);
    assert!(one_line.contains("--memory-limit <MB>"), "{}", r.stdout);
    assert!(one_line.contains("[default: 1024]"), "{}", r.stdout);
}

/// The three commands of issue 15, as a user typed them (no limit given): each prints a plan
/// and its proven gap. Bounds: the default limits (30 s for the whole command, 1,024 MB tree).
#[test]
fn issue15_commands_answer() {
    for b in backends() {
        for args in [
            &["--min", "saysettha:electronics=10"][..],
            &["--designated-share", "0.6"],
            &["--pareto", "5"],
        ] {
            let mut all = vec!["plan", "--backend", b];
            all.extend_from_slice(args);
            let r = symbiont(&all);
            assert_eq!(r.code, 0, "{b} {args:?}: {}", r.stderr);
            assert!(r.stdout.contains("gap ≤ "), "{b} {args:?}: {}", r.stdout);
            if args[0] == "--pareto" {
                let front = r.stdout.split("Pareto front").nth(1).unwrap_or_default();
                assert_eq!(front.lines().filter(|l| l.contains('%')).count(), 5, "{}", r.stdout);
            }
        }
    }
}

/// `--into`: `plan.json` replaces a previous one whole, leaves no temporary file, fails
/// cleanly when a folder is in the way, and a folder that is not a run folder is refused.
#[test]
fn plan_json_is_written_atomically_and_only_into_a_run_folder() {
    let (dir, run) = crate::support::simulated_run("plan-atomic");
    let plan_into = |d: &std::path::Path| {
        let d = d.to_str().unwrap().to_string();
        move || symbiont(&["plan", "scenarios/plan-small.toml", "--into", &d])
    };
    let written = crate::support::check_atomic_part(&run, "plan.json", "previous", plan_into(&run));
    let v: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(v["parks"].as_array().unwrap().len(), 6, "{v}");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    crate::support::check_refuses_non_run_folder(&empty, plan_into(&empty));
}

/// A scenario whose planning model cannot fit is refused before the population is drawn,
/// with the memory it would need and the field to lower.
#[test]
fn a_plan_too_large_to_fit_is_refused_up_front() {
    let dir = crate::support::fresh_dir("plan-huge");
    let text =
        std::fs::read_to_string(crate::support::repo_root().join("scenarios/small.toml")).unwrap();
    let i = text.find("[[enterprise_group]]").unwrap();
    let j = i + text[i..].find("count = ").unwrap();
    let k = j + text[j..].find('\n').unwrap();
    let huge = format!("{}count = 100000000{}", &text[..j], &text[k..]);
    std::fs::write(dir.join("huge.toml"), huge).unwrap();
    let r = crate::support::symbiont_in(&dir, &["plan", "huge.toml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("enterprise_group.count"), "{}", r.stderr);
    assert!(r.stderr.contains("memory"), "{}", r.stderr);
}

/// A heuristic plan says why it has no shadow prices and how to get them, instead of leaving
/// them out silently; a plan within the gap prints them.
#[test]
fn a_heuristic_plan_says_why_it_has_no_shadow_prices() {
    let r = symbiont(&["plan", "--backend", "microlp"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("No shadow prices: the plan is heuristic"), "{}", r.stdout);
    assert!(r.stdout.contains("--gap 0.01"), "{}", r.stdout);
    let r = plan_ok("microlp", &[]);
    assert!(!r.stdout.contains("No shadow prices"), "{}", r.stdout);
    assert!(r.stdout.contains("Bottlenecks (shadow prices"), "{}", r.stdout);
}
