//! Bottlenecks: the shadow prices of the capacity and guidance rows, from the LP with the
//! plan's assignment fixed (`docs/planner.md` §5). The pricing shares the time limit: when it
//! runs out, the rows priced so far are returned and the result says it is incomplete.

use serde::Serialize;

use crate::error::PlanError;
use crate::instance::Instance;
use crate::lp::{self, Backend, LinearModel, Sense, SolveFailure, SolveSettings, WarmLp};
use crate::model::{self, Built, MONEY, RowKind};
use crate::plan::{Plan, failure};

/// One shadow price.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShadowPrice {
    pub constraint: String,
    pub row: RowKind,
    /// US$ per period per one more unit of the right-hand side.
    pub value: f64,
    pub unit: String,
    /// How far the row is from binding in the plan, in its unit.
    pub slack: f64,
}

/// How the shadow prices were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DualMethod {
    /// Row duals reported by HiGHS.
    SolverDuals,
    /// Finite differences of the LP optimum (the backend gives no duals).
    FiniteDifference,
}

/// The bottleneck analysis of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottlenecks {
    pub method: DualMethod,
    /// Sorted by value, highest first; only constraints with a positive price.
    pub prices: Vec<ShadowPrice>,
    /// False when the time limit stopped the pricing: the rows priced so far are listed, the
    /// others are not known.
    pub complete: bool,
}

impl Bottlenecks {
    /// The plain-language ranking, one sentence per binding constraint.
    pub fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (n, p) in self.prices.iter().enumerate() {
            let first = if n == 0 { "binds first" } else { "binds" };
            let unit = if p.unit.is_empty() { "unit".to_string() } else { p.unit.clone() };
            let (what, per) = match p.unit.as_str() {
                "US$" => ("one more US$ 1 million".to_string(), p.value * 1e6),
                _ => (format!("one more {unit}"), p.value),
            };
            out.push(format!(
                "{} {first}: {what} is worth US$ {} per period",
                p.constraint,
                fmt_money(per)
            ));
        }
        out
    }
}

fn fmt_money(x: f64) -> String {
    let r = x.round() as i64;
    let s = r.abs().to_string();
    let mut g = String::new();
    for (n, ch) in s.chars().enumerate() {
        if n > 0 && (s.len() - n).is_multiple_of(3) {
            g.push(',');
        }
        g.push(ch);
    }
    if r < 0 { format!("-{g}") } else { g }
}

fn candidates(plan: &Plan) -> Option<&[bool]> {
    (!plan.candidates.is_empty()).then_some(plan.candidates.as_slice())
}

/// The LP with the plan's assignment fixed: placed pairs fixed at 1, every other pair
/// continuous in [0, 1] (so a resource's price is what the best waiting enterprise would add
/// per unit of it), cluster variables fixed at the plan's value.
fn fixed_lp(inst: &Instance, built: &Built, plan: &Plan) -> LinearModel {
    let np = inst.parks.len();
    let mut m = built.model.clone();
    for (i, s) in plan.site.iter().enumerate() {
        for j in 0..np {
            if let Some(c) = built.x[i * np + j] {
                let v = &mut m.vars[c];
                v.integer = false;
                if *s == Some(j as u16) {
                    v.lb = 1.0;
                    v.ub = 1.0;
                }
            }
        }
    }
    for &(j, s, c) in &built.u {
        let on = plan.parks[j].complete_chains.contains(&inst.sectors[s]);
        let v = if on { 1.0 } else { 0.0 };
        m.vars[c].lb = v;
        m.vars[c].ub = v;
    }
    m
}

fn row_activity(m: &LinearModel, r: usize, x: &[f64]) -> f64 {
    m.rows[r].coeffs.iter().map(|&(c, a)| a * x[c]).sum()
}

/// Shadow prices of the capacity and guidance constraints, from the LP with the plan's
/// assignment fixed. With HiGHS the solver's row duals are used; with microlp (no duals)
/// a forward finite difference with a step of 1e-4 of the row's right-hand side.
pub fn bottlenecks(
    inst: &Instance,
    plan: &Plan,
    settings: &SolveSettings,
) -> Result<Bottlenecks, PlanError> {
    let built = model::build(inst, true, candidates(plan));
    let m = fixed_lp(inst, &built, plan);
    let priced = match settings.backend {
        Backend::Highs => solver_duals(&m, &built.kinds, settings),
        Backend::Microlp => finite_differences(&m, &built.kinds, settings),
    };
    let (method, values, duals, complete) = match priced {
        Ok(p) => p,
        Err(SolveFailure::Limit(_)) => {
            let method = match settings.backend {
                Backend::Highs => DualMethod::SolverDuals,
                Backend::Microlp => DualMethod::FiniteDifference,
            };
            return Ok(Bottlenecks { method, prices: Vec::new(), complete: false });
        }
        Err(f) => return Err(failure(settings.backend, f)),
    };
    let mut prices = Vec::new();
    for (r, kind) in built.kinds.iter().enumerate() {
        let Some(dual_model) = duals[r] else { continue };
        let (unit, scale) = kind.unit(inst);
        // Model objective is in US$ million; per natural unit of the row.
        let value = dual_model * MONEY / scale;
        // Below a cent per unit is numerical noise of the LP, not a price.
        if value > 0.01 {
            prices.push(ShadowPrice {
                constraint: kind.describe(inst),
                row: kind.clone(),
                value,
                unit: unit.to_string(),
                slack: slack(&m, r, &values) * scale,
            });
        }
    }
    prices.sort_by(|a, b| b.value.total_cmp(&a.value));
    Ok(Bottlenecks { method, prices, complete })
}

