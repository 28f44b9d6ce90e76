//! The plan: its types (allocation, factor flows, objective breakdown, the limits that
//! applied), its assembly from a solver's point, and [`evaluate`], which computes every fact of
//! a plan from its sites alone.

use serde::Serialize;

use crate::error::PlanError;
use crate::explain::Explanation;
use crate::instance::{FactorKind, Instance};
use crate::lp::{self, Backend, RawSolution, SolveFailure, SolveSettings, Termination};
use crate::model::{Built, MONEY};

/// One enterprise placed in a park.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub enterprise: usize,
    pub name: String,
    pub park: usize,
    pub sector: usize,
    /// What it receives from each supplier: (supplier index, amount in the kind's unit).
    pub supply: Vec<(usize, f64)>,
}

/// One park in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParkSummary {
    pub name: String,
    pub designated: bool,
    pub enterprises: usize,
    pub plots: f64,
    pub workers: f64,
    pub labour_pool: f64,
    pub land_ha: f64,
    pub area_ha: f64,
    /// Enterprises per sector (sector order).
    pub by_sector: Vec<usize>,
    /// Sectors whose whole chain (upstream, midstream, downstream) is in the park.
    pub complete_chains: Vec<String>,
    /// Factor received per kind, in the kind's unit.
    pub factors: [f64; 4],
}

/// What one supplier gives in total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub supplier: String,
    pub kind: FactorKind,
    pub amount: f64,
    pub capacity: f64,
    pub unit_cost: f64,
    /// Amount to each park (park order).
    pub to_park: Vec<f64>,
}

/// The objective, term by term, in US$ per period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breakdown {
    /// Home gain before factor costs.
    pub home_gain: f64,
    pub factor_cost: f64,
    pub host_gain: f64,
    pub jobs: f64,
    pub chain_bonus: f64,
    /// weights·(home, host, jobs) + chain bonus − factor cost.
    pub objective: f64,
}

/// A solved plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The backend asked for.
    pub backend: Backend,
    pub termination: Termination,
    /// Whether the backend's branch and bound ran. It does not when the start (the better of
    /// the greedy and the rounded-LP plan) is already within the gap of the LP bound, or when
    /// the model is too large for microlp; then the plan and its gap come from the LP
    /// relaxation by column generation alone.
    pub searched: bool,
    /// An upper bound on the relative gap (0 when proven optimal).
    pub gap: f64,
    /// The objective, US$ per period.
    pub objective: f64,
    pub breakdown: Breakdown,
    pub placements: Vec<Placement>,
    pub parks: Vec<ParkSummary>,
    pub flows: Vec<Flow>,
    /// Park index of each enterprise, None for home (instance order).
    pub site: Vec<Option<u16>>,
    /// Model size: columns, integer columns, rows, and pairs pruned by the exact rule.
    pub columns: usize,
    pub integers: usize,
    pub rows: usize,
    pub pruned: usize,
    /// The limits that applied and how much of them the search used.
    pub limits: Limits,
    /// Something the reader must know about how this plan came about (e.g. a solver failure
    /// after which the start is returned).
    pub note: Option<String>,
    /// Pairs (`i * parks + j`) left in the model after the exact reductions.
    #[serde(skip)]
    pub candidates: Vec<bool>,
}

/// The limits of a plan's search (`docs/planner.md` §4): the time limit covers the whole
/// planning call, the memory bound sets the branch and bound's node limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// Seconds; None when there was no limit.
    pub time_limit_s: Option<f64>,
    /// Memory bound of the search tree, MB.
    pub memory_limit_mb: f64,
    /// The branch and bound's node limit (None when no branch and bound ran).
    pub node_limit: Option<u64>,
    /// Branch-and-bound nodes solved (as the backend reports them; 0 when it does not).
    pub nodes: u64,
    /// Whether the LP relaxation was solved to optimality (its bound is then the LP bound;
    /// otherwise a Lagrangian bound from where the time limit stopped it).
    pub lp_converged: bool,
}

impl Plan {
    /// For each enterprise in population order, the park index or None (stays home): the
    /// input of the simulation's `site_choice = "planned"` lever.
    pub fn sites(&self) -> Vec<Option<u16>> {
        self.site.clone()
    }
}

/// The result of planning.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PlanOutcome {
    Planned(Box<Plan>),
    /// No plan meets the guidance and capacities ([`Explanation::proven`]), or none was found
    /// within the limits: the constraints to loosen.
    Infeasible(Explanation),
}

/// Largest model whose LP relaxation is solved again to bound the gap after a time limit.
const LP_BOUND_COLUMNS: usize = 5_000;

pub(crate) fn failure(backend: Backend, f: SolveFailure) -> PlanError {
    PlanError::Solver {
        backend: backend.word(),
        message: match f {
            SolveFailure::Infeasible => "infeasible".into(),
            SolveFailure::Unbounded => "unbounded".into(),
            SolveFailure::Limit(t) => format!("stopped by a limit ({t:?}) before any solution"),
            SolveFailure::Other(s) => s,
        },
    }
}

