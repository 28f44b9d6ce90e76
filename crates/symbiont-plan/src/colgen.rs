//! The LP relaxation of the planning MIP by column generation, for the pure-Rust backend.
//!
//! The relaxation has one column per (enterprise, park) pair (12,006 in the default scenario)
//! but only about a hundred rows that couple enterprises (park capacities, factors,
//! suppliers, guidance, chain links); every other row says that an enterprise takes one park
//! at most. At the optimum only a few hundred pairs matter. So the LP is solved over a small
//! set S of pairs (the restricted master) and grown by pricing: a pair whose reduced cost
//! under the master's duals is positive joins S. microlp gives no duals, so the master's
//! **dual** is solved explicitly; adding a pair to S adds one row to that dual, which microlp
//! re-optimises from the previous basis (dual simplex).
//!
//! At every round the duals y also give a valid upper bound on the whole LP, hence on the MIP
//! (the Lagrangian bound with the coupling rows dualised and the one-park rows kept). When no
//! pair prices out, that bound equals the master's value: the LP is solved exactly, and the
//! duals are the LP's own. The primal point comes from one last solve of the master.
//!
//! Everything here is exact: no pair is dropped for good, the stopping rule is the LP's
//! optimality condition (no positive reduced cost), and a structure that does not fit (an
//! integer column with an upper bound below its one-park row) makes the caller fall back to
//! the full LP.

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use crate::lp::{LinearModel, Sense, SolveSettings};
use crate::model::RowKind;

/// The LP relaxation of a model.
#[derive(Debug, Clone)]
pub struct LpRelaxation {
    /// Value of every column of the full model (columns never generated sit at their lower
    /// bound).
    pub values: Vec<f64>,
    /// The LP optimum (model units).
    pub objective: f64,
    /// Row duals of the full model, ≥ 0 in the row's own sense (the gain of loosening it by
    /// one unit); free rows (equalities) keep their sign.
    pub duals: Vec<f64>,
    /// The best upper bound met on the way (equal to `objective` up to round-off when the
    /// pricing converged).
    pub bound: f64,
    /// Integer columns in the final master, and pricing rounds.
    pub generated: usize,
    pub rounds: usize,
    /// Whether the pricing converged (the LP is solved). When the time limit stopped it,
    /// `values` is the optimum over the pairs generated so far (a feasible LP point, not the
    /// LP optimum) and `bound` the best Lagrangian bound met, still a valid upper bound.
    pub converged: bool,
    /// The integer columns of the final master.
    pub support: Vec<usize>,
}

/// Pairs added per pricing round, at most one per enterprise. Small on purpose: microlp adds
/// a row to the dual by refactorising the whole basis, so the time grows with the square of
/// the final master's size, and few pairs per round (priced with fresher duals) end with a far
/// smaller master. Measured (docs/performance.md, 2026-11-30): on the default scenario 150 per
/// round ends with 1,883 pairs in 1.0 s, 10 per round with 462 pairs in 0.16 s; on the
/// 10,001 × 20 instance 14.0 s against 4.5 s, with the same LP optimum.
const PER_ROUND: usize = 10;
/// Every round adds at least one pair, so this only guards against cycling on round-off.
const MAX_ROUNDS: usize = 5_000;

