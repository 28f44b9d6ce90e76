//! Simulation-based calibration on the conjugate normal model: parameters drawn from the
//! prior, data simulated from them, ABC-SMC run on each data set. Calibrated posteriors give
//! uniform ranks and nominal interval coverage.
//!
//! Thresholds: coverage counts inside the 95% binomial band of the nominal rate; the χ² test
//! of the ranks in 10 bins passes at p > 0.01.

use rand_distr::{Distribution, StandardNormal};
use symbiont_calibrate::diagnostics::binomial_band;
use symbiont_calibrate::{AbcSettings, DistanceKind, Parallel, Problem, recover, recovery};

use crate::{normal, rng};

#[test]
fn recovery_on_the_normal_model_covers_and_ranks_uniformly() {
    // μ ~ N(0, 1); ȳ ~ N(μ, 0.5²): posterior sd 0.447.
    let sim = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let z: f64 = StandardNormal.sample(&mut rng(seed));
        Ok(vec![theta[0] + 0.5 * z])
    });
    let problem =
        Problem::new(vec!["mu".into()], vec![normal(0.0, 1.0)], vec![0.0]).with_sd(vec![0.5]);
    let settings = AbcSettings {
        particles: 200,
        distance: DistanceKind::Fixed,
        max_generations: 6,
        ..Default::default()
    };
    let reps = recover(&problem, &settings, 7, 200, &sim, |_, _| {}).unwrap();
    let rec = recovery(&problem.names, &reps, 10);
    let r = &rec[0];
    assert_eq!(r.ranks.len(), 200);
    assert!(
        r.coverage_90.within,
        "90% coverage {} of 200, band {:?}",
        r.coverage_90.covered, r.coverage_90.band
    );
    assert!(
        r.coverage_50.within,
        "50% coverage {} of 200, band {:?}",
        r.coverage_50.covered, r.coverage_50.band
    );
    assert!(
        r.p_value > 0.01,
        "ranks not uniform: histogram {:?}, chi2 {} (p {})",
        r.histogram,
        r.chi2,
        r.p_value
    );
    assert_eq!(r.df, 9);
    // Every replicate's truth came from the prior and its data from the model: the truths
    // spread like N(0, 1).
    let truths: Vec<f64> = reps.iter().map(|x| x.truth[0]).collect();
    let m = truths.iter().sum::<f64>() / 200.0;
    assert!(m.abs() < 0.25, "mean of the true values {m}");
}

#[test]
fn a_posterior_that_is_too_narrow_fails_the_recovery_check() {
    // The same replicates, but the model used for calibration claims 5 times less noise than
    // the one that made the data: the posteriors are overconfident and the check must say so.
    let truth_model = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let z: f64 = StandardNormal.sample(&mut rng(seed));
        Ok(vec![theta[0] + 0.5 * z])
    });
    let problem = Problem::new(vec!["mu".into()], vec![normal(0.0, 1.0)], vec![0.0]);
    let settings = AbcSettings {
        particles: 100,
        distance: DistanceKind::Fixed,
        max_generations: 5,
        ..Default::default()
    };
    let reps = recover(&problem, &settings, 8, 60, &truth_model, |_, _| {}).unwrap();
    // Shrink every posterior around its mean by 5: an overconfident calibration.
    let narrow: Vec<_> = reps
        .into_iter()
        .map(|mut r| {
            let m = r.posterior.mean()[0];
            for t in r.posterior.theta.iter_mut() {
                t[0] = m + (t[0] - m) / 5.0;
            }
            r
        })
        .collect();
    let rec = recovery(&problem.names, &narrow, 6);
    assert!(!rec[0].coverage_90.within, "coverage {}", rec[0].coverage_90.covered);
    assert!(rec[0].p_value < 0.01);
}

#[test]
fn the_binomial_band_holds_95_percent_of_the_mass() {
    // Binomial(200, 0.9): mean 180, sd 4.24; the central 95% is about 171..188.
    assert_eq!(binomial_band(200, 0.9), (171, 188));
    let (lo, hi) = binomial_band(100, 0.5);
    assert_eq!((lo, hi), (40, 60));
}
