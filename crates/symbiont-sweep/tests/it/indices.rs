//! Sobol indices of the Ishigami function and Morris measures of functions with known
//! elementary effects, against their analytic values.

use std::f64::consts::PI;

use symbiont_sweep::design::{Design, DesignKind};
use symbiont_sweep::sensitivity::{AnalysisError, Bootstrap, morris_indices, sobol_indices};

fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    let (a, b) = (7.0, 0.1);
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

/// Analytic first-order and total indices of Ishigami (a = 7, b = 0.1), from the variance
/// decomposition in Saltelli et al., "Global Sensitivity Analysis: The Primer" (2008), 4.8.
fn ishigami_exact() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0f64, 0.1f64);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[test]
fn ishigami_sobol_indices_match_the_analytic_values() {
    let n = 1 << 13;
    let d = Design::new(DesignKind::Saltelli { n }, 3, 0).unwrap();
    let y: Vec<f64> = (0..d.len()).map(|i| ishigami(&d.point(i))).collect();
    let idx = sobol_indices(&y, n, 3, Bootstrap { resamples: 200, level: 0.95, seed: 7 }).unwrap();
    let (s1, st) = ishigami_exact();
    // S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    for i in 0..3 {
        assert!((idx[i].s1 - s1[i]).abs() < 0.02, "S1[{i}] = {} vs {}", idx[i].s1, s1[i]);
        assert!((idx[i].st - st[i]).abs() < 0.02, "ST[{i}] = {} vs {}", idx[i].st, st[i]);
        assert!(idx[i].s1_low <= idx[i].s1 && idx[i].s1 <= idx[i].s1_high);
        assert!(idx[i].st_low <= idx[i].st && idx[i].st <= idx[i].st_high);
        // The 95% interval covers the true value (this holds at this N for these seeds).
        assert!(
            idx[i].st_low - 0.01 <= st[i] && st[i] <= idx[i].st_high + 0.01,
            "ST[{i}] interval"
        );
    }
    // The intervals shrink as N grows.
    let n2 = 1 << 9;
    let d2 = Design::new(DesignKind::Saltelli { n: n2 }, 3, 0).unwrap();
    let y2: Vec<f64> = (0..d2.len()).map(|i| ishigami(&d2.point(i))).collect();
    let small =
        sobol_indices(&y2, n2, 3, Bootstrap { resamples: 200, level: 0.95, seed: 7 }).unwrap();
    assert!(small[0].st_high - small[0].st_low > idx[0].st_high - idx[0].st_low);
}

#[test]
fn a_constant_output_is_explained_not_nan() {
    let d = Design::new(DesignKind::Saltelli { n: 16 }, 2, 0).unwrap();
    let y = vec![3.0; d.len() as usize];
    assert_eq!(sobol_indices(&y, 16, 2, Bootstrap::default()), Err(AnalysisError::Constant));
    let mut y = y;
    y[5] = f64::NAN;
    assert_eq!(
        sobol_indices(&y, 16, 2, Bootstrap::default()),
        Err(AnalysisError::NotANumber { point: 5 })
    );
    assert_eq!(
        sobol_indices(&[1.0, 2.0], 16, 2, Bootstrap::default()),
        Err(AnalysisError::Length { expected: 64, got: 2 })
    );
}

fn morris_of(
    f: impl Fn(&[f64]) -> f64,
    k: usize,
    r: u64,
    p: u32,
) -> Vec<symbiont_sweep::sensitivity::MorrisIndex> {
    let d = Design::new(DesignKind::Morris { r, p }, k, 11).unwrap();
    let y: Vec<f64> = (0..d.len()).map(|i| f(&d.point(i))).collect();
    morris_indices(&d, &y, Bootstrap { resamples: 200, level: 0.95, seed: 3 }).unwrap()
}

/// A linear function: every elementary effect of x_i is its coefficient, so mu = c_i,
/// mu* = |c_i| and sigma = 0 exactly; an absent parameter has mu* = 0.
#[test]
fn morris_on_a_linear_function_gives_the_coefficients() {
    let c = [4.0, -2.0, 0.5, 0.0];
    let idx = morris_of(|x| c.iter().zip(x).map(|(a, b)| a * b).sum(), 4, 30, 4);
    for i in 0..4 {
        assert!((idx[i].mu - c[i]).abs() < 1e-9, "mu[{i}] = {}", idx[i].mu);
        assert!((idx[i].mu_star - c[i].abs()).abs() < 1e-9);
        assert!(idx[i].sigma < 1e-9);
    }
}

/// f = x1^2 + x1 x2 on p = 4 levels (Delta = 2/3, base levels 0 and 1/3):
/// EE_1 = 2 x1 + Delta + x2 with x1 on the lower half grid and x2 on the whole grid.
/// Its expectation is 2 (1/6) + 2/3 + 1/2 = 3/2 (x2 is at 0, 1/3, 2/3 or 1, mean 1/2), and
/// EE_2 = x1 with x1 uniform on the 4 levels, mean 1/2. sigma > 0 marks the non-linearity
/// and the interaction. With many trajectories the estimates converge to these values.
#[test]
fn morris_on_a_quadratic_with_interaction_matches_the_expected_effects() {
    let idx = morris_of(|x| x[0] * x[0] + x[0] * x[1], 3, 4000, 4);
    assert!((idx[0].mu - 1.5).abs() < 0.03, "mu_1 = {}", idx[0].mu);
    assert!((idx[0].mu_star - 1.5).abs() < 0.03);
    assert!((idx[1].mu_star - 0.5).abs() < 0.03, "mu*_2 = {}", idx[1].mu_star);
    assert!(idx[0].sigma > 0.1 && idx[1].sigma > 0.1);
    assert_eq!(idx[2].mu_star, 0.0);
    assert!(idx[0].mu_star_low < 1.5 && 1.5 < idx[0].mu_star_high);
}
