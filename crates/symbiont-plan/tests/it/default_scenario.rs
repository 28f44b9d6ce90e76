//! Every option of `symbiont plan --help` that maps to the planner's own types, on the default
//! scenario (2,001 enterprises × 6 parks), on each backend in the build (rgtest style: one body,
//! run per backend; HiGHS only with `--features highs`). The CLI-only options (`--csv`,
//! `--json`, `--into`, `--mps`, the scenario path) are tested in `symbiont-cli`.
//!
//! Bounds every test here relies on, unless its doc says otherwise: [`bounded`] settings, i.e.
//! a time limit of 30 s for each solver call (no clock is passed, so the limit applies per
//! call) and a search tree of 256 MB (the node limit follows from it). Time is not asserted;
//! `bench/plan_options.sh` measures each option's wall time and peak memory. The tests check
//! what must hold whatever the default scenario's numbers become: the plan meets every row
//! (`evaluate`), the option's own effect, and an honest gap.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use symbiont_plan::*;

use crate::support::backends;

/// The default scenario's planning instance under `opts`.
fn default_instance(opts: &PlanOptions) -> Instance {
    let sc = symbiont_model::default_scenario().expect("the default scenario parses");
    let pop = symbiont_abm::population::generate(&sc, sc.study.seed);
    Instance::from_scenario(&sc, &pop, opts).expect("the default scenario plans")
}

/// 30 s per solver call, a 256 MB search tree, the 1% gap of `simulate` and the server, one
/// HiGHS thread.
fn bounded(backend: Backend) -> SolveSettings {
    SolveSettings {
        backend,
        time_limit: Some(30.0),
        gap: 0.01,
        threads: Some(1),
        memory_limit_mb: Some(256.0),
        ..SolveSettings::default()
    }
}

/// A clock that advances `step` seconds each time it is read: time limits become
/// deterministic (the same reads run out at the same place on every machine).
fn stepping_clock(step: f64) -> Clock {
    let reads = Arc::new(AtomicU64::new(0));
    Clock::new(move || reads.fetch_add(1, Ordering::Relaxed) as f64 * step)
}

/// The plan (a plan must come back, whatever the limits), checked: it meets every row, its
/// objective is its breakdown's, its gap is a number ≥ 0, and its limits are reported.
fn answered(inst: &Instance, s: &SolveSettings) -> Box<Plan> {
    let p = match plan(inst, s).expect("the planner runs") {
        PlanOutcome::Planned(p) => p,
        PlanOutcome::Infeasible(e) => panic!("{}: expected a plan, got {:?}", s.backend.word(), e),
    };
    let ev = evaluate(inst, &p.sites());
    assert!(ev.feasible, "{}: the plan breaks a row", s.backend.word());
    assert!((ev.breakdown.objective - p.objective).abs() <= 1e-6 * p.objective.abs().max(1.0));
    assert!(p.gap >= 0.0 && !p.gap.is_nan(), "{}: gap {}", s.backend.word(), p.gap);
    assert_eq!(p.limits.memory_limit_mb, s.memory_mb());
    p
}

fn in_designated(inst: &Instance, p: &Plan) -> f64 {
    let on = p.placements.iter().filter(|x| inst.parks[x.park].designated).count();
    on as f64 / p.placements.len().max(1) as f64
}

/// No option: the baseline every other test compares with. A plan within the requested gap
/// (1%), proven.
#[test]
fn no_option_plans_within_the_gap() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        assert!(!p.placements.is_empty());
        assert!(p.gap <= 0.01, "{}: gap {}", b.word(), p.gap);
        assert!(matches!(p.termination, Termination::Optimal | Termination::GapLimit));
    }
}

/// `--min saysettha:electronics=10` ran 9 minutes to 24 GB before issue 15; with
/// `--time-limit 15` it ended without a plan. Now a plan with the ten electronics firms.
#[test]
fn issue15_min_target_answers() {
    let mut opts = PlanOptions::default();
    opts.minimums =
        vec![MinimumSpec { park: "saysettha".into(), sector: "electronics".into(), count: 10 }];
    let inst = default_instance(&opts);
    let (park, sector) = (0, inst.sectors.iter().position(|s| s == "electronics").unwrap());
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        assert!(p.parks[park].by_sector[sector] >= 10, "{}: {:?}", b.word(), p.parks[park]);
        assert!(p.gap.is_finite(), "{}: the gap is proven", b.word());
    }
}

/// `--designated-share 0.6` printed nothing within 60 s before issue 15.
#[test]
fn issue15_designated_share_answers() {
    let mut opts = PlanOptions::default();
    opts.designated_share = 0.6;
    let inst = default_instance(&opts);
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        assert!(in_designated(&inst, &p) >= 0.6 - 1e-9, "{}", b.word());
        assert!(p.gap.is_finite(), "{}: the gap is proven", b.word());
    }
}

