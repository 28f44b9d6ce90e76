//! Symbiosis degree δ and the allocation share θ.

use symbiont_dynamics::*;

#[test]
fn period_ratio_product_is_one_and_it_warns() {
    let z1: Vec<f64> = (0..12).map(|k| 10.0 * 1.08f64.powi(k)).collect();
    let z2: Vec<f64> = (0..12).map(|k| 50.0 * 1.05f64.powi(k)).collect();
    let d = degree(&z1, &z2, DegreeEstimator::PeriodRatio, &ClassifyOptions::default()).unwrap();
    assert!((d.d12 * d.d21 - 1.0).abs() < 1e-9);
    assert!(d.warning.unwrap().contains("cannot be found"));
    assert!(DegreeEstimator::LogLog.symmetric_by_construction());
    assert!(!DegreeEstimator::Partial.symmetric_by_construction());
}

#[test]
fn log_log_slopes_multiply_to_r_squared() {
    let z1: Vec<f64> = (0..15)
        .map(|k| 10.0 * 1.08f64.powi(k) * (1.0 + 0.05 * ((k * 7 % 5) as f64 - 2.0)))
        .collect();
    let z2: Vec<f64> = (0..15).map(|k| 50.0 * 1.05f64.powi(k)).collect();
    let d = degree(&z1, &z2, DegreeEstimator::LogLog, &ClassifyOptions::default()).unwrap();
    assert!(d.d12 > 0.0 && d.d21 > 0.0 && d.d12 * d.d21 <= 1.0);
    // θ splits the benefit: shares sum to 1 when both are positive.
    assert!((d.theta.0 + d.theta.1 - 1.0).abs() < 1e-12);
}

#[test]
fn quadratic_elasticity_of_a_power_law_is_its_exponent_near_the_end() {
    let z2: Vec<f64> = (1..=20).map(|k| k as f64).collect();
    let z1: Vec<f64> = z2.iter().map(|z| 3.0 * z * z).collect();
    let d = degree(&z1, &z2, DegreeEstimator::Quadratic, &ClassifyOptions::default()).unwrap();
    assert!((d.d12 - 2.0).abs() < 1e-6, "{}", d.d12);
}

#[test]
fn non_positive_values_are_rejected_with_their_position() {
    let e = degree(
        &[1.0, 2.0, 0.0, 4.0],
        &[1.0, 2.0, 3.0, 4.0],
        DegreeEstimator::LogLog,
        &ClassifyOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "δ needs positive values; 1 has 0 at position 2");
}

#[test]
fn proportional_series_are_symmetric_everywhere() {
    // Z1 = 2 Z2: both fitted curves are straight lines through 0, so δ12 = δ21 = 1 at every
    // observation: every observation is a symmetric point.
    let z2: Vec<f64> = (1..=8).map(f64::from).collect();
    let z1: Vec<f64> = z2.iter().map(|z| 2.0 * z).collect();
    let pts = symmetric_points(&z1, &z2).unwrap();
    assert_eq!(pts.len(), 8);
    for (k, p) in pts.iter().enumerate() {
        assert!((p.position - k as f64).abs() < 1e-9);
        assert!((p.delta - 1.0).abs() < 1e-6, "δ = {}", p.delta);
    }
}

#[test]
fn a_square_law_has_no_symmetric_point() {
    // Z1 = Z2²: δ12 = 2 exactly; Z2 = √Z1 fitted by a quadratic gives δ21 near 1/2.
    let z2: Vec<f64> = (1..=10).map(f64::from).collect();
    let z1: Vec<f64> = z2.iter().map(|z| z * z).collect();
    assert!(symmetric_points(&z1, &z2).unwrap().is_empty());
}

#[test]
fn a_crossing_is_located_between_observations() {
    // δ12 rises through δ21 somewhere inside the path: the point lies between two observations,
    // its Z values between theirs, and both directions' fitted degrees agree there.
    let z2: Vec<f64> = (1..=12).map(f64::from).collect();
    let z1: Vec<f64> = z2.iter().map(|z| 5.0 + 0.05 * z * z * z).collect();
    let pts = symmetric_points(&z1, &z2).unwrap();
    assert!(!pts.is_empty(), "the curves cross");
    for p in &pts {
        let k = p.position.floor() as usize;
        assert!(p.position > 0.0 && p.position < 11.0);
        assert!(p.z.1 >= z2[k] && p.z.1 <= z2[(k + 1).min(11)]);
        assert!(p.delta.is_finite() && p.delta > 0.0);
    }
}

#[test]
fn symmetric_points_need_positive_series() {
    let e = symmetric_points(&[1.0, 2.0, -1.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap_err();
    assert_eq!(e.to_string(), "δ needs positive values; 1 has -1 at position 2");
}
