//! Posterior summaries, predictive checks and resampling on samples with known answers.

use rand_distr::{Distribution, StandardNormal};
use symbiont_calibrate::{Posterior, predictive, summarize};

use crate::{normal, rng, uniform};

fn z(r: &mut symbiont_calibrate::Stream) -> f64 {
    StandardNormal.sample(r)
}

#[test]
fn summaries_give_weighted_moments_quantiles_and_contraction() {
    // Equal weights on 0.5, 1.5, ..., 9.5: mean 5, quantile convention of pyABC.
    let theta: Vec<Vec<f64>> = (0..10).map(|i| vec![i as f64 + 0.5]).collect();
    let post = Posterior::new(vec!["x".into()], theta, vec![1.0; 10]);
    let s = &summarize(&post, &[uniform(0.0, 10.0)])[0];
    assert!((s.mean - 5.0).abs() < 1e-12);
    assert!((s.quantiles[2] - 5.0).abs() < 1e-12);
    assert_eq!(s.quantiles[0], 0.5); // below the first midpoint: the first point
    // sd with numpy.cov(aweights) normalisation: sqrt(82.5/9) = 3.028; prior sd 10/sqrt(12).
    assert!((s.sd - (82.5f64 / 9.0).sqrt()).abs() < 1e-12);
    assert!((s.contraction - s.sd / (10.0 / 12f64.sqrt())).abs() < 1e-12);
    // Weights count: all the mass on the last point moves every quantile there.
    let mut w = vec![1e-12; 10];
    w[9] = 1.0;
    let heavy = Posterior::new(vec!["x".into()], post.theta.clone(), w);
    assert!((heavy.quantile(0, 0.5) - 9.5).abs() < 1e-6);
}

#[test]
fn predictive_check_places_the_observation_in_the_simulated_distribution() {
    let mut r = rng(9);
    let sims: Vec<Vec<f64>> = (0..4000).map(|_| vec![10.0 + 2.0 * z(&mut r), z(&mut r)]).collect();
    let rows = predictive(&["level".into(), "far".into()], &[10.5, 4.0], &sims);
    let (a, b) = (&rows[0], &rows[1]);
    assert!(a.inside_90 && (a.percentile - 0.599).abs() < 0.03, "{a:?}"); // Φ(0.25) = 0.599
    assert!((a.quantiles[0] - (10.0 - 2.0 * 1.645)).abs() < 0.15, "{a:?}");
    assert!(!b.inside_90 && b.percentile > 0.999, "{b:?}");
    assert_eq!(a.draws, 4000);
}

#[test]
fn resampling_follows_the_weights_and_is_seeded() {
    let post = Posterior::new(
        vec!["x".into()],
        vec![vec![0.0], vec![1.0], vec![2.0]],
        vec![0.7, 0.2, 0.1],
    );
    let draws = post.resample(10_000, 3);
    let share = |v: f64| draws.iter().filter(|d| d[0] == v).count() as f64 / 10_000.0;
    // Systematic resampling is exact to one draw in n.
    assert!(
        (share(0.0) - 0.7).abs() <= 1e-4 && (share(1.0) - 0.2).abs() <= 1e-4,
        "{} {}",
        share(0.0),
        share(1.0)
    );
    assert_eq!(draws, post.resample(10_000, 3));
    assert_ne!(draws, post.resample(10_000, 4));
    // Shuffled: the first draws are not all the heaviest particle in a row.
    assert!(draws[..50].iter().any(|d| d[0] != 0.0));
    // A prior-shaped posterior has contraction about 1.
    let mut r = rng(1);
    let theta: Vec<Vec<f64>> = (0..5000).map(|_| vec![3.0 + 2.0 * z(&mut r)]).collect();
    let wide = Posterior::new(vec!["m".into()], theta, vec![1.0; 5000]);
    let c = summarize(&wide, &[normal(3.0, 2.0)])[0].contraction;
    assert!((c - 1.0).abs() < 0.05, "{c}");
}
