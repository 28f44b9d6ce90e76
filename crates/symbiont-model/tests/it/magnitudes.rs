//! Valid input, invalid numbers: every number is checked where it is parsed, so that a
//! scenario that passes the check cannot make an engine produce inf or NaN. Also the input
//! edges: text that is not UTF-8, and identifiers too long to echo.

use expect_test::{Expect, expect};
use symbiont_model::{Code, DEFAULT_SCENARIO, parse_scenario, parse_scenario_bytes};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// Replace the first occurrence of `from` (which must exist) and render the diagnostics.
fn check(base: &str, from: &str, to: &str, expect: Expect) {
    assert!(base.contains(from), "the fixture has no {from:?}");
    let text = base.replacen(from, to, 1);
    let diags = parse_scenario(&text, "s.toml").expect_err("the edit makes it invalid");
    expect.assert_eq(&diags.render(&text));
}

/// The codes and lines of the problems an edit of the small scenario gives.
fn problems(from: &str, to: &str) -> Vec<(Code, usize, String)> {
    assert!(SMALL.contains(from), "the fixture has no {from:?}");
    let text = SMALL.replacen(from, to, 1);
    match parse_scenario(&text, "small.toml") {
        Ok(_) => Vec::new(),
        Err(d) => d.items.iter().map(|x| (x.code, x.line, x.path.clone())).collect(),
    }
}