/// `--pareto 5` passed 8 GB after 110 s before issue 15. Now five points, each with a plan
/// that meets its host floor; the seven solves share one time limit (a clock is passed here:
/// each read advances 1 ms, so the 30 s limit is a bound on clock reads, never reached).
#[test]
fn issue15_pareto_answers() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let s = SolveSettings { clock: Some(stepping_clock(1e-3)), ..bounded(b) };
        let front = pareto(&inst, &s, 5).expect("the front");
        assert_eq!(front.len(), 5, "{}", b.word());
        for p in &front {
            assert!(p.host >= p.epsilon - 1e-6 * p.epsilon.abs().max(1.0), "{}: {p:?}", b.word());
            assert!(p.gap >= 0.0 && p.gap.is_finite(), "{}: {p:?}", b.word());
        }
        assert!(front[4].host >= front[0].host, "{}: {front:?}", b.word());
    }
}

/// `--target-share 0.5`: every park with target sectors has at least half its firms in them.
#[test]
fn target_share_is_met() {
    let mut opts = PlanOptions::default();
    opts.target_share = 0.5;
    let inst = default_instance(&opts);
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        for (j, park) in inst.parks.iter().enumerate() {
            let on: usize = park.target_sectors.iter().map(|&s| p.parks[j].by_sector[s]).sum();
            if !park.target_sectors.is_empty() {
                assert!(on as f64 >= 0.5 * p.parks[j].enterprises as f64, "{}", b.word());
            }
        }
    }
}

/// `--incentive-budget 100000`: the entry subsidies of the plan stay within US$ 100,000.
#[test]
fn incentive_budget_is_kept() {
    let mut opts = PlanOptions::default();
    opts.incentive_budget_usd = Some(100_000.0);
    let inst = default_instance(&opts);
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        let spent: f64 = p.placements.iter().map(|x| inst.parks[x.park].entry_subsidy).sum();
        assert!(spent <= 100_000.0 + 1e-6, "{}: {spent}", b.word());
    }
}

/// `--weight-home`, `--weight-host`, `--weight-jobs`: the objective is the weighted breakdown,
/// and weighting jobs does not lower the jobs of the plan below the unweighted plan's (within
/// the two plans' proven gaps, since neither need be optimal).
#[test]
fn weights_shape_the_objective() {
    let base = default_instance(&PlanOptions::default());
    let mut opts = PlanOptions::default();
    opts.weights = Weights { home: 0.5, host: 2.0, jobs: 1_000.0 };
    let weighted = default_instance(&opts);
    for b in backends() {
        let p0 = answered(&base, &bounded(b));
        let p = answered(&weighted, &bounded(b));
        let bd = p.breakdown;
        let expect = 0.5 * bd.home_gain + 2.0 * bd.host_gain + 1_000.0 * bd.jobs + bd.chain_bonus
            - bd.factor_cost;
        assert!((bd.objective - expect).abs() <= 1e-6 * expect.abs(), "{}", b.word());
        // The weighted plan is at least as good as the unweighted one under the weights.
        let p0_weighted = evaluate(&weighted, &p0.sites()).breakdown.objective;
        assert!(p.objective * (1.0 + p.gap) >= p0_weighted - 1.0, "{}", b.word());
    }
}

/// `--chain-bonus 0`: no bonus is counted, and the bonus term of the breakdown is 0.
#[test]
fn chain_bonus_is_an_option() {
    let mut opts = PlanOptions::default();
    opts.economics.chain_bonus_usd = 0.0;
    let inst = default_instance(&opts);
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        assert_eq!(p.breakdown.chain_bonus, 0.0, "{}", b.word());
    }
}

/// `--options FILE`: a file with every section plans like the same options given as values.
#[test]
fn options_file_plans_like_its_values() {
    let text = "[weights]\nhost = 0.5\n[guidance]\ndesignated_share = 0.3\n\
                [[guidance.minimum]]\npark = \"boten\"\nsector = \"logistics\"\ncount = 2\n\
                [economics]\ntax_rate = 0.25\n";
    let from_file = PlanOptions::from_toml(text, "plan.toml").unwrap();
    let mut by_hand = PlanOptions::default();
    by_hand.weights.host = 0.5;
    by_hand.designated_share = 0.3;
    by_hand.economics.tax_rate = 0.25;
    by_hand.minimums =
        vec![MinimumSpec { park: "boten".into(), sector: "logistics".into(), count: 2 }];
    let inst = default_instance(&from_file);
    let by_hand = default_instance(&by_hand);
    assert_eq!(inst, by_hand);
    for b in backends() {
        let p = answered(&inst, &bounded(b));
        assert!(in_designated(&inst, &p) >= 0.3 - 1e-9, "{}", b.word());
    }
}