/// How far row `r` is from binding at `x` (model units; 0 for an equality).
fn slack(m: &LinearModel, r: usize, x: &[f64]) -> f64 {
    let (act, rhs) = (row_activity(m, r, x), m.rows[r].rhs);
    match m.rows[r].sense {
        Sense::Le => rhs - act,
        Sense::Ge => act - rhs,
        Sense::Eq => 0.0,
    }
}

/// Whether row `r` binds at `x`: a row with slack has price 0 (complementary slackness).
fn binds(m: &LinearModel, r: usize, x: &[f64]) -> bool {
    slack(m, r, x) <= 1e-7 * m.rows[r].rhs.abs().max(1.0)
}

/// (method, LP point, per row the price in model units when priced, whether every row was).
type Priced = (DualMethod, Vec<f64>, Vec<Option<f64>>, bool);

/// HiGHS reports d(objective)/d(rhs) for our maximisation: its row duals are the prices.
fn solver_duals(
    m: &LinearModel,
    kinds: &[RowKind],
    settings: &SolveSettings,
) -> Result<Priced, SolveFailure> {
    let base = lp::solve(m, settings, true)?;
    let d = base.duals.unwrap_or_default();
    let duals = (0..m.rows.len())
        .map(|r| {
            (!kinds[r].structural()).then(|| {
                if binds(m, r, &base.values) { d.get(r).map_or(0.0, |x| x.abs()) } else { 0.0 }
            })
        })
        .collect();
    Ok((DualMethod::SolverDuals, base.values, duals, true))
}

/// microlp gives no duals: a forward difference with a step of 1e-4 of the right-hand side
/// (a small step gives the local, right derivative, which is the dual; a whole unit could
/// cross into the next segment of the piecewise-linear LP value). Every loosening is a warm
/// re-solve of one LP: each priced row gets a shift column t_r ∈ [0, h_r] (row − t_r ≤ rhs),
/// all pinned at 0 for the base, then each binding row's pinned at h_r alone and back.
fn finite_differences(
    m: &LinearModel,
    kinds: &[RowKind],
    settings: &SolveSettings,
) -> Result<Priced, SolveFailure> {
    let mut ms = m.clone();
    let mut shift = vec![None; m.rows.len()];
    for r in (0..m.rows.len()).filter(|&r| !kinds[r].structural()) {
        let h = 1e-4 * m.rows[r].rhs.abs().max(1.0);
        let t = ms.add_var(format!("shift_{r}"), 0.0, h, false, 0.0);
        let sign = if m.rows[r].sense == Sense::Ge { 1.0 } else { -1.0 };
        ms.rows[r].coeffs.push((t, sign));
        shift[r] = Some((t, h));
    }
    let mut warm = WarmLp::new(&ms, settings)?;
    let mut base = warm.objective;
    for &(t, _) in shift.iter().flatten() {
        base = warm.fix(t, 0.0)?;
    }
    let mut values = warm.point();
    values.truncate(m.vars.len());
    let mut duals = vec![None; m.rows.len()];
    let mut complete = true;
    for r in 0..m.rows.len() {
        let Some((t, h)) = shift[r] else { continue };
        if !binds(m, r, &values) {
            duals[r] = Some(0.0);
            continue;
        }
        if settings.expired() {
            complete = false;
            break;
        }
        match warm.fix(t, h).and_then(|up| warm.fix(t, 0.0).map(|_| up)) {
            Ok(up) => duals[r] = Some(((up - base) / h).max(0.0)),
            Err(SolveFailure::Limit(_)) => {
                complete = false;
                break;
            }
            Err(f) => return Err(f),
        }
    }
    Ok((DualMethod::FiniteDifference, values, duals, complete))
}

/// The LP value of the fixed-assignment model with one row's right-hand side moved by
/// `delta` (model units); exposed so tests can check shadow prices by finite differences.
pub fn fixed_lp_value(
    inst: &Instance,
    plan: &Plan,
    settings: &SolveSettings,
    row: &RowKind,
    delta: f64,
) -> Result<f64, PlanError> {
    let built = model::build(inst, true, candidates(plan));
    let mut m = fixed_lp(inst, &built, plan);
    if let Some(r) = built.kinds.iter().position(|k| k == row) {
        m.rows[r].rhs += delta;
    }
    let s = lp::solve(&m, settings, true).map_err(|f| failure(settings.backend, f))?;
    Ok(s.objective * MONEY)
}
