//! Yuan Chunqing's symbiosis degree δ and the allocation share θ (METHODS §2).
//!
//! δ_ij = (dZ_i/Z_i)/(dZ_j/Z_j) is an elasticity of i with respect to j. The allocation share
//! θ_i = δ_ij/(|δ_ij| + |δ_ji|) is as applied papers attribute it to Yuan (1998); it is **not
//! verified against the primary source** and is labelled so wherever it is printed.

use nalgebra::{DMatrix, DVector};
use symbiont_model::mode::SymbiosisMode;

use crate::classify::{ClassifyOptions, Coef};
use crate::stats::ols;

/// How δ is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DegreeEstimator {
    /// Median over periods of g_i/g_j. δ_ij·δ_ji ≡ 1 per period: cannot separate directions.
    PeriodRatio,
    /// Slope of ln Z_i on ln Z_j. β_ij·β_ji = R²: the signs are always equal.
    LogLog,
    /// Z_i = a + b Z_j + c Z_j², δ = f'(Z_j)·Z_j/Z_i at the last observation.
    Quadratic,
    /// Partial elasticity: ln Z_i(t) on ln Z_j(t), ln Z_i(t−1) and a trend. Conditions on
    /// other drivers, so the two directions can differ in sign.
    Partial,
}

impl DegreeEstimator {
    /// True when the estimator cannot, by construction, give the two directions different
    /// signs (parasitism and commensalism are unreachable).
    pub fn symmetric_by_construction(self) -> bool {
        matches!(self, DegreeEstimator::PeriodRatio | DegreeEstimator::LogLog)
    }

    pub fn warning(self) -> Option<&'static str> {
        match self {
            DegreeEstimator::PeriodRatio => Some(
                "period-ratio δ: δ_ij·δ_ji ≡ 1 in every period, so both directions always have \
                 the same sign; parasitism and commensalism cannot be found with this estimator",
            ),
            DegreeEstimator::LogLog => Some(
                "log-log δ: β_ij·β_ji = R², so both directions always have the same sign; \
                 parasitism and commensalism cannot be found with this estimator",
            ),
            DegreeEstimator::Quadratic => Some(
                "quadratic δ is a bivariate curve fit: it conditions on nothing else, so the two \
                 directions are weakly separated",
            ),
            DegreeEstimator::Partial => None,
        }
    }
}

/// δ_12, δ_21, the shares θ and the mode they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Degree {
    pub estimator: DegreeEstimator,
    pub d12: f64,
    pub d21: f64,
    /// θ_1 and θ_2 (unverified formula; see module docs).
    pub theta: (f64, f64),
    pub mode: SymbiosisMode,
    pub warning: Option<&'static str>,
}

/// Why δ could not be estimated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DegreeError {
    #[error("δ needs positive values; {unit} has {value} at position {index}")]
    NonPositive { unit: usize, index: usize, value: f64 },
    #[error("δ is not identified: {0}")]
    NotIdentified(String),
}

fn one(zi: &[f64], zj: &[f64], est: DegreeEstimator) -> Result<f64, DegreeError> {
    let m = zi.len();
    let fail = |e: crate::stats::OlsFailure| DegreeError::NotIdentified(format!("{e:?}"));
    match est {
        DegreeEstimator::PeriodRatio => {
            let mut r: Vec<f64> = (0..m - 1)
                .filter_map(|k| {
                    let gi = zi[k + 1] / zi[k] - 1.0;
                    let gj = zj[k + 1] / zj[k] - 1.0;
                    (gj != 0.0).then(|| gi / gj).filter(|v| v.is_finite())
                })
                .collect();
            if r.is_empty() {
                return Err(DegreeError::NotIdentified("the partner never changes".into()));
            }
            r.sort_by(|a, b| a.total_cmp(b));
            let h = r.len() / 2;
            Ok(if r.len() % 2 == 1 { r[h] } else { 0.5 * (r[h - 1] + r[h]) })
        }
        DegreeEstimator::LogLog => {
            let x = DMatrix::from_fn(m, 2, |k, c| if c == 0 { 1.0 } else { zj[k].ln() });
            let y = DVector::from_fn(m, |k, _| zi[k].ln());
            Ok(ols(&x, &y).map_err(fail)?.coef[1])
        }
        DegreeEstimator::Quadratic => {
            let x = DMatrix::from_fn(m, 3, |k, c| zj[k].powi(c as i32));
            let y = DVector::from_column_slice(zi);
            let f = ols(&x, &y).map_err(fail)?;
            let (zjl, zil) = (zj[m - 1], zi[m - 1]);
            Ok((f.coef[1] + 2.0 * f.coef[2] * zjl) * zjl / zil)
        }
        DegreeEstimator::Partial => {
            let x = DMatrix::from_fn(m - 1, 4, |k, c| match c {
                0 => 1.0,
                1 => zj[k + 1].ln(),
                2 => zi[k].ln(),
                _ => k as f64,
            });
            let y = DVector::from_fn(m - 1, |k, _| zi[k + 1].ln());
            Ok(ols(&x, &y).map_err(fail)?.coef[1])
        }
    }
}

