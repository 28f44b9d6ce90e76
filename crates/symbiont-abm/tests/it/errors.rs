//! Bad input for the engine is an `AbmError` with a clear message, never a panic.

use expect_test::expect;
use symbiont_abm::{AbmError, Params, RunInput, run};
use symbiont_model::Levers;
use symbiont_model::levers::SiteChoice;

use crate::support::*;

fn message(planned: Option<&[Option<u16>]>, levers: &Levers, n: u32) -> String {
    let s = small(n, 3);
    let p = pop(&small(50, 3));
    let params = Params::default();
    let input = RunInput {
        scenario: &s,
        population: &p,
        levers,
        params: &params,
        seed: 1,
        planned_sites: planned,
    };
    match run(&input) {
        Ok(_) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn planned_site_choice_needs_a_plan_of_the_right_length() {
    let planned = Levers { site_choice: SiteChoice::Planned, ..Levers::network() };
    expect![[r#"the mode's site choice is `planned` but no plan was given: run `symbiont plan` and pass its sites, or choose site_choice = "designated", "near_hubs" or "scattered""#]]
        .assert_eq(&message(None, &planned, 50));
    let short = vec![Some(0u16); 10];
    expect!["the plan has 10 sites but the population has 51 enterprises (one site, or none, per enterprise)"]
        .assert_eq(&message(Some(&short), &planned, 50));
    let mut bad = vec![None; 51];
    bad[7] = Some(99);
    expect!["the plan puts enterprise 7 in park 99, but the scenario has 6 parks (indices 0..6)"]
        .assert_eq(&message(Some(&bad), &planned, 50));
    let good = vec![Some(0u16); 51];
    assert_eq!(message(Some(&good), &planned, 50), "ok");
}

#[test]
fn a_population_from_another_scenario_is_refused() {
    expect!["the population does not belong to this scenario (51 against 81): generate it with population::generate from the same scenario"]
        .assert_eq(&message(None, &Levers::network(), 80));
}

#[test]
fn errors_are_values() {
    let e = AbmError::PlanLength { expected: 3, got: 2 };
    assert_eq!(e.clone(), e);
}
