//! Fuzzing the scenario parser with proptest: random edits of the seed scenarios (the default
//! one, the small one and the corpus under `tests/corpus/`), as text and as raw bytes, never
//! panic. Every outcome is either a scenario whose numbers are all finite and bounded, or a
//! list of located problems whose spans and lines lie inside the input.
//!
//! The budget is `PROPTEST_CASES` cases per property (default 256, so that `cargo test` stays
//! quick); `PROPTEST_CASES=20000 cargo test -p symbiont-model --test it fuzz` runs a longer
//! campaign. A failing case is shrunk and printed by proptest; add it to the corpus.

use proptest::prelude::*;
use symbiont_model::{DEFAULT_SCENARIO, Dist, Scenario, parse_scenario, parse_scenario_bytes};

/// The seeds: every one of them is a valid scenario.
const SEEDS: &[(&str, &str)] = &[
    ("default", DEFAULT_SCENARIO),
    ("small", include_str!("../../../../scenarios/small.toml")),
    ("minimal", include_str!("../corpus/minimal.toml")),
    ("bounds", include_str!("../corpus/bounds.toml")),
    ("unicode", include_str!("../corpus/unicode.toml")),
];

/// Cases per property: `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(256), failure_persistence: None, ..ProptestConfig::default() }
}

/// One edit of the text: delete a range, insert a token, or replace a range with a token.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, usize, String),
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("=".to_string()),
        Just("\"".to_string()),
        Just("'''".to_string()),
        Just("[[park]]\n".to_string()),
        Just("[[event]]\nid = \"x\"\nyear = 2030\n[[event.change]]\n".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("1e400".to_string()),
        Just("1e15".to_string()),
        Just("1.0000001e15".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("0xffffffffffffffffffff".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("]".to_string()),
        Just("\n".to_string()),
        Just("id = \"north\"\n".to_string()),
        Just("é".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n".to_string()),
        Just("x".repeat(300)),
        "[a-z_]{1,8}",
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..40usize).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), token()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), 0..20usize, token()).prop_map(|(a, l, t)| Edit::Replace(a, l, t)),
    ]
}

