//! Variance-based (Sobol) and screening (Morris) sensitivity indices, from the outputs of a
//! [`Design`](crate::design::Design) in point order. Pure functions of numbers.
//!
//! - Sobol first-order `S_i` by Saltelli et al. (2010, eq. (b) of table 2) and total `ST_i` by
//!   Jansen (1999), the estimators SALib uses; 95% intervals by the percentile bootstrap over
//!   the base rows.
//! - Morris `mu`, `mu*` (Campolongo et al. 2007) and `sigma`, with elementary effects in output
//!   units per full range of the parameter (unit-cube steps), and a bootstrap interval on `mu*`.

use symbiont_model::seed::label;

use crate::design::{Design, DesignKind, morris_delta, unit};

/// Why indices cannot be computed: an explained value, never a NaN table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("{got} outputs for a design of {expected} points")]
    Length { expected: u64, got: usize },
    #[error("the output does not vary across the design (variance 0): every index is undefined")]
    Constant,
    #[error("the output is not a number at point {point}")]
    NotANumber { point: u64 },
    #[error("{0} indices need a {1} design")]
    WrongDesign(&'static str, &'static str),
}

/// First-order and total Sobol indices of one parameter, with bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_low: f64,
    pub s1_high: f64,
    pub st: f64,
    pub st_low: f64,
    pub st_high: f64,
}

/// Morris screening measures of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: f64,
    pub mu_star_low: f64,
    pub mu_star_high: f64,
    pub sigma: f64,
}

/// How to bootstrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    pub resamples: u32,
    /// Confidence level of the intervals, e.g. 0.95.
    pub level: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap { resamples: 1000, level: 0.95, seed: 1 }
    }
}

fn check(y: &[f64], expected: u64) -> Result<(), AnalysisError> {
    if y.len() as u64 != expected {
        return Err(AnalysisError::Length { expected, got: y.len() });
    }
    if let Some(p) = y.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotANumber { point: p as u64 });
    }
    Ok(())
}

/// Point estimates over the base rows `rows` of a Saltelli output `y` (`k + 2` per row).
fn sobol_point(
    y: &[f64],
    k: usize,
    rows: &mut dyn Iterator<Item = usize>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let w = k + 2;
    let mut n = 0.0;
    let (mut sum, mut sum2) = (0.0, 0.0);
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    for r in rows {
        let row = &y[r * w..(r + 1) * w];
        let (fa, fb) = (row[0], row[k + 1]);
        n += 1.0;
        sum += fa + fb;
        sum2 += fa * fa + fb * fb;
        for i in 0..k {
            let fab = row[1 + i];
            first[i] += fb * (fab - fa);
            total[i] += (fa - fab) * (fa - fab);
        }
    }
    let mean = sum / (2.0 * n);
    let var = sum2 / (2.0 * n) - mean * mean;
    // Relative to the mean, so that rounding noise on a constant output does not pass.
    if !var.is_finite() || var <= 1e-14 * (mean * mean).max(1e-300) {
        return None;
    }
    Some((
        first.iter().map(|f| f / n / var).collect(),
        total.iter().map(|t| 0.5 * t / n / var).collect(),
    ))
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn interval(mut xs: Vec<f64>, level: f64) -> (f64, f64) {
    xs.retain(|x| x.is_finite());
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    xs.sort_by(f64::total_cmp);
    let a = (1.0 - level) / 2.0;
    (percentile(&xs, a), percentile(&xs, 1.0 - a))
}

/// Sobol indices of `k` parameters from the `n (k + 2)` outputs of a Saltelli design.
pub fn sobol_indices(
    y: &[f64],
    n: u64,
    k: usize,
    boot: Bootstrap,
) -> Result<Vec<SobolIndex>, AnalysisError> {
    check(y, n * (k as u64 + 2))?;
    let nu = n as usize;
    let (s1, st) = sobol_point(y, k, &mut (0..nu)).ok_or(AnalysisError::Constant)?;
    let mut b1 = vec![Vec::with_capacity(boot.resamples as usize); k];
    let mut bt = vec![Vec::with_capacity(boot.resamples as usize); k];
    for b in 0..u64::from(boot.resamples) {
        let mut rows = (0..n).map(|j| {
            ((unit(boot.seed, &[label("bootstrap"), b, j]) * n as f64) as usize).min(nu - 1)
        });
        // A resample can be constant when n is tiny; it then adds no draw.
        if let Some((f, t)) = sobol_point(y, k, &mut rows) {
            for i in 0..k {
                b1[i].push(f[i]);
                bt[i].push(t[i]);
            }
        }
    }
    Ok((0..k)
        .map(|i| {
            let (s1_low, s1_high) = interval(std::mem::take(&mut b1[i]), boot.level);
            let (st_low, st_high) = interval(std::mem::take(&mut bt[i]), boot.level);
            SobolIndex { s1: s1[i], s1_low, s1_high, st: st[i], st_low, st_high }
        })
        .collect())
}

/// Morris measures from the outputs `y` of a Morris design.
pub fn morris_indices(
    design: &Design,
    y: &[f64],
    boot: Bootstrap,
) -> Result<Vec<MorrisIndex>, AnalysisError> {
    let DesignKind::Morris { r, p } = *design.kind() else {
        return Err(AnalysisError::WrongDesign("Morris", "morris"));
    };
    check(y, design.len())?;
    let k = design.k();
    let delta = morris_delta(p);
    // ee[d][t]: the elementary effect of parameter d in trajectory t.
    let mut ee = vec![vec![0.0; r as usize]; k];
    for i in 0..design.len() {
        if let Some((d, sign)) = design.morris_step(i) {
            let t = (i / (k as u64 + 1)) as usize;
            ee[d][t] = (y[i as usize] - y[i as usize - 1]) / (sign * delta);
        }
    }
    let rn = r as f64;
    Ok(ee
        .iter()
        .enumerate()
        .map(|(d, e)| {
            let mu = e.iter().sum::<f64>() / rn;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / rn;
            let sigma = if r > 1 {
                (e.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (rn - 1.0)).sqrt()
            } else {
                0.0
            };
            let draws = (0..u64::from(boot.resamples))
                .map(|b| {
                    (0..r)
                        .map(|j| {
                            let t =
                                ((unit(boot.seed, &[label("morris-boot"), d as u64, b, j]) * rn)
                                    as usize)
                                    .min(r as usize - 1);
                            e[t].abs()
                        })
                        .sum::<f64>()
                        / rn
                })
                .collect();
            let (mu_star_low, mu_star_high) = interval(draws, boot.level);
            MorrisIndex { mu, mu_star, mu_star_low, mu_star_high, sigma }
        })
        .collect())
}
