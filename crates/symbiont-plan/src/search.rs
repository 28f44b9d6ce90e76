//! Planning an instance within its limits: the start, the LP relaxation, the exact
//! reductions, the branch and bound, and what is returned when a limit stops any of them.
//!
//! Every step either finishes or leaves a valid answer behind: the heuristic's plan is feasible
//! before anything is solved, the LP relaxation's bound is valid at every pricing round, and
//! the branch and bound starts from the best plan known, so a time or node limit always ends
//! with a plan and its proven gap. When no plan is known at all, the answer is the
//! explanation (which constraints to loosen), proven when the LP relaxation is infeasible.

use crate::error::PlanError;
use crate::instance::Instance;
use crate::lp::{self, Backend, RawSolution, SolveFailure, SolveSettings, Termination};
use crate::model::{self, Built, MONEY};
use crate::plan::{Limits, Plan, PlanOutcome, assemble, evaluate, failure};
use crate::{colgen, explain, heuristic, reduce};

/// Above this many binaries (after the reductions) microlp's branch and bound is too slow to
/// be useful (docs/performance.md): the plan is the start (the better of the greedy and the
/// rounded-LP plan), with its gap bound, and the CLI says how to build with HiGHS.
pub const MICROLP_MAX_INTEGERS: usize = 5_000;

/// Plan an instance: check it, build the MIP (with the exact pruning rule), solve it within
/// the time limit and the memory bound of `settings`.
pub fn plan(inst: &Instance, settings: &SolveSettings) -> Result<PlanOutcome, PlanError> {
    plan_from(inst, settings, &[])
}

/// What the search knows so far.
struct Search {
    /// A valid upper bound on the MIP (US$ per period).
    bound: f64,
    /// Whether the LP relaxation was solved to optimality.
    lp_converged: bool,
}

/// [`plan`], with plans that may be feasible as further starts (for a point of the Pareto
/// front: the host optimum, which meets its host floor, and the points before it); those that
/// break a row are ignored.
pub(crate) fn plan_from(
    inst: &Instance,
    settings: &SolveSettings,
    known: &[&[Option<u16>]],
) -> Result<PlanOutcome, PlanError> {
    inst.check()?;
    if !settings.backend.available() {
        return Err(PlanError::BackendMissing);
    }
    let full = model::build(inst, true, None);
    let mut start = heuristic::feasible_plan(inst, &full, None);
    for k in known.iter().filter(|k| evaluate(inst, k).feasible) {
        start = better(inst, start, Some(k.to_vec()));
    }
    let mut search = Search { bound: f64::INFINITY, lp_converged: false };
    let mut duals = None;
    match relaxation(&full, start.as_deref(), settings) {
        Relaxed::Infeasible => {
            return Ok(PlanOutcome::Infeasible(explain::explain_within(inst, settings, true)?));
        }
        Relaxed::Unknown => {}
        Relaxed::Lp { values, duals: d, bound, converged } => {
            search.bound = bound;
            search.lp_converged = converged;
            duals = d;
            // The LP's rounding with repair is usually a far better start than the greedy plan.
            let order = lp_order(inst, &full, &values);
            start = better(inst, start, heuristic::feasible_plan(inst, &full, Some(order)));
        }
    }
    match start {
        Some(site) => {
            let (built, allowed) = reduced(inst, &full, &site, duals.as_deref(), &mut search);
            let mut plan = finish(inst, &built, &site, settings, &search)?;
            plan.candidates = allowed;
            Ok(PlanOutcome::Planned(Box::new(plan)))
        }
        None => without_start(inst, &full, settings, &search),
    }
}

/// The LP relaxation, as far as it got.
enum Relaxed {
    Lp {
        values: Vec<f64>,
        duals: Option<Vec<f64>>,
        bound: f64,
        converged: bool,
    },
    /// The LP relaxation has no feasible point: no plan exists.
    Infeasible,
    /// Not solved (the time limit, or a solver failure): no bound.
    Unknown,
}