/// `--gap 0`: a proof of optimality is asked for; the search stops at a limit or proves it,
/// and the plan says which. Bounds: 10 s per solver call (microlp returns the start at this
/// size without a search; HiGHS searches until 10 s or the 256 MB node limit).
#[test]
fn gap_zero_asks_for_a_proof() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let s = SolveSettings { gap: 0.0, time_limit: Some(10.0), ..bounded(b) };
        let p = answered(&inst, &s);
        match p.termination {
            Termination::Optimal => assert_eq!(p.gap, 0.0),
            Termination::GapLimit => panic!("{}: a 0 gap cannot stop at a gap limit", b.word()),
            _ => assert!(p.gap > 0.0, "{}: stopped early with gap {}", b.word(), p.gap),
        }
    }
}

/// `--threads 2` (HiGHS only; microlp is single-threaded and ignores it): the plan is as
/// good as with one thread, within the two plans' proven gaps; where neither searched (the
/// start proves the gap) it is the same plan.
#[test]
fn threads_do_not_change_the_answer() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let one = answered(&inst, &bounded(b));
        let two = answered(&inst, &SolveSettings { threads: Some(2), ..bounded(b) });
        if !one.searched && !two.searched {
            assert_eq!(one.sites(), two.sites(), "{}", b.word());
        }
        assert!(one.objective * (1.0 + one.gap) >= two.objective - 1.0, "{}", b.word());
        assert!(two.objective * (1.0 + two.gap) >= one.objective - 1.0, "{}", b.word());
    }
}

/// `--time-limit`: a limit that runs out during the LP relaxation still ends with a plan (the
/// greedy start), marked as stopped by the time limit, with a gap proven by the Lagrangian
/// bound met so far (the clock advances 10 ms a read and the limit is 0.1 s: ten reads, one
/// per pricing round, so the pricing is cut after a few rounds; the gap asked is 0.1%, which
/// the bound of a cut pricing does not prove).
#[test]
fn time_limit_during_the_lp_still_answers() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let s = SolveSettings {
            time_limit: Some(0.1),
            gap: 1e-3,
            clock: Some(stepping_clock(1e-2)),
            ..bounded(b)
        };
        let p = answered(&inst, &s);
        assert_eq!(p.termination, Termination::TimeLimit, "{}", b.word());
        assert!(!p.limits.lp_converged, "{}", b.word());
        assert!(p.gap.is_finite(), "{}: the Lagrangian bound proves a gap", b.word());
        assert_eq!(p.limits.time_limit_s, Some(0.1));
    }
}

/// `--memory-limit`: the node limit follows the memory bound, and a search that reaches it
/// ends with the best plan found so far (on HiGHS, which searches this model; microlp returns
/// the start at this size without a search). Bounds: a 1 MB search tree.
#[test]
fn memory_limit_bounds_the_search() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let s = SolveSettings { gap: 0.0, memory_limit_mb: Some(1.0), ..bounded(b) };
        let p = answered(&inst, &s);
        if p.searched {
            let limit = p.limits.node_limit.expect("a search has a node limit");
            assert!(limit < 100, "{}: {limit} nodes in 1 MB", b.word());
            assert!(p.termination != Termination::GapLimit, "{}", b.word());
        }
    }
}

/// `--relax talent=+10%`: more talent cannot make the best plan worse; the relaxed plan's
/// bound is at least the base plan's value.
#[test]
fn relax_loosens_capacities() {
    let inst = default_instance(&PlanOptions::default());
    let mut relaxed = inst.clone();
    Relaxation::parse("talent=+10%").unwrap().apply(&mut relaxed).unwrap();
    for b in backends() {
        let base = answered(&inst, &bounded(b));
        let more = answered(&relaxed, &bounded(b));
        let bound = more.objective + more.gap * more.objective.abs();
        assert!(bound >= base.objective - 1.0, "{}: {bound} < {}", b.word(), base.objective);
    }
}

/// Bottlenecks (on unless `--no-bottlenecks`): the prices of a plan are positive, sorted, and
/// each names a constraint; the pricing finishes within the limit.
#[test]
fn bottlenecks_of_the_default_plan() {
    let inst = default_instance(&PlanOptions::default());
    for b in backends() {
        let s = bounded(b);
        let p = answered(&inst, &s);
        assert_ne!(p.termination, Termination::Heuristic, "{}: at a 1% gap", b.word());
        let bn = bottlenecks(&inst, &p, &s).expect("the pricing runs");
        assert!(bn.complete, "{}", b.word());
        assert!(!bn.prices.is_empty(), "{}: something binds", b.word());
        for w in bn.prices.windows(2) {
            assert!(w[0].value >= w[1].value);
        }
        assert!(bn.prices.iter().all(|x| x.value > 0.0 && !x.constraint.is_empty()));
    }
}
