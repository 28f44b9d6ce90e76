//! Exact reduction by a Lagrangian bound (reduced-cost fixing).
//!
//! Dualise every row except the assignment rows (an enterprise takes one park at most) and
//! single-column rows (kept as bounds). For any multipliers λ ≥ 0 the relaxed problem splits
//! into one tiny problem per enterprise and gives an upper bound L(λ) on the MIP. Forcing
//! pair c into the plan gives the bound L(λ) − best_g + rc_c, where best_g is the best reduced
//! value of c's enterprise. If that is below the value of a known feasible plan, no plan
//! better than the known one uses c, so c can be left out without changing the optimum.
//! λ comes from a subgradient method; any λ ≥ 0 keeps the rule exact, a good λ prunes more.

use crate::lp::{LinearModel, Sense};
use crate::model::RowKind;

/// Result of the reduction: which columns may stay, and the bound found.
#[derive(Debug, Clone)]
pub struct Pruning {
    /// Per column: false when the column is proven useless (only integer columns are pruned).
    pub keep: Vec<bool>,
    /// The best Lagrangian upper bound (model units).
    pub bound: f64,
}

/// The relaxed problem: the one-park groups kept, every other row dualised (normalised, in
/// ≤ form), single-column rows kept as bounds.
struct Dualised {
    groups: Vec<Vec<usize>>,
    /// Continuous columns outside every group.
    free: Vec<usize>,
    lb: Vec<f64>,
    ub: Vec<f64>,
    dual_rows: Vec<usize>,
    norm: Vec<f64>,
    /// Per column: (dualised row index, normalised coefficient).
    col: Vec<Vec<(usize, f64)>>,
    rhs: Vec<f64>,
    eq: Vec<bool>,
}

impl Dualised {
    /// None when a free column is unbounded (every bound would be infinite).
    fn of(m: &LinearModel, kinds: &[RowKind]) -> Option<Dualised> {
        let n = m.vars.len();
        // Columns grouped by assignment rows; bounds tightened by single-column rows.
        let mut group_of = vec![usize::MAX; n];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut ub: Vec<f64> = m.vars.iter().map(|v| v.ub).collect();
        let lb: Vec<f64> = m.vars.iter().map(|v| v.lb).collect();
        let mut dual_rows = Vec::new();
        for (r, row) in m.rows.iter().enumerate() {
            if matches!(kinds.get(r), Some(RowKind::Assign { .. })) {
                let g = groups.len();
                for &(c, _) in &row.coeffs {
                    group_of[c] = g;
                }
                groups.push(row.coeffs.iter().map(|&(c, _)| c).collect());
            } else if row.coeffs.len() == 1 && row.sense == Sense::Le && row.coeffs[0].1 > 0.0 {
                let (c, a) = row.coeffs[0];
                ub[c] = ub[c].min(row.rhs / a);
            } else {
                dual_rows.push(r);
            }
        }
        // Integer columns outside any assignment row form their own group.
        for c in 0..n {
            if m.vars[c].integer && group_of[c] == usize::MAX {
                group_of[c] = groups.len();
                groups.push(vec![c]);
            }
        }
        let free: Vec<usize> = (0..n).filter(|&c| group_of[c] == usize::MAX).collect();
        if free.iter().any(|&c| !ub[c].is_finite() || !lb[c].is_finite()) {
            return None;
        }
        // Rows in ≤ form: sign = -1 for ≥ rows. Normalise each row so that steps are comparable.
        let mut sign = vec![1.0; m.rows.len()];
        let mut norm = vec![1.0; m.rows.len()];
        for &r in &dual_rows {
            let row = &m.rows[r];
            sign[r] = if row.sense == Sense::Ge { -1.0 } else { 1.0 };
            let amax = row.coeffs.iter().map(|&(_, a)| a.abs()).fold(0.0, f64::max);
            norm[r] = amax.max(row.rhs.abs() / row.coeffs.len().max(1) as f64).max(1e-12);
        }
        let mut col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (k, &r) in dual_rows.iter().enumerate() {
            for &(c, a) in &m.rows[r].coeffs {
                col[c].push((k, sign[r] * a / norm[r]));
            }
        }
        let rhs = dual_rows.iter().map(|&r| sign[r] * m.rows[r].rhs / norm[r]).collect();
        let eq = dual_rows.iter().map(|&r| m.rows[r].sense == Sense::Eq).collect();
        Some(Dualised { groups, free, lb, ub, dual_rows, norm, col, rhs, eq })
    }