/// The LP relaxation by column generation (`colgen`, exact, pure Rust) on both backends: on
/// the 10,001 × 20 instance the plan takes 5 s this way and 54 s with HiGHS on the whole LP
/// (docs/performance.md). The master starts from the start's pairs; without a start, from
/// nothing when the all-zero plan is feasible, else from the support that phase 1 finds.
/// The whole LP is solved only when column generation does not apply.
fn relaxation(full: &Built, start: Option<&[Option<u16>]>, settings: &SolveSettings) -> Relaxed {
    let seed: Vec<usize> = match start {
        Some(site) => site_columns(full, site),
        None if colgen::zero_feasible(&full.model) => Vec::new(),
        None => match colgen::feasible_support(&full.model, &full.kinds, settings) {
            Some(Ok(support)) => support,
            Some(Err(())) => return Relaxed::Infeasible,
            None => return Relaxed::Unknown,
        },
    };
    if let Some(r) = colgen::lp_relaxation(&full.model, &full.kinds, &seed, settings) {
        return Relaxed::Lp {
            values: r.values,
            duals: Some(r.duals),
            bound: r.bound * MONEY,
            converged: r.converged,
        };
    }
    match lp::solve(&full.model, settings, true) {
        Ok(s) if s.termination == Termination::Optimal => Relaxed::Lp {
            bound: s.objective * MONEY,
            values: s.values,
            duals: s.duals,
            converged: true,
        },
        Err(SolveFailure::Infeasible) => Relaxed::Infeasible,
        _ => Relaxed::Unknown,
    }
}

/// The integer columns of a plan's pairs.
fn site_columns(built: &Built, site: &[Option<u16>]) -> Vec<usize> {
    let np = if site.is_empty() { 0 } else { built.x.len() / site.len() };
    site.iter()
        .enumerate()
        .filter_map(|(i, s)| s.and_then(|j| built.x[i * np + usize::from(j)]))
        .collect()
}

/// The LP's pairs as (LP value, enterprise, park): integral ones first, then fractional ones
/// by their LP value.
fn lp_order(inst: &Instance, full: &Built, values: &[f64]) -> Vec<(f64, usize, usize)> {
    let np = inst.parks.len();
    let mut order: Vec<(f64, usize, usize)> = Vec::new();
    for (p, col) in full.x.iter().enumerate() {
        if let Some(c) = col
            && values[*c] > 1e-6
        {
            order.push((values[*c], p / np, p % np));
        }
    }
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    order
}

