//! The result of a plan job carries every fact `symbiont plan` prints (status and gap,
//! enterprises placed, model size and limits, per park plots, land, workers and complete
//! chains, the factor flows, the objective breakdown, and the bottlenecks with their shadow
//! prices), with the values the planner library gives for the same request.

use serde_json::{Value, json};
use symbiont_plan::{Bottlenecks, Instance, Plan, PlanOutcome, SolveSettings, Termination};

use crate::harness::{App, each_backend};

/// `symbiont plan`'s defaults, as its `--help` lists them.
const CLI_GAP: f64 = 0.001;
const CLI_TIME_LIMIT_S: f64 = 30.0;
const CLI_MEMORY_LIMIT_MB: f64 = 1024.0;

/// The planner library on the default scenario, as `symbiont plan` calls it: the plan, and
/// the bottlenecks unless the plan is heuristic.
fn library(gap: f64) -> (Instance, Plan, Option<Bottlenecks>) {
    let scenario = symbiont_model::parse_scenario(symbiont_model::DEFAULT_SCENARIO, "default")
        .expect("default scenario");
    let population = symbiont_abm::population::generate(&scenario, scenario.study.seed);
    let inst =
        Instance::from_scenario(&scenario, &population, &Default::default()).expect("instance");
    let settings = SolveSettings {
        gap,
        time_limit: Some(CLI_TIME_LIMIT_S),
        memory_limit_mb: Some(CLI_MEMORY_LIMIT_MB),
        ..Default::default()
    };
    let plan = match symbiont_plan::plan(&inst, &settings.share(2)).expect("plan") {
        PlanOutcome::Planned(p) => p,
        PlanOutcome::Infeasible(e) => panic!("the default scenario is feasible: {e:?}"),
    };
    let bottlenecks = (plan.termination != Termination::Heuristic)
        .then(|| symbiont_plan::bottlenecks(&inst, &plan, &settings.share(1)).expect("prices"));
    (inst, *plan, bottlenecks)
}

fn run_plan(app: &App, token: &str, params: Value) -> Value {
    crate::harness::run_job(
        app,
        token,
        json!({"kind": "plan", "scenario_id": "default", "params": params}),
    )
}

/// A number of the JSON equals the library's value (JSON's decimal round trip aside).
#[track_caller]
fn same(v: &Value, x: f64, what: &str) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{what}: not a number: {v}"));
    assert!(
        (got - x).abs() <= 1e-12 * x.abs().max(1.0),
        "{what}: {got} in the JSON, {x} in the library"
    );
}

