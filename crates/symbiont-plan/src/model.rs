//! The designated-place MIP, built from an [`Instance`] into a [`LinearModel`].
//!
//! Variables: `x[i,j]` binary (enterprise i in park j), `u[j,s]` in [0,1] (park j holds the
//! whole chain of sector s), `w[k]` ≥ 0 (what supplier k gives). Money in the objective is
//! in US$ million per period, capital flows in US$ million, other factors in their units.
//! See `docs/planner.md` for the formulation and the proof that the reductions are exact.

use serde::Serialize;
use symbiont_model::ChainPos;

use crate::instance::{FactorKind, Instance};
use crate::lp::{LinearModel, Sense};

/// Money scale of the objective: US$ million.
pub const MONEY: f64 = 1e6;

/// Unit scale of a factor in the model (capital in US$ million).
pub fn unit_scale(f: FactorKind) -> f64 {
    if f == FactorKind::Capital { 1e6 } else { 1.0 }
}

/// What a row means, for shadow prices and for the infeasibility explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowKind {
    /// An enterprise goes to at most one park (structural, never relaxed).
    Assign {
        enterprise: usize,
    },
    Plots {
        park: usize,
    },
    Labour {
        park: usize,
    },
    Land {
        park: usize,
    },
    /// Supplied = needed, per factor kind (structural: all-or-nothing supply).
    Factor {
        factor: FactorKind,
    },
    Supplier {
        supplier: usize,
    },
    DesignatedShare,
    TargetShare {
        park: usize,
    },
    SectorMinimum {
        index: usize,
    },
    IncentiveBudget,
    /// Cluster variable bounded by the count of one chain position (structural).
    Chain {
        park: usize,
        sector: usize,
        pos: usize,
    },
    HostFloor,
}

impl RowKind {
    /// Rows that are facts of the formulation and never loosened.
    pub fn structural(&self) -> bool {
        matches!(self, RowKind::Assign { .. } | RowKind::Factor { .. } | RowKind::Chain { .. })
    }

    /// A readable name of the constraint.
    pub fn describe(&self, inst: &Instance) -> String {
        match self {
            RowKind::Assign { enterprise } => {
                format!(
                    "enterprise `{}` goes to one park at most",
                    inst.enterprises[*enterprise].name
                )
            }
            RowKind::Plots { park } => format!("plots of park `{}`", inst.parks[*park].name),
            RowKind::Labour { park } => format!("labour pool of park `{}`", inst.parks[*park].name),
            RowKind::Land { park } => format!("land of park `{}`", inst.parks[*park].name),
            RowKind::Factor { factor } => format!("{} supplied = needed", factor.word()),
            RowKind::Supplier { supplier } => {
                let s = &inst.suppliers[*supplier];
                format!("{} from `{}`", s.kind.word(), s.name)
            }
            RowKind::DesignatedShare => "minimum share in designated parks".into(),
            RowKind::TargetShare { park } => {
                format!("target-sector share in park `{}`", inst.parks[*park].name)
            }
            RowKind::SectorMinimum { index } => {
                let m = &inst.guidance.sector_minimums[*index];
                format!(
                    "at least {} `{}` enterprises in park `{}`",
                    m.count, inst.sectors[m.sector], inst.parks[m.park].name
                )
            }
            RowKind::IncentiveBudget => "host incentive budget".into(),
            RowKind::Chain { park, sector, pos } => format!(
                "chain of `{}` in park `{}` needs {}",
                inst.sectors[*sector],
                inst.parks[*park].name,
                ChainPos::ALL[*pos].word()
            ),
            RowKind::HostFloor => "minimum host gain (ε-constraint)".into(),
        }
    }

    /// The unit of the row's right-hand side in natural terms, and the factor from model
    /// units to natural units.
    pub fn unit(&self, inst: &Instance) -> (&'static str, f64) {
        match self {
            RowKind::Plots { .. } => ("plot", 1.0),
            RowKind::Labour { .. } => ("worker", 1.0),
            RowKind::Land { .. } => ("ha", 1.0),
            RowKind::Supplier { supplier } => {
                let f = inst.suppliers[*supplier].kind;
                (f.unit(), unit_scale(f))
            }
            RowKind::Factor { factor } => (factor.unit(), unit_scale(*factor)),
            RowKind::IncentiveBudget | RowKind::HostFloor => ("US$", MONEY),
            RowKind::SectorMinimum { .. } => ("enterprise", 1.0),
            _ => ("", 1.0),
        }
    }
}

