//! The planning instance: solver-neutral data for one allocation problem.
//!
//! An [`Instance`] is what the optimisation model is built from. It is derived from a checked
//! scenario and a generated population by [`Instance::from_scenario`], or written by hand in
//! tests. Money is in US$ per period, everywhere in this struct.

use serde::Serialize;
use symbiont_model::population::Population;
use symbiont_model::{ChainPos, Factor, Scenario};

use crate::error::PlanInputError;
use crate::options::PlanOptions;

/// The four factor kinds that suppliers give enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// Credit from finance organisations, in US$.
    Capital,
    /// Engineers and managers from universities, in persons.
    Talent,
    /// Technology packages from research institutes.
    Technology,
    /// Client slots at intermediaries (law firms, consultancies, chambers...).
    Services,
}

impl FactorKind {
    pub const ALL: [FactorKind; 4] =
        [FactorKind::Capital, FactorKind::Talent, FactorKind::Technology, FactorKind::Services];

    pub fn word(self) -> &'static str {
        match self {
            FactorKind::Capital => "capital",
            FactorKind::Talent => "talent",
            FactorKind::Technology => "technology",
            FactorKind::Services => "services",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            FactorKind::Capital => "US$",
            FactorKind::Talent => "person",
            FactorKind::Technology => "package",
            FactorKind::Services => "client",
        }
    }

    /// Who supplies it, in words ("universities").
    pub fn suppliers(self) -> &'static str {
        match self {
            FactorKind::Capital => "finance organisations",
            FactorKind::Talent => "universities",
            FactorKind::Technology => "research institutes",
            FactorKind::Services => "intermediaries",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One enterprise that may go to a park, with its needs and its value in each park.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// A readable id: the listed enterprise's id, or `group#n`.
    pub name: String,
    pub sector: usize,
    pub chain: ChainPos,
    /// Needs per [`FactorKind`] (capital in US$, talent in persons, technology in packages,
    /// services in clients). All-or-nothing: the enterprise goes only when all are met.
    pub needs: [f64; 4],
    /// Host workers it employs (uses the park's labour pool).
    pub workers: f64,
    /// Land it occupies, ha.
    pub land_ha: f64,
    /// Home gain per period in each park (before factor costs), US$.
    pub home: Vec<f64>,
    /// Host gain per period in each park, US$.
    pub host: Vec<f64>,
    /// Expected host jobs in each park.
    pub jobs: Vec<f64>,
}

/// A park's capacities and the government's view of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkCap {
    pub name: String,
    pub plots: f64,
    pub labour_pool: f64,
    pub area_ha: f64,
    pub designated: bool,
    /// Sector indices the park targets (empty: no target).
    pub target_sectors: Vec<usize>,
    /// The host's one-off entry subsidy per enterprise, US$ (counts against the budget).
    pub entry_subsidy: f64,
}

/// One supplier of one factor kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Supplier {
    pub name: String,
    pub kind: FactorKind,
    /// Capacity per period, in the kind's unit.
    pub capacity: f64,
    /// Cost per unit, US$ per period.
    pub unit_cost: f64,
}

/// A minimum number of enterprises of one sector in one park (the government's sector target).
#[derive(Debug, Clone, PartialEq)]
pub struct SectorMinimum {
    pub park: usize,
    pub sector: usize,
    pub count: f64,
}

/// The government's guidance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Guidance {
    /// Minimum share, 0..=1, of placed enterprises that are in designated parks.
    pub designated_share: f64,
    /// Minimum share, 0..=1, of each park's enterprises in its target sectors.
    pub target_share: f64,
    pub sector_minimums: Vec<SectorMinimum>,
    /// Budget for the host's entry subsidies, US$ (None: unlimited).
    pub incentive_budget: Option<f64>,
}

/// The planner's objective weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    pub home: f64,
    pub host: f64,
    /// US$ of value per expected host job per period.
    pub jobs: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { home: 1.0, host: 1.0, jobs: 0.0 }
    }
}