/// The plan of a solver's point on `built`, with its gap against `bound` (a valid upper bound,
/// US$ per period) or, on a small model, the LP relaxation when that is lower.
pub(crate) fn assemble(
    inst: &Instance,
    built: &Built,
    sol: &RawSolution,
    settings: &SolveSettings,
    bound: f64,
) -> Result<Plan, PlanError> {
    let np = inst.parks.len();
    let ne = inst.enterprises.len();
    let mut site = vec![None; ne];
    for i in 0..ne {
        for j in 0..np {
            if let Some(c) = built.x[i * np + j]
                && sol.values[c] > 0.5
            {
                site[i] = Some(j as u16);
            }
        }
    }
    let eval = evaluate(inst, &site);
    // The gap: 0 when proven optimal; otherwise bounded by the LP relaxation.
    let gap = match sol.termination {
        Termination::Optimal => 0.0,
        _ => {
            // The LP relaxation is a second solve: affordable on small models only; the
            // Lagrangian bound of the reduction is always there and always valid.
            let lp_bound = if built.model.vars.len() <= LP_BOUND_COLUMNS {
                lp::solve(&built.model, settings, true)
                    .map(|s| s.objective * MONEY)
                    .unwrap_or(f64::INFINITY)
            } else {
                f64::INFINITY
            };
            let bound = lp_bound.min(bound);
            let g = (bound - eval.breakdown.objective) / eval.breakdown.objective.abs().max(1.0);
            let g = g.max(0.0);
            if sol.termination == Termination::GapLimit { g.min(settings.gap) } else { g }
        }
    };
    Ok(Plan {
        backend: settings.backend,
        termination: sol.termination,
        searched: true,
        gap,
        objective: eval.breakdown.objective,
        breakdown: eval.breakdown,
        placements: eval.placements,
        parks: eval.parks,
        flows: eval.flows,
        site,
        columns: built.model.vars.len(),
        integers: built.model.integers(),
        rows: built.model.rows.len(),
        pruned: built.pruned,
        limits: Limits {
            time_limit_s: settings.limit().is_finite().then(|| settings.limit()),
            memory_limit_mb: settings.memory_mb(),
            node_limit: None,
            nodes: sol.nodes,
            lp_converged: true,
        },
        note: None,
        candidates: Vec::new(),
    })
}

/// Everything a plan implies, evaluated from the sites alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub feasible: bool,
    pub breakdown: Breakdown,
    pub placements: Vec<Placement>,
    pub parks: Vec<ParkSummary>,
    pub flows: Vec<Flow>,
}

/// Evaluate an assignment exactly: suppliers are filled cheapest first (optimal for a fixed
/// assignment, since each supplier has one capacity and a linear cost), the chain bonus is
/// counted per complete (park, sector), and every constraint is checked. Used to report a
/// plan and by the brute-force test.
pub fn evaluate(inst: &Instance, site: &[Option<u16>]) -> Evaluation {
    let np = inst.parks.len();
    let ns = inst.sectors.len();
    let tol = 1e-7;
    let mut feasible = true;
    let mut parks: Vec<ParkSummary> = inst
        .parks
        .iter()
        .map(|p| ParkSummary {
            name: p.name.clone(),
            designated: p.designated,
            enterprises: 0,
            plots: p.plots,
            workers: 0.0,
            labour_pool: p.labour_pool,
            land_ha: 0.0,
            area_ha: p.area_ha,
            by_sector: vec![0; ns],
            complete_chains: Vec::new(),
            factors: [0.0; 4],
        })
        .collect();
    let mut bd = Breakdown {
        home_gain: 0.0,
        factor_cost: 0.0,
        host_gain: 0.0,
        jobs: 0.0,
        chain_bonus: 0.0,
        objective: 0.0,
    };
    let mut chain = vec![[false; 3]; np * ns];
    let mut demand = [0.0; 4];
    let mut subsidy = 0.0;
    let mut placed = 0usize;
    let mut designated = 0usize;
    for (i, s) in site.iter().enumerate() {
        let Some(j) = s.map(usize::from) else { continue };
        let e = &inst.enterprises[i];
        let p = &mut parks[j];
        p.enterprises += 1;
        p.workers += e.workers;
        p.land_ha += e.land_ha;
        p.by_sector[e.sector] += 1;
        for f in 0..4 {
            p.factors[f] += e.needs[f];
            demand[f] += e.needs[f];
        }
        chain[j * ns + e.sector][e.chain.index()] = true;
        bd.home_gain += e.home[j];
        bd.host_gain += e.host[j];
        bd.jobs += e.jobs[j];
        subsidy += inst.parks[j].entry_subsidy;
        placed += 1;
        if inst.parks[j].designated {
            designated += 1;
        }
    }
    for (j, p) in parks.iter_mut().enumerate() {
        if p.enterprises as f64 > p.plots + tol
            || p.workers > p.labour_pool * (1.0 + tol) + tol
            || p.land_ha > p.area_ha * (1.0 + tol) + tol
        {
            feasible = false;
        }
        for s in 0..ns {
            if chain[j * ns + s].iter().all(|&b| b) {
                p.complete_chains.push(inst.sectors[s].clone());
                bd.chain_bonus += inst.chain_bonus.max(0.0);
            }
        }
    }
    let (flows, supplied) = fill_flows(inst, &demand, &parks, &mut bd);
    feasible &= supplied;
    let placements = placements_of(inst, site, &flows, &demand);
    feasible &= meets_guidance(inst, &parks, (placed, designated), subsidy, bd.host_gain);
    let w = inst.weights;
    bd.objective =
        w.home * bd.home_gain + w.host * bd.host_gain + w.jobs * bd.jobs + bd.chain_bonus
            - bd.factor_cost;
    Evaluation { feasible, breakdown: bd, placements, parks, flows }
}