/// Solve the LP relaxation of `m` by column generation. `seed` lists integer columns to start
/// the master with; it must contain a feasible point's support (e.g. a greedy plan, or the
/// support that [`feasible_support`] finds), or the master may be infeasible (then `None`).
/// `None` also when the model does not have the one-park structure or microlp fails: the
/// caller then solves the full LP. The pricing stops at the time limit of `settings` with
/// what it has (`converged: false`).
pub fn lp_relaxation(
    m: &LinearModel,
    kinds: &[RowKind],
    seed: &[usize],
    settings: &SolveSettings,
) -> Option<LpRelaxation> {
    let st = Structure::of(m, kinds)?;
    let n = m.vars.len();
    let (mut dual, y, mu, z) = st.dual(m);
    let row_of = |c: usize| -> Vec<(microlp::Variable, f64)> {
        let mut e: Vec<(microlp::Variable, f64)> =
            st.col[c].iter().map(|&(k, a)| (y[k], a)).collect();
        if st.group_of[c] != usize::MAX {
            e.push((mu[st.group_of[c]], 1.0));
        }
        if let Some(zc) = z[c] {
            e.push((zc, 1.0));
        }
        e
    };
    let mut in_s = vec![false; n];
    for &c in &st.core {
        in_s[c] = true;
        dual.add_constraint(row_of(c), ComparisonOp::Ge, m.vars[c].obj);
    }
    for &c in seed {
        if c < n && !in_s[c] && m.vars[c].integer && st.ub[c] > 0.0 {
            in_s[c] = true;
            dual.add_constraint(row_of(c), ComparisonOp::Ge, m.vars[c].obj);
        }
    }
    let mut sol = dual.solve().ok()?.into_solution().ok()?;
    let mut bound = f64::INFINITY;
    let mut rounds = 0;
    let scale = m.vars.iter().map(|v| v.obj.abs()).fold(0.0, f64::max).max(1e-12);
    let tol = 1e-9 * scale;
    loop {
        rounds += 1;
        let yv: Vec<f64> = y.iter().map(|v| sol.var_value(*v)).collect();
        let muv: Vec<f64> = mu.iter().map(|v| sol.var_value(*v)).collect();
        let (l, best) = st.price(m, &yv, tol);
        bound = bound.min(l);
        let value = sol.objective() + st.constant;
        // Pairs that price out: best pair of each enterprise with rc − μ > 0.
        let mut enter: Vec<(f64, usize)> = (0..best.len())
            .filter_map(|g| {
                let (v, c) = best[g];
                (c != usize::MAX && !in_s[c] && v - muv[g] > tol).then_some((v - muv[g], c))
            })
            .collect();
        let converged = enter.is_empty() || bound - value <= 1e-9 * value.abs().max(scale);
        if enter.is_empty() {
            // No pair prices out: the master's optimum is the full LP's (LP duality), a bound
            // on the MIP whatever the Lagrangian at these duals says.
            bound = bound.min(value);
        }
        let stopped = !converged && settings.expired();
        if converged || stopped || rounds >= MAX_ROUNDS {
            if !stopped && !enter.is_empty() && bound - value > 1e-6 * value.abs().max(scale) {
                return None; // not converged: let the caller solve the full LP
            }
            let values = primal(m, &in_s, &st.lb)?;
            let objective = m.objective(&values);
            let support: Vec<usize> = (0..n).filter(|&c| in_s[c] && m.vars[c].integer).collect();
            return Some(LpRelaxation {
                values,
                objective,
                duals: st.full_duals(m.rows.len(), &yv, &muv),
                bound: bound.max(objective),
                generated: support.len(),
                rounds,
                converged: !stopped,
                support,
            });
        }
        enter.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        enter.truncate(PER_ROUND);
        for (_, c) in enter {
            in_s[c] = true;
            sol = sol
                .add_constraint(row_of(c), ComparisonOp::Ge, m.vars[c].obj)
                .ok()?
                .into_solution()
                .ok()?;
        }
    }
}

/// The structure column generation relies on: lower bounds shifted to zero, the one-park
/// groups, the coupling rows (in ≤ form) and the columns' view of them.
struct Structure {
    lb: Vec<f64>,
    /// Upper bounds after the shift (x = lb + x').
    ub: Vec<f64>,
    /// Right-hand sides after the shift.
    rhs: Vec<f64>,
    /// The objective's value at the lower bounds.
    constant: f64,
    /// Group of each column (usize::MAX: none): one-park rows, and integer columns outside
    /// any such row (own group, rhs = ub).
    group_of: Vec<usize>,
    group_rhs: Vec<f64>,
    group_row: Vec<Option<usize>>,
    coupling: Vec<usize>,
    /// Continuous columns, always in the master.
    core: Vec<usize>,
    /// −1 for ≥ rows, so that every coupling row reads ≤.
    sign: Vec<f64>,
    /// Per column: (coupling row index, coefficient in ≤ form).
    col: Vec<Vec<(usize, f64)>>,
}

