//! Why no plan meets the guidance: the elastic model, which loosens the fewest constraints
//! (then the smallest relative amounts) so that a plan exists.
//!
//! Every non-structural row (park capacities, supplier capacities, guidance, incentive
//! budget) gets a slack s_r ≥ 0 and an indicator z_r ∈ {0, 1} with s_r ≤ M_r·z_r. The elastic
//! model always has a plan: the heuristic's best effort with every row it breaks loosened by
//! just that much. That plan is the search's start, so a time or node limit still ends with an
//! explanation (then not proven the smallest); with no time left at all, it is the answer.

use serde::Serialize;

use crate::error::PlanError;
use crate::instance::{FactorKind, Instance};
use crate::lp::{self, LinearModel, Sense, SolveFailure, SolveSettings, Termination};
use crate::model::{self, Built, RowKind};
use crate::plan::failure;
use crate::{heuristic, search};

/// A constraint to loosen so that the guidance can be met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loosening {
    pub constraint: String,
    pub row: RowKind,
    /// How much to loosen, in the row's unit (add to a capacity, subtract from a minimum).
    pub by: f64,
    pub unit: String,
    pub rhs: f64,
}

/// Why no plan meets the guidance, as the smallest set of constraints to loosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub loosen: Vec<Loosening>,
    /// Whether it is proven that no plan exists (the MIP or its LP relaxation is infeasible).
    /// When false, a limit stopped the search before any plan was found: one may exist, and
    /// the loosenings are a way to get one.
    pub proven: bool,
    /// Whether the set is proven the smallest (the elastic model was solved to optimality);
    /// false when a limit stopped it.
    pub minimal: bool,
}

impl Explanation {
    pub fn sentences(&self) -> Vec<String> {
        self.loosen
            .iter()
            .map(|l| {
                let dir = match l.row {
                    RowKind::SectorMinimum { .. }
                    | RowKind::DesignatedShare
                    | RowKind::TargetShare { .. }
                    | RowKind::HostFloor => "lower",
                    _ => "raise",
                };
                format!("{dir} {} by {:.4} {} (now {:.4})", l.constraint, l.by, l.unit, l.rhs)
            })
            .collect()
    }
}

/// The elastic model of `built` and, per loosened row, (row, slack column, indicator column).
fn elastic(inst: &Instance, built: &Built) -> (LinearModel, Vec<(usize, usize, usize)>) {
    let mut m = built.model.clone();
    for v in &mut m.vars {
        v.obj = 0.0;
    }
    // Bound the supplier flows by total need so that every row has a finite big-M.
    let mut need = [0.0; 4];
    for e in &inst.enterprises {
        for f in 0..4 {
            need[f] += e.needs[f];
        }
    }
    for (k, s) in inst.suppliers.iter().enumerate() {
        m.vars[built.w[k]].ub = need[s.kind.index()] / model::unit_scale(s.kind);
    }
    let mut slacks = Vec::new();
    for r in 0..m.rows.len() {
        if built.kinds[r].structural() {
            continue;
        }
        let row = &m.rows[r];
        // Largest possible violation, from the column bounds.
        let (mut lo, mut hi) = (0.0, 0.0);
        for &(c, a) in &row.coeffs {
            let v = &m.vars[c];
            let (l, u) = (v.lb * a, v.ub * a);
            lo += l.min(u);
            hi += l.max(u);
        }
        let big = match row.sense {
            Sense::Le => hi - row.rhs,
            Sense::Ge => row.rhs - lo,
            Sense::Eq => (hi - row.rhs).max(row.rhs - lo),
        };
        if !(big > 0.0) || !big.is_finite() {
            continue;
        }
        let norm = row.rhs.abs().max(1.0);
        let s = m.add_var(format!("slack_{r}"), 0.0, big, false, -1e-3 / norm);
        let z = m.add_var(format!("loosen_{r}"), 0.0, 1.0, true, -1.0);
        let sign = match m.rows[r].sense {
            Sense::Le => -1.0,
            _ => 1.0,
        };
        m.rows[r].coeffs.push((s, sign));
        m.add_row(format!("link_{r}"), vec![(s, 1.0), (z, -big)], Sense::Le, 0.0);
        slacks.push((r, s, z));
    }
    (m, slacks)
}

