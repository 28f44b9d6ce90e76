//! The plan options file: defaults, and located errors for bad values.

use expect_test::expect;
use symbiont_plan::PlanOptions;

#[test]
fn a_full_options_file_parses() {
    let text = r#"
[weights]
home = 1.0
host = 0.5
jobs = 2000

[guidance]
designated_share = 0.6
target_share = 0.5
incentive_budget_usd = 2.0e6
[[guidance.minimum]]
park = "saysettha"
sector = "electronics"
count = 10

[economics]
chain_bonus_usd = 1.0e6
tax_rate = 0.24
"#;
    let o = PlanOptions::from_toml(text, "plan.toml").unwrap();
    assert_eq!(o.weights.host, 0.5);
    assert_eq!(o.designated_share, 0.6);
    assert_eq!(o.incentive_budget_usd, Some(2.0e6));
    assert_eq!(o.minimums.len(), 1);
    assert_eq!(o.economics.tax_rate, 0.24);
    assert_eq!(o.economics.mismatch, 0.2, "defaults stay");
}

#[test]
fn bad_values_are_located() {
    let text = "[guidance]\ndesignated_share = 1.5\n[economics]\ntax_rate = -0.1\n";
    let err = PlanOptions::from_toml(text, "plan.toml").unwrap_err();
    expect![[r#"
        plan.toml:4:12: `economics.tax_rate` is -0.1: expected a share in 0..=1
        plan.toml:2:20: `guidance.designated_share` is 1.5: expected a share in 0..=1 (60% is 0.6)"#]]
    .assert_eq(&err.to_string());
    let err =
        PlanOptions::from_toml("[guidance]\ndesignated_shar = 0.5\n", "plan.toml").unwrap_err();
    assert!(err.to_string().starts_with("plan.toml:2:1: unknown field `designated_shar`"), "{err}");
}
