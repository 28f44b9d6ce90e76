//! E1 (difference regression) and E4 (fixed capacities): per-unit OLS of growth rates.

use nalgebra::{DMatrix, DVector};

use crate::fit::{
    CapacityRule, Estimate, FitError, FitOptions, Form, Gof, GrowthRate, Series, Timing,
};
use crate::stats::{Ols, OlsFailure, ols};
use crate::system::Lv;

/// One unit's regression: `y = X b`, and the linear map from b to the unit's F2 row
/// (r_i, a_i1..a_in): `row = map · b`.
#[derive(Debug, Clone)]
pub(crate) struct RegUnit {
    pub unit: usize,
    pub x: DMatrix<f64>,
    pub y: DVector<f64>,
    pub map: DMatrix<f64>,
    /// Interval index (0-based, interval k = [t_k, t_{k+1}]) of each row.
    pub intervals: Vec<usize>,
}

/// The regression problem of E1 or E4 for all units.
#[derive(Debug, Clone)]
pub(crate) struct RegProblem {
    pub n: usize,
    pub units: Vec<RegUnit>,
}

/// Growth rate of unit i over interval k, or `None` by the bad-point rule (ratio ≤ 0 or not
/// finite).
fn growth(s: &Series, i: usize, k: usize, rate: GrowthRate) -> Option<f64> {
    let (a, b) = (s.x[i][k], s.x[i][k + 1]);
    let dt = s.t[k + 1] - s.t[k];
    let ratio = b / a;
    if !(ratio > 0.0 && ratio.is_finite() && a.is_finite() && b.is_finite()) {
        return None;
    }
    let g = match rate {
        GrowthRate::Simple => (b - a) / (a * dt),
        GrowthRate::Log => ratio.ln() / dt,
    };
    g.is_finite().then_some(g)
}

fn regressor(s: &Series, j: usize, k: usize, timing: Timing) -> f64 {
    match timing {
        Timing::Lag => s.x[j][k],
        Timing::Midpoint => 0.5 * (s.x[j][k] + s.x[j][k + 1]),
    }
}

/// Build E1's problem: g_i = b0 + Σ_j b_j x_j (own term dropped in F3).
pub(crate) fn e1_problem(s: &Series, opts: &FitOptions, dropped: &mut Vec<String>) -> RegProblem {
    let n = s.n();
    let m = s.len() - 1;
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let cols: Vec<usize> = (0..n).filter(|&j| !(opts.form == Form::F3 && j == i)).collect();
        let k = 1 + cols.len();
        let mut rows = Vec::new();
        let mut y = Vec::new();
        let mut intervals = Vec::new();
        for iv in 0..m {
            match growth(s, i, iv, opts.growth) {
                Some(g) => {
                    y.push(g);
                    rows.push(1.0);
                    rows.extend(cols.iter().map(|&j| regressor(s, j, iv, opts.timing)));
                    intervals.push(iv);
                }
                None => dropped.push(format!(
                    "{}: interval {}–{} dropped (growth ratio ≤ 0 or not finite)",
                    s.names[i],
                    s.t[iv],
                    s.t[iv + 1]
                )),
            }
        }
        let x = DMatrix::from_row_slice(y.len(), k, &rows);
        let mut map = DMatrix::zeros(1 + n, k);
        map[(0, 0)] = 1.0;
        for (c, &j) in cols.iter().enumerate() {
            map[(1 + j, 1 + c)] = 1.0;
        }
        units.push(RegUnit { unit: i, x, y: DVector::from_vec(y), map, intervals });
    }
    RegProblem { n, units }
}

/// Capacities for E4.
pub(crate) fn capacities(
    s: &Series,
    opts: &FitOptions,
    dropped: &mut Vec<String>,
) -> Result<Vec<f64>, FitError> {
    (0..s.n())
        .map(|i| match opts.capacity {
            CapacityRule::MaxTimes(f) => {
                let mx = s.x[i].iter().copied().fold(f64::NEG_INFINITY, f64::max);
                Ok(mx * f)
            }
            CapacityRule::Logistic => {
                let m = s.len() - 1;
                let mut rows = Vec::new();
                let mut y = Vec::new();
                for iv in 0..m {
                    if let Some(g) = growth(s, i, iv, opts.growth) {
                        y.push(g);
                        rows.extend([1.0, regressor(s, i, iv, opts.timing)]);
                    } else {
                        dropped.push(format!(
                            "{}: interval {}–{} dropped from the logistic capacity fit",
                            s.names[i],
                            s.t[iv],
                            s.t[iv + 1]
                        ));
                    }
                }
                let x = DMatrix::from_row_slice(y.len(), 2, &rows);
                let fit =
                    ols(&x, &DVector::from_vec(y)).map_err(|f| not_identified(&s.names[i], f))?;
                let (b0, b1) = (fit.coef[0], fit.coef[1]);
                if b1 >= 0.0 || b0 <= 0.0 {
                    return Err(FitError::NotIdentified {
                        what: format!("capacity N of {}", s.names[i]),
                        reason: format!(
                            "the single-species logistic fit gives intercept {b0:.4} and slope \
                             {b1:.3e}; a finite capacity needs intercept > 0 and slope < 0 (the \
                             series looks like it is still in its exponential phase). Fix the \
                             capacity instead, e.g. max × 1.5"
                        ),
                    });
                }
                Ok(-b0 / b1)
            }
        })
        .collect()
}