/// The better of two plans (by objective; either may be missing).
fn better(
    inst: &Instance,
    a: Option<Vec<Option<u16>>>,
    b: Option<Vec<Option<u16>>>,
) -> Option<Vec<Option<u16>>> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (va, vb) =
                (evaluate(inst, &a).breakdown.objective, evaluate(inst, &b).breakdown.objective);
            Some(if vb > va { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// Reduced-cost fixing from the start (`reduce`): the model without the pairs that cannot be
/// in any plan better than the start, and which pairs stayed (`i * parks + j`).
fn reduced(
    inst: &Instance,
    full: &Built,
    site: &[Option<u16>],
    duals: Option<&[f64]>,
    search: &mut Search,
) -> (Built, Vec<bool>) {
    let x0 = start_vector(inst, full, site);
    let iters = if duals.is_some() { 50 } else { 500 };
    let pr = reduce::lagrangian_prune(&full.model, &full.kinds, &x0, iters, duals);
    search.bound = search.bound.min(pr.bound * MONEY);
    let mut allowed = vec![true; full.x.len()];
    for (p, col) in full.x.iter().enumerate() {
        if let Some(c) = col {
            allowed[p] = pr.keep[*c];
        }
    }
    (model::build(inst, true, Some(&allowed)), allowed)
}

/// A plan made of the start, without a branch and bound, with its proven gap.
fn unsearched(
    inst: &Instance,
    built: &Built,
    x0: &[f64],
    termination: Termination,
    settings: &SolveSettings,
    search: &Search,
) -> Result<Plan, PlanError> {
    let sol = RawSolution {
        objective: built.model.objective(x0),
        values: x0.to_vec(),
        termination,
        duals: None,
        bound: None,
        nodes: 0,
    };
    let mut plan = assemble(inst, built, &sol, settings, search.bound)?;
    plan.searched = false;
    plan.limits = limits(settings, None, 0, search);
    Ok(plan)
}

fn limits(settings: &SolveSettings, node_limit: Option<u64>, nodes: u64, s: &Search) -> Limits {
    Limits {
        time_limit_s: settings.limit().is_finite().then(|| settings.limit()),
        memory_limit_mb: settings.memory_mb(),
        node_limit,
        nodes,
        lp_converged: s.lp_converged,
    }
}

/// From a feasible start on the reduced model: return it when it already proves the gap or
/// no time is left (or microlp cannot search a model this large), else run the branch and
/// bound from it under the time and node limits and keep the better plan.
fn finish(
    inst: &Instance,
    built: &Built,
    site: &[Option<u16>],
    settings: &SolveSettings,
    search: &Search,
) -> Result<Plan, PlanError> {
    let x0 = start_vector(inst, built, site);
    let z = built.model.objective(&x0) * MONEY;
    // The start and the bound may already prove the requested gap: then there is nothing
    // left for the branch and bound to do (this is the solver's own stopping rule).
    if (search.bound - z) / z.abs().max(1.0) <= settings.gap {
        return unsearched(inst, built, &x0, Termination::GapLimit, settings, search);
    }
    if settings.expired() || !search.lp_converged && settings.remaining() < 1e-3 {
        return unsearched(inst, built, &x0, Termination::TimeLimit, settings, search);
    }
    if settings.backend == Backend::Microlp && built.model.integers() > MICROLP_MAX_INTEGERS {
        let t = if search.lp_converged { Termination::Heuristic } else { Termination::TimeLimit };
        return unsearched(inst, built, &x0, t, settings, search);
    }
    let node_limit = settings.node_limit(&built.model);
    match lp::solve_from(&built.model, settings, false, Some(&x0)) {
        Ok(mut sol) => {
            // At a limit the solver's incumbent can be worse than the start it was given
            // (a start it could not verify is dropped): keep the better one.
            let bound = sol.bound.map(|b| b.max(z / MONEY) * MONEY);
            if sol.termination != Termination::Optimal
                && evaluate(inst, site).breakdown.objective
                    > built.model.objective(&sol.values) * MONEY
            {
                sol.values.clone_from(&x0);
                sol.objective = built.model.objective(&x0);
            }
            let bound = bound.map_or(search.bound, |b| b.min(search.bound));
            let mut plan = assemble(inst, built, &sol, settings, bound)?;
            plan.limits = limits(settings, Some(node_limit), sol.nodes, search);
            Ok(plan)
        }
        Err(SolveFailure::Limit(t)) => unsearched(inst, built, &x0, t, settings, search),
        // The reduced model holds the start, so it cannot be infeasible or unbounded; a
        // failing solver still leaves the start, which is returned with what happened.
        Err(f) => {
            let mut plan = unsearched(inst, built, &x0, Termination::Heuristic, settings, search)?;
            plan.note = Some(format!("the branch and bound failed ({}); this is the start", {
                failure(settings.backend, f)
            }));
            Ok(plan)
        }
    }
}

/// No feasible plan is known (the heuristic broke a row and the LP rounding did too): search
/// the whole model when the backend can, else explain which constraints to loosen.
fn without_start(
    inst: &Instance,
    full: &Built,
    settings: &SolveSettings,
    search: &Search,
) -> Result<PlanOutcome, PlanError> {
    let can_search =
        settings.backend == Backend::Highs || full.model.integers() <= MICROLP_MAX_INTEGERS;
    if can_search && !settings.expired() {
        // Leave a share of the time for the explanation, should the search find nothing.
        let part = settings.share(2);
        match lp::solve(&full.model, &part, false) {
            Ok(sol) => {
                let mut plan = assemble(inst, full, &sol, settings, search.bound)?;
                plan.limits =
                    limits(settings, Some(settings.node_limit(&full.model)), sol.nodes, search);
                return Ok(PlanOutcome::Planned(Box::new(plan)));
            }
            Err(SolveFailure::Infeasible) => {
                return Ok(PlanOutcome::Infeasible(explain::explain_within(inst, settings, true)?));
            }
            Err(_) => {}
        }
    }
    Ok(PlanOutcome::Infeasible(explain::explain_within(inst, settings, false)?))
}

/// The model's column values of an assignment.
pub(crate) fn start_vector(inst: &Instance, built: &Built, site: &[Option<u16>]) -> Vec<f64> {
    let np = inst.parks.len();
    let ev = evaluate(inst, site);
    let mut x = vec![0.0; built.model.vars.len()];
    for (i, s) in site.iter().enumerate() {
        if let Some(j) = s
            && let Some(c) = built.x[i * np + usize::from(*j)]
        {
            x[c] = 1.0;
        }
    }
    for &(j, s, c) in &built.u {
        if ev.parks[j].complete_chains.contains(&inst.sectors[s]) {
            x[c] = 1.0;
        }
    }
    for (k, fl) in ev.flows.iter().enumerate() {
        x[built.w[k]] = fl.amount / model::unit_scale(fl.kind);
    }
    // Supply a hair more than the need where a supplier has room, so that rounding in the
    // sums never makes the start look infeasible to the solver (which would then ignore it).
    for (k, s) in inst.suppliers.iter().enumerate() {
        let cap = s.capacity / model::unit_scale(s.kind);
        let v = &mut x[built.w[k]];
        *v = (*v * (1.0 + 1e-9) + 1e-12).min(cap);
    }
    x
}