impl Structure {
    /// None when the model does not have the one-park structure.
    fn of(m: &LinearModel, kinds: &[RowKind]) -> Option<Structure> {
        let n = m.vars.len();
        let lb: Vec<f64> = m.vars.iter().map(|v| v.lb).collect();
        if lb.iter().any(|l| !l.is_finite()) {
            return None;
        }
        let ub: Vec<f64> = m.vars.iter().map(|v| v.ub - v.lb).collect();
        let mut rhs: Vec<f64> = m.rows.iter().map(|r| r.rhs).collect();
        for (r, row) in m.rows.iter().enumerate() {
            for &(c, a) in &row.coeffs {
                rhs[r] -= a * lb[c];
            }
        }
        let constant: f64 = m.vars.iter().zip(&lb).map(|(v, l)| v.obj * l).sum();
        let mut group_of = vec![usize::MAX; n];
        let mut group_rhs: Vec<f64> = Vec::new();
        let mut group_row: Vec<Option<usize>> = Vec::new();
        let mut coupling = Vec::new();
        for (r, row) in m.rows.iter().enumerate() {
            let gub = matches!(kinds.get(r), Some(RowKind::Assign { .. }))
                && row.sense == Sense::Le
                && row.coeffs.iter().all(|&(_, a)| a == 1.0);
            if !gub {
                coupling.push(r);
                continue;
            }
            for &(c, _) in &row.coeffs {
                if group_of[c] != usize::MAX {
                    return None;
                }
                group_of[c] = group_rhs.len();
            }
            group_rhs.push(rhs[r]);
            group_row.push(Some(r));
        }
        let mut core = Vec::new();
        for c in 0..n {
            if ub[c] <= 0.0 {
                continue; // fixed at its lower bound
            }
            if !m.vars[c].integer {
                core.push(c);
            } else if group_of[c] == usize::MAX {
                if !ub[c].is_finite() {
                    return None;
                }
                group_of[c] = group_rhs.len();
                group_rhs.push(ub[c]);
                group_row.push(None);
            } else if ub[c] < group_rhs[group_of[c]] {
                return None; // the bound is not implied by the one-park row
            }
        }
        let sign: Vec<f64> =
            m.rows.iter().map(|r| if r.sense == Sense::Ge { -1.0 } else { 1.0 }).collect();
        let mut col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (k, &r) in coupling.iter().enumerate() {
            for &(c, a) in &m.rows[r].coeffs {
                col[c].push((k, sign[r] * a));
            }
        }
        Some(Structure {
            lb,
            ub,
            rhs,
            constant,
            group_of,
            group_rhs,
            group_row,
            coupling,
            core,
            sign,
            col,
        })
    }

    /// The master's dual, without its rows: min Σ b·y + Σ rhs_g·μ_g + Σ ub·z, whose rows (one
    /// per column in S) read Σ a·y + μ_g + z_c ≥ obj_c. Returns it with y, μ and z.
    #[allow(clippy::type_complexity)]
    fn dual(
        &self,
        m: &LinearModel,
    ) -> (Problem, Vec<microlp::Variable>, Vec<microlp::Variable>, Vec<Option<microlp::Variable>>)
    {
        let mut dual = Problem::new(OptimizationDirection::Minimize);
        let y = self
            .coupling
            .iter()
            .map(|&r| {
                let lo = if m.rows[r].sense == Sense::Eq { f64::NEG_INFINITY } else { 0.0 };
                dual.add_var(self.sign[r] * self.rhs[r], (lo, f64::INFINITY))
            })
            .collect();
        let mu = self.group_rhs.iter().map(|&b| dual.add_var(b, (0.0, f64::INFINITY))).collect();
        let mut z = vec![None; m.vars.len()];
        for &c in &self.core {
            if self.ub[c].is_finite() {
                z[c] = Some(dual.add_var(self.ub[c], (0.0, f64::INFINITY)));
            }
        }
        (dual, y, mu, z)
    }

    /// Pricing at coupling duals y: the Lagrangian bound L(y) of the whole model, and per
    /// group its best column by reduced cost (without the group's dual) as (rc, column).
    fn price(&self, m: &LinearModel, yv: &[f64], tol: f64) -> (f64, Vec<(f64, usize)>) {
        let mut l = self.constant;
        for (k, &r) in self.coupling.iter().enumerate() {
            l += self.sign[r] * self.rhs[r] * yv[k];
        }
        let mut best = vec![(0.0f64, usize::MAX); self.group_rhs.len()];
        for c in 0..m.vars.len() {
            if self.ub[c] <= 0.0 {
                continue;
            }
            let rc = m.vars[c].obj - self.col[c].iter().map(|&(k, a)| a * yv[k]).sum::<f64>();
            let g = self.group_of[c];
            if g != usize::MAX {
                if rc > best[g].0 {
                    best[g] = (rc, c);
                }
            } else if rc > tol {
                // Round-off on a column whose dual row holds must not make the bound infinite.
                l += rc * self.ub[c];
            }
        }
        for (g, b) in best.iter().enumerate() {
            l += self.group_rhs[g] * b.0;
        }
        (l, best)
    }

