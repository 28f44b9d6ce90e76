//! One test per class of invalid input: the exact message, line and column, and the caret.
//!
//! Each case edits the small scenario (scenarios/small.toml) and snapshots the rendered
//! diagnostics. `UPDATE_EXPECT=1 cargo test -p symbiont-model` refreshes the snapshots.

use expect_test::{Expect, expect};
use symbiont_model::{Code, parse_scenario};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// Replace the first occurrence of `from` (which must exist) and render the diagnostics.
fn check(from: &str, to: &str, expect: Expect) {
    assert!(SMALL.contains(from), "the fixture has no {from:?}");
    let text = SMALL.replacen(from, to, 1);
    let diags = parse_scenario(&text, "small.toml").expect_err("the edit makes it invalid");
    expect.assert_eq(&diags.render(&text));
}

fn codes(from: &str, to: &str) -> Vec<Code> {
    let text = SMALL.replacen(from, to, 1);
    parse_scenario(&text, "small.toml")
        .err()
        .map(|d| d.items.iter().map(|x| x.code).collect())
        .unwrap_or_default()
}

#[test]
fn small_scenario_is_valid() {
    let s = parse_scenario(SMALL, "small.toml").unwrap();
    assert_eq!(s.enterprise_count(), 60);
    assert_eq!(s.modes.len(), 5);
    assert_eq!(s.modes[4].levers.approvals, symbiont_model::levers::Approvals::Serial);
    assert_eq!(s.modes[4].levers.finance, symbiont_model::levers::Finance::Coordinated);
}