/// Build E4's problem: g_i = r_i (1 − x_i/N_i) + Σ_{j≠i} c_ij x_j/N_j, with c_ij = r_i σ_ij.
pub(crate) fn e4_problem(
    s: &Series,
    opts: &FitOptions,
    cap: &[f64],
    dropped: &mut Vec<String>,
) -> RegProblem {
    let n = s.n();
    let m = s.len() - 1;
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        let k = 1 + others.len();
        let mut rows = Vec::new();
        let mut y = Vec::new();
        let mut intervals = Vec::new();
        for iv in 0..m {
            match growth(s, i, iv, opts.growth) {
                Some(g) => {
                    y.push(g);
                    rows.push(1.0 - regressor(s, i, iv, opts.timing) / cap[i]);
                    rows.extend(others.iter().map(|&j| regressor(s, j, iv, opts.timing) / cap[j]));
                    intervals.push(iv);
                }
                None => dropped.push(format!(
                    "{}: interval {}–{} dropped (growth ratio ≤ 0 or not finite)",
                    s.names[i],
                    s.t[iv],
                    s.t[iv + 1]
                )),
            }
        }
        let x = DMatrix::from_row_slice(y.len(), k, &rows);
        let mut map = DMatrix::zeros(1 + n, k);
        map[(0, 0)] = 1.0;
        map[(1 + i, 0)] = -1.0 / cap[i];
        for (c, &j) in others.iter().enumerate() {
            map[(1 + j, 1 + c)] = 1.0 / cap[j];
        }
        units.push(RegUnit { unit: i, x, y: DVector::from_vec(y), map, intervals });
    }
    RegProblem { n, units }
}

pub(crate) fn not_identified(name: &str, f: OlsFailure) -> FitError {
    match f {
        OlsFailure::TooFewRows { rows, cols } => FitError::NotIdentified {
            what: format!("the growth regression of {name}"),
            reason: format!(
                "{rows} usable growth rates for {cols} coefficients; at least {} are needed",
                cols + 1
            ),
        },
        OlsFailure::Collinear { cond } => FitError::NotIdentified {
            what: format!("the growth regression of {name}"),
            reason: format!(
                "the regressors are collinear (condition number {cond:.2e} after scaling, limit \
                 {:.0e}): the data cannot separate their effects",
                crate::stats::COND_NOT_IDENTIFIED
            ),
        },
    }
}

/// Solve the problem: OLS per unit, mapped to F2 with its covariance (block-diagonal: the
/// per-unit regressions are treated as independent).
pub(crate) fn solve(p: &RegProblem, names: &[String]) -> Result<(Estimate, Vec<Ols>), FitError> {
    let n = p.n;
    let dim = n + n * n;
    let mut r = vec![0.0; n];
    let mut a = vec![0.0; n * n];
    let mut cov = DMatrix::zeros(dim, dim);
    let mut pval = vec![None; dim];
    let mut free = vec![false; dim];
    let mut fits = Vec::with_capacity(n);
    let mut notes = Vec::new();
    for u in &p.units {
        let i = u.unit;
        let fit = ols(&u.x, &u.y).map_err(|f| not_identified(&names[i], f))?;
        if fit.cond > 1e4 {
            notes.push(format!(
                "{}: regressors nearly collinear (condition number {:.1e}); standard errors are \
                 large and signs may flip between samples",
                names[i], fit.cond
            ));
        }
        let b = DVector::from_column_slice(&fit.coef);
        let row = &u.map * &b;
        let c = &u.map * &fit.cov * u.map.transpose();
        // Index of F2 row entry e (0 = r_i, 1 + j = a_ij) in the (r, a) vector.
        let idx = |e: usize| if e == 0 { i } else { n + i * n + (e - 1) };
        for e in 0..=n {
            let used = u.map.row(e).iter().any(|&v| v != 0.0);
            if e == 0 {
                r[i] = row[0];
            } else {
                a[i * n + e - 1] = row[e];
            }
            free[idx(e)] = used;
            for f in 0..=n {
                cov[(idx(e), idx(f))] = c[(e, f)];
            }
            // p-value of an F2 entry that is a pure rescaling of one coefficient.
            let nz: Vec<usize> = (0..u.map.ncols()).filter(|&k| u.map[(e, k)] != 0.0).collect();
            if nz.len() == 1 {
                pval[idx(e)] = Some(fit.p[nz[0]]);
            }
        }
        fits.push(fit);
    }
    let lv = Lv::new(r, a).map_err(|e| FitError::NotIdentified {
        what: "the coefficients".into(),
        reason: e.to_string(),
    })?;
    let rss: f64 = fits.iter().map(|f| f.rss).sum();
    let nobs: usize = fits.iter().map(|f| f.resid.len()).sum();
    let k: usize = p.units.iter().map(|u| u.x.ncols()).sum();
    let aic = fits
        .iter()
        .map(|f| {
            let m = f.resid.len() as f64;
            m * (f.rss / m).max(f64::MIN_POSITIVE).ln()
        })
        .sum::<f64>()
        + 2.0 * k as f64;
    let gof = Gof {
        space: "growth rates",
        r2: fits.iter().map(|f| f.r2).collect(),
        rmse: (rss / nobs as f64).sqrt(),
        aic,
        rss,
        n_obs: nobs,
        n_params: k,
    };
    let df = fits.iter().map(|f| f.df).min().unwrap_or(0);
    Ok((
        Estimate { lv, free, cov: Some(cov), p: pval, df, x0: None, gof, notes, converged: None },
        fits,
    ))
}
