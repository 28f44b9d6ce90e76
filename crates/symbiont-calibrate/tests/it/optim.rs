//! The minimisers on functions with known minima.

use symbiont_calibrate::optim::{CmaOptions, cma_es, nelder_mead};

fn rosenbrock(x: &[f64]) -> f64 {
    x.windows(2).map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2)).sum()
}

fn batch(f: fn(&[f64]) -> f64) -> impl FnMut(&[Vec<f64>]) -> Vec<f64> {
    move |pts| pts.iter().map(|p| f(p)).collect()
}

#[test]
fn nelder_mead_finds_the_rosenbrock_minimum() {
    let r = nelder_mead(&mut batch(rosenbrock), &[-1.2, 1.0], &[0.5, 0.5], 1e-10, 5000);
    assert!(r.converged, "{r:?}");
    assert!((r.x[0] - 1.0).abs() < 1e-4 && (r.x[1] - 1.0).abs() < 1e-4, "{r:?}");
}

#[test]
fn cma_es_finds_the_rosenbrock_minimum_in_four_dimensions() {
    let opts =
        CmaOptions { sigma: 0.5, population: None, tol: 1e-10, max_evaluations: 20_000, seed: 1 };
    let r = cma_es(&mut batch(rosenbrock), &|_| true, &[0.0; 4], &opts);
    assert!(r.converged, "{r:?}");
    for x in &r.x {
        assert!((x - 1.0).abs() < 1e-4, "{r:?}");
    }
}

#[test]
fn cma_es_respects_a_feasible_region_and_is_reproducible() {
    // Minimum of (x - 2)² + (y + 1)² on x <= 1: at (1, -1).
    let f = |p: &[f64]| {
        if p[0] > 1.0 { f64::INFINITY } else { (p[0] - 2.0).powi(2) + (p[1] + 1.0).powi(2) }
    };
    let opts =
        CmaOptions { sigma: 0.3, population: Some(8), tol: 1e-9, max_evaluations: 8000, seed: 4 };
    let feasible = |p: &[f64]| p[0] <= 1.0;
    let a = cma_es(
        &mut |pts: &[Vec<f64>]| pts.iter().map(|p| f(p)).collect(),
        &feasible,
        &[0.0, 0.0],
        &opts,
    );
    let b = cma_es(
        &mut |pts: &[Vec<f64>]| pts.iter().map(|p| f(p)).collect(),
        &feasible,
        &[0.0, 0.0],
        &opts,
    );
    assert_eq!(a, b);
    assert!((a.x[0] - 1.0).abs() < 1e-3 && (a.x[1] + 1.0).abs() < 1e-3, "{a:?}");
}
