//! Small statistics helpers: OLS with identification checks, t tail probabilities, quantiles.

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// An OLS fit `y = X b + e`.
#[derive(Debug, Clone)]
pub struct Ols {
    pub coef: Vec<f64>,
    pub se: Vec<f64>,
    pub p: Vec<f64>,
    /// Covariance s²(XᵀX)⁻¹.
    pub cov: DMatrix<f64>,
    pub resid: Vec<f64>,
    pub fitted: Vec<f64>,
    pub rss: f64,
    pub r2: f64,
    pub df: usize,
    /// Condition number of X after scaling its columns to unit length.
    pub cond: f64,
}

/// Why an OLS fit cannot identify its coefficients.
#[derive(Debug, Clone, PartialEq)]
pub enum OlsFailure {
    TooFewRows { rows: usize, cols: usize },
    Collinear { cond: f64 },
}

/// Condition numbers above this (after column scaling) mean the coefficients are not
/// identified: a change of 1e-8 in the data moves them by order one.
pub const COND_NOT_IDENTIFIED: f64 = 1e8;

pub fn ols(x: &DMatrix<f64>, y: &DVector<f64>) -> Result<Ols, OlsFailure> {
    let (m, k) = x.shape();
    if m <= k {
        return Err(OlsFailure::TooFewRows { rows: m, cols: k });
    }
    let norms: Vec<f64> = (0..k).map(|j| x.column(j).norm()).collect();
    if norms.iter().any(|&n| n == 0.0 || !n.is_finite()) {
        return Err(OlsFailure::Collinear { cond: f64::INFINITY });
    }
    let xs = DMatrix::from_fn(m, k, |i, j| x[(i, j)] / norms[j]);
    let svd = xs.svd(true, true);
    let sv = &svd.singular_values;
    let cond = sv.max() / sv.min();
    if !cond.is_finite() || cond > COND_NOT_IDENTIFIED {
        return Err(OlsFailure::Collinear { cond });
    }
    let bs = svd.solve(y, 0.0).map_err(|_| OlsFailure::Collinear { cond })?;
    let coef: Vec<f64> = (0..k).map(|j| bs[j] / norms[j]).collect();
    let fitted: Vec<f64> = (0..m).map(|i| (0..k).map(|j| x[(i, j)] * coef[j]).sum()).collect();
    let resid: Vec<f64> = (0..m).map(|i| y[i] - fitted[i]).collect();
    let rss: f64 = resid.iter().map(|e| e * e).sum();
    let ybar = y.mean();
    let tss: f64 = y.iter().map(|v| (v - ybar).powi(2)).sum();
    let df = m - k;
    let s2 = rss / df as f64;
    // (XᵀX)⁻¹ in scaled coordinates = V Σ⁻² Vᵀ, then unscale.
    let v_t = svd.v_t.as_ref().expect("svd computed with V");
    let inv_s = DMatrix::from_fn(k, k, |a, b| {
        (0..k).map(|l| v_t[(l, a)] * v_t[(l, b)] / (sv[l] * sv[l])).sum::<f64>()
    });
    let cov = DMatrix::from_fn(k, k, |a, b| s2 * inv_s[(a, b)] / (norms[a] * norms[b]));
    let se: Vec<f64> = (0..k).map(|j| cov[(j, j)].sqrt()).collect();
    let p = coef.iter().zip(&se).map(|(b, s)| t_pvalue(b / s, df)).collect();
    let r2 = if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN };
    Ok(Ols { coef, se, p, cov, resid, fitted, rss, r2, df, cond })
}

/// Two-sided p-value of a t statistic with `df` degrees of freedom.
pub fn t_pvalue(t: f64, df: usize) -> f64 {
    if df == 0 || !t.is_finite() {
        return if t.is_infinite() { 0.0 } else { f64::NAN };
    }
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(d) => 2.0 * (1.0 - d.cdf(t.abs())),
        Err(_) => f64::NAN,
    }
}

/// The (1 + level)/2 quantile of Student's t, for symmetric intervals.
pub fn t_quantile(level: f64, df: usize) -> f64 {
    let p = 0.5 + level / 2.0;
    match StudentsT::new(0.0, 1.0, df.max(1) as f64) {
        Ok(d) => d.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Linear-interpolation quantile (type 7) of an unsorted sample; NaNs are ignored.
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
}
