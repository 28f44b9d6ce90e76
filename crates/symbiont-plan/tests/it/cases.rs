//! Hand-built instances: the chain bonus, infeasibility explained, shadow prices against
//! finite differences, bad input, MPS export, what-if and the Pareto front.

use expect_test::{Expect, expect};
use symbiont_model::ChainPos::{Downstream, Midstream, Upstream};
use symbiont_plan::*;

use crate::support::*;

const SERV: [f64; 4] = [0.0, 0.0, 0.0, 1.0];

fn suppliers() -> Vec<Supplier> {
    vec![supplier("law", FactorKind::Services, 100.0, 1000.0)]
}

/// A park of three plots; the chain of sector 0 (three firms of value 300k) against a lone
/// firm of sector 1 worth 500k.
fn chain_instance(bonus: f64) -> Instance {
    let np = 1;
    let mut inst = instance(
        &["textiles", "electronics"],
        vec![
            firm("up", 0, Upstream, np, 300_000.0, SERV),
            firm("mid", 0, Midstream, np, 320_000.0, SERV),
            firm("down", 0, Downstream, np, 310_000.0, SERV),
            firm("solo", 1, Midstream, np, 500_000.0, SERV),
        ],
        vec![park("zone", 3.0, true)],
        suppliers(),
    );
    inst.chain_bonus = bonus;
    inst
}

fn check_sites(inst: &Instance, expect: Expect) {
    let mut seen = Vec::new();
    for b in backends() {
        let p = planned(inst, b);
        seen.push(format!(
            "{} | objective {:.0} | bonus {:.0}",
            sites(&p),
            p.objective,
            p.breakdown.chain_bonus
        ));
    }
    seen.dedup();
    expect.assert_eq(&seen.join("\n"));
}

#[test]
fn chain_bonus_changes_the_answer() {
    // Without the bonus the lone 500k firm beats the weakest chain member (300k).
    check_sites(&chain_instance(0.0), expect!["- 0 0 0 | objective 1127000 | bonus 0"]);
    // A bonus of 250k makes the complete chain worth more: 930k + 250k > 1130k.
    check_sites(&chain_instance(250_000.0), expect!["0 0 0 - | objective 1177000 | bonus 250000"]);
}

fn infeasible_instance() -> Instance {
    let np = 3;
    let need = [0.0, 1.0, 0.0, 1.0];
    let mut inst = instance(
        &["electronics"],
        (0..6).map(|i| firm(&format!("e{i}"), 0, Midstream, np, 100_000.0, need)).collect(),
        vec![park("north", 2.0, true), park("south", 2.0, false), park("east", 2.0, false)],
        vec![
            supplier("uni", FactorKind::Talent, 1.0, 20_000.0),
            supplier("law", FactorKind::Services, 50.0, 1000.0),
        ],
    );
    inst.guidance.sector_minimums =
        (0..3).map(|park| SectorMinimum { park, sector: 0, count: 1.0 }).collect();
    inst
}

#[test]
fn infeasible_guidance_is_explained_by_the_smallest_set() {
    // Three parks must each get one electronics firm (one engineer each); the university has
    // one engineer. Loosening the university (one constraint) beats loosening two minimums.
    let inst = infeasible_instance();
    let mut seen = Vec::new();
    for b in backends() {
        match plan(&inst, &settings(b)).unwrap() {
            PlanOutcome::Infeasible(e) => seen.push(e.sentences().join("\n")),
            PlanOutcome::Planned(p) => panic!("expected infeasible, got {}", sites(&p)),
        }
    }
    seen.dedup();
    expect!["raise talent from `uni` by 2.0000 person (now 1.0000)"]
        .assert_eq(&seen.join("\n---\n"));
}

#[test]
fn with_one_conflict_the_relatively_smaller_loosening_is_named() {
    // Two minimums of one firm each against one engineer: loosening the university by one
    // (100% of 1) or either minimum by one (100% of 1) is a tie on count and size; with a
    // capacity of 3 and minimums of 2 and 2, one more engineer (33%) beats one fewer firm (50%).
    let mut inst = infeasible_instance();
    inst.parks.truncate(2);
    for e in &mut inst.enterprises {
        e.home.truncate(2);
        e.host.truncate(2);
        e.jobs.truncate(2);
    }
    inst.suppliers[0].capacity = 3.0;
    inst.guidance.sector_minimums = vec![
        SectorMinimum { park: 0, sector: 0, count: 2.0 },
        SectorMinimum { park: 1, sector: 0, count: 2.0 },
    ];
    for b in backends() {
        let PlanOutcome::Infeasible(e) = plan(&inst, &settings(b)).unwrap() else {
            panic!("infeasible expected")
        };
        expect!["raise talent from `uni` by 1.0000 person (now 3.0000)"]
            .assert_eq(&e.sentences().join("\n"));
    }
}