#[test]
fn a_factor_price_of_1e308_is_refused_at_its_line() {
    check(
        SMALL,
        "[[government]]\n",
        "[factors]\ntalent = { unit = \"person\", price_usd = 1e308 }\n\n[[government]]\n",
        expect![[r#"
            error[out-of-range]: `price_usd` is 1e308, out of range
              --> s.toml:50:41
               |
            50 | talent = { unit = "person", price_usd = 1e308 }
               |                                         ^^^^^
               = field: factors.talent.price_usd
               = expected: a number in 0..=1e15
        "#]],
    );
}

#[test]
fn a_transport_cost_of_1e308_is_refused() {
    check(
        SMALL,
        "home_push = 0.6\n",
        "home_push = 0.6\ntransport_cost = 1e308\n",
        expect![[r#"
            error[out-of-range]: `transport_cost` is 1e308, out of range
               --> s.toml:148:18
                |
            148 | transport_cost = 1e308
                |                  ^^^^^
                = field: environment.transport_cost
                = expected: a number in 0..=1000
        "#]],
    );
    // The default scenario, edited the same way, is refused too.
    let text = DEFAULT_SCENARIO.replacen("transport_cost = 1.0", "transport_cost = 1e308", 1);
    let d = parse_scenario(&text, "default.toml").unwrap_err();
    assert_eq!(d.items.len(), 1);
    assert_eq!(
        (d.items[0].code, d.items[0].path.as_str()),
        (Code::OutOfRange, "environment.transport_cost")
    );
}

#[test]
fn money_beyond_1e15_is_refused_everywhere() {
    for (from, to, field) in [
        ("wage_usd = 1800", "wage_usd = 1.8e16", "region[1].wage_usd"),
        ("host_output_usd = 2.0e8", "host_output_usd = 2.0e300", "sector[0].host_output_usd"),
        (
            "credit_capacity_usd = 5.0e7",
            "credit_capacity_usd = 5.0e20",
            "finance[0].credit_capacity_usd",
        ),
        (
            "shared_infrastructure_cost_usd = 1.0e6",
            "shared_infrastructure_cost_usd = -1.0e306",
            "park[0].shared_infrastructure_cost_usd",
        ),
        ("labour_pool = 10000", "labour_pool = 1e16", "park[0].labour_pool"),
        ("talent_per_period = 30", "talent_per_period = 3e30", "university[0].talent_per_period"),
    ] {
        let got = problems(from, to);
        assert_eq!(got.len(), 1, "{to}: {got:?}");
        assert_eq!((got[0].0, got[0].2.as_str()), (Code::OutOfRange, field), "{to}");
    }
}

#[test]
fn an_integer_beyond_64_bits_is_out_of_range_not_a_wrong_type() {
    let got = problems("labour_pool = 10000", "labour_pool = 100000000000000000000000");
    assert_eq!(got, vec![(Code::OutOfRange, 126, "park[0].labour_pool".into())]);
}

#[test]
fn non_finite_numbers_are_refused() {
    for to in ["wage_usd = inf", "wage_usd = nan", "wage_usd = -inf", "wage_usd = 1e400"] {
        let got = problems("wage_usd = 1800", to);
        assert_eq!(got, vec![(Code::OutOfRange, 26, "region[1].wage_usd".into())], "{to}");
    }
}

#[test]
fn distributions_with_huge_parameters_are_refused() {
    check(
        SMALL,
        "median = 5.0e6, sigma = 0.8",
        "median = 5.0e6, sigma = 80",
        expect![[r#"
            error[bad-distribution]: `capital_usd` = lognormal(median 5000000, sigma 80) is impossible: sigma 80 is above 10: its draws and its mean would overflow
              --> s.toml:71:15
               |
            71 | capital_usd = { dist = "lognormal", median = 5.0e6, sigma = 80 }
               |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
               = field: enterprise_group[0].capital_usd
               = expected: a distribution of positive values, e.g. { dist = "lognormal", median = 1.0, sigma = 0.5 }
        "#]],
    );
    for to in [
        "capital_usd = { dist = \"lognormal\", median = 5.0e300, sigma = 0.8 }",
        "capital_usd = { dist = \"uniform\", low = 1, high = 1e200 }",
        "capital_usd = { dist = \"triangular\", low = 1, mode = 2, high = 1e16 }",
        "capital_usd = 1e308",
    ] {
        let got =
            problems("capital_usd = { dist = \"lognormal\", median = 5.0e6, sigma = 0.8 }", to);
        // A parameter beyond 1e15 is out of range where it stands; a constant is a distribution.
        assert_eq!(got.len(), 1, "{to}: {got:?}");
        assert!(matches!(got[0].0, Code::OutOfRange | Code::BadDistribution), "{to}: {got:?}");
        assert!(got[0].2.starts_with("enterprise_group[0].capital_usd"), "{to}: {got:?}");
    }
}

#[test]
fn series_values_may_be_missing_but_not_infinite() {
    let series =
        "\n[[region.series]]\nindicator = \"gdp\"\nstart_year = 2000\nvalues = [1.0, nan, 2.0]\n";
    let anchor = "land_rent_usd_per_ha = 3000\n";
    let ok = SMALL.replacen(anchor, &format!("{anchor}{series}"), 1);
    parse_scenario(&ok, "small.toml").expect("nan marks a missing year");
    let bad = ok.replacen("nan, 2.0", "nan, inf", 1);
    let d = parse_scenario(&bad, "small.toml").unwrap_err();
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].code, Code::OutOfRange);
    assert_eq!(d.items[0].path, "region[1].series[0].values[2]");
    let huge = ok.replacen("nan, 2.0", "nan, 2.0e300", 1);
    assert_eq!(parse_scenario(&huge, "small.toml").unwrap_err().items[0].code, Code::OutOfRange);
}

#[test]
fn events_cannot_compound_the_transport_cost_beyond_its_bound() {
    // One event may scale by a large factor only while the result stays within bounds.
    assert!(problems("value = 0.6", "value = 900").is_empty());
    let got = problems("value = 0.6", "value = 2000");
    assert_eq!(got, vec![(Code::OutOfRange, 156, "event[0].change[0].value".into())]);
    // Ten changes that each scale by 10 would reach 1e10: the fourth (to 10000) is named.
    let change = "[[event.change]]\ndriver = \"transport_cost\"\nop = \"scale\"\nvalue = 10\n";
    let text = SMALL.replacen("value = 0.6\n", &format!("value = 0.6\n{}", change.repeat(10)), 1);
    let d = parse_scenario(&text, "small.toml").unwrap_err();
    assert_eq!(d.items.len(), 1, "{d}");
    assert_eq!(d.items[0].path, "event[0].change[4].value");
    assert!(d.items[0].message.contains("10000 times the baseline"), "{}", d.items[0].message);
}

#[test]
fn text_that_is_not_utf8_is_located() {
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("Small test scenario").unwrap() + 6;
    bytes[at] = 0xE9; // "é" in Latin-1
    let d = parse_scenario_bytes(&bytes, "latin1.toml").unwrap_err();
    let lossy = String::from_utf8_lossy(&bytes);
    expect![[r#"
        error[syntax]: the file is not UTF-8 text: byte 0xE9 at byte offset 208 (line 6, column 16) is not valid UTF-8
         --> latin1.toml:6:16
          |
        6 | title = "Small �est scenario"
          |                ^
          = expected: UTF-8 text
          = help: save the file as UTF-8 (most editors offer it under "Save as" or "Encoding")
    "#]]
    .assert_eq(&d.render(&lossy));
    assert_eq!(d.items[0].span, at..at + 1);
    // Valid UTF-8 bytes parse as the text does.
    assert_eq!(
        parse_scenario_bytes(SMALL.as_bytes(), "s").unwrap(),
        parse_scenario(SMALL, "s").unwrap()
    );
}

#[test]
fn a_very_long_identifier_gets_a_short_diagnostic() {
    let long = "x".repeat(10_000);
    let text = SMALL.replacen("id = \"south\"", &format!("id = \"{long}\""), 1);
    let d = parse_scenario(&text, "small.toml").unwrap_err();
    let out = d.render(&text);
    assert!(out.len() < 1000, "{} bytes:\n{out}", out.len());
    expect![[r#"
        error[out-of-range]: id "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (10000 characters)" is too long
           --> small.toml:129:6
            |
        129 | id = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…
            |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
            = field: park[1].id
            = expected: an id of at most 128 characters
    "#]]
    .assert_eq(&out);
    // A long dangling reference, and a long unknown key, are clipped too.
    let text = SMALL.replacen("b = \"firms\"", &format!("b = \"{long}\""), 1);
    let d = parse_scenario(&text, "small.toml").unwrap_err();
    assert!(d.render(&text).len() < 1500, "{}", d.render(&text));
    let text = SMALL.replacen("plots = 20", &format!("plots = 20\n{long} = 1"), 1);
    let d = parse_scenario(&text, "small.toml").unwrap_err();
    assert!(d.render(&text).len() < 1500, "{}", d.render(&text));
}

#[test]
fn the_shipped_scenarios_pass_the_magnitude_checks() {
    for (name, text) in [
        ("default", DEFAULT_SCENARIO),
        ("small", SMALL),
        ("cambodia", include_str!("../../../../scenarios/jiangsu-cambodia.toml")),
        ("plan-small", include_str!("../../../../scenarios/plan-small.toml")),
        ("plan-large", include_str!("../../../../scenarios/plan-large.toml")),
    ] {
        if let Err(d) = parse_scenario(text, name) {
            panic!("{name}:\n{}", d.render(text));
        }
    }
}

#[test]
fn a_byte_order_mark_is_not_a_problem() {
    let with_bom = format!("\u{feff}{SMALL}");
    let s = parse_scenario_bytes(with_bom.as_bytes(), "bom.toml").expect("a BOM is allowed");
    assert_eq!(s, parse_scenario(SMALL, "small.toml").unwrap());
}

#[test]
fn a_beta_with_degenerate_shapes_is_refused() {
    let from = "excess_capacity = { dist = \"beta\", alpha = 2, beta = 5 }";
    for to in [
        "excess_capacity = { dist = \"beta\", alpha = 1e-300, beta = 1e-300 }",
        "excess_capacity = { dist = \"beta\", alpha = 2, beta = 1e9 }",
    ] {
        let got = problems(from, to);
        assert_eq!(
            got,
            vec![(Code::BadDistribution, 73, "enterprise_group[0].excess_capacity".into())],
            "{to}"
        );
    }
}
