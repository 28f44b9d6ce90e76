//! ABC-SMC against posteriors known in closed form.

use rand_distr::{Binomial, Distribution, StandardNormal};
use symbiont_calibrate::{
    AbcSettings, AbcState, Dist, DistanceKind, Parallel, Prior, Problem, ScaleFn, StopReason,
};

use crate::{normal, rng};

/// y_1..y_n ~ N(μ, σ²) with σ known; the sample mean is sufficient, so the simulator draws it
/// directly: ȳ ~ N(μ, σ²/n).
fn ybar(n: f64, sigma: f64) -> impl Fn(&[f64], u64) -> Result<Vec<f64>, String> + Sync {
    move |theta, seed| {
        let z: f64 = StandardNormal.sample(&mut rng(seed));
        Ok(vec![theta[0] + sigma / n.sqrt() * z])
    }
}

/// Normal prior N(m0, s0²), normal likelihood: posterior N(m, s²) with
/// 1/s² = 1/s0² + n/σ², m = s² (m0/s0² + n ȳ/σ²).
#[test]
fn normal_mean_with_known_variance_matches_the_exact_posterior() {
    let (m0, s0, n, sigma, y): (f64, f64, f64, f64, f64) = (0.0, 2.0, 20.0, 1.0, 1.1);
    let prec = 1.0 / (s0 * s0) + n / (sigma * sigma);
    let (s, m) = ((1.0 / prec).sqrt(), (m0 / (s0 * s0) + n * y / (sigma * sigma)) / prec);
    let problem = Problem::new(vec!["mu".into()], vec![normal(m0, s0)], vec![y])
        .with_sd(vec![sigma / n.sqrt()]);
    let settings = AbcSettings {
        particles: 500,
        distance: DistanceKind::Fixed,
        max_generations: 8,
        ..Default::default()
    };
    let mut abc = AbcState::new(problem, settings, 11).unwrap();
    let post = abc.run(&Parallel(ybar(n, sigma)), |_, _| {}).unwrap();
    let (pm, ps) = (post.mean()[0], post.sd()[0]);
    // Tolerance: Monte Carlo error of the weighted mean is s/√ESS ≈ 0.05 s; the tolerance
    // left after 8 generations inflates the sd by well under 5%.
    assert!((pm - m).abs() < 0.15 * s, "mean {pm} vs exact {m} (sd {s})");
    assert!((ps / s - 1.0).abs() < 0.10, "sd {ps} vs exact {s}");
    let last = abc.history().last().unwrap();
    assert_eq!(abc.stopped(), Some(StopReason::MaxGenerations));
    assert!(last.ess > 150.0, "ESS {}", last.ess);
    assert!(last.epsilon < 0.5, "final tolerance {} (in sds of ȳ)", last.epsilon);
}

/// θ ~ Beta(2, 3), k ~ Binomial(30, θ), k = 9 observed: posterior Beta(11, 24). The statistic
/// is discrete, so the tolerance reaches 0 and ABC accepts exact matches only: its posterior
/// is then the exact one, up to Monte Carlo error.
#[test]
fn beta_binomial_reaches_exact_matches_and_the_exact_posterior() {
    let problem = Problem::new(
        vec!["theta".into()],
        vec![Prior::of(Dist::Beta { a: 2.0, b: 3.0 }).unwrap()],
        vec![9.0],
    );
    // Distances are whole numbers: at the median they tie (a third of the particles at 0, the
    // rest at 1), and the tolerance would stay at 1. The 0.2 quantile moves on to 0.
    let settings = AbcSettings {
        particles: 500,
        quantile: 0.2,
        distance: DistanceKind::Fixed,
        max_generations: 12,
        ..Default::default()
    };
    let sim = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let b = Binomial::new(30, theta[0]).map_err(|e| e.to_string())?;
        Ok(vec![b.sample(&mut rng(seed)) as f64])
    });
    let mut abc = AbcState::new(problem, settings, 5).unwrap();
    let post = abc.run(&sim, |_, _| {}).unwrap();
    assert_eq!(abc.stopped(), Some(StopReason::MinTolerance), "{:?}", abc.history());
    assert_eq!(abc.history().last().unwrap().epsilon, 0.0);
    let (a, b): (f64, f64) = (11.0, 24.0);
    let (m, s) = (a / (a + b), (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt());
    let (pm, ps) = (post.mean()[0], post.sd()[0]);
    assert!((pm - m).abs() < 0.1 * s, "mean {pm} vs exact {m}");
    assert!((ps / s - 1.0).abs() < 0.1, "sd {ps} vs exact {s}");
    // The median against the exact beta median (regularised incomplete beta).
    let exact_median = Prior::of(Dist::Beta { a, b }).unwrap().median();
    assert!((post.quantile(0, 0.5) - exact_median).abs() < 0.1 * s);
}