/// A complete planning problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub sectors: Vec<String>,
    pub enterprises: Vec<Candidate>,
    pub parks: Vec<ParkCap>,
    pub suppliers: Vec<Supplier>,
    pub guidance: Guidance,
    pub weights: Weights,
    /// Bonus per period, US$, for each (park, sector) that holds the upstream, midstream and
    /// downstream of the sector.
    pub chain_bonus: f64,
    /// A lower bound on host gain (used by the ε-constraint Pareto front).
    pub min_host_gain: Option<f64>,
}

impl Instance {
    /// Total capacity per factor kind.
    pub fn capacity(&self, f: FactorKind) -> f64 {
        self.suppliers.iter().filter(|s| s.kind == f).map(|s| s.capacity).sum()
    }

    /// The weighted value of enterprise `i` in park `j`, before factor costs.
    pub fn value(&self, i: usize, j: usize) -> f64 {
        let e = &self.enterprises[i];
        self.weights.home * e.home[j]
            + self.weights.host * e.host[j]
            + self.weights.jobs * e.jobs[j]
    }

    /// Check the instance for problems that no solver can fix. Every problem is returned.
    pub fn check(&self) -> Result<(), PlanInputError> {
        let mut problems = Vec::new();
        for p in &self.parks {
            if !(p.plots >= 1.0) {
                problems.push(format!("park `{}` has no plots (plots = {})", p.name, p.plots));
            }
            if !(p.labour_pool >= 0.0) || !(p.area_ha >= 0.0) {
                problems.push(format!("park `{}` has a negative labour pool or area", p.name));
            }
        }
        for s in &self.suppliers {
            if !(s.capacity >= 0.0) || !s.unit_cost.is_finite() {
                problems.push(format!(
                    "supplier `{}` has capacity {} and unit cost {}: expected a capacity >= 0 \
                     and a finite cost",
                    s.name, s.capacity, s.unit_cost
                ));
            }
        }
        // A need that no supplier can ever meet: a sector uses a factor that nobody supplies.
        for f in FactorKind::ALL {
            if self.capacity(f) > 0.0 {
                continue;
            }
            let mut sectors: Vec<usize> = self
                .enterprises
                .iter()
                .filter(|e| e.needs[f.index()] > 0.0)
                .map(|e| e.sector)
                .collect();
            sectors.sort_unstable();
            sectors.dedup();
            if !sectors.is_empty() {
                let names: Vec<&str> = sectors.iter().map(|&s| self.sectors[s].as_str()).collect();
                problems.push(format!(
                    "{} is needed by sector(s) {} but no {} supply it (total capacity 0): \
                     add a supplier or set the sector's intensity to 0",
                    f.word(),
                    names.join(", "),
                    f.suppliers()
                ));
            }
        }
        let g = &self.guidance;
        for (what, v) in
            [("designated share", g.designated_share), ("target share", g.target_share)]
        {
            if !(0.0..=1.0).contains(&v) {
                problems.push(format!("guidance {what} is {v}: expected a share in 0..=1"));
            }
        }
        for m in &g.sector_minimums {
            if m.park >= self.parks.len() || m.sector >= self.sectors.len() || !(m.count >= 0.0) {
                problems.push(format!(
                    "sector minimum (park {}, sector {}, count {}) is out of range",
                    m.park, m.sector, m.count
                ));
            } else if m.count > self.parks[m.park].plots {
                problems.push(format!(
                    "guidance asks for {} `{}` enterprises in park `{}`, which has only {} plots",
                    m.count,
                    self.sectors[m.sector],
                    self.parks[m.park].name,
                    self.parks[m.park].plots
                ));
            }
        }
        if let Some(b) = g.incentive_budget
            && !(b >= 0.0)
        {
            problems.push(format!("incentive budget is {b}: expected US$ >= 0"));
        }
        for w in [self.weights.home, self.weights.host, self.weights.jobs, self.chain_bonus] {
            if !w.is_finite() {
                problems.push("a weight or the chain bonus is not a finite number".into());
            }
        }
        for e in &self.enterprises {
            let n = self.parks.len();
            if e.home.len() != n || e.host.len() != n || e.jobs.len() != n {
                problems.push(format!(
                    "enterprise `{}` has values for the wrong number of parks",
                    e.name
                ));
            }
            if e.needs.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                || !(e.workers >= 0.0)
                || !(e.land_ha >= 0.0)
                || e.home.iter().chain(&e.host).chain(&e.jobs).any(|x| !x.is_finite())
            {
                problems.push(format!(
                    "enterprise `{}` has a negative or non-finite need or value",
                    e.name
                ));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(PlanInputError { problems }) }
    }

    /// Build the instance of a scenario and its population, with the planner's options.
    ///
    /// The economics (documented in `docs/planner.md`): an enterprise with capital `K` in
    /// sector `s` at park `j` earns `margin·productivity·K·fit·access` per period; the home
    /// side keeps the after-tax profit plus labour and land cost advantages and the host's
    /// incentives, minus its share of the park's shared infrastructure; the host gains wages,
    /// rent and tax, minus the subsidy. Both are multiplied by the probability that every
    /// department approves.
    pub fn from_scenario(
        sc: &Scenario,
        pop: &Population,
        opts: &PlanOptions,
    ) -> Result<Instance, PlanInputError> {
        let home_r = &sc.regions[sc.home_region()].costs;
        let host_r = &sc.regions[sc.host_region()].costs;
        let horizon = f64::from(sc.study.horizon_periods.max(1));
        let p_ok: f64 = sc
            .governments
            .iter()
            .flat_map(|g| &g.departments)
            .map(|d| d.approval_probability)
            .product();
        let ec = &opts.economics;
        let mut problems = Vec::new();
        let mut parks = Vec::with_capacity(sc.parks.len());
        for p in &sc.parks {
            parks.push(ParkCap {
                name: p.id.clone(),
                plots: f64::from(p.plots),
                labour_pool: p.labour_pool,
                area_ha: p.area_ha,
                designated: p.designated,
                target_sectors: p.target_sectors.clone(),
                entry_subsidy: p.incentives.entry_subsidy_usd,
            });
        }
        let mut enterprises = Vec::with_capacity(pop.enterprises.len());
        let mut group_counter = vec![0usize; sc.enterprise_groups.len()];
        for a in &pop.enterprises {
            let origin = a.origin as usize;
            let name = if origin < sc.enterprises.len() {
                sc.enterprises[origin].id.clone()
            } else {
                let g = origin - sc.enterprises.len();
                let Some(group) = sc.enterprise_groups.get(g) else {
                    problems.push(format!("population enterprise with unknown origin {origin}"));
                    continue;
                };
                group_counter[g] += 1;
                format!("{}#{}", group.id, group_counter[g])
            };
            let Some(s) = sc.sectors.get(a.sector as usize) else {
                problems.push(format!("enterprise `{name}` has unknown sector {}", a.sector));
                continue;
            };
            let musd = a.capital_usd / 1e6;
            let workers = s.workers_per_musd * musd;
            let land = s.land_ha_per_musd * musd;
            let needs = [
                s.credit_share * a.capital_usd,
                s.talent_per_musd * musd,
                s.technology_per_musd * musd,
                1.0,
            ];
            let mut home = Vec::with_capacity(parks.len());
            let mut host = Vec::with_capacity(parks.len());
            let mut jobs = Vec::with_capacity(parks.len());
            for p in &sc.parks {
                let fit = if p.target_sectors.is_empty()
                    || p.target_sectors.contains(&(a.sector as usize))
                {
                    1.0
                } else {
                    1.0 - ec.mismatch
                };
                let access =
                    1.0 - ec.freight_share * sc.environment.transport_cost * (1.0 - p.hub_access);
                let profit = s.margin * a.productivity * a.capital_usd * fit * access;
                let holiday = f64::from(p.incentives.tax_holiday_periods).min(horizon) / horizon;
                let tax = ec.tax_rate * profit.max(0.0) * (1.0 - holiday);
                let rent_host = host_r.land_rent_usd_per_ha * (1.0 - p.incentives.rent_discount);
                let labour_adv =
                    ec.labour_advantage * workers * (home_r.wage_usd - host_r.wage_usd);
                let land_adv = land * (home_r.land_rent_usd_per_ha - rent_host);
                let subsidy = p.incentives.entry_subsidy_usd / horizon;
                let infra = p.shared_infrastructure_cost_usd / f64::from(p.plots.max(1));
                home.push(p_ok * (profit - tax + labour_adv + land_adv + subsidy) - infra);
                host.push(p_ok * (workers * host_r.wage_usd + land * rent_host + tax - subsidy));
                jobs.push(p_ok * workers);
            }
            enterprises.push(Candidate {
                name,
                sector: a.sector as usize,
                chain: a.chain,
                needs,
                workers,
                land_ha: land,
                home,
                host,
                jobs,
            });
        }
        let suppliers = suppliers_of(sc);
        let sectors: Vec<String> = sc.sectors.iter().map(|s| s.id.clone()).collect();
        let guidance = opts.guidance_for(sc, &mut problems);
        if !problems.is_empty() {
            return Err(PlanInputError { problems });
        }
        let inst = Instance {
            sectors,
            enterprises,
            parks,
            suppliers,
            guidance,
            weights: opts.weights,
            chain_bonus: ec.chain_bonus_usd,
            min_host_gain: None,
        };
        inst.check()?;
        Ok(inst)
    }
}

/// The suppliers of a scenario, with their unit costs (`docs/planner.md` §1): finance at base
/// rate plus the capital price times (1 − risk appetite); universities at the talent price
/// scaled by their region's wage; research institutes at the technology price over host fit;
/// intermediaries at the information price times (1 − effect).
fn suppliers_of(sc: &Scenario) -> Vec<Supplier> {
    let home_r = &sc.regions[sc.home_region()].costs;
    let price =
        |f: Factor| sc.factors.iter().find(|x| x.factor == f).map(|x| x.price_usd).unwrap_or(0.0);
    let wage_ratio = |r: usize| {
        let w = sc.regions[r].costs.wage_usd;
        if home_r.wage_usd > 0.0 { w / home_r.wage_usd } else { 1.0 }
    };
    let mut suppliers = Vec::new();
    for f in &sc.finance {
        suppliers.push(Supplier {
            name: f.id.clone(),
            kind: FactorKind::Capital,
            capacity: f.credit_capacity_usd,
            unit_cost: f.base_rate + price(Factor::Capital) * (1.0 - f.risk_appetite),
        });
    }
    for u in &sc.universities {
        suppliers.push(Supplier {
            name: u.id.clone(),
            kind: FactorKind::Talent,
            capacity: u.talent_per_period,
            unit_cost: price(Factor::Talent) * wage_ratio(u.region),
        });
    }
    for r in &sc.research_institutes {
        // A package that fits host conditions poorly needs more adaptation work.
        let fit = r.host_fit.max(0.05);
        suppliers.push(Supplier {
            name: r.id.clone(),
            kind: FactorKind::Technology,
            capacity: r.technology_per_period,
            unit_cost: price(Factor::Technology) / fit,
        });
    }
    for m in &sc.intermediaries {
        suppliers.push(Supplier {
            name: m.id.clone(),
            kind: FactorKind::Services,
            capacity: m.capacity_clients,
            unit_cost: price(Factor::Information) * (1.0 - m.effect.clamp(0.0, 1.0)),
        });
    }
    suppliers
}