/// Talent binds: ten firms that each need one engineer, with values 100k..1M, and a
/// university with 4.5 engineers.
fn talent_bound() -> Instance {
    let np = 1;
    let need = [0.0, 1.0, 0.0, 1.0];
    instance(
        &["electronics"],
        (0..10)
            .map(|i| firm(&format!("e{i}"), 0, Midstream, np, 100_000.0 * (i + 1) as f64, need))
            .collect(),
        vec![park("zone", 10.0, true)],
        vec![
            supplier("uni", FactorKind::Talent, 4.5, 20_000.0),
            supplier("law", FactorKind::Services, 50.0, 1000.0),
        ],
    )
}

#[test]
fn shadow_prices_match_finite_differences() {
    let inst = talent_bound();
    for b in backends() {
        let s = settings(b);
        let p = planned(&inst, b);
        // The four best firms go (1M, 900k, 800k, 700k); half an engineer is left.
        assert_eq!(sites(&p), "- - - - - - 0 0 0 0");
        let bn = bottlenecks(&inst, &p, &s).unwrap();
        let talent =
            bn.prices.iter().find(|x| x.constraint == "talent from `uni`").expect("talent binds");
        // Independent check: central difference of the fixed-assignment LP, step 0.01.
        let h = 0.01;
        let up = fixed_lp_value(&inst, &p, &s, &talent.row, h).unwrap();
        let down = fixed_lp_value(&inst, &p, &s, &talent.row, -h).unwrap();
        let fd = (up - down) / (2.0 * h);
        assert!(
            (talent.value - fd).abs() <= 1e-6 * fd.abs() + 1e-3,
            "{}: {} vs {fd}",
            b.word(),
            talent.value
        );
        // The next engineer brings in half of the 600k firm, net of its cost: 600k - 21k.
        assert!((talent.value - 579_000.0).abs() < 1e-3, "{}", talent.value);
        assert_eq!(
            bn.sentences()[0],
            "talent from `uni` binds first: one more person is worth US$ 579,000 per period"
        );
    }
}

#[test]
fn relaxing_talent_places_more() {
    let inst = talent_bound();
    let mut relaxed = inst.clone();
    Relaxation::parse("talent=+100%").unwrap().apply(&mut relaxed).unwrap();
    for b in backends() {
        let base = planned(&inst, b);
        let more = planned(&relaxed, b);
        assert_eq!(base.placements.len(), 4);
        assert_eq!(more.placements.len(), 9);
    }
    let err = Relaxation::parse("talnet=+10%").unwrap().apply(&mut inst.clone()).unwrap_err();
    expect!["--relax `talnet`: no such factor, supplier or park capacity (suppliers: uni, law)"]
        .assert_eq(&err.to_string());
    let err = Relaxation::parse("talent=lots").unwrap_err();
    assert!(err.to_string().starts_with("--relax `talent=lots`: expected KEY=+N%"));
}