/// Two means with independent priors and a correlated likelihood: the posterior is a
/// correlated bivariate normal. Checks the multivariate kernel, the adaptive distance and
/// the posterior correlation.
#[test]
fn bivariate_normal_posterior_with_correlation() {
    let (s0, n, rho): (f64, f64, f64) = (3.0, 10.0, 0.8);
    let y = [0.7, -0.4];
    // Likelihood covariance of ȳ: Σ/n, Σ = [[1, ρ], [ρ, 1]].
    let (l11, l12) = (1.0 / n, rho / n);
    let det = l11 * l11 - l12 * l12;
    let (i11, i12) = (l11 / det, -l12 / det); // (Σ/n)⁻¹
    let p0 = 1.0 / (s0 * s0);
    // Posterior precision P = diag(p0) + (Σ/n)⁻¹, covariance C = P⁻¹, mean C (Σ/n)⁻¹ y.
    let (a, b, d) = (p0 + i11, i12, p0 + i11);
    let pdet = a * d - b * b;
    let (c11, c12, c22) = (d / pdet, -b / pdet, a / pdet);
    let ly = [i11 * y[0] + i12 * y[1], i12 * y[0] + i11 * y[1]];
    let mean = [c11 * ly[0] + c12 * ly[1], c12 * ly[0] + c22 * ly[1]];
    let (sd1, sd2, corr) = (c11.sqrt(), c22.sqrt(), c12 / (c11 * c22).sqrt());

    let chol = [(l11).sqrt(), l12 / l11.sqrt(), (l11 - l12 * l12 / l11).sqrt()];
    let sim = Parallel(move |theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let mut r = rng(seed);
        let (z1, z2): (f64, f64) = (StandardNormal.sample(&mut r), StandardNormal.sample(&mut r));
        Ok(vec![theta[0] + chol[0] * z1, theta[1] + chol[1] * z1 + chol[2] * z2])
    });
    let problem = Problem::new(
        vec!["mu1".into(), "mu2".into()],
        vec![normal(0.0, s0), normal(0.0, s0)],
        y.to_vec(),
    );
    let settings = AbcSettings {
        particles: 500,
        distance: DistanceKind::Adaptive { scale: ScaleFn::Mad },
        max_generations: 10,
        ..Default::default()
    };
    let post = AbcState::new(problem, settings, 3).unwrap().run(&sim, |_, _| {}).unwrap();
    let (m, s) = (post.mean(), post.sd());
    let r = post.corr()[1];
    assert!(
        (m[0] - mean[0]).abs() < 0.15 * sd1 && (m[1] - mean[1]).abs() < 0.15 * sd2,
        "{m:?} vs {mean:?}"
    );
    assert!(
        (s[0] / sd1 - 1.0).abs() < 0.12 && (s[1] / sd2 - 1.0).abs() < 0.12,
        "{s:?} vs {sd1} {sd2}"
    );
    assert!((r - corr).abs() < 0.08, "correlation {r} vs exact {corr}");
}

/// θ ~ LogUniform(0.01, 100), ȳ ~ N(ln θ, 0.1²), ȳ = ln 2 observed: the posterior of ln θ is
/// N(ln 2, 0.1²) (the truncation is 30 sds away). The kernel perturbs ln θ with the prior's
/// Jacobian in the weights; in θ itself the same budget leaves fewer effective particles. Both
/// must land on the exact posterior.
#[test]
fn a_log_uniform_prior_is_perturbed_in_log_space_and_matches_the_exact_posterior() {
    let problem = Problem::new(
        vec!["theta".into()],
        vec![Prior::of(Dist::LogUniform { low: 0.01, high: 100.0 }).unwrap()],
        vec![2f64.ln()],
    )
    .with_sd(vec![0.1]);
    let model = Parallel(|theta: &[f64], seed: u64| -> Result<Vec<f64>, String> {
        let z: f64 = StandardNormal.sample(&mut rng(seed));
        Ok(vec![theta[0].ln() + 0.1 * z])
    });
    let mut ess = Vec::new();
    for log_kernel in [true, false] {
        let settings = AbcSettings {
            particles: 400,
            distance: DistanceKind::Fixed,
            max_generations: 8,
            log_kernel,
            ..Default::default()
        };
        let mut abc = AbcState::new(problem.clone(), settings, 5).unwrap();
        let post = abc.run(&model, |_, _| {}).unwrap();
        let logs: Vec<f64> = post.theta.iter().map(|t| t[0].ln()).collect();
        let m: f64 = logs.iter().zip(&post.weights).map(|(l, w)| l * w).sum();
        let v: f64 = logs.iter().zip(&post.weights).map(|(l, w)| w * (l - m).powi(2)).sum();
        assert!((m - 2f64.ln()).abs() < 0.03, "log_kernel {log_kernel}: mean of ln θ {m}");
        assert!((v.sqrt() / 0.1 - 1.0).abs() < 0.2, "log_kernel {log_kernel}: sd {}", v.sqrt());
        ess.push(abc.history().iter().skip(1).map(|g| g.ess).sum::<f64>());
    }
    assert!(ess[0] > ess[1], "ESS summed over generations: log {} vs natural {}", ess[0], ess[1]);
}
