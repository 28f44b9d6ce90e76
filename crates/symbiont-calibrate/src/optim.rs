//! Derivative-free minimisers for the method of simulated moments: Nelder-Mead with restarts,
//! and CMA-ES. Both take the objective as a batch function (`points -> values`), so that the
//! simplex's first vertices and every CMA-ES generation go to the simulator in one call.
//!
//! Non-finite values (a failed simulation, a point outside the prior's support) count as
//! `+∞`. Both are deterministic: Nelder-Mead has no randomness, CMA-ES draws from a stream
//! derived from the caller's seed.

use nalgebra::{DMatrix, DVector, SymmetricEigen};
use rand_distr::{Distribution, StandardNormal};
use symbiont_model::seed;

use crate::stream::Stream;

/// What a minimiser found.
#[derive(Debug, Clone, PartialEq)]
pub struct OptResult {
    pub x: Vec<f64>,
    pub f: f64,
    /// Objective evaluations (points).
    pub evaluations: usize,
    /// Whether a convergence test (not the evaluation cap) ended the search.
    pub converged: bool,
}

fn clean(v: f64) -> f64 {
    if v.is_nan() { f64::INFINITY } else { v }
}

/// Nelder-Mead (Nelder and Mead 1965, with the standard coefficients 1, 2, 1/2, 1/2) from
/// `x0` with initial steps `step`, restarted from the best vertex with a fresh simplex until
/// a restart no longer improves on it (at most 3 restarts), since a simplex can collapse
/// before the minimum. Converged when the values of the simplex agree within
/// `tol · (1 + |f_best|)` and its vertices within `tol` (in the coordinates given).
pub fn nelder_mead(
    f: &mut dyn FnMut(&[Vec<f64>]) -> Vec<f64>,
    x0: &[f64],
    step: &[f64],
    tol: f64,
    max_evaluations: usize,
) -> OptResult {
    let mut best = OptResult { x: x0.to_vec(), f: f64::INFINITY, evaluations: 0, converged: false };
    let mut scale = 1.0;
    for restart in 0..4 {
        let start = best.x.clone();
        let steps: Vec<f64> = step.iter().map(|s| s * scale).collect();
        let left = max_evaluations.saturating_sub(best.evaluations);
        if left == 0 {
            break;
        }
        let r = nm_once(f, &start, &steps, tol, left);
        let improved = r.f < best.f - tol * (1.0 + best.f.abs());
        let first = restart == 0;
        best.evaluations += r.evaluations;
        if r.f < best.f {
            best.x = r.x;
            best.f = r.f;
        }
        best.converged = r.converged;
        if !r.converged || (!first && !improved) {
            break;
        }
        scale *= 0.5;
    }
    best
}

