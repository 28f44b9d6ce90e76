//! `scenario check` warnings: self-inconsistent but valid scenarios.

use expect_test::expect;
use symbiont_model::consistency::warnings;
use symbiont_model::default_scenario;

fn lines(s: &symbiont_model::Scenario) -> String {
    warnings(s).iter().map(|w| format!("{}: {}\n", w.field, w.message)).collect()
}

#[test]
fn the_default_scenario_is_consistent() {
    assert_eq!(lines(&default_scenario().unwrap()), "");
}

#[test]
fn an_enterprise_larger_than_its_parks_labour_pool_is_named() {
    let mut s = default_scenario().unwrap();
    s.enterprises[0].capital_usd = 1.5e8;
    expect![[r#"
        enterprise[0].capital_usd: enterprise "anchor-textiles" needs 9000 workers (60 per US$ million of 150000000 capital), more than the labour pool of 1 park(s) that target sector "textiles": boten (8000); settling there it drains the pool and pushes wages up
    "#]]
    .assert_eq(&lines(&s));
}

#[test]
fn plots_and_capacities_far_from_demand_are_named() {
    let mut s = default_scenario().unwrap();
    s.parks[0].plots = 2;
    for f in &mut s.finance {
        f.credit_capacity_usd *= 1000.0;
    }
    for u in &mut s.universities {
        u.talent_per_period /= 1000.0;
    }
    let text = lines(&s);
    for field in
        ["park[0].plots", "finance[].credit_capacity_usd", "university[].talent_per_period"]
    {
        assert!(text.contains(&format!("{field}: ")), "no warning on {field}:\n{text}");
    }
    assert!(text.contains("far above") && text.contains("far below"), "{text}");
}
