//! Issue 14: every factor's two channels, refused dossiers, workers following capital, and
//! the entity-level ties.

use std::collections::BTreeSet;

use symbiont_abm::mechanisms::m11_two_way;
use symbiont_abm::output::{FlowFactor, TieKind};
use symbiont_abm::{Params, RunInput, run, run_with_ties};
use symbiont_model::{Levers, Side};

use crate::support::{go, go_books, pop, small};

#[test]
fn two_way_index_on_hand_built_books() {
    // Five factors in their own units: capital, technology, talent, information, goods.
    let out = [1.0e6, 12.0, 40.0, 300.0, 5.0e5];
    assert_eq!(m11_two_way(&out, &out), 1.0, "as much back as out on every factor");
    assert_eq!(m11_two_way(&out, &[0.0; 5]), 0.0, "nothing comes back");
    assert_eq!(m11_two_way(&[0.0; 5], &out), 0.0, "nothing goes out");
    // Half the factors balanced, half one way.
    let back = [1.0e6, 0.0, 40.0, 0.0, 0.0];
    assert_eq!(m11_two_way(&out, &back), 0.4);
}

/// Cross-border totals of one run per factor: (home to host, host to home).
fn border_totals(out: &symbiont_abm::RunOutput) -> Vec<(FlowFactor, f64, f64)> {
    FlowFactor::ALL
        .iter()
        .map(|&f| {
            let (mut o, mut b) = (0.0, 0.0);
            for x in out.flows.iter().filter(|x| x.factor == f) {
                match (x.source.side, x.target.side) {
                    (Side::Home, Side::Host) => o += x.value,
                    (Side::Host, Side::Home) => b += x.value,
                    _ => {}
                }
            }
            (f, o, b)
        })
        .collect()
}

#[test]
fn every_factor_flows_both_ways_in_the_network_mode() {
    let s = small(300, 8);
    let out = go(&s, &pop(&s), &Levers::network(), 3);
    for (f, o, b) in border_totals(&out) {
        assert!(o > 0.0 && b > 0.0, "{}: out {o}, back {b}", f.word());
    }
    // The run's own index agrees with the books it reports.
    let (o, b): (Vec<f64>, Vec<f64>) = border_totals(&out).iter().map(|x| (x.1, x.2)).unzip();
    let last = out.periods.last().unwrap().two_way_index;
    assert!((m11_two_way(&o, &b) - last).abs() < 1e-9, "{last}");
}

#[test]
fn a_scenario_where_every_dossier_is_refused_uses_no_credit() {
    let mut s = small(400, 6);
    // Intermediaries can lower the refusal risk (M9); without them every department refuses.
    s.intermediaries.clear();
    for g in &mut s.governments {
        for d in &mut g.departments {
            d.approval_probability = 0.0;
        }
    }
    let out = go(&s, &pop(&s), &Levers::network(), 5);
    let last = out.periods.last().unwrap();
    assert!(last.decided > 0 && last.approvals_refused > 0, "{last:?}");
    assert_eq!((last.financed, last.entered, last.operating), (0, 0, 0));
    let used: Vec<String> = out
        .flows
        .iter()
        .filter(|f| f.factor != FlowFactor::Information)
        .map(|f| format!("{} {} -> {}", f.factor.word(), f.source.label(), f.target.label()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(used.is_empty(), "refused dossiers moved {used:?}");
}

#[test]
fn refusals_leave_the_credit_to_later_applicants() {
    // With a third of the dossiers refused, the approved ones still find credit: lending is
    // never rationed because of a refused dossier's provisional loan.
    let mut s = small(600, 6);
    for f in &mut s.finance {
        f.credit_capacity_usd *= 0.05;
    }
    let p = pop(&s);
    let base = go(&s, &p, &Levers::network(), 9);
    for g in &mut s.governments {
        for d in &mut g.departments {
            d.approval_probability = 0.7;
        }
    }
    let refusing = go(&s, &p, &Levers::network(), 9);
    let (b, r) = (base.periods.last().unwrap(), refusing.periods.last().unwrap());
    assert!(r.approvals_refused > b.approvals_refused);
    assert!(r.financed <= r.entered + r.preparing + r.in_approval, "{r:?}");
    assert!(
        r.credit_rationed <= b.credit_rationed,
        "{} > {}",
        r.credit_rationed,
        b.credit_rationed
    );
}

#[test]
fn employment_follows_reinvestment() {
    let s = small(400, 12);
    let p = pop(&s);
    let jobs = |reinvest: f64| {
        let lv = Levers { reinvest_share: reinvest, ..Levers::network() };
        let (out, books) = go_books(&s, &p, &lv, &Params::default(), 4);
        for b in &books {
            assert!(
                (b.workers_account - b.workers_states).abs() < 1e-3 * b.workers_states.max(1.0)
            );
            assert!(b.labour_drift.abs() < 1e-3 * b.workers_states.max(1.0), "{b:?}");
        }
        let w: f64 = books.last().unwrap().workers_states;
        (w, out.periods.last().unwrap().operating)
    };
    let (kept, n_kept) = jobs(0.9);
    let (none, n_none) = jobs(0.0);
    assert!(
        kept > none,
        "workers with reinvestment {kept} ({n_kept} firms) vs none {none} ({n_none})"
    );
}

#[test]
fn ties_are_recorded_without_changing_the_run() {
    let s = small(300, 8);
    let p = pop(&s);
    let lv = Levers::network();
    let params = Params::default();
    let input = RunInput {
        scenario: &s,
        population: &p,
        levers: &lv,
        params: &params,
        seed: 2,
        planned_sites: None,
    };
    let plain = run(&input).unwrap();
    let tied = run_with_ties(&input).unwrap();
    assert!(plain.ties.is_empty());
    assert_eq!((&plain.periods, &plain.flows), (&tied.periods, &tied.flows));
    let kinds: BTreeSet<&str> = tied.ties.iter().map(|t| t.kind.word()).collect();
    for k in
        ["loan", "service", "placement", "technology", "supplier", "cohort", "approval", "tenancy"]
    {
        assert!(kinds.contains(k), "no {k} tie in {kinds:?}");
    }
    assert!(tied.ties.iter().all(|t| t.weight > 0.0 && t.weight.is_finite()));
    // Fighting alone forms no partnership and no intermediary service.
    let alone = Levers::fight_alone();
    let out = run_with_ties(&RunInput { levers: &alone, ..input }).unwrap();
    let kinds: BTreeSet<TieKind> = out.ties.iter().map(|t| t.kind).collect();
    assert!(!kinds.contains(&TieKind::Partnership), "{kinds:?}");
}
