//! Solving the MIP into a [`Plan`]: the allocation, factor flows, objective breakdown,
//! bottlenecks (shadow prices), and the explanation of an infeasible instance.

use serde::Serialize;

use crate::error::PlanError;
use crate::instance::{FactorKind, Instance};
use crate::lp::{
    self, Backend, LinearModel, RawSolution, Sense, SolveFailure, SolveSettings, Termination,
};
use crate::model::{self, Built, MONEY, RowKind};
use crate::{colgen, reduce};

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
    /// Pairs (`i * parks + j`) left in the model after the exact reductions.
    #[serde(skip)]
    pub candidates: Vec<bool>,
}

impl Plan {
    /// For each enterprise in population order, the park index or None (stays home): the
    /// input of the simulation's `site_choice = "planned"` lever.
    pub fn sites(&self) -> Vec<Option<u16>> {
        self.site.clone()
    }
}

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

/// The result of planning.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Planned(Box<Plan>),
    /// No plan meets the guidance and capacities.
    Infeasible(Explanation),
}

/// Above this many binaries (after the reductions) microlp's branch and bound is too slow to
/// be useful (docs/performance.md): the plan is the start (the better of the greedy and the
/// rounded-LP plan), with its gap bound, and the CLI says how to build with HiGHS.
pub const MICROLP_MAX_INTEGERS: usize = 5_000;

/// Largest model whose LP relaxation is solved again to bound the gap after a time limit.
const LP_BOUND_COLUMNS: usize = 5_000;

fn failure(backend: Backend, f: SolveFailure) -> PlanError {
    PlanError::Solver {
        backend: backend.word(),
        message: match f {
            SolveFailure::Infeasible => "infeasible".into(),
            SolveFailure::Unbounded => "unbounded".into(),
            SolveFailure::Other(s) => s,
        },
    }
}

