//! The report's own structure class: worked examples and invariants.

use proptest::prelude::*;
use symbiont_report::network::{class_of, structure};

#[test]
fn one_way_flows_are_a_one_way_street() {
    let s = structure(&[("capital", "home:enterprise", "host:enterprise", 100.0)]);
    assert_eq!(s.two_way_index, 0.0);
    assert_eq!(s.class, "one-way street");
}

#[test]
fn a_star_is_a_hub_and_a_balanced_ring_a_network() {
    // Two-way flows between a centre and four leaves.
    let leaves = ["host:a", "host:b", "host:c", "host:d"];
    let mut star = Vec::new();
    for l in leaves {
        star.push(("capital", "home:centre", l, 10.0));
        star.push(("capital", l, "home:centre", 10.0));
    }
    let s = structure(&star);
    assert!((s.two_way_index - 1.0).abs() < 1e-12);
    assert!((s.concentration - 1.0).abs() < 1e-12, "{s:?}");
    assert_eq!(s.class, "hub");
    // A ring where every node carries the same throughput.
    let ring = [
        ("capital", "home:a", "host:b", 10.0),
        ("capital", "host:b", "home:c", 10.0),
        ("capital", "home:c", "host:d", 10.0),
        ("capital", "host:d", "home:a", 10.0),
    ];
    let s = structure(&ring);
    assert!(s.concentration.abs() < 1e-12, "{s:?}");
    assert_eq!(s.class, "network");
}

#[test]
fn the_two_way_index_is_the_mean_over_factors() {
    // capital: out 100, back 0 -> 0; talent: out 10, back 10 -> 1.
    let s = structure(&[
        ("capital", "home:e", "host:e", 100.0),
        ("talent", "home:u", "host:f", 10.0),
        ("talent", "host:f", "home:u", 10.0),
    ]);
    assert!((s.two_way_index - 0.5).abs() < 1e-12);
    assert_eq!(class_of(0.19, 0.0), "one-way street");
    assert_eq!(class_of(0.2, 0.5), "hub");
    assert_eq!(class_of(0.2, 0.49), "network");
}

proptest! {
    #[test]
    fn indices_stay_in_the_unit_interval(
        flows in prop::collection::vec((0usize..3, 0usize..6, 0usize..6, 0.0f64..1e9), 0..40)
    ) {
        let factors = ["capital", "talent", "profit"];
        let nodes = ["home:a", "home:b", "home:c", "host:a", "host:b", "host:c"];
        let f: Vec<(&str, &str, &str, f64)> = flows
            .iter()
            .filter(|x| x.1 != x.2)
            .map(|&(k, s, t, v)| (factors[k], nodes[s], nodes[t], v))
            .collect();
        let s = structure(&f);
        prop_assert!((0.0..=1.0).contains(&s.two_way_index), "{s:?}");
        prop_assert!((0.0..=1.0).contains(&s.concentration), "{s:?}");
        // Scaling one factor's flows (a change of unit) changes nothing.
        let scaled: Vec<_> = f.iter().map(|&(k, s, t, v)| (k, s, t, if k == "capital" { v * 1e3 } else { v })).collect();
        let s2 = structure(&scaled);
        prop_assert!((s.two_way_index - s2.two_way_index).abs() < 1e-9);
        prop_assert!((s.concentration - s2.concentration).abs() < 1e-9);
    }
}