/// Apply an edit at char boundaries; positions are taken modulo the text's length.
fn apply(text: &str, e: &Edit) -> String {
    let fix = |i: usize| {
        let mut i = if text.is_empty() { 0 } else { i % (text.len() + 1) };
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match e {
        Edit::Delete(a, l) => {
            let a = fix(*a);
            let b = fix(a + l).max(a);
            format!("{}{}", &text[..a], &text[b..])
        }
        Edit::Insert(a, t) => {
            let a = fix(*a);
            format!("{}{t}{}", &text[..a], &text[a..])
        }
        Edit::Replace(a, l, t) => {
            let a = fix(*a);
            let b = fix(a + l).max(a);
            format!("{}{t}{}", &text[..a], &text[b..])
        }
    }
}

/// Every number the engines read from a checked scenario is finite and at most 1e15 in size
/// (a lognormal's mean may exceed it, but stays finite).
fn assert_bounded(s: &Scenario) -> Result<(), TestCaseError> {
    let ok = |x: f64| x.is_finite() && x.abs() <= 1e15;
    let dist_ok = |d: &Dist| {
        let (lo, hi) = d.support();
        d.mean().is_finite() && (lo.is_infinite() || ok(lo)) && (hi.is_infinite() || ok(hi))
    };
    let e = &s.environment;
    for x in [
        e.host_openness,
        e.home_push,
        e.coordinated_demand,
        e.shock_volatility,
        e.transport_cost,
        e.tariff,
    ] {
        prop_assert!(ok(x), "environment {x}");
    }
    for f in &s.factors {
        prop_assert!(ok(f.price_usd), "price {}", f.price_usd);
    }
    for r in &s.regions {
        prop_assert!(ok(r.costs.wage_usd) && ok(r.costs.land_rent_usd_per_ha));
        for v in r.series.iter().flat_map(|x| &x.values) {
            prop_assert!(v.is_nan() || ok(*v), "series value {v}");
        }
    }
    for x in &s.sectors {
        for v in [
            x.host_output_usd,
            x.margin,
            x.workers_per_musd,
            x.talent_per_musd,
            x.technology_per_musd,
            x.credit_share,
            x.land_ha_per_musd,
        ] {
            prop_assert!(ok(v), "sector {} {v}", x.id);
        }
    }
    for x in &s.enterprises {
        prop_assert!(ok(x.capital_usd) && ok(x.productivity) && ok(x.excess_capacity));
    }
    for g in &s.enterprise_groups {
        prop_assert!(dist_ok(&g.capital_usd) && dist_ok(&g.productivity));
        prop_assert!(dist_ok(&g.excess_capacity));
    }
    for g in &s.host_firm_groups {
        prop_assert!(dist_ok(&g.capability) && dist_ok(&g.employment));
    }
    for g in &s.governments {
        for d in &g.departments {
            prop_assert!(dist_ok(&d.processing_days) && ok(d.approval_probability));
        }
    }
    for p in &s.parks {
        for v in [
            p.area_ha,
            p.shared_infrastructure_cost_usd,
            p.hub_access,
            p.labour_pool,
            p.incentives.rent_discount,
            p.incentives.entry_subsidy_usd,
        ] {
            prop_assert!(ok(v), "park {} {v}", p.id);
        }
    }
    for r in &s.relations {
        prop_assert!(ok(r.weight));
        if let Some((a, b)) = r.sigma {
            prop_assert!(ok(a) && ok(b));
        }
    }
    for x in &s.finance {
        prop_assert!(ok(x.credit_capacity_usd) && ok(x.base_rate) && ok(x.risk_appetite));
    }
    // The events, applied in any order, keep the environment finite.
    let mut env = s.environment;
    for ev in &s.events {
        for c in &ev.changes {
            prop_assert!(ok(c.value));
            env.apply(c);
        }
    }
    prop_assert!(env.transport_cost.is_finite() && env.transport_cost <= 1e3);
    Ok(())
}

/// Either a bounded scenario, or problems located inside the input.
fn check_outcome(
    result: Result<Scenario, symbiont_model::Diagnostics>,
    bytes: &[u8],
) -> Result<(), TestCaseError> {
    match result {
        Ok(s) => assert_bounded(&s),
        Err(d) => {
            prop_assert!(!d.items.is_empty());
            let text = String::from_utf8_lossy(bytes);
            let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
            for x in &d.items {
                prop_assert!(x.span.start <= bytes.len() && x.span.end <= bytes.len() + 1);
                prop_assert!(x.line >= 1 && x.line <= lines, "line {} of {}", x.line, lines);
                prop_assert!(x.column >= 1);
                prop_assert!(!x.message.is_empty());
                // Messages stay short whatever the input holds, and rendering never panics.
                prop_assert!(x.message.len() < 2000, "{} bytes: {}", x.message.len(), x.message);
                let _ = x.render(&text);
            }
            Ok(())
        }
    }
}

#[test]
fn the_seeds_are_valid() {
    for (name, text) in SEEDS {
        if let Err(d) = parse_scenario(text, name) {
            panic!("seed {name} is invalid:\n{}", d.render(text));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_edits_never_panic(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut text = SEEDS[seed].1.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        check_outcome(parse_scenario(&text, "fuzz.toml"), text.as_bytes())?;
    }

    #[test]
    fn random_bytes_never_panic(
        seed in 0..SEEDS.len(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = SEEDS[seed].1.as_bytes().to_vec();
        for (at, b) in &flips {
            let at = at % bytes.len();
            bytes[at] = *b;
        }
        check_outcome(parse_scenario_bytes(&bytes, "fuzz.toml"), &bytes)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_outcome(parse_scenario_bytes(&bytes, "fuzz.toml"), &bytes)?;
    }
}