/// Plan an instance: check it, build the MIP (with the exact pruning rule), solve it.
pub fn plan(inst: &Instance, settings: &SolveSettings) -> Result<Outcome, PlanError> {
    inst.check()?;
    if !settings.backend.available() {
        return Err(PlanError::BackendMissing);
    }
    let full = model::build(inst, true, None);
    let np = inst.parks.len();
    let mut allowed = vec![true; inst.enterprises.len() * np];
    let mut lagrange_bound = f64::INFINITY;
    let mut greedy = greedy_sites(inst, &full, None);
    // The LP relaxation: its rounding (topped up greedily) is usually a far better start
    // than the greedy plan, its value bounds the gap, and its duals are the best Lagrange
    // multipliers. It is solved by column generation from the greedy plan (`colgen`, exact,
    // pure Rust) on both backends: on the 10,001 × 20 instance the plan takes 5 s this way and
    // 54 s with HiGHS on the whole LP (docs/performance.md). HiGHS solves the whole LP only
    // when column generation does not apply (no greedy plan, or another structure).
    let by_colgen = greedy.as_ref().and_then(|site| {
        let x0 = start_vector(inst, &full, site);
        let seed: Vec<usize> =
            (0..x0.len()).filter(|&c| full.model.vars[c].integer && x0[c] > 0.5).collect();
        colgen::lp_relaxation(&full.model, &full.kinds, &seed)
            .map(|r| (r.values, Some(r.duals), r.bound * MONEY))
    });
    let relaxation = match (by_colgen, settings.backend) {
        (Some(r), _) => Some(r),
        (None, Backend::Highs) => lp::solve(&full.model, settings, true)
            .ok()
            .map(|s| (s.values, s.duals, s.objective * MONEY)),
        (None, Backend::Microlp) => None,
    };
    let mut duals = None;
    if let Some((values, lp_duals, bound)) = relaxation {
        lagrange_bound = lagrange_bound.min(bound);
        // Integral pairs first, then fractional ones by their LP value.
        let mut order: Vec<(f64, usize, usize)> = Vec::new();
        for (p, col) in full.x.iter().enumerate() {
            if let Some(c) = col
                && values[*c] > 1e-6
            {
                order.push((values[*c], p / np, p % np));
            }
        }
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let seed: Vec<(usize, usize)> = order.iter().map(|&(_, i, j)| (i, j)).collect();
        if let Some(rounded) = greedy_sites(inst, &full, Some(seed)) {
            let better = greedy.as_ref().is_none_or(|g| {
                evaluate(inst, &rounded).breakdown.objective > evaluate(inst, g).breakdown.objective
            });
            if better {
                greedy = Some(rounded);
            }
        }
        duals = lp_duals;
    }
    let built = match &greedy {
        Some(site) => {
            let x0 = start_vector(inst, &full, site);
            let iters = if duals.is_some() { 50 } else { 500 };
            let pr =
                reduce::lagrangian_prune(&full.model, &full.kinds, &x0, iters, duals.as_deref());
            lagrange_bound = lagrange_bound.min(pr.bound * MONEY);
            for (p, col) in full.x.iter().enumerate() {
                if let Some(c) = col {
                    allowed[p] = pr.keep[*c];
                }
            }
            model::build(inst, true, Some(&allowed))
        }
        None => full,
    };
    let start = greedy.as_ref().map(|site| start_vector(inst, &built, site));
    // The start and the bound may already prove the requested gap: then there is nothing
    // left for the branch and bound to do (this is the solver's own stopping rule).
    if let Some(x0) = &start {
        let z = built.model.objective(x0) * MONEY;
        if (lagrange_bound - z) / z.abs().max(1.0) <= settings.gap {
            let sol = RawSolution {
                objective: z / MONEY,
                values: x0.clone(),
                termination: Termination::GapLimit,
                duals: None,
            };
            let mut plan = assemble(inst, &built, &sol, settings, lagrange_bound)?;
            plan.candidates = allowed;
            plan.searched = false;
            return Ok(Outcome::Planned(Box::new(plan)));
        }
    }
    if settings.backend == Backend::Microlp
        && built.model.integers() > MICROLP_MAX_INTEGERS
        && let Some(x0) = &start
    {
        let sol = RawSolution {
            objective: built.model.objective(x0),
            values: x0.clone(),
            termination: Termination::Heuristic,
            duals: None,
        };
        let mut plan = assemble(inst, &built, &sol, settings, lagrange_bound)?;
        plan.candidates = allowed;
        plan.searched = false;
        return Ok(Outcome::Planned(Box::new(plan)));
    }
    match lp::solve_from(&built.model, settings, false, start.as_deref()) {
        Ok(mut sol) => {
            // At a time limit the solver's incumbent can be worse than the greedy start it
            // was given (microlp may drop a start it cannot verify): keep the better one.
            if let (Some(site), Some(x0)) = (&greedy, &start)
                && sol.termination != Termination::Optimal
                && evaluate(inst, site).breakdown.objective
                    > built.model.objective(&sol.values) * MONEY
            {
                sol.values.clone_from(x0);
                sol.objective = built.model.objective(x0);
            }
            let mut plan = assemble(inst, &built, &sol, settings, lagrange_bound)?;
            plan.candidates = allowed;
            Ok(Outcome::Planned(Box::new(plan)))
        }
        Err(SolveFailure::Infeasible) => Ok(Outcome::Infeasible(explain(inst, settings)?)),
        Err(f) => Err(failure(settings.backend, f)),
    }
}