/// The built model and where each decision lives in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub model: LinearModel,
    /// `x[i * parks + j]`: the column of the pair, or None when the pair was pruned.
    pub x: Vec<Option<usize>>,
    /// Cluster columns: (park, sector, column).
    pub u: Vec<(usize, usize, usize)>,
    /// Supplier columns, in supplier order.
    pub w: Vec<usize>,
    /// The meaning of each row.
    pub kinds: Vec<RowKind>,
    /// Pairs left out by the exact pruning rule.
    pub pruned: usize,
}

impl Built {
    pub fn parks(&self, inst: &Instance) -> usize {
        inst.parks.len()
    }
}

/// Build the MIP. `prune` applies the exact pruning rule of `docs/planner.md` §4; `allowed`
/// (indexed `i * parks + j`) leaves out further pairs, e.g. those proven useless by
/// [`crate::reduce::lagrangian_prune`].
///
/// Columns come first, by family (pairs, cluster variables, supplier flows), then rows by
/// family (one park at most, park capacities, factors, suppliers, guidance, chain links, the
/// host floor); the order is the MPS file's.
pub fn build(inst: &Instance, prune: bool, allowed: Option<&[bool]>) -> Built {
    let mut m = LinearModel::default();
    let (x, pruned) = pair_columns(&mut m, inst, prune, allowed);
    let u = cluster_columns(&mut m, inst, &x);
    let w = supplier_columns(&mut m, inst);
    let mut rows = Rows { m, kinds: Vec::new(), x: &x, np: inst.parks.len() };
    rows.assign(inst);
    rows.park_capacities(inst);
    rows.factors(inst, &w);
    rows.suppliers(inst, &w);
    rows.guidance(inst);
    rows.chains(inst, &u);
    rows.host_floor(inst);
    let Rows { m, kinds, .. } = rows;
    Built { model: m, x, u, w, kinds, pruned }
}

/// The cheapest unit cost per factor kind: it bounds from below what any enterprise's
/// factors cost.
fn cheapest_costs(inst: &Instance) -> [f64; 4] {
    let mut cheapest = [f64::INFINITY; 4];
    for s in &inst.suppliers {
        let c = &mut cheapest[s.kind.index()];
        *c = c.min(s.unit_cost);
    }
    cheapest
}

/// Whether pair (i, j) has a positive coefficient in some ≥ row (it may be needed there).
fn helps_lower_bound(inst: &Instance, i: usize, j: usize) -> bool {
    let g = &inst.guidance;
    let e = &inst.enterprises[i];
    let p = &inst.parks[j];
    (g.designated_share > 0.0 && p.designated)
        || (g.target_share > 0.0 && p.target_sectors.contains(&e.sector))
        || g.sector_minimums.iter().any(|mm| mm.park == j && mm.sector == e.sector)
        || (inst.min_host_gain.is_some() && e.host[j] > 0.0)
}

/// The pair columns `x[i * parks + j]` (binary), and how many pairs were left out.
fn pair_columns(
    m: &mut LinearModel,
    inst: &Instance,
    prune: bool,
    allowed: Option<&[bool]>,
) -> (Vec<Option<usize>>, usize) {
    let np = inst.parks.len();
    let cheapest = cheapest_costs(inst);
    let mut x = vec![None; inst.enterprises.len() * np];
    let mut pruned = 0;
    for (i, e) in inst.enterprises.iter().enumerate() {
        let factor_floor: f64 = FactorKind::ALL
            .iter()
            .map(|f| {
                let c = cheapest[f.index()];
                if e.needs[f.index()] > 0.0 && c.is_finite() { e.needs[f.index()] * c } else { 0.0 }
            })
            .sum();
        for j in 0..np {
            let v = inst.value(i, j);
            if allowed.is_some_and(|a| !a[i * np + j]) {
                pruned += 1;
                continue;
            }
            // A pair that can only lower the objective and helps no ≥ row is never in an
            // optimal plan: dropping it from any plan keeps the plan feasible and the
            // objective no lower (docs/planner.md §4).
            let bonus = inst.chain_bonus.max(0.0);
            if prune && !helps_lower_bound(inst, i, j) && v - factor_floor + bonus <= 0.0 {
                pruned += 1;
                continue;
            }
            let col = m.add_var(format!("x_{i}_{j}"), 0.0, 1.0, true, v / MONEY);
            x[i * np + j] = Some(col);
        }
    }
    (x, pruned)
}