/// Every fact of the plan in the job's result equals the library's.
fn check(r: &Value, inst: &Instance, p: &Plan, b: Option<&Bottlenecks>) {
    assert_eq!(r["backend"], p.backend.word(), "{r}");
    assert_eq!(r["status"], json!(p.termination), "{r}");
    assert_eq!(r["searched"], p.searched, "{r}");
    same(&r["objective"], p.objective, "objective");
    same(&r["gap"], p.gap, "gap");
    assert_eq!(r["placed"], p.placements.len(), "{r}");
    assert_eq!(r["enterprises"], inst.enterprises.len(), "{r}");
    assert!(r["seconds"].as_f64().is_some_and(|s| s >= 0.0), "{r}");
    assert_eq!(
        r["model"],
        json!({"columns": p.columns, "integers": p.integers, "rows": p.rows, "pruned": p.pruned}),
        "{r}"
    );
    assert_eq!(r["microlp_max_integers"], symbiont_plan::MICROLP_MAX_INTEGERS, "{r}");
    let l = &p.limits;
    assert_eq!(r["limits"]["time_limit_s"], json!(l.time_limit_s), "{r}");
    assert_eq!(r["limits"]["memory_limit_mb"], json!(l.memory_limit_mb), "{r}");
    assert_eq!(r["limits"]["node_limit"], json!(l.node_limit), "{r}");
    assert_eq!(r["limits"]["lp_converged"], l.lp_converged, "{r}");
    assert_eq!(r["note"], json!(p.note), "{r}");

    let parks = r["parks"].as_array().expect("parks");
    assert_eq!(parks.len(), p.parks.len(), "{r}");
    for (j, k) in parks.iter().zip(&p.parks) {
        assert_eq!(j["park"], k.name, "{j}");
        assert_eq!(j["designated"], k.designated, "{j}");
        assert_eq!(j["enterprises"], k.enterprises, "{j}");
        for (key, x) in [
            ("plots", k.plots),
            ("workers", k.workers),
            ("labour_pool", k.labour_pool),
            ("land_ha", k.land_ha),
            ("area_ha", k.area_ha),
        ] {
            same(&j[key], x, &format!("{} {key}", k.name));
        }
        assert_eq!(j["complete_chains"], json!(k.complete_chains), "{j}");
        for (s, n) in k.by_sector.iter().enumerate() {
            let got = j["by_sector"].get(&inst.sectors[s]).and_then(Value::as_u64).unwrap_or(0);
            assert_eq!(got, *n as u64, "{} {}: {j}", k.name, inst.sectors[s]);
        }
        for (f, x) in symbiont_plan::FactorKind::ALL.iter().zip(k.factors) {
            same(&j["factors"][f.word()], x, &format!("{} {}", k.name, f.word()));
        }
    }
    let flows = r["flows"].as_array().expect("flows");
    assert_eq!(flows.len(), p.flows.len(), "{r}");
    for (j, f) in flows.iter().zip(&p.flows) {
        assert_eq!(
            (&j["supplier"], &j["kind"], &j["unit"]),
            (&json!(f.supplier), &json!(f.kind.word()), &json!(f.kind.unit())),
            "{j}"
        );
        same(&j["amount"], f.amount, &f.supplier);
        same(&j["capacity"], f.capacity, &f.supplier);
        same(&j["unit_cost"], f.unit_cost, &f.supplier);
        for (k, x) in p.parks.iter().zip(&f.to_park) {
            same(&j["to_park"][&k.name], *x, &format!("{} to {}", f.supplier, k.name));
        }
    }
    let d = &p.breakdown;
    let br = &r["breakdown"];
    for (key, x) in [
        ("home_gain", d.home_gain),
        ("host_gain", d.host_gain),
        ("jobs", d.jobs),
        ("chain_bonus", d.chain_bonus),
        ("factor_cost", d.factor_cost),
        ("objective", d.objective),
    ] {
        same(&br[key], x, key);
    }
    let w = inst.weights;
    assert_eq!(br["weights"], json!({"home": w.home, "host": w.host, "jobs": w.jobs}), "{r}");

    let prices = r["bottlenecks"].as_array().expect("bottlenecks");
    match b {
        Some(b) => {
            assert_eq!(r["bottleneck_method"], json!(b.method), "{r}");
            assert_eq!(r["bottlenecks_complete"], b.complete, "{r}");
            assert!(r["bottlenecks_skipped"].is_null(), "{r}");
            assert_eq!(prices.len(), b.prices.len(), "{r}");
            for ((j, x), t) in prices.iter().zip(&b.prices).zip(b.sentences()) {
                assert_eq!(
                    (&j["constraint"], &j["unit"], &j["text"]),
                    (&json!(x.constraint), &json!(x.unit), &json!(t)),
                    "{j}"
                );
                same(&j["shadow_price"], x.value, &x.constraint);
                same(&j["slack"], x.slack, &x.constraint);
            }
        }
        None => {
            assert!(prices.is_empty(), "{r}");
            assert!(r["bottleneck_method"].is_null(), "{r}");
            assert!(
                r["bottlenecks_skipped"].as_str().is_some_and(|s| s.contains("heuristic")),
                "{r}"
            );
        }
    }
}

#[test]
fn a_plan_job_carries_the_facts_of_symbiont_plan_with_the_librarys_values() {
    // Without params: `symbiont plan`'s defaults. On the pure-Rust backend the default
    // scenario is too large for branch and bound, so the plan is heuristic and, as in the
    // CLI, has no shadow prices.
    let (inst, default_plan, default_prices) = library(CLI_GAP);
    // At a 1% gap the rounded-LP plan (proven within 0.4%) stands, and is priced.
    let (_, loose_plan, loose_prices) = library(0.01);
    let loose_prices = loose_prices.expect("a plan within the gap is priced");
    assert!(!loose_prices.prices.is_empty(), "some constraint binds: {loose_prices:?}");
    each_backend(|app| {
        let admin = app.admin();
        let analyst = app.user(&admin, "planner", "analyst", None, None);
        let r = run_plan(app, &analyst, json!({}));
        check(&r, &inst, &default_plan, default_prices.as_ref());
        let r = run_plan(app, &analyst, json!({"gap": 0.01}));
        check(&r, &inst, &loose_plan, Some(&loose_prices));
        assert!(
            r["parks"].as_array().is_some_and(|ps| ps
                .iter()
                .any(|k| k["complete_chains"].as_array().is_some_and(|c| !c.is_empty()))),
            "{r}"
        );
        // The planner's options are checked where the job is submitted.
        let (s, e) = app.post(
            "/api/jobs",
            &analyst,
            json!({"kind": "plan", "scenario_id": "default", "params": {"memory_limit_mb": 0}}),
        );
        assert_eq!(s, 400, "{e}");
        assert_eq!(e["error"]["fields"][0]["path"], "params.memory_limit_mb", "{e}");
    });
}
