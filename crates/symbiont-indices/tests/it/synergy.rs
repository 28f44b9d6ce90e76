//! Composite-system synergy degree (METHODS §3): the sign rule, the 0/0 guard, bounds.

use symbiont_indices::{
    Aggregation, Bounds, Direction, bounds_of, order_degree, subsystem_order, synergy_degree,
};

use crate::close;

#[test]
fn every_subsystem_rose_gives_a_positive_degree() {
    let s = synergy_degree(&[0.2, 0.3], &[0.5, 0.42], None).unwrap();
    assert_eq!(s.theta, 1.0);
    close(s.c, (0.3f64 * 0.12).sqrt(), 1e-12);
}

#[test]
fn the_sign_rule_one_fall_makes_it_negative() {
    // Δ = (+.7, −.1): one subsystem fell, so θ = −1 however much the other rose.
    let s = synergy_degree(&[0.2, 0.5], &[0.9, 0.4], None).unwrap();
    assert_eq!(s.theta, -1.0);
    close(s.c, -(0.07f64).sqrt(), 1e-12);
}

#[test]
fn a_zero_change_gives_zero_not_nan() {
    // min Δ = 0: θ = 0/0 is guarded, and C = 0.
    let s = synergy_degree(&[0.2, 0.5], &[0.2, 0.9], None).unwrap();
    assert_eq!((s.theta, s.c), (0.0, 0.0));
    // One subsystem unchanged and one fallen: θ = −1 but the product is 0, and C prints as 0.
    let s = synergy_degree(&[0.2, 0.5], &[0.2, 0.1], None).unwrap();
    assert_eq!(s.c.to_string(), "0");
}

#[test]
fn subsystem_weights_in_the_outer_product() {
    let s = synergy_degree(&[0.0, 0.0], &[0.25, 0.64], Some(&[0.5, 0.5])).unwrap();
    close(s.c, 0.4, 1e-12);
    let s = synergy_degree(&[0.0, 0.0], &[0.25, 0.64], Some(&[1.0, 0.0])).unwrap();
    close(s.c, 0.25, 1e-12);
    assert!(synergy_degree(&[0.0, 0.0], &[0.25, 0.64], Some(&[0.6, 0.6])).is_err());
}

#[test]
fn expanded_bounds_move_outward_also_for_negative_values() {
    assert_eq!(bounds_of(&[2.0, 10.0], Bounds::Observed, "x").unwrap(), (2.0, 10.0));
    let (lo, hi) = bounds_of(&[2.0, 10.0], Bounds::Expanded { fraction: 0.1 }, "x").unwrap();
    close(lo, 1.8, 1e-12);
    close(hi, 11.0, 1e-12);
    // min·(1 − 10%) would move −10 inward to −9; it must go to −11.
    let (lo, hi) = bounds_of(&[-10.0, -2.0], Bounds::Expanded { fraction: 0.1 }, "x").unwrap();
    close(lo, -11.0, 1e-12);
    close(hi, -1.8, 1e-12);
    let e = bounds_of(&[3.0, 3.0], Bounds::Observed, "flat").unwrap_err();
    assert_eq!(
        e.to_string(),
        "indicator \"flat\": the bounds give lower 3 and upper 3; the order degree needs lower < upper"
    );
}

#[test]
fn order_degrees_and_subsystem_aggregation() {
    close(order_degree(4.0, 2.0, 10.0, Direction::Benefit), 0.25, 1e-12);
    close(order_degree(4.0, 2.0, 10.0, Direction::Cost), 0.75, 1e-12);
    // Beyond a target bound: clamped.
    assert_eq!(order_degree(12.0, 2.0, 10.0, Direction::Benefit), 1.0);
    close(subsystem_order(&[0.25, 0.64], Aggregation::Geometric, &[]), 0.4, 1e-12);
    close(subsystem_order(&[0.25, 0.64], Aggregation::Weighted, &[0.2, 0.8]), 0.562, 1e-12);
}
