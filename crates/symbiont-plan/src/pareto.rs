//! The home-host Pareto front by the ε-constraint method.
//!
//! The front is `points + 2` plans (the home optimum, the host optimum, then one per ε), and
//! they share the time limit: each gets an equal share of what is left when it starts, so an
//! early plan that finishes fast leaves its time to the later ones. Every ε-plan may start
//! from the host optimum, which meets every host floor on the front, and from the home optimum
//! and the points before it where they meet its floor: each point has a plan even when its
//! search is stopped by a limit, and says so (`termination`, `gap`).

use serde::Serialize;

use crate::error::PlanError;
use crate::instance::{Instance, Weights};
use crate::lp::{SolveSettings, Termination};
use crate::plan::{Plan, PlanOutcome, evaluate};
use crate::search::plan_from;

/// One point of the home-host Pareto front.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParetoPoint {
    /// Home gain after factor costs, US$ per period.
    pub home: f64,
    pub host: f64,
    pub placed: usize,
    pub epsilon: f64,
    /// How the point's search stopped, and its proven gap.
    pub termination: Termination,
    pub gap: f64,
}

fn point(p: &Plan, epsilon: f64) -> ParetoPoint {
    ParetoPoint {
        home: p.breakdown.home_gain - p.breakdown.factor_cost,
        host: p.breakdown.host_gain,
        placed: p.placements.len(),
        epsilon,
        termination: p.termination,
        gap: p.gap,
    }
}

/// The Pareto front between home gain (after factor costs, plus the chain bonus) and host
/// gain, by the ε-constraint method: maximise home subject to host ≥ ε for `points` values
/// of ε between the host gain at the home optimum and the largest host gain.
pub fn pareto(
    inst: &Instance,
    settings: &SolveSettings,
    points: usize,
) -> Result<Vec<ParetoPoint>, PlanError> {
    let n = points.max(2);
    let mut home = inst.clone();
    home.weights = Weights { home: 1.0, host: 0.0, jobs: 0.0 };
    home.min_host_gain = None;
    let mut host = inst.clone();
    host.weights = Weights { home: 0.0, host: 1.0, jobs: 0.0 };
    host.min_host_gain = None;
    let PlanOutcome::Planned(a) = plan_from(&home, &settings.share(n + 2), &[])? else {
        return Ok(Vec::new());
    };
    let PlanOutcome::Planned(b) = plan_from(&host, &settings.share(n + 1), &[])? else {
        return Ok(vec![point(&a, f64::NAN)]);
    };
    let (lo, hi) = (a.breakdown.host_gain, b.breakdown.host_gain);
    let mut solved = Vec::with_capacity(n);
    let mut known: Vec<Vec<Option<u16>>> = vec![b.site.clone(), a.site.clone()];
    for k in 0..n {
        let eps = lo + (hi - lo) * k as f64 / (n - 1) as f64;
        let mut inst_k = home.clone();
        // Step back by a hair so that rounding never makes the end point infeasible.
        inst_k.min_host_gain = Some(eps - 1e-6 * eps.abs().max(1.0));
        let starts: Vec<&[Option<u16>]> = known.iter().map(Vec::as_slice).collect();
        if let PlanOutcome::Planned(p) = plan_from(&inst_k, &settings.share(n - k), &starts)? {
            known.push(p.site.clone());
            solved.push((inst_k, p, eps));
        }
    }
    // A plan found for one point may be better for another whose floor it meets (a point
    // stopped by a limit, or a later point's plan): keep the best known plan at every point.
    Ok(solved.iter().map(|(inst_k, p, eps)| best_known(inst_k, p, *eps, &known)).collect())
}

/// The point of ε from the best of its own plan and the known plans that meet its floor,
/// with the gap against the point's own proven bound.
fn best_known(inst: &Instance, p: &Plan, eps: f64, known: &[Vec<Option<u16>>]) -> ParetoPoint {
    let mut best = point(p, eps);
    let bound = p.objective + p.gap * p.objective.abs().max(1.0);
    let mut value = p.objective;
    for site in known {
        let ev = evaluate(inst, site);
        if ev.feasible && ev.breakdown.objective > value {
            value = ev.breakdown.objective;
            best = ParetoPoint {
                home: ev.breakdown.home_gain - ev.breakdown.factor_cost,
                host: ev.breakdown.host_gain,
                placed: ev.placements.len(),
                epsilon: eps,
                termination: p.termination,
                gap: ((bound - value) / value.abs().max(1.0)).max(0.0),
            };
        }
    }
    best
}
