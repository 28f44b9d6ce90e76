//! The method of simulated moments recovers known parameters with standard errors that
//! cover them at the nominal rate.

use rand_distr::{Distribution, StandardNormal};
use symbiont_calibrate::diagnostics::binomial_band;
use symbiont_calibrate::{MsmSettings, Optimizer, Parallel, Problem, msm};

use crate::{rng, uniform};

const N: usize = 50;

/// A data set of N draws from N(μ, σ²), summarised by its mean and sd.
fn moments(theta: &[f64], seed: u64) -> Result<Vec<f64>, String> {
    let mut r = rng(seed);
    let x: Vec<f64> = (0..N).map(|_| theta[0] + theta[1] * sample_z(&mut r)).collect::<Vec<f64>>();
    let m = x.iter().sum::<f64>() / N as f64;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (N - 1) as f64;
    Ok(vec![m, v.sqrt()])
}

fn problem(observed: Vec<f64>) -> Problem {
    Problem::new(
        vec!["mu".into(), "sigma".into()],
        vec![uniform(-5.0, 5.0), uniform(0.2, 5.0)],
        observed,
    )
    .with_sd(vec![0.3, 0.3])
}

#[test]
fn msm_recovers_a_known_parameter_with_standard_errors_of_the_right_size() {
    let truth = [2.0, 1.5];
    let y = moments(&truth, 424_242).unwrap();
    for optimizer in [Optimizer::NelderMead, Optimizer::CmaEs] {
        let settings = MsmSettings { optimizer, max_evaluations: 600, ..Default::default() };
        let r = msm(&problem(y.clone()), &settings, 17, &Parallel(moments)).unwrap();
        let se = r.se.clone().expect("identified");
        for j in 0..2 {
            assert!((r.estimate[j] - truth[j]).abs() < 3.0 * se[j], "{optimizer:?}: {r:?}");
        }
        // Analytic: sd(ȳ) = σ/√n, sd(s) ≈ σ/√(2(n−1)), times √(1 + 1/S).
        let infl = (1.0 + 1.0 / 20.0f64).sqrt();
        let (a_mu, a_sigma) = (
            truth[1] / (N as f64).sqrt() * infl,
            truth[1] / (2.0 * (N as f64 - 1.0)).sqrt() * infl,
        );
        assert!((se[0] / a_mu - 1.0).abs() < 0.25, "se(mu) {} vs {a_mu}", se[0]);
        assert!((se[1] / a_sigma - 1.0).abs() < 0.25, "se(sigma) {} vs {a_sigma}", se[1]);
        assert!(r.converged, "{r:?}");
        assert!(r.j_test.is_none(), "exactly identified: no J test");
    }
}

#[test]
fn msm_intervals_cover_the_truth_at_the_nominal_rate() {
    // 40 data sets from known parameters; the ±1.96 SE interval of each parameter should hold
    // the truth in about 95% of them (within the 95% binomial band).
    let truth = [-1.0, 2.0];
    let reps = 40;
    let mut hits = [0usize; 2];
    for r in 0..reps {
        let y = moments(&truth, 1000 + r).unwrap();
        let est = msm(
            &problem(y),
            &MsmSettings { replications: 10, covariance_replications: 100, ..Default::default() },
            r,
            &Parallel(moments),
        )
        .unwrap();
        let se = est.se.unwrap();
        for j in 0..2 {
            if (est.estimate[j] - truth[j]).abs() <= 1.96 * se[j] {
                hits[j] += 1;
            }
        }
    }
    let (lo, hi) = binomial_band(reps as usize, 0.95);
    for h in hits {
        assert!(h >= lo && h <= hi, "coverage {hits:?} of {reps}, band {lo}..={hi}");
    }
}

#[test]
fn msm_reports_a_parameter_the_moments_do_not_move() {
    // The second parameter does not enter the model: no standard errors, and a note naming it.
    let sim = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let z: f64 = StandardNormal.sample(&mut rng(seed));
        Ok(vec![theta[0] + 0.1 * z, 2.0 * theta[0] + 0.1 * z])
    });
    let p = Problem::new(
        vec!["a".into(), "idle".into()],
        vec![uniform(-1.0, 1.0), uniform(0.0, 1.0)],
        vec![0.3, 0.6],
    )
    .with_sd(vec![0.1, 0.1]);
    let r = msm(&p, &MsmSettings::default(), 1, &sim).unwrap();
    assert!(r.se.is_none());
    assert!(r.notes.iter().any(|n| n.contains("do not move with idle")), "{:?}", r.notes);
    assert!((r.estimate[0] - 0.3).abs() < 0.05, "{r:?}");
}

fn sample_z(r: &mut symbiont_calibrate::Stream) -> f64 {
    StandardNormal.sample(r)
}