/// Each factor's demand filled from the cheapest suppliers first, each supplier's amount split
/// over parks in proportion to their need; false when some demand is left unmet.
fn fill_flows(
    inst: &Instance,
    demand: &[f64; 4],
    parks: &[ParkSummary],
    bd: &mut Breakdown,
) -> (Vec<Flow>, bool) {
    let tol = 1e-7;
    let mut met = true;
    let mut flows: Vec<Flow> = inst
        .suppliers
        .iter()
        .map(|s| Flow {
            supplier: s.name.clone(),
            kind: s.kind,
            amount: 0.0,
            capacity: s.capacity,
            unit_cost: s.unit_cost,
            to_park: vec![0.0; parks.len()],
        })
        .collect();
    for f in FactorKind::ALL {
        let mut order: Vec<usize> =
            (0..inst.suppliers.len()).filter(|&k| inst.suppliers[k].kind == f).collect();
        order.sort_by(|&a, &b| {
            inst.suppliers[a].unit_cost.total_cmp(&inst.suppliers[b].unit_cost).then(a.cmp(&b))
        });
        let mut left = demand[f.index()];
        for k in order {
            let take = left.min(inst.suppliers[k].capacity).max(0.0);
            flows[k].amount = take;
            bd.factor_cost += take * inst.suppliers[k].unit_cost;
            left -= take;
        }
        if left > tol * demand[f.index()].max(1.0) {
            met = false;
        }
        // Split each supplier's amount over parks in proportion to their need (any split of
        // a feasible total is feasible: factors of one kind are interchangeable).
        let total = demand[f.index()];
        if total > 0.0 {
            for fl in flows.iter_mut().filter(|fl| fl.kind == f) {
                for (j, p) in parks.iter().enumerate() {
                    fl.to_park[j] = fl.amount * p.factors[f.index()] / total;
                }
            }
        }
    }
    (flows, met)
}

/// Each placed enterprise with its share of every supplier of the kinds it needs.
fn placements_of(
    inst: &Instance,
    site: &[Option<u16>],
    flows: &[Flow],
    demand: &[f64; 4],
) -> Vec<Placement> {
    let mut placements = Vec::new();
    for (i, s) in site.iter().enumerate() {
        let Some(j) = s.map(usize::from) else { continue };
        let e = &inst.enterprises[i];
        let mut supply = Vec::new();
        for (k, fl) in flows.iter().enumerate() {
            let f = fl.kind.index();
            if demand[f] > 0.0 && fl.amount > 0.0 && e.needs[f] > 0.0 {
                supply.push((k, e.needs[f] * fl.amount / demand[f]));
            }
        }
        placements.push(Placement {
            enterprise: i,
            name: e.name.clone(),
            park: j,
            sector: e.sector,
            supply,
        });
    }
    placements
}

/// Whether the plan meets the guidance (shares, sector targets, incentive budget) and the
/// host floor. `counts` is (placed, in designated parks).
fn meets_guidance(
    inst: &Instance,
    parks: &[ParkSummary],
    (placed, designated): (usize, usize),
    subsidy: f64,
    host_gain: f64,
) -> bool {
    let tol = 1e-7;
    let g = &inst.guidance;
    let mut ok = (designated as f64) >= g.designated_share * placed as f64 - tol;
    if g.target_share > 0.0 {
        for (j, p) in inst.parks.iter().enumerate() {
            if p.target_sectors.is_empty() {
                continue;
            }
            let on: usize = p.target_sectors.iter().map(|&s| parks[j].by_sector[s]).sum();
            ok &= (on as f64) >= g.target_share * parks[j].enterprises as f64 - tol;
        }
    }
    for m in &g.sector_minimums {
        ok &= (parks[m.park].by_sector[m.sector] as f64) >= m.count - tol;
    }
    if let Some(b) = g.incentive_budget {
        ok &= subsidy <= b * (1.0 + tol) + tol;
    }
    if let Some(h) = inst.min_host_gain {
        ok &= host_gain >= h - tol * h.abs().max(1.0);
    }
    ok
}