/// Cluster columns u[j, s] in [0, 1]: only where every chain position has a candidate.
fn cluster_columns(
    m: &mut LinearModel,
    inst: &Instance,
    x: &[Option<usize>],
) -> Vec<(usize, usize, usize)> {
    let np = inst.parks.len();
    let mut u = Vec::new();
    if inst.chain_bonus <= 0.0 {
        return u;
    }
    for j in 0..np {
        for s in 0..inst.sectors.len() {
            let complete = ChainPos::ALL.iter().all(|&c| {
                inst.enterprises
                    .iter()
                    .enumerate()
                    .any(|(i, e)| e.sector == s && e.chain == c && x[i * np + j].is_some())
            });
            if complete {
                let col =
                    m.add_var(format!("u_{j}_{s}"), 0.0, 1.0, false, inst.chain_bonus / MONEY);
                u.push((j, s, col));
            }
        }
    }
    u
}

/// Supplier flow columns w[k] ≥ 0, in supplier order (capital in US$ million).
fn supplier_columns(m: &mut LinearModel, inst: &Instance) -> Vec<usize> {
    inst.suppliers
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let scale = unit_scale(s.kind);
            m.add_var(format!("w_{k}"), 0.0, f64::INFINITY, false, -s.unit_cost * scale / MONEY)
        })
        .collect()
}

/// The rows under construction, each with its meaning.
struct Rows<'a> {
    m: LinearModel,
    kinds: Vec<RowKind>,
    x: &'a [Option<usize>],
    np: usize,
}