/// δ_12 and δ_21 of two positive series, with θ and the mode.
pub fn degree(
    z1: &[f64],
    z2: &[f64],
    est: DegreeEstimator,
    classify: &ClassifyOptions,
) -> Result<Degree, DegreeError> {
    for (u, z) in [z1, z2].iter().enumerate() {
        if let Some((index, &value)) = z.iter().enumerate().find(|(_, v)| v.is_nan() || **v <= 0.0)
        {
            return Err(DegreeError::NonPositive { unit: u + 1, index, value });
        }
    }
    let d12 = one(z1, z2, est)?;
    let d21 = one(z2, z1, est)?;
    let denom = d12.abs() + d21.abs();
    let theta = if denom > 0.0 { (d12 / denom, d21 / denom) } else { (0.0, 0.0) };
    let mode = classify.classify(Coef::exact(d12), Coef::exact(d21));
    Ok(Degree { estimator: est, d12, d21, theta, mode, warning: est.warning() })
}

/// A "symmetric point" (共生稳态点 / 对称点): where the fitted degrees of the two directions are
/// equal, δ_12 = δ_21, found along the observed path.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricPoint {
    /// Position along the series (0 = first observation; fractional between observations).
    pub position: f64,
    /// Z_1 and Z_2 at that position (linear between observations).
    pub z: (f64, f64),
    /// The common degree δ_12 = δ_21 there.
    pub delta: f64,
}

/// The quadratic point elasticity of i on j at every observation: δ_ij(Z_j) = f'(Z_j)·Z_j/f(Z_j)
/// with Z_i = f(Z_j) = a + b Z_j + c Z_j² (the fitted curve, so δ is a function of Z_j alone).
fn quadratic_path(zi: &[f64], zj: &[f64]) -> Result<Vec<f64>, DegreeError> {
    let m = zi.len();
    let x = DMatrix::from_fn(m, 3, |k, c| zj[k].powi(c as i32));
    let y = DVector::from_column_slice(zi);
    let f = ols(&x, &y).map_err(|e| DegreeError::NotIdentified(format!("{e:?}")))?;
    let (a, b, c) = (f.coef[0], f.coef[1], f.coef[2]);
    Ok(zj
        .iter()
        .map(|&z| {
            let fz = a + b * z + c * z * z;
            if fz == 0.0 { f64::NAN } else { (b + 2.0 * c * z) * z / fz }
        })
        .collect())
}

/// Every symmetric point of two positive series, with the quadratic curves of applied papers:
/// the places along the observed path where δ_12 − δ_21 changes sign (or is zero), located by
/// linear interpolation between observations. Empty when the curves never cross.
pub fn symmetric_points(z1: &[f64], z2: &[f64]) -> Result<Vec<SymmetricPoint>, DegreeError> {
    for (u, z) in [z1, z2].iter().enumerate() {
        if let Some((index, &value)) = z.iter().enumerate().find(|(_, v)| v.is_nan() || **v <= 0.0)
        {
            return Err(DegreeError::NonPositive { unit: u + 1, index, value });
        }
    }
    if z1.len() != z2.len() || z1.len() < 4 {
        return Err(DegreeError::NotIdentified(
            "the quadratic curves need two series of equal length with at least 4 points".into(),
        ));
    }
    let d12 = quadratic_path(z1, z2)?;
    let d21 = quadratic_path(z2, z1)?;
    let diff: Vec<f64> = d12.iter().zip(&d21).map(|(a, b)| a - b).collect();
    let mut out = Vec::new();
    for k in 0..diff.len() {
        let (dk, dn) = (diff[k], diff.get(k + 1).copied().unwrap_or(f64::NAN));
        if !dk.is_finite() {
            continue;
        }
        if dk == 0.0 {
            out.push(SymmetricPoint { position: k as f64, z: (z1[k], z2[k]), delta: d12[k] });
        } else if dn.is_finite() && dn != 0.0 && dk.signum() != dn.signum() {
            let w = dk / (dk - dn);
            let lerp = |v: &[f64]| v[k] + w * (v[k + 1] - v[k]);
            out.push(SymmetricPoint {
                position: k as f64 + w,
                z: (lerp(z1), lerp(z2)),
                delta: lerp(&d12),
            });
        }
    }
    Ok(out)
}
