//! The solver's optimum equals brute-force enumeration of every assignment on small random
//! instances. This checks the exact formulation, including the pruning rule and the cluster
//! variables, against `evaluate` (which fills suppliers cheapest first, optimal for a fixed
//! assignment).

use proptest::prelude::*;
use symbiont_model::ChainPos;
use symbiont_plan::*;

use crate::support::{backends, settings};

fn brute_force(inst: &Instance) -> Option<f64> {
    best_sites(inst).map(|(v, _)| v)
}

/// The best feasible assignment by enumeration, and its value.
fn best_sites(inst: &Instance) -> Option<(f64, Vec<Option<u16>>)> {
    let ne = inst.enterprises.len();
    let np = inst.parks.len();
    let mut best: Option<(f64, Vec<Option<u16>>)> = None;
    let total = (np + 1).pow(ne as u32);
    for code in 0..total {
        let mut c = code;
        let site: Vec<Option<u16>> = (0..ne)
            .map(|_| {
                let d = c % (np + 1);
                c /= np + 1;
                (d > 0).then(|| (d - 1) as u16)
            })
            .collect();
        let ev = evaluate(inst, &site);
        if ev.feasible && best.as_ref().is_none_or(|b| ev.breakdown.objective > b.0) {
            best = Some((ev.breakdown.objective, site));
        }
    }
    best
}

prop_compose! {
    fn arb_firm(np: usize, ns: usize)(
        sector in 0..ns,
        chain in 0..3usize,
        home in prop::collection::vec(-2e5..1e6f64, np),
        host in prop::collection::vec(0.0..5e5f64, np),
        capital in 0.0..3e6f64,
        talent in 0.0..3.0f64,
        tech in prop_oneof![Just(0.0), 0.0..1.0f64],
        workers in 0.0..100.0f64,
        land in 0.0..3.0f64,
    ) -> Candidate {
        Candidate {
            name: "e".into(),
            sector,
            chain: ChainPos::ALL[chain],
            needs: [capital, talent, tech, 1.0],
            workers,
            land_ha: land,
            jobs: vec![workers; np],
            home,
            host,
        }
    }
}

prop_compose! {
    fn arb_park(ns: usize)(
        plots in 1..=3u32,
        labour in 50.0..300.0f64,
        area in 2.0..8.0f64,
        designated in any::<bool>(),
        targets in prop::collection::vec(0..ns, 0..=2),
        subsidy in prop_oneof![Just(0.0), 0.0..5e4f64],
    ) -> ParkCap {
        ParkCap {
            name: "p".into(),
            plots: f64::from(plots),
            labour_pool: labour,
            area_ha: area,
            designated,
            target_sectors: targets,
            entry_subsidy: subsidy,
        }
    }
}