impl Rows<'_> {
    fn add(&mut self, kind: RowKind, name: String, c: Vec<(usize, f64)>, s: Sense, rhs: f64) {
        self.m.add_row(name, c, s, rhs);
        self.kinds.push(kind);
    }

    fn col(&self, i: usize, j: usize) -> Option<usize> {
        self.x[i * self.np + j]
    }

    /// Every pair left in the model, as (enterprise, park, column).
    fn pairs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.x.iter().enumerate().filter_map(|(p, c)| c.map(|c| (p / self.np, p % self.np, c)))
    }

    /// assign_i: one park at most (only for enterprises with more than one park left).
    fn assign(&mut self, inst: &Instance) {
        for i in 0..inst.enterprises.len() {
            let c: Vec<(usize, f64)> =
                (0..self.np).filter_map(|j| self.col(i, j).map(|c| (c, 1.0))).collect();
            if c.len() > 1 {
                self.add(
                    RowKind::Assign { enterprise: i },
                    format!("assign_{i}"),
                    c,
                    Sense::Le,
                    1.0,
                );
            }
        }
    }

    /// plots_j, labour_j, land_j.
    fn park_capacities(&mut self, inst: &Instance) {
        for (j, p) in inst.parks.iter().enumerate() {
            let pairs: Vec<(usize, usize)> = (0..inst.enterprises.len())
                .filter_map(|i| self.col(i, j).map(|c| (i, c)))
                .collect();
            let plots = pairs.iter().map(|&(_, c)| (c, 1.0)).collect();
            self.add(RowKind::Plots { park: j }, format!("plots_{j}"), plots, Sense::Le, p.plots);
            let lab = pairs.iter().map(|&(i, c)| (c, inst.enterprises[i].workers)).collect();
            let kind = RowKind::Labour { park: j };
            self.add(kind, format!("labour_{j}"), lab, Sense::Le, p.labour_pool);
            let land = pairs.iter().map(|&(i, c)| (c, inst.enterprises[i].land_ha)).collect();
            self.add(RowKind::Land { park: j }, format!("land_{j}"), land, Sense::Le, p.area_ha);
        }
    }

    /// factor_f: every need of the placed enterprises met by the suppliers of its kind.
    fn factors(&mut self, inst: &Instance, w: &[usize]) {
        for f in FactorKind::ALL {
            let scale = unit_scale(f);
            let mut c: Vec<(usize, f64)> = Vec::new();
            for i in 0..inst.enterprises.len() {
                let need = inst.enterprises[i].needs[f.index()] / scale;
                if need > 0.0 {
                    c.extend((0..self.np).filter_map(|j| self.col(i, j).map(|col| (col, need))));
                }
            }
            for (k, s) in inst.suppliers.iter().enumerate() {
                if s.kind == f {
                    c.push((w[k], -1.0));
                }
            }
            if !c.is_empty() {
                let name = format!("factor_{}", f.word());
                self.add(RowKind::Factor { factor: f }, name, c, Sense::Le, 0.0);
            }
        }
    }

    /// supplier_k: each supplier's capacity.
    fn suppliers(&mut self, inst: &Instance, w: &[usize]) {
        for (k, s) in inst.suppliers.iter().enumerate() {
            let cap = s.capacity / unit_scale(s.kind);
            let kind = RowKind::Supplier { supplier: k };
            self.add(kind, format!("supplier_{k}"), vec![(w[k], 1.0)], Sense::Le, cap);
        }
    }

    /// The government's guidance: designated share, target shares, sector targets, the
    /// incentive budget.
    fn guidance(&mut self, inst: &Instance) {
        let g = &inst.guidance;
        if g.designated_share > 0.0 {
            let d = g.designated_share;
            let c = self
                .pairs()
                .map(|(_, j, col)| (col, if inst.parks[j].designated { 1.0 - d } else { -d }))
                .filter(|&(_, a)| a != 0.0)
                .collect();
            self.add(RowKind::DesignatedShare, "designated_share".into(), c, Sense::Ge, 0.0);
        }
        if g.target_share > 0.0 {
            let t = g.target_share;
            for (j, p) in inst.parks.iter().enumerate() {
                if p.target_sectors.is_empty() {
                    continue;
                }
                let c = (0..inst.enterprises.len())
                    .filter_map(|i| {
                        self.col(i, j).map(|col| {
                            let on = p.target_sectors.contains(&inst.enterprises[i].sector);
                            (col, if on { 1.0 - t } else { -t })
                        })
                    })
                    .filter(|&(_, a)| a != 0.0)
                    .collect();
                let kind = RowKind::TargetShare { park: j };
                self.add(kind, format!("target_share_{j}"), c, Sense::Ge, 0.0);
            }
        }
        for (n, mm) in g.sector_minimums.iter().enumerate() {
            let c = (0..inst.enterprises.len())
                .filter(|&i| inst.enterprises[i].sector == mm.sector)
                .filter_map(|i| self.col(i, mm.park).map(|col| (col, 1.0)))
                .collect();
            let kind = RowKind::SectorMinimum { index: n };
            self.add(kind, format!("sector_min_{n}"), c, Sense::Ge, mm.count);
        }
        if let Some(b) = g.incentive_budget {
            let c = self
                .pairs()
                .filter(|&(_, j, _)| inst.parks[j].entry_subsidy > 0.0)
                .map(|(_, j, col)| (col, inst.parks[j].entry_subsidy / MONEY))
                .collect();
            let kind = RowKind::IncentiveBudget;
            self.add(kind, "incentive_budget".into(), c, Sense::Le, b / MONEY);
        }
    }

    /// chain_jsc: the linearised chain bonus, u[j, s] ≤ the count of each chain position.
    fn chains(&mut self, inst: &Instance, u: &[(usize, usize, usize)]) {
        for &(j, s, col) in u {
            for (pos, &cp) in ChainPos::ALL.iter().enumerate() {
                let mut c = vec![(col, 1.0)];
                for (i, e) in inst.enterprises.iter().enumerate() {
                    if e.sector == s
                        && e.chain == cp
                        && let Some(xc) = self.col(i, j)
                    {
                        c.push((xc, -1.0));
                    }
                }
                let kind = RowKind::Chain { park: j, sector: s, pos };
                self.add(kind, format!("chain_{j}_{s}_{pos}"), c, Sense::Le, 0.0);
            }
        }
    }

    /// host_floor: only in the ε-constraint Pareto front.
    fn host_floor(&mut self, inst: &Instance) {
        if let Some(h) = inst.min_host_gain {
            let c = self
                .pairs()
                .map(|(i, j, col)| (col, inst.enterprises[i].host[j] / MONEY))
                .collect();
            self.add(RowKind::HostFloor, "host_floor".into(), c, Sense::Ge, h / MONEY);
        }
    }
}
