//! The primal heuristic: a feasible plan built one placement at a time, to start the search
//! from and to return when a limit stops it.
//!
//! Pairs are ranked by net value (value minus the cheapest cost of the enterprise's factors)
//! per share of the scarce factors. Every placement must fit every capacity (plots, labour,
//! land, each factor kind's total supply, the incentive budget). The guidance's lower bounds
//! are kept the way a planner would keep them by hand:
//!
//! 1. **sector targets first**: the best-ranked enterprises of the sector go to the park, as
//!    many as asked;
//! 2. **shares as invariants**: a pair outside a designated park (outside a park's target
//!    sectors) is placed only if the designated (target-sector) share still holds after it,
//!    so the shares hold after every step;
//! 3. **the host floor** (ε-constraint of the Pareto front): pairs by host gain first, until
//!    the floor is met;
//! 4. **repair**: a share that a sector target broke is restored by adding pairs that raise
//!    it, then by sending home placements that lower it (lowest-ranked first).
//!
//! Without guidance this is the plain greedy plan. The result is checked by
//! [`crate::evaluate`]; the heuristic never claims a plan that breaks a row.

use crate::instance::{FactorKind, Instance};
use crate::model::Built;
use crate::plan::evaluate;

/// A pair with its rank: (score, enterprise, park).
pub(crate) type Ranked = (f64, usize, usize);

/// The plan under construction and the use of every capacity and share.
struct Fill<'a> {
    inst: &'a Instance,
    cap: [f64; 4],
    site: Vec<Option<u16>>,
    /// Placed by a sector target (never sent home by the repair).
    forced: Vec<bool>,
    /// Per park: plots, workers, land used.
    used: Vec<[f64; 3]>,
    /// Per park: enterprises in its target sectors.
    on_target: Vec<usize>,
    factor: [f64; 4],
    subsidy: f64,
    placed: usize,
    designated: usize,
    host: f64,
}

const TOL: f64 = 1e-9;