/// A point of the elastic model: the heuristic's best-effort plan, every need supplied
/// (beyond a supplier's capacity when it must be), each broken row's slack at its violation.
fn elastic_start(
    inst: &Instance,
    built: &Built,
    m: &LinearModel,
    slacks: &[(usize, usize, usize)],
) -> Vec<f64> {
    let (site, _) = heuristic::construct(inst, built, None);
    let mut x = search::start_vector(inst, built, &site);
    x.resize(m.vars.len(), 0.0);
    // What the capacities could not supply goes to the cheapest supplier of the kind.
    let ev = crate::plan::evaluate(inst, &site);
    for f in FactorKind::ALL {
        let demand: f64 = ev.parks.iter().map(|p| p.factors[f.index()]).sum();
        let given: f64 = ev.flows.iter().filter(|fl| fl.kind == f).map(|fl| fl.amount).sum();
        let cheapest = (0..inst.suppliers.len())
            .filter(|&k| inst.suppliers[k].kind == f)
            .min_by(|&a, &b| inst.suppliers[a].unit_cost.total_cmp(&inst.suppliers[b].unit_cost));
        if let Some(k) = cheapest
            && demand > given
        {
            x[built.w[k]] += (demand - given) / model::unit_scale(f) * (1.0 + 1e-9);
        }
    }
    for &(r, s, z) in slacks {
        let row = &m.rows[r];
        let act: f64 = row.coeffs.iter().filter(|&&(c, _)| c != s).map(|&(c, a)| a * x[c]).sum();
        let violation = match row.sense {
            Sense::Le => act - row.rhs,
            Sense::Ge | Sense::Eq => row.rhs - act,
        };
        if violation > 0.0 {
            x[s] = (violation * (1.0 + 1e-9) + 1e-12).min(m.vars[s].ub);
            x[z] = 1.0;
        }
    }
    x
}

/// Elastic relaxation: every non-structural row gets a slack and an indicator; minimise the
/// number of loosened rows, then (with a small weight) the relative amounts. For an instance
/// known to be infeasible (`proven`: the planner proved it), within the time and node limits.
pub fn explain(inst: &Instance, settings: &SolveSettings) -> Result<Explanation, PlanError> {
    explain_within(inst, settings, true)
}

pub(crate) fn explain_within(
    inst: &Instance,
    settings: &SolveSettings,
    proven: bool,
) -> Result<Explanation, PlanError> {
    let built = model::build(inst, true, None);
    let (m, slacks) = elastic(inst, &built);
    let x0 = elastic_start(inst, &built, &m, &slacks);
    let (values, minimal) = match lp::solve_from(&m, settings, false, Some(&x0)) {
        Ok(sol) => {
            let better = m.objective(&sol.values) >= m.objective(&x0);
            // At a gap limit the count of loosened rows is still proven: each costs 1, and
            // any requested gap leaves less than 1 between the plan and the bound.
            let minimal = matches!(sol.termination, Termination::Optimal | Termination::GapLimit)
                && settings.gap * m.objective(&sol.values).abs() < 1.0;
            (if better { sol.values } else { x0 }, minimal)
        }
        Err(SolveFailure::Limit(_)) => (x0, false),
        Err(f) => return Err(failure(settings.backend, f)),
    };
    let mut loosen = Vec::new();
    for (r, s, _) in slacks {
        let v = values[s];
        if v > 1e-7 {
            let kind = built.kinds[r].clone();
            let (unit, scale) = kind.unit(inst);
            let (unit, scale) = if unit.is_empty() { ("(share row)", 1.0) } else { (unit, scale) };
            loosen.push(Loosening {
                constraint: kind.describe(inst),
                row: kind,
                by: v * scale,
                unit: unit.to_string(),
                rhs: m.rows[r].rhs * scale,
            });
        }
    }
    Ok(Explanation { loosen, proven, minimal })
}