    /// Row duals of the full model from the coupling and group duals.
    fn full_duals(&self, rows: usize, yv: &[f64], muv: &[f64]) -> Vec<f64> {
        let mut duals = vec![0.0; rows];
        for (k, &r) in self.coupling.iter().enumerate() {
            duals[r] = yv[k];
        }
        for (g, r) in self.group_row.iter().enumerate() {
            if let Some(r) = r {
                duals[*r] = muv[g];
            }
        }
        duals
    }
}

/// The master's primal point: the LP over the columns in S (others at their lower bound).
fn primal(m: &LinearModel, in_s: &[bool], lb: &[f64]) -> Option<Vec<f64>> {
    let n = m.vars.len();
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let mut var = vec![None; n];
    let mut constant = vec![0.0; m.rows.len()];
    for c in 0..n {
        let v = &m.vars[c];
        if in_s[c] {
            var[c] = Some(p.add_var(v.obj, (v.lb, v.ub)));
        }
    }
    for (r, row) in m.rows.iter().enumerate() {
        let mut e = Vec::new();
        for &(c, a) in &row.coeffs {
            match var[c] {
                Some(x) => e.push((x, a)),
                None => constant[r] += a * lb[c],
            }
        }
        if e.is_empty() {
            continue;
        }
        let op = match row.sense {
            Sense::Le => ComparisonOp::Le,
            Sense::Ge => ComparisonOp::Ge,
            Sense::Eq => ComparisonOp::Eq,
        };
        p.add_constraint(e, op, row.rhs - constant[r]);
    }
    let sol = p.solve().ok()?.into_solution().ok()?;
    Some((0..n).map(|c| var[c].map_or(lb[c], |x| sol.var_value(x))).collect())
}

/// Whether the all-zero point (everyone at home, nothing supplied) meets every row: then any
/// seed, the empty one included, gives a feasible master.
pub fn zero_feasible(m: &LinearModel) -> bool {
    m.vars.iter().all(|v| v.lb <= 0.0 && v.ub >= 0.0)
        && m.rows.iter().all(|r| match r.sense {
            Sense::Le => r.rhs >= 0.0,
            Sense::Ge => r.rhs <= 0.0,
            Sense::Eq => r.rhs == 0.0,
        })
}

/// Phase 1 of the LP, for a model whose lower bounds (sector targets, the host floor) the
/// all-zero point breaks and for which no feasible plan is known: minimise the total
/// violation by column generation, with one artificial column per broken row (continuous,
/// so always in the master) and every real column at objective 0.
///
/// `Some(Ok(support))`: the LP is feasible and these integer columns carry a feasible point
/// (a seed for [`lp_relaxation`]). `Some(Err(()))`: the LP relaxation is infeasible, so no
/// plan exists (proven). `None`: the time limit stopped it, or the structure does not fit.
pub fn feasible_support(
    m: &LinearModel,
    kinds: &[RowKind],
    settings: &SolveSettings,
) -> Option<Result<Vec<usize>, ()>> {
    let mut p = m.clone();
    for v in &mut p.vars {
        v.obj = 0.0;
    }
    let mut artificial = Vec::new();
    for r in 0..m.rows.len() {
        let (rhs, sense) = (m.rows[r].rhs, m.rows[r].sense);
        let sign = match sense {
            Sense::Ge | Sense::Eq if rhs > 0.0 => 1.0,
            Sense::Le | Sense::Eq if rhs < 0.0 => -1.0,
            _ => continue,
        };
        let c =
            p.add_var(format!("artificial_{r}"), 0.0, rhs.abs(), false, -1.0 / rhs.abs().max(1.0));
        p.rows[r].coeffs.push((c, sign));
        artificial.push(c);
    }
    let lp = lp_relaxation(&p, kinds, &[], settings)?;
    if !lp.converged {
        return None;
    }
    let violation: f64 = artificial.iter().map(|&c| lp.values[c]).sum();
    let scale = m.rows.iter().map(|r| r.rhs.abs()).fold(1.0, f64::max);
    if violation > 1e-7 * scale {
        return Some(Err(()));
    }
    Some(Ok(lp.support.into_iter().filter(|&c| lp.values[c] > 1e-9).collect()))
}