#[test]
fn bad_input_is_named_before_solving() {
    let mut inst = talent_bound();
    inst.parks[0].plots = 0.0;
    inst.suppliers.retain(|s| s.kind != FactorKind::Talent);
    inst.guidance.designated_share = 1.2;
    let err = plan(&inst, &settings(Backend::Microlp)).unwrap_err();
    expect![[r#"
        3 problem(s) in the planning input:
          park `zone` has no plots (plots = 0)
          talent is needed by sector(s) electronics but no universities supply it (total capacity 0): add a supplier or set the sector's intensity to 0
          guidance designated share is 1.2: expected a share in 0..=1"#]]
    .assert_eq(&err.to_string());
}

#[test]
fn mps_export_of_a_tiny_model() {
    let mut inst = chain_instance(0.0);
    inst.enterprises.truncate(2);
    let built = model::build(&inst, true, None);
    expect![[r#"
        NAME tiny
        OBJSENSE
            MAX
        ROWS
         N obj
         L plots_0
         L labour_0
         L land_0
         L factor_services
         L supplier_0
        COLUMNS
         MARKER 'MARKER' 'INTORG'
         x_0_0 obj 3e-1
         x_0_0 plots_0 1e0
         x_0_0 labour_0 1e1
         x_0_0 land_0 1e0
         x_0_0 factor_services 1e0
         x_1_0 obj 3.2e-1
         x_1_0 plots_0 1e0
         x_1_0 labour_0 1e1
         x_1_0 land_0 1e0
         x_1_0 factor_services 1e0
         MARKER 'MARKER' 'INTEND'
         w_0 obj -1e-3
         w_0 factor_services -1e0
         w_0 supplier_0 1e0
        RHS
         RHS plots_0 3e0
         RHS labour_0 1e6
         RHS land_0 1e6
         RHS supplier_0 1e2
        BOUNDS
         UP BND x_0_0 1e0
         UP BND x_1_0 1e0
        ENDATA
    "#]]
    .assert_eq(&built.model.to_mps("tiny"));
}

#[test]
fn pareto_front_trades_home_for_host() {
    let np = 2;
    let mut firms = Vec::new();
    for i in 0..4 {
        let mut f = firm(&format!("e{i}"), 0, Midstream, np, 0.0, SERV);
        // Park 0 is good for home, park 1 for host.
        f.home = vec![400_000.0 + 10_000.0 * i as f64, 100_000.0];
        f.host = vec![50_000.0, 300_000.0 + 5_000.0 * i as f64];
        firms.push(f);
    }
    let inst =
        instance(&["s"], firms, vec![park("a", 4.0, true), park("b", 4.0, false)], suppliers());
    for b in backends() {
        let front = pareto(&inst, &settings(b), 5).unwrap();
        assert_eq!(front.len(), 5);
        for w in front.windows(2) {
            assert!(w[1].host >= w[0].host - 1e-6 && w[1].home <= w[0].home + 1e-6, "{front:?}");
        }
        assert!(front[4].host > front[0].host && front[4].home < front[0].home);
    }
}

#[test]
fn sites_cover_every_enterprise_in_order() {
    let inst = chain_instance(250_000.0);
    let p = planned(&inst, Backend::Microlp);
    assert_eq!(p.sites().len(), inst.enterprises.len());
    assert_eq!(p.sites(), vec![Some(0), Some(0), Some(0), None]);
}

/// A sector target the greedy plan misses: two electronics firms asked for, two engineers
/// available; the firm the ranking likes best needs both, so the greedy plan takes it and
/// fails the target. The LP and the search find the pair that fits.
fn target_the_greedy_misses() -> Instance {
    let need = |t: f64| [0.0, t, 0.0, 1.0];
    let mut inst = instance(
        &["electronics"],
        vec![
            firm("big", 0, Midstream, 1, 1_000_000.0, need(2.0)),
            firm("a", 0, Midstream, 1, 300_000.0, need(1.0)),
            firm("b", 0, Midstream, 1, 300_000.0, need(1.0)),
        ],
        vec![park("zone", 3.0, true)],
        vec![
            supplier("uni", FactorKind::Talent, 2.0, 20_000.0),
            supplier("law", FactorKind::Services, 50.0, 1000.0),
        ],
    );
    inst.guidance.sector_minimums = vec![SectorMinimum { park: 0, sector: 0, count: 2.0 }];
    inst
}

#[test]
fn a_target_the_greedy_plan_misses_is_met() {
    for b in backends() {
        let p = planned(&target_the_greedy_misses(), b);
        assert_eq!(sites(&p), "- 0 0", "{}", b.word());
    }
}

/// With the time already up, a plan is found by no one and no infeasibility is proven: the
/// answer is what to loosen, marked as not proven (and not proven the smallest).
#[test]
fn no_time_left_names_what_to_loosen_unproven() {
    let inst = target_the_greedy_misses();
    for b in backends() {
        // The clock reads 1 s, past the limit of 0.5 s, from the start.
        let s =
            SolveSettings { time_limit: Some(0.5), clock: Some(Clock::new(|| 1.0)), ..settings(b) };
        let PlanOutcome::Infeasible(e) = plan(&inst, &s).unwrap() else {
            panic!("{}: no time, no plan", b.word())
        };
        assert!(!e.proven && !e.minimal, "{}: {e:?}", b.word());
        expect!["lower at least 2 `electronics` enterprises in park `zone` by 1.0000 enterprise (now 2.0000)"]
            .assert_eq(&e.sentences().join("\n"));
    }
}

/// A knapsack the start does not solve: twelve firms with talent needs 1 to 3 and values that
/// do not follow them, 10.5 engineers. With a 0 gap and room for one node (a tiny memory
/// bound), the search stops at the node limit with the start or better, and says so.
#[test]
fn the_node_limit_stops_the_search_with_a_plan() {
    let firms = (0..12)
        .map(|i| {
            let t = 1.0 + (i % 3) as f64;
            let v = 100_000.0 * (1.0 + ((i * 7) % 5) as f64) + 10_000.0 * t;
            firm(&format!("e{i}"), 0, Midstream, 1, v, [0.0, t, 0.0, 1.0])
        })
        .collect();
    let inst = instance(
        &["s"],
        firms,
        vec![park("zone", 12.0, true)],
        vec![
            supplier("uni", FactorKind::Talent, 10.5, 20_000.0),
            supplier("law", FactorKind::Services, 50.0, 1000.0),
        ],
    );
    let full = planned(&inst, Backend::Microlp);
    for b in backends() {
        let s = SolveSettings { memory_limit_mb: Some(1e-6), gap: 0.0, ..settings(b) };
        let PlanOutcome::Planned(p) = plan(&inst, &s).unwrap() else { panic!("a plan") };
        assert!(evaluate(&inst, &p.sites()).feasible);
        assert_eq!(p.limits.node_limit, Some(1), "{}", b.word());
        if b == Backend::Microlp {
            assert_eq!(p.termination, Termination::NodeLimit, "{}", b.word());
            assert!(p.gap > 0.0 || p.objective >= full.objective - 1e-6);
        }
        assert!(p.objective <= full.objective + 1e-6, "{}", b.word());
    }
}