impl<'a> Fill<'a> {
    fn new(inst: &'a Instance) -> Fill<'a> {
        let cap = FactorKind::ALL.map(|f| inst.capacity(f));
        let np = inst.parks.len();
        Fill {
            inst,
            cap,
            site: vec![None; inst.enterprises.len()],
            forced: vec![false; inst.enterprises.len()],
            used: vec![[0.0; 3]; np],
            on_target: vec![0; np],
            factor: [0.0; 4],
            subsidy: 0.0,
            placed: 0,
            designated: 0,
            host: 0.0,
        }
    }

    fn targets(&self, i: usize, j: usize) -> bool {
        self.inst.parks[j].target_sectors.contains(&self.inst.enterprises[i].sector)
    }

    /// Whether (i, j) fits every capacity (the ≤ rows).
    fn fits(&self, i: usize, j: usize) -> bool {
        let e = &self.inst.enterprises[i];
        let p = &self.inst.parks[j];
        let u = &self.used[j];
        self.site[i].is_none()
            && u[0] + 1.0 <= p.plots
            && u[1] + e.workers <= p.labour_pool
            && u[2] + e.land_ha <= p.area_ha
            && (0..4).all(|f| self.factor[f] + e.needs[f] <= self.cap[f] * (1.0 - TOL))
            && self
                .inst
                .guidance
                .incentive_budget
                .is_none_or(|b| self.subsidy + p.entry_subsidy <= b)
    }

    /// Whether the designated and target-sector shares still hold after placing (i, j).
    fn keeps_shares(&self, i: usize, j: usize) -> bool {
        let g = &self.inst.guidance;
        let p = &self.inst.parks[j];
        let designated = self.designated + usize::from(p.designated);
        let ok_designated =
            designated as f64 >= g.designated_share * (self.placed + 1) as f64 - TOL;
        let ok_target = g.target_share <= 0.0
            || p.target_sectors.is_empty()
            || (self.on_target[j] + usize::from(self.targets(i, j))) as f64
                >= g.target_share * (self.used[j][0] + 1.0) - TOL;
        ok_designated && ok_target
    }

    fn place(&mut self, i: usize, j: usize) {
        let e = &self.inst.enterprises[i];
        let p = &self.inst.parks[j];
        self.site[i] = Some(j as u16);
        self.used[j][0] += 1.0;
        self.used[j][1] += e.workers;
        self.used[j][2] += e.land_ha;
        for f in 0..4 {
            self.factor[f] += e.needs[f];
        }
        self.subsidy += p.entry_subsidy;
        self.placed += 1;
        self.designated += usize::from(p.designated);
        self.on_target[j] += usize::from(self.targets(i, j));
        self.host += e.host[j];
    }

    fn remove(&mut self, i: usize) {
        let Some(j) = self.site[i].map(usize::from) else { return };
        let e = &self.inst.enterprises[i];
        let p = &self.inst.parks[j];
        self.site[i] = None;
        self.used[j][0] -= 1.0;
        self.used[j][1] -= e.workers;
        self.used[j][2] -= e.land_ha;
        for f in 0..4 {
            self.factor[f] -= e.needs[f];
        }
        self.subsidy -= p.entry_subsidy;
        self.placed -= 1;
        self.designated -= usize::from(p.designated);
        self.on_target[j] -= usize::from(self.targets(i, j));
        self.host -= e.host[j];
    }

    /// Place each pair in order when it fits and keeps the shares, while `more` says so.
    fn fill(&mut self, pairs: &[Ranked], mut more: impl FnMut(&Fill<'_>) -> bool) {
        for &(_, i, j) in pairs {
            if !more(self) {
                return;
            }
            if self.fits(i, j) && self.keeps_shares(i, j) {
                self.place(i, j);
            }
        }
    }

    fn designated_short(&self) -> bool {
        (self.designated as f64) < self.inst.guidance.designated_share * self.placed as f64 - TOL
    }

    fn target_short(&self, j: usize) -> bool {
        let g = &self.inst.guidance;
        g.target_share > 0.0
            && !self.inst.parks[j].target_sectors.is_empty()
            && (self.on_target[j] as f64) < g.target_share * self.used[j][0] - TOL
    }
}

/// Every pair left in the model with its rank: net value per share of the scarce factors
/// (only pairs with a positive net value when `positive`).
fn ranked(inst: &Instance, built: &Built, positive: bool) -> Vec<Ranked> {
    let np = inst.parks.len();
    let cap = FactorKind::ALL.map(|f| inst.capacity(f));
    let mut cheapest = [f64::INFINITY; 4];
    for s in &inst.suppliers {
        let c = &mut cheapest[s.kind.index()];
        *c = c.min(s.unit_cost);
    }
    let mut pairs = Vec::new();
    for (i, e) in inst.enterprises.iter().enumerate() {
        let floor: f64 =
            (0..4).filter(|&f| e.needs[f] > 0.0).map(|f| e.needs[f] * cheapest[f]).sum();
        let share: f64 = (0..4).filter(|&f| cap[f] > 0.0).map(|f| e.needs[f] / cap[f]).sum();
        for j in 0..np {
            if built.x[i * np + j].is_some() {
                let net = inst.value(i, j) - floor;
                if net > 0.0 || !positive {
                    pairs.push((net / (share + 1e-9), i, j));
                }
            }
        }
    }
    sort(&mut pairs);
    pairs
}

fn sort(pairs: &mut [Ranked]) {
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
}

/// Step 1: the sector targets, each with its best-ranked enterprises of the sector.
fn sector_targets(f: &mut Fill<'_>, all: &[Ranked]) {
    for m in &f.inst.guidance.sector_minimums {
        let mut have = f
            .site
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                **s == Some(m.park as u16) && f.inst.enterprises[*i].sector == m.sector
            })
            .count();
        for &(_, i, j) in all {
            if have as f64 >= m.count - TOL {
                break;
            }
            if j == m.park && f.inst.enterprises[i].sector == m.sector && f.fits(i, j) {
                f.place(i, j);
                f.forced[i] = true;
                have += 1;
            }
        }
    }
}

/// Step 4: restore the shares a sector target broke: first add pairs that raise them, then
/// send home (lowest-ranked first) placements that lower them.
fn repair_shares(f: &mut Fill<'_>, all: &[Ranked]) {
    if f.designated_short() {
        for &(_, i, j) in all {
            if !f.designated_short() {
                break;
            }
            if f.inst.parks[j].designated && f.fits(i, j) {
                f.place(i, j);
            }
        }
        for &(_, i, j) in all.iter().rev() {
            if !f.designated_short() {
                break;
            }
            if f.site[i] == Some(j as u16) && !f.inst.parks[j].designated && !f.forced[i] {
                f.remove(i);
            }
        }
    }
    for park in 0..f.inst.parks.len() {
        if !f.target_short(park) {
            continue;
        }
        for &(_, i, j) in all.iter().filter(|p| p.2 == park) {
            if !f.target_short(park) {
                break;
            }
            if f.targets(i, j) && f.fits(i, j) && f.keeps_designated(j) {
                f.place(i, j);
            }
        }
        for &(_, i, j) in all.iter().rev().filter(|p| p.2 == park) {
            if !f.target_short(park) {
                break;
            }
            if f.site[i] == Some(j as u16) && !f.targets(i, j) && !f.forced[i] {
                f.remove(i);
            }
        }
    }
}