fn nm_once(
    f: &mut dyn FnMut(&[Vec<f64>]) -> Vec<f64>,
    x0: &[f64],
    step: &[f64],
    tol: f64,
    max_evaluations: usize,
) -> OptResult {
    let n = x0.len();
    let mut pts: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += if step[i] != 0.0 { step[i] } else { 0.05 };
        pts.push(p);
    }
    let mut vals: Vec<f64> = f(&pts).into_iter().map(clean).collect();
    let mut evals = n + 1;
    let one = |f: &mut dyn FnMut(&[Vec<f64>]) -> Vec<f64>, p: &Vec<f64>, evals: &mut usize| {
        *evals += 1;
        clean(f(std::slice::from_ref(p))[0])
    };
    let converged = loop {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]).then(a.cmp(&b)));
        pts = order.iter().map(|&i| pts[i].clone()).collect();
        vals = order.iter().map(|&i| vals[i]).collect();
        let fspread = vals.iter().map(|v| (v - vals[0]).abs()).fold(0.0, f64::max);
        let xspread = pts[1..]
            .iter()
            .flat_map(|p| p.iter().zip(&pts[0]).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if vals[0].is_finite() && fspread <= tol * (1.0 + vals[0].abs()) && xspread <= tol {
            break true;
        }
        if evals >= max_evaluations {
            break false;
        }
        let c: Vec<f64> =
            (0..n).map(|j| pts[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64).collect();
        let along = |t: f64, p: &[f64]| -> Vec<f64> {
            c.iter().zip(p).map(|(c, x)| c + t * (x - c)).collect()
        };
        let xr = along(-1.0, &pts[n]);
        let fr = one(f, &xr, &mut evals);
        if fr < vals[0] {
            let xe = along(-2.0, &pts[n]);
            let fe = one(f, &xe, &mut evals);
            if fe < fr {
                pts[n] = xe;
                vals[n] = fe;
            } else {
                pts[n] = xr;
                vals[n] = fr;
            }
            continue;
        }
        if fr < vals[n - 1] {
            pts[n] = xr;
            vals[n] = fr;
            continue;
        }
        let (xc, fc, ok) = if fr < vals[n] {
            let xc = along(-0.5, &pts[n]);
            let fc = one(f, &xc, &mut evals);
            (xc, fc, fc <= fr)
        } else {
            let xc = along(0.5, &pts[n]);
            let fc = one(f, &xc, &mut evals);
            (xc, fc, fc < vals[n])
        };
        if ok {
            pts[n] = xc;
            vals[n] = fc;
            continue;
        }
        // Shrink towards the best vertex.
        let b = pts[0].clone();
        let shrunk: Vec<Vec<f64>> = pts[1..]
            .iter()
            .map(|p| b.iter().zip(p).map(|(b, x)| b + 0.5 * (x - b)).collect())
            .collect();
        let fs = f(&shrunk);
        evals += n;
        for (i, (p, v)) in shrunk.into_iter().zip(fs).enumerate() {
            pts[i + 1] = p;
            vals[i + 1] = clean(v);
        }
    };
    OptResult { x: pts[0].clone(), f: vals[0], evaluations: evals, converged }
}

/// Options of CMA-ES.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CmaOptions {
    /// Initial step size (in the coordinates given).
    pub sigma: f64,
    /// Population λ (default `4 + ⌊3 ln n⌋`).
    pub population: Option<usize>,
    pub tol: f64,
    pub max_evaluations: usize,
    pub seed: u64,
}

/// CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial", with its default
/// parameters): weighted recombination of the best half, cumulative step-size adaptation,
/// rank-one and rank-μ covariance updates. Candidates that `feasible` rejects are redrawn
/// (up to 100 times), so a bounded prior does not waste simulations. Stops when the step
/// (σ times the largest axis) falls below `tol`, when the best values of the last
/// `10 + 30n/λ` generations agree within `tol · (1 + |f|)`, or at the evaluation cap.
pub fn cma_es(
    f: &mut dyn FnMut(&[Vec<f64>]) -> Vec<f64>,
    feasible: &dyn Fn(&[f64]) -> bool,
    x0: &[f64],
    opts: &CmaOptions,
) -> OptResult {
    let n = x0.len();
    let nf = n as f64;
    let lambda = opts.population.unwrap_or(4 + (3.0 * nf.ln()).floor() as usize).max(4);
    let mu = lambda / 2;
    let mut w: Vec<f64> =
        (0..mu).map(|i| ((lambda as f64 + 1.0) / 2.0).ln() - ((i + 1) as f64).ln()).collect();
    let ws: f64 = w.iter().sum();
    w.iter_mut().for_each(|x| *x /= ws);
    let mueff = 1.0 / w.iter().map(|x| x * x).sum::<f64>();
    let cs = (mueff + 2.0) / (nf + mueff + 5.0);
    let ds = 1.0 + 2.0 * (((mueff - 1.0) / (nf + 1.0)).sqrt() - 1.0).max(0.0) + cs;
    let cc = (4.0 + mueff / nf) / (nf + 4.0 + 2.0 * mueff / nf);
    let c1 = 2.0 / ((nf + 1.3).powi(2) + mueff);
    let cmu = (1.0 - c1).min(2.0 * (mueff - 2.0 + 1.0 / mueff) / ((nf + 2.0).powi(2) + mueff));
    let chin = nf.sqrt() * (1.0 - 1.0 / (4.0 * nf) + 1.0 / (21.0 * nf * nf));

    let mut m = DVector::from_column_slice(x0);
    let mut sigma = opts.sigma;
    let mut c = DMatrix::<f64>::identity(n, n);
    let mut b = DMatrix::<f64>::identity(n, n);
    let mut dd = DVector::<f64>::from_element(n, 1.0);
    let mut ps = DVector::<f64>::zeros(n);
    let mut pc = DVector::<f64>::zeros(n);
    let mut best = OptResult { x: x0.to_vec(), f: f64::INFINITY, evaluations: 0, converged: false };
    let hist_len = 10 + (30.0 * nf / lambda as f64).ceil() as usize;
    let mut history: Vec<f64> = Vec::new();
    let mut generation = 0u64;
    while best.evaluations + lambda <= opts.max_evaluations.max(lambda) {
        let mut rng = Stream::at(opts.seed, &[seed::label("cma-es"), generation]);
        let mut ys: Vec<DVector<f64>> = Vec::with_capacity(lambda);
        let mut xs: Vec<Vec<f64>> = Vec::with_capacity(lambda);
        for _ in 0..lambda {
            let mut y = DVector::zeros(n);
            for _ in 0..100 {
                let z = DVector::from_fn(n, |_, _| StandardNormal.sample(&mut rng));
                y = &b * dd.component_mul(&z);
                let x = &m + sigma * &y;
                if feasible(x.as_slice()) {
                    break;
                }
            }
            xs.push((&m + sigma * &y).as_slice().to_vec());
            ys.push(y);
        }
        let fv: Vec<f64> = f(&xs).into_iter().map(clean).collect();
        best.evaluations += lambda;
        let mut order: Vec<usize> = (0..lambda).collect();
        order.sort_by(|&a, &b| fv[a].total_cmp(&fv[b]).then(a.cmp(&b)));
        if fv[order[0]] < best.f {
            best.f = fv[order[0]];
            best.x = xs[order[0]].clone();
        }
        let yw =
            order[..mu].iter().zip(&w).fold(DVector::zeros(n), |acc, (&i, &wi)| acc + wi * &ys[i]);
        m += sigma * &yw;
        // C^(-1/2) y_w = B D⁻¹ Bᵀ y_w
        let cinv_half_yw = &b * (b.transpose() * &yw).component_div(&dd);
        ps = (1.0 - cs) * &ps + (cs * (2.0 - cs) * mueff).sqrt() * cinv_half_yw;
        let hs_lhs = ps.norm() / (1.0 - (1.0 - cs).powf(2.0 * (generation as f64 + 1.0))).sqrt();
        let hs = if hs_lhs < (1.4 + 2.0 / (nf + 1.0)) * chin { 1.0 } else { 0.0 };
        pc = (1.0 - cc) * &pc + hs * (cc * (2.0 - cc) * mueff).sqrt() * &yw;
        let mut rank_mu = DMatrix::<f64>::zeros(n, n);
        for (&i, &wi) in order[..mu].iter().zip(&w) {
            rank_mu += wi * &ys[i] * ys[i].transpose();
        }
        c = (1.0 - c1 - cmu + (1.0 - hs) * c1 * cc * (2.0 - cc)) * &c
            + c1 * &pc * pc.transpose()
            + cmu * rank_mu;
        sigma *= ((cs / ds) * (ps.norm() / chin - 1.0)).exp();
        c = 0.5 * (&c + c.transpose());
        let eig = SymmetricEigen::new(c.clone());
        b = eig.eigenvectors;
        dd = eig.eigenvalues.map(|v| v.max(1e-300).sqrt());
        generation += 1;

        history.push(fv[order[0]]);
        let axis = dd.max();
        if sigma * axis < opts.tol {
            best.converged = true;
            break;
        }
        if history.len() >= hist_len {
            let recent = &history[history.len() - hist_len..];
            let (lo, hi) = recent
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
            if lo.is_finite() && hi - lo <= opts.tol * (1.0 + lo.abs()) {
                best.converged = true;
                break;
            }
        }
        if dd.max() / dd.min() > 1e7 {
            // Condition number of C above 1e14: nothing more to learn.
            best.converged = true;
            break;
        }
    }
    best
}