#[test]
fn syntax_error() {
    check(
        "count = 60",
        "count = = 60",
        expect![[r#"
            error[syntax]: invalid TOML: extra `=`, expected nothing
              --> small.toml:68:9
               |
            68 | count = = 60
               |         ^
               = expected: valid TOML
        "#]],
    );
}

#[test]
fn unknown_key_with_suggestion() {
    check(
        "plots = 20",
        "plts = 20",
        expect![[r#"
            error[missing-key]: missing key `plots` in `park[0]`
               --> small.toml:115:1
                |
            115 | [[park]]
                | ^
                = field: park[0].plots
                = expected: an integer in 1..=1000000

            error[unknown-key]: unknown key `plts` in `park[0]`
               --> small.toml:121:1
                |
            121 | plts = 20
                | ^^^^
                = field: park[0].plts
                = expected: one of area_ha, designated, hub_access, id, incentives, kind, labour_pool, name, opened_year, plots, province, region, shared_infrastructure_cost_usd, target_sectors
                = help: did you mean `plots`?
        "#]],
    );
}

#[test]
fn wrong_type() {
    check(
        "wage_usd = 1800",
        "wage_usd = \"cheap\"",
        expect![[r#"
            error[wrong-type]: `wage_usd` must be a number > 0 and <= 1e15, found a string
              --> small.toml:26:12
               |
            26 | wage_usd = "cheap"
               |            ^^^^^^^
               = field: region[1].wage_usd
               = expected: a number > 0 and <= 1e15
        "#]],
    );
}

#[test]
fn duplicate_id() {
    check(
        "id = \"south\"",
        "id = \"north\"",
        expect![[r#"
            error[duplicate-id]: duplicate unit id "north" (already used by a park)
               --> small.toml:129:6
                |
            129 | id = "north"
                |      ^^^^^^^
                = field: park[1].id
                = expected: an id no other unit has (unit ids are shared by all kinds)
                = help: first declared at line 116, column 6
        "#]],
    );
}

#[test]
fn dangling_reference_with_suggestion() {
    check(
        "target_sectors = [\"textiles\"]",
        "target_sectors = [\"textile\"]",
        expect![[r#"
            error[dangling-reference]: unknown sector "textile"
               --> small.toml:136:19
                |
            136 | target_sectors = ["textile"]
                |                   ^^^^^^^^^
                = field: park[1].target_sectors
                = expected: one of "electronics", "textiles"
                = help: did you mean `textiles`?
        "#]],
    );
}

#[test]
fn out_of_range() {
    check(
        "approval_probability = 0.9",
        "approval_probability = 1.3",
        expect![[r#"
            error[out-of-range]: `approval_probability` is 1.38, out of range
              --> small.toml:55:24
               |
            55 | approval_probability = 1.38
               |                        ^^^^
               = field: government[0].department[0].approval_probability
               = expected: a number in 0..=1
        "#]],
    );
}

#[test]
fn negative_capacity_is_out_of_range() {
    assert_eq!(
        codes("credit_capacity_usd = 5.0e7", "credit_capacity_usd = -5.0e7"),
        vec![Code::OutOfRange]
    );
}

#[test]
fn impossible_distribution() {
    check(
        "sigma = 0.8 }",
        "sigma = -0.8 }",
        expect![[r#"
            error[bad-distribution]: `capital_usd` = lognormal(median 5000000, sigma -0.8) is impossible: a lognormal needs median > 0 and sigma > 0 (got 5000000 and -0.8)
              --> small.toml:71:15
               |
            71 | capital_usd = { dist = "lognormal", median = 5.0e6, sigma = -0.8 }
               |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
               = field: enterprise_group[0].capital_usd
               = expected: a distribution of positive values, e.g. { dist = "lognormal", median = 1.0, sigma = 0.5 }
        "#]],
    );
}

#[test]
fn distribution_outside_its_domain() {
    // A share drawn from a normal can leave 0..=1.
    assert_eq!(
        codes(
            "excess_capacity = { dist = \"beta\", alpha = 2, beta = 5 }",
            "excess_capacity = { dist = \"normal\", mean = 0.3, sd = 0.1 }"
        ),
        vec![Code::BadDistribution]
    );
}

#[test]
fn mix_not_summing_to_one() {
    check(
        "sectors = { textiles = 0.6, electronics = 0.4 }",
        "sectors = { textiles = 0.6, electronics = 0.5 }",
        expect![[r#"
            error[inconsistent]: the shares of `sectors` sum to 1.1, not 1
              --> small.toml:69:11
               |
            69 | sectors = { textiles = 0.6, electronics = 0.5 }
               |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
               = field: enterprise_group[0].sectors
               = expected: shares that sum to 1
        "#]],
    );
}

#[test]
fn unit_on_the_wrong_side() {
    assert_eq!(
        codes(
            "region = \"host\"\nprovince = \"Savannakhet\"",
            "region = \"home\"\nprovince = \"Savannakhet\""
        ),
        vec![Code::Inconsistent]
    );
}

#[test]
fn mode_naming_an_unknown_lever() {
    check(
        "approvals = \"serial\"",
        "aprovals = \"serial\"",
        expect![[r#"
            error[unknown-key]: unknown key `aprovals` in `mode[0]`
               --> small.toml:161:1
                |
            161 | aprovals = "serial"
                | ^^^^^^^^
                = field: mode[0].aprovals
                = expected: one of approvals, base, cohort, finance, host_linkage, host_training, id, information_sharing, intermediaries, name, profit, reinvest_share, site_choice, site_search_noise, talent_technology
                = help: did you mean `approvals`?
        "#]],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = SMALL
        .replacen("plots = 20", "plots = 0", 1)
        .replacen("base_rate = 0.04", "base_rate = \"low\"", 1)
        .replacen("b = \"firms\"", "b = \"frims\"", 1);
    let d = parse_scenario(&text, "small.toml").unwrap_err();
    let got: Vec<(Code, usize)> = d.items.iter().map(|x| (x.code, x.line)).collect();
    assert_eq!(
        got,
        vec![(Code::WrongType, 99), (Code::OutOfRange, 121), (Code::DanglingReference, 142)]
    );
}