fn arb_instance() -> impl Strategy<Value = Instance> {
    (1..=5usize, 1..=2usize, 1..=2usize).prop_flat_map(|(ne, np, ns)| {
        (
            prop::collection::vec(arb_firm(np, ns), ne),
            prop::collection::vec(arb_park(ns), np),
            (0.0..6e6f64, 0.03..0.1f64, 0.0..4e6f64, 0.03..0.1f64),
            (0.0..6.0f64, 1e4..5e4f64, 0.0..3.0f64, 1e4..5e4f64),
            (0.0..2.0f64, 1e5..3e5f64, 1.0..5.0f64),
            (
                prop_oneof![Just(0.0), Just(0.5)],
                prop_oneof![Just(0.0), Just(0.5)],
                0..=2u32,
                prop::option::of(0.0..1e5f64),
            ),
            (
                prop_oneof![Just(0.0), Just(1.0)],
                prop_oneof![Just(0.0), Just(1000.0)],
                prop_oneof![Just(0.0), Just(3e5)],
            ),
        )
            .prop_map(move |(firms, parks, cap, tal, tech_serv, guide, w)| {
                let sectors = (0..ns).map(|s| format!("s{s}")).collect();
                let suppliers = vec![
                    Supplier {
                        name: "bank1".into(),
                        kind: FactorKind::Capital,
                        capacity: cap.0,
                        unit_cost: cap.1,
                    },
                    Supplier {
                        name: "bank2".into(),
                        kind: FactorKind::Capital,
                        capacity: cap.2,
                        unit_cost: cap.3,
                    },
                    Supplier {
                        name: "uni1".into(),
                        kind: FactorKind::Talent,
                        capacity: tal.0,
                        unit_cost: tal.1,
                    },
                    Supplier {
                        name: "uni2".into(),
                        kind: FactorKind::Talent,
                        capacity: tal.2,
                        unit_cost: tal.3,
                    },
                    Supplier {
                        name: "lab".into(),
                        kind: FactorKind::Technology,
                        capacity: tech_serv.0,
                        unit_cost: tech_serv.1,
                    },
                    Supplier {
                        name: "law".into(),
                        kind: FactorKind::Services,
                        capacity: tech_serv.2,
                        unit_cost: 1e4,
                    },
                ];
                let min_count = f64::from(guide.2).min(parks[0].plots);
                let guidance = Guidance {
                    designated_share: guide.0,
                    target_share: guide.1,
                    sector_minimums: if min_count > 0.0 {
                        vec![SectorMinimum { park: 0, sector: 0, count: min_count }]
                    } else {
                        vec![]
                    },
                    incentive_budget: guide.3,
                };
                let firms = firms
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut f)| {
                        f.name = format!("e{i}");
                        f
                    })
                    .collect();
                let parks = parks
                    .into_iter()
                    .enumerate()
                    .map(|(j, mut p)| {
                        p.name = format!("p{j}");
                        p
                    })
                    .collect();
                Instance {
                    sectors,
                    enterprises: firms,
                    parks,
                    suppliers,
                    guidance,
                    weights: Weights { home: 1.0, host: w.0, jobs: w.1 },
                    chain_bonus: w.2,
                    min_host_gain: None,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn solver_optimum_equals_brute_force(inst in arb_instance()) {
        let best = brute_force(&inst);
        for b in backends() {
            let outcome = plan(&inst, &settings(b)).expect("the solver runs");
            match (&outcome, best) {
                (PlanOutcome::Planned(p), Some(best)) => {
                    let tol = 1e-6 * best.abs().max(1.0) + 1.0;
                    prop_assert!((p.objective - best).abs() <= tol,
                        "{}: solver {} vs brute force {}", b.word(), p.objective, best);
                    prop_assert!(evaluate(&inst, &p.sites()).feasible);
                }
                (PlanOutcome::Infeasible(_), None) => {}
                (o, best) => prop_assert!(false, "{}: solver {:?} but brute force {:?}", b.word(), o, best),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// The LP relaxation by column generation (started from the support of a feasible plan)
    /// has the value of the full LP solved at once, its bound is valid, and its duals give the
    /// same value by LP duality (Σ rhs·y over the rows plus the columns' positive parts).
    #[test]
    fn column_generation_equals_the_full_lp(inst in arb_instance()) {
        let Some((_, site)) = best_sites(&inst) else { return Ok(()) };
        let built = model::build(&inst, true, None);
        let np = inst.parks.len();
        let seed: Vec<usize> = site
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.and_then(|j| built.x[i * np + usize::from(j)]))
            .collect();
        let lp = colgen::lp_relaxation(&built.model, &built.kinds, &seed, &settings(Backend::Microlp))
            .expect("column generation converges from a feasible start");
        let micro = SolveSettings { backend: Backend::Microlp, ..settings(Backend::Microlp) };
        let full = lp::solve(&built.model, &micro, true).expect("the LP solves");
        let tol = 1e-7 * full.objective.abs().max(1.0);
        prop_assert!((lp.objective - full.objective).abs() <= tol,
            "column generation {} vs full LP {}", lp.objective, full.objective);
        prop_assert!(lp.bound >= full.objective - tol, "bound {} below the LP {}", lp.bound, full.objective);
        prop_assert!(lp.bound <= full.objective + 1e-6 * full.objective.abs().max(1.0),
            "bound {} above the LP {} (objective {})", lp.bound, full.objective, lp.objective);
        // The point is feasible for the relaxation.
        for row in &built.model.rows {
            let act: f64 = row.coeffs.iter().map(|&(c, a)| a * lp.values[c]).sum();
            let ok = match row.sense {
                lp::Sense::Le => act <= row.rhs + 1e-7,
                lp::Sense::Ge => act >= row.rhs - 1e-7,
                lp::Sense::Eq => (act - row.rhs).abs() <= 1e-7,
            };
            prop_assert!(ok, "row {} violated: {} vs {}", row.name, act, row.rhs);
        }
    }
}