/// A feasible starting plan for the branch and bound: pairs by net value per share of the
/// scarce factors, placed while every capacity allows. None when it breaks the guidance.
fn greedy_sites(
    inst: &Instance,
    built: &Built,
    seed: Option<Vec<(usize, usize)>>,
) -> Option<Vec<Option<u16>>> {
    let np = inst.parks.len();
    let cap: Vec<f64> = FactorKind::ALL.iter().map(|&f| inst.capacity(f)).collect();
    let mut cheapest = [f64::INFINITY; 4];
    for s in &inst.suppliers {
        let c = &mut cheapest[s.kind.index()];
        *c = c.min(s.unit_cost);
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, e) in inst.enterprises.iter().enumerate() {
        let floor: f64 =
            (0..4).filter(|&f| e.needs[f] > 0.0).map(|f| e.needs[f] * cheapest[f]).sum();
        let share: f64 = (0..4).filter(|&f| cap[f] > 0.0).map(|f| e.needs[f] / cap[f]).sum();
        for j in 0..np {
            if built.x[i * np + j].is_some() {
                let net = inst.value(i, j) - floor;
                if net > 0.0 {
                    pairs.push((net / (share + 1e-9), i, j));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut site = vec![None; inst.enterprises.len()];
    let mut used = vec![[0.0f64; 3]; np];
    let mut factor = [0.0f64; 4];
    let mut subsidy = 0.0;
    // A seed (e.g. the LP's pairs by their value) is placed first, in its order, then
    // topped up.
    let seeded: Vec<(f64, usize, usize)> =
        seed.into_iter().flatten().map(|(i, j)| (f64::INFINITY, i, j)).collect();
    for (_, i, j) in seeded.into_iter().chain(pairs) {
        if site[i].is_some() {
            continue;
        }
        let e = &inst.enterprises[i];
        let p = &inst.parks[j];
        let u = &used[j];
        let fits = u[0] + 1.0 <= p.plots
            && u[1] + e.workers <= p.labour_pool
            && u[2] + e.land_ha <= p.area_ha
            && (0..4).all(|f| factor[f] + e.needs[f] <= cap[f] * (1.0 - 1e-9))
            && inst.guidance.incentive_budget.is_none_or(|b| subsidy + p.entry_subsidy <= b);
        if fits {
            site[i] = Some(j as u16);
            used[j][0] += 1.0;
            used[j][1] += e.workers;
            used[j][2] += e.land_ha;
            for f in 0..4 {
                factor[f] += e.needs[f];
            }
            subsidy += p.entry_subsidy;
        }
    }
    evaluate(inst, &site).feasible.then_some(site)
}

/// The model's column values of an assignment.
fn start_vector(inst: &Instance, built: &Built, site: &[Option<u16>]) -> Vec<f64> {
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

fn assemble(
    inst: &Instance,
    built: &Built,
    sol: &RawSolution,
    settings: &SolveSettings,
    lagrange_bound: f64,
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
            let bound = lp_bound.min(lagrange_bound);
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
    // Fill each factor's demand from the cheapest suppliers first.
    let mut flows: Vec<Flow> = inst
        .suppliers
        .iter()
        .map(|s| Flow {
            supplier: s.name.clone(),
            kind: s.kind,
            amount: 0.0,
            capacity: s.capacity,
            unit_cost: s.unit_cost,
            to_park: vec![0.0; np],
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
            feasible = false;
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
    let mut placements = Vec::with_capacity(placed);
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
    let g = &inst.guidance;
    if (designated as f64) < g.designated_share * placed as f64 - tol {
        feasible = false;
    }
    if g.target_share > 0.0 {
        for (j, p) in inst.parks.iter().enumerate() {
            if p.target_sectors.is_empty() {
                continue;
            }
            let on: usize = p.target_sectors.iter().map(|&s| parks[j].by_sector[s]).sum();
            if (on as f64) < g.target_share * parks[j].enterprises as f64 - tol {
                feasible = false;
            }
        }
    }
    for m in &g.sector_minimums {
        if (parks[m.park].by_sector[m.sector] as f64) < m.count - tol {
            feasible = false;
        }
    }
    if let Some(b) = g.incentive_budget
        && subsidy > b * (1.0 + tol) + tol
    {
        feasible = false;
    }
    if let Some(h) = inst.min_host_gain
        && bd.host_gain < h - tol * h.abs().max(1.0)
    {
        feasible = false;
    }
    let w = inst.weights;
    bd.objective =
        w.home * bd.home_gain + w.host * bd.host_gain + w.jobs * bd.jobs + bd.chain_bonus
            - bd.factor_cost;
    Evaluation { feasible, breakdown: bd, placements, parks, flows }
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
    let base = lp::solve(&m, settings, true).map_err(|f| failure(settings.backend, f))?;
    let method =
        if base.duals.is_some() { DualMethod::SolverDuals } else { DualMethod::FiniteDifference };
    let mut prices = Vec::new();
    for (r, kind) in built.kinds.iter().enumerate() {
        if kind.structural() {
            continue;
        }
        let (unit, scale) = kind.unit(inst);
        let act = row_activity(&m, r, &base.values);
        let rhs = m.rows[r].rhs;
        let slack_model = match m.rows[r].sense {
            Sense::Le => rhs - act,
            Sense::Ge => act - rhs,
            Sense::Eq => 0.0,
        };
        let slack = slack_model * scale;
        // Complementary slackness: a row with slack has price 0.
        let tol = 1e-7 * rhs.abs().max(1.0);
        let dual_model = if slack_model > tol {
            0.0
        } else if let Some(d) = &base.duals {
            // HiGHS reports d(objective)/d(rhs) for our maximisation.
            d[r].abs()
        } else {
            // A small step gives the local (right) derivative, which is the dual; a whole
            // unit could cross into the next segment of the piecewise-linear LP value.
            let h = 1e-4 * rhs.abs().max(1.0);
            shadow_fd(&m, settings, r, h, base.objective)?
        };
        // Model objective is in US$ million; per natural unit of the row.
        let value = dual_model * MONEY / scale;
        // Below a cent per unit is numerical noise of the LP, not a price.
        if value > 0.01 {
            prices.push(ShadowPrice {
                constraint: kind.describe(inst),
                row: kind.clone(),
                value,
                unit: unit.to_string(),
                slack,
            });
        }
    }
    prices.sort_by(|a, b| b.value.total_cmp(&a.value));
    Ok(Bottlenecks { method, prices })
}

/// d(objective)/d(rhs) of row `r` by a forward difference of step `h` (model units), with
/// the sign that makes loosening the row positive.
fn shadow_fd(
    m: &LinearModel,
    settings: &SolveSettings,
    r: usize,
    h: f64,
    base: f64,
) -> Result<f64, PlanError> {
    let mut m2 = m.clone();
    let row = &mut m2.rows[r];
    match row.sense {
        Sense::Le => row.rhs += h,
        Sense::Ge => row.rhs -= h,
        Sense::Eq => row.rhs += h,
    }
    let s = lp::solve(&m2, settings, true).map_err(|f| failure(settings.backend, f))?;
    Ok(((s.objective - base) / h).max(0.0))
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

/// Elastic relaxation: every non-structural row gets a slack and an indicator; minimise the
/// number of loosened rows, then (with a small weight) the relative amounts.
pub fn explain(inst: &Instance, settings: &SolveSettings) -> Result<Explanation, PlanError> {
    let built = model::build(inst, true, None);
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
    let nrows = m.rows.len();
    for r in 0..nrows {
        let kind = &built.kinds[r];
        if kind.structural() {
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
        slacks.push((r, s));
    }
    let sol = lp::solve(&m, settings, false).map_err(|f| failure(settings.backend, f))?;
    let mut loosen = Vec::new();
    for (r, s) in slacks {
        let v = sol.values[s];
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
    Ok(Explanation { loosen })
}

/// One point of the home-host Pareto front.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParetoPoint {
    /// Home gain after factor costs, US$ per period.
    pub home: f64,
    pub host: f64,
    pub placed: usize,
    pub epsilon: f64,
}

/// The Pareto front between home gain (after factor costs, plus the chain bonus) and host
/// gain, by the ε-constraint method: maximise home subject to host ≥ ε for `points` values
/// of ε between the host gain at the home optimum and the largest host gain.
pub fn pareto(
    inst: &Instance,
    settings: &SolveSettings,
    points: usize,
) -> Result<Vec<ParetoPoint>, PlanError> {
    let mut home = inst.clone();
    home.weights = crate::instance::Weights { home: 1.0, host: 0.0, jobs: 0.0 };
    home.min_host_gain = None;
    let mut host = inst.clone();
    host.weights = crate::instance::Weights { home: 0.0, host: 1.0, jobs: 0.0 };
    host.min_host_gain = None;
    let point = |o: Outcome, eps: f64| -> Option<ParetoPoint> {
        match o {
            Outcome::Planned(p) => Some(ParetoPoint {
                home: p.breakdown.home_gain - p.breakdown.factor_cost,
                host: p.breakdown.host_gain,
                placed: p.placements.len(),
                epsilon: eps,
            }),
            Outcome::Infeasible(_) => None,
        }
    };
    let Some(a) = point(plan(&home, settings)?, f64::NAN) else { return Ok(Vec::new()) };
    let Some(b) = point(plan(&host, settings)?, f64::NAN) else { return Ok(vec![a]) };
    let n = points.max(2);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let eps = a.host + (b.host - a.host) * k as f64 / (n - 1) as f64;
        let mut inst_k = home.clone();
        // Step back by a hair so that rounding never makes the end point infeasible.
        inst_k.min_host_gain = Some(eps - 1e-6 * eps.abs().max(1.0));
        if let Some(p) = point(plan(&inst_k, settings)?, eps) {
            out.push(p);
        }
    }
    Ok(out)
}

/// A what-if change of capacities, e.g. `talent=+10%`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// A factor kind word, a supplier id, `plots`, `labour`, `land`, or `PARK.plots` etc.
    pub target: String,
    /// Relative change (0.1 for +10%) when `relative`, else an absolute amount.
    pub amount: f64,
    pub relative: bool,
}

impl Relaxation {
    /// Parse `KEY=+10%`, `KEY=-5%` or `KEY=+20` (absolute, in the capacity's unit).
    pub fn parse(s: &str) -> Result<Relaxation, PlanError> {
        let bad = || {
            PlanError::Relax(format!(
                "--relax `{s}`: expected KEY=+N% or KEY=+N, where KEY is capital, talent, \
                 technology, services, plots, labour, land, a supplier id, or PARK.plots / \
                 PARK.labour / PARK.land"
            ))
        };
        let (k, v) = s.split_once('=').ok_or_else(bad)?;
        let v = v.trim();
        let (num, relative) = match v.strip_suffix('%') {
            Some(n) => (n, true),
            None => (v, false),
        };
        let x: f64 = num.trim().trim_start_matches('+').parse().map_err(|_| bad())?;
        if !x.is_finite() || k.trim().is_empty() {
            return Err(bad());
        }
        Ok(Relaxation {
            target: k.trim().to_string(),
            amount: if relative { x / 100.0 } else { x },
            relative,
        })
    }

    fn change(&self, cap: &mut f64) {
        if self.relative {
            *cap *= 1.0 + self.amount;
        } else {
            *cap += self.amount;
        }
        *cap = cap.max(0.0);
    }

    /// Apply to an instance; an unknown key is an error naming what exists.
    pub fn apply(&self, inst: &mut Instance) -> Result<(), PlanError> {
        let t = self.target.as_str();
        let mut hit = false;
        for f in FactorKind::ALL {
            if t == f.word() {
                for s in inst.suppliers.iter_mut().filter(|s| s.kind == f) {
                    if self.relative || !hit {
                        self.change(&mut s.capacity);
                    }
                    hit = true;
                }
            }
        }
        for s in inst.suppliers.iter_mut().filter(|s| s.name == t) {
            self.change(&mut s.capacity);
            hit = true;
        }
        let (park, field) = match t.rsplit_once('.') {
            Some((p, f)) => (Some(p), f),
            None => (None, t),
        };
        for p in inst.parks.iter_mut().filter(|p| park.is_none_or(|n| n == p.name)) {
            match field {
                "plots" => self.change(&mut p.plots),
                "labour" => self.change(&mut p.labour_pool),
                "land" => self.change(&mut p.area_ha),
                _ => continue,
            }
            hit = true;
        }
        if hit {
            Ok(())
        } else {
            let ids: Vec<&str> = inst.suppliers.iter().map(|s| s.name.as_str()).collect();
            Err(PlanError::Relax(format!(
                "--relax `{t}`: no such factor, supplier or park capacity (suppliers: {})",
                ids.join(", ")
            )))
        }
    }
}