impl Fill<'_> {
    /// Whether placing (i, j) lowers the designated or a target-sector share.
    fn lowers_share(&self, i: usize, j: usize) -> bool {
        let g = &self.inst.guidance;
        let p = &self.inst.parks[j];
        (g.designated_share > 0.0 && !p.designated)
            || (g.target_share > 0.0 && !p.target_sectors.is_empty() && !self.targets(i, j))
    }

    fn keeps_designated(&self, j: usize) -> bool {
        let d = self.designated + usize::from(self.inst.parks[j].designated);
        d as f64 >= self.inst.guidance.designated_share * (self.placed + 1) as f64 - TOL
    }
}

/// A plan by the steps of the module docs: `seed` pairs (the LP relaxation's, as
/// (LP value, enterprise, park), highest first) go first, then the ranked rest. Returns the sites and whether they are feasible;
/// an infeasible plan is still the best effort, and the explanation starts from it.
///
/// With a host floor two orders are tried, host gain first, or the seed's integral pairs first
/// (the LP point meets the floor fractionally, so its rounding often needs only a top-up by
/// host gain before the fractional pairs), and the better feasible plan is kept.
pub(crate) fn construct(
    inst: &Instance,
    built: &Built,
    seed: Option<Vec<Ranked>>,
) -> (Vec<Option<u16>>, bool) {
    let all = ranked(inst, built, false);
    let seeded: Vec<Ranked> = seed.unwrap_or_default();
    let first = fill_in_order(inst, built, &all, &seeded, true);
    if inst.min_host_gain.is_none() || seeded.is_empty() {
        return first;
    }
    let second = fill_in_order(inst, built, &all, &seeded, false);
    let value = |p: &(Vec<Option<u16>>, bool)| {
        if p.1 { evaluate(inst, &p.0).breakdown.objective } else { f64::NEG_INFINITY }
    };
    if value(&second) > value(&first) { second } else { first }
}

/// The pairs by host gain per share of the scarce factors (host gain > 0 only).
fn by_host(inst: &Instance, built: &Built, all: &[Ranked]) -> Vec<Ranked> {
    let np = inst.parks.len();
    let cap = FactorKind::ALL.map(|f| inst.capacity(f));
    let mut pairs: Vec<Ranked> = all
        .iter()
        .map(|&(_, i, j)| {
            let e = &inst.enterprises[i];
            let share: f64 = (0..4).map(|k| e.needs[k] / cap[k].max(TOL)).sum();
            (e.host[j] / (share + 1e-9), i, j)
        })
        .filter(|p| p.0 > 0.0 && built.x[p.1 * np + p.2].is_some())
        .collect();
    sort(&mut pairs);
    pairs
}

fn fill_in_order(
    inst: &Instance,
    built: &Built,
    all: &[Ranked],
    seeded: &[Ranked],
    host_first: bool,
) -> (Vec<Option<u16>>, bool) {
    let mut f = Fill::new(inst);
    // The seed's own choice for a sector target (the LP's) comes before the ranked rest.
    let targets: Vec<Ranked> = seeded.iter().chain(all).copied().collect();
    sector_targets(&mut f, &targets);
    let host = inst.min_host_gain.map(|h| (h, by_host(inst, built, all)));
    if let Some((h, pairs)) = host.as_ref().filter(|_| host_first) {
        f.fill(pairs, |f| f.host < *h);
    }
    // The seed's pairs that lower no share first, so that the others find the shares' room.
    let lowers_none: Vec<Ranked> =
        seeded.iter().copied().filter(|&(_, i, j)| !f.lowers_share(i, j)).collect();
    if let Some((h, pairs)) = host.as_ref().filter(|_| !host_first) {
        let integral: Vec<Ranked> =
            lowers_none.iter().copied().filter(|p| p.0 >= 1.0 - 1e-6).collect();
        f.fill(&integral, |_| true);
        f.fill(pairs, |f| f.host < *h);
    }
    f.fill(&lowers_none, |_| true);
    f.fill(seeded, |_| true);
    let positive: Vec<Ranked> = all.iter().copied().filter(|p| p.0 > 0.0).collect();
    f.fill(&positive, |_| true);
    repair_shares(&mut f, all);
    let feasible = evaluate(inst, &f.site).feasible;
    (f.site, feasible)
}

/// [`construct`], only when feasible.
pub(crate) fn feasible_plan(
    inst: &Instance,
    built: &Built,
    seed: Option<Vec<Ranked>>,
) -> Option<Vec<Option<u16>>> {
    let (site, ok) = construct(inst, built, seed);
    ok.then_some(site)
}