    /// L(λ), with the reduced costs and the relaxed problem's optimum written into `rc`, `x`.
    fn eval(&self, m: &LinearModel, lam: &[f64], rc: &mut [f64], x: &mut [f64]) -> f64 {
        let mut l: f64 = lam.iter().zip(&self.rhs).map(|(a, b)| a * b).sum();
        for c in 0..m.vars.len() {
            rc[c] = m.vars[c].obj - self.col[c].iter().map(|&(k, a)| lam[k] * a).sum::<f64>();
            x[c] = 0.0;
        }
        for grp in &self.groups {
            let mut bc = usize::MAX;
            let mut bv = 0.0;
            for &c in grp {
                let v = rc[c] * self.ub[c].max(0.0);
                if v > bv {
                    bv = v;
                    bc = c;
                }
            }
            if bc != usize::MAX {
                x[bc] = self.ub[bc];
                l += bv;
            }
        }
        for &c in &self.free {
            x[c] = if rc[c] > 0.0 { self.ub[c] } else { self.lb[c] };
            l += rc[c] * x[c];
        }
        l
    }

    /// The subgradient at x (activity − rhs; 0 where λ = 0 and the row has room), and its
    /// squared norm.
    fn subgradient(&self, lam: &[f64], x: &[f64], g: &mut [f64]) -> f64 {
        g.fill(0.0);
        for (c, &xc) in x.iter().enumerate() {
            if xc != 0.0 {
                for &(k, a) in &self.col[c] {
                    g[k] += a * xc;
                }
            }
        }
        let mut g2 = 0.0;
        for k in 0..g.len() {
            g[k] -= self.rhs[k];
            if !self.eq[k] && lam[k] <= 0.0 && g[k] < 0.0 {
                g[k] = 0.0;
            }
            g2 += g[k] * g[k];
        }
        g2
    }
}

/// Run `iters` subgradient steps and prune. `incumbent` is a feasible point of `m`.
///
/// `start` (one multiplier per row of `m`, e.g. the absolute LP row duals from HiGHS) is the
/// first λ; with LP duals the bound starts at the LP bound.
pub fn lagrangian_prune(
    m: &LinearModel,
    kinds: &[RowKind],
    incumbent: &[f64],
    iters: usize,
    start: Option<&[f64]>,
) -> Pruning {
    let n = m.vars.len();
    let lower = m.objective(incumbent);
    let Some(d) = Dualised::of(m, kinds) else {
        // An unbounded continuous column would make every bound infinite: nothing to prune.
        return Pruning { keep: vec![true; n], bound: f64::INFINITY };
    };
    let mut lam: Vec<f64> = match start {
        Some(y) => d.dual_rows.iter().map(|&r| (y[r].abs() * d.norm[r]).max(0.0)).collect(),
        None => vec![0.0; d.dual_rows.len()],
    };
    let mut best_lam = lam.clone();
    let mut best = f64::INFINITY;
    let mut theta = 2.0;
    let mut since = 0;
    let mut rc = vec![0.0; n];
    let mut x = vec![0.0; n];
    let mut g = vec![0.0; d.dual_rows.len()];
    for _ in 0..iters {
        let l = d.eval(m, &lam, &mut rc, &mut x);
        if l < best - 1e-12 * l.abs().max(1.0) {
            best = l;
            best_lam.clone_from(&lam);
            since = 0;
        } else {
            since += 1;
            if since >= 40 {
                theta *= 0.5;
                since = 0;
            }
        }
        // g = activity − rhs: positive means violated, so raise λ.
        let g2 = d.subgradient(&lam, &x, &mut g);
        if g2 <= 1e-18 || best - lower <= 1e-12 * best.abs().max(1.0) || theta < 1e-6 {
            break;
        }
        let step = theta * (l - lower).max(1e-9 * l.abs().max(1.0)) / g2;
        for k in 0..lam.len() {
            lam[k] += step * g[k];
            if !d.eq[k] {
                lam[k] = lam[k].max(0.0);
            }
        }
    }
    let l = d.eval(m, &best_lam, &mut rc, &mut x);
    let bound = l.min(best);
    let mut keep = vec![true; n];
    let slack = 1e-9 * lower.abs().max(1.0);
    for grp in &d.groups {
        let bv = grp.iter().map(|&c| rc[c] * d.ub[c].max(0.0)).fold(0.0, f64::max);
        for &c in grp {
            let forced = l - bv + rc[c] * d.ub[c].max(0.0);
            if forced < lower - slack && incumbent[c] < 0.5 {
                keep[c] = false;
            }
        }
    }
    Pruning { keep, bound }
}
