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
pub fn build(inst: &Instance, prune: bool, allowed: Option<&[bool]>) -> Built {
    let np = inst.parks.len();
    let ne = inst.enterprises.len();
    let mut m = LinearModel::default();
    let mut kinds = Vec::new();
    // The cheapest unit cost per factor kind bounds from below what any enterprise's factors cost.
    let mut cheapest = [f64::INFINITY; 4];
    for s in &inst.suppliers {
        let c = &mut cheapest[s.kind.index()];
        *c = c.min(s.unit_cost);
    }
    let g = &inst.guidance;
    let mut x = vec![None; ne * np];
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
            let p = &inst.parks[j];
            let v = inst.value(i, j);
            if allowed.is_some_and(|a| !a[i * np + j]) {
                pruned += 1;
                continue;
            }
            if prune {
                // A pair that can only lower the objective and helps no ≥ row is never in
                // an optimal plan: dropping it from any plan keeps the plan feasible and the
                // objective no lower (docs/planner.md §4).
                let helps_ge = (g.designated_share > 0.0 && p.designated)
                    || (g.target_share > 0.0 && p.target_sectors.contains(&e.sector))
                    || g.sector_minimums.iter().any(|mm| mm.park == j && mm.sector == e.sector)
                    || (inst.min_host_gain.is_some() && e.host[j] > 0.0);
                let bonus = inst.chain_bonus.max(0.0);
                if !helps_ge && v - factor_floor + bonus <= 0.0 {
                    pruned += 1;
                    continue;
                }
            }
            let col = m.add_var(format!("x_{i}_{j}"), 0.0, 1.0, true, v / MONEY);
            x[i * np + j] = Some(col);
        }
    }
    // Cluster variables: only where every chain position has a candidate.
    let mut u = Vec::new();
    if inst.chain_bonus > 0.0 {
        for j in 0..np {
            for s in 0..inst.sectors.len() {
                let complete = ChainPos::ALL.iter().all(|&c| {
                    (0..ne).any(|i| {
                        let e = &inst.enterprises[i];
                        e.sector == s && e.chain == c && x[i * np + j].is_some()
                    })
                });
                if complete {
                    let col =
                        m.add_var(format!("u_{j}_{s}"), 0.0, 1.0, false, inst.chain_bonus / MONEY);
                    u.push((j, s, col));
                }
            }
        }
    }
    let w: Vec<usize> = inst
        .suppliers
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let scale = unit_scale(s.kind);
            m.add_var(format!("w_{k}"), 0.0, f64::INFINITY, false, -s.unit_cost * scale / MONEY)
        })
        .collect();
    let mut row = |m: &mut LinearModel,
                   kind: RowKind,
                   name: String,
                   c: Vec<(usize, f64)>,
                   s: Sense,
                   r: f64| {
        m.add_row(name, c, s, r);
        kinds.push(kind);
    };
    for i in 0..ne {
        let c: Vec<(usize, f64)> =
            (0..np).filter_map(|j| x[i * np + j].map(|c| (c, 1.0))).collect();
        if c.len() > 1 {
            row(
                &mut m,
                RowKind::Assign { enterprise: i },
                format!("assign_{i}"),
                c,
                Sense::Le,
                1.0,
            );
        }
    }
    let col_of = |i: usize, j: usize| x[i * np + j];
    for (j, p) in inst.parks.iter().enumerate() {
        let pairs: Vec<(usize, usize)> =
            (0..ne).filter_map(|i| col_of(i, j).map(|c| (i, c))).collect();
        let plots = pairs.iter().map(|&(_, c)| (c, 1.0)).collect();
        row(&mut m, RowKind::Plots { park: j }, format!("plots_{j}"), plots, Sense::Le, p.plots);
        let lab = pairs.iter().map(|&(i, c)| (c, inst.enterprises[i].workers)).collect();
        row(
            &mut m,
            RowKind::Labour { park: j },
            format!("labour_{j}"),
            lab,
            Sense::Le,
            p.labour_pool,
        );
        let land = pairs.iter().map(|&(i, c)| (c, inst.enterprises[i].land_ha)).collect();
        row(&mut m, RowKind::Land { park: j }, format!("land_{j}"), land, Sense::Le, p.area_ha);
    }
    for f in FactorKind::ALL {
        let scale = unit_scale(f);
        let mut c: Vec<(usize, f64)> = Vec::new();
        for i in 0..ne {
            let need = inst.enterprises[i].needs[f.index()] / scale;
            if need > 0.0 {
                c.extend((0..np).filter_map(|j| col_of(i, j).map(|col| (col, need))));
            }
        }
        for (k, s) in inst.suppliers.iter().enumerate() {
            if s.kind == f {
                c.push((w[k], -1.0));
            }
        }
        if !c.is_empty() {
            row(
                &mut m,
                RowKind::Factor { factor: f },
                format!("factor_{}", f.word()),
                c,
                Sense::Le,
                0.0,
            );
        }
    }
    for (k, s) in inst.suppliers.iter().enumerate() {
        let cap = s.capacity / unit_scale(s.kind);
        row(
            &mut m,
            RowKind::Supplier { supplier: k },
            format!("supplier_{k}"),
            vec![(w[k], 1.0)],
            Sense::Le,
            cap,
        );
    }
    if g.designated_share > 0.0 {
        let d = g.designated_share;
        let mut c = Vec::new();
        for i in 0..ne {
            for j in 0..np {
                if let Some(col) = col_of(i, j) {
                    let a = if inst.parks[j].designated { 1.0 - d } else { -d };
                    if a != 0.0 {
                        c.push((col, a));
                    }
                }
            }
        }
        row(&mut m, RowKind::DesignatedShare, "designated_share".into(), c, Sense::Ge, 0.0);
    }
    if g.target_share > 0.0 {
        let t = g.target_share;
        for (j, p) in inst.parks.iter().enumerate() {
            if p.target_sectors.is_empty() {
                continue;
            }
            let c = (0..ne)
                .filter_map(|i| {
                    col_of(i, j).map(|col| {
                        let on = p.target_sectors.contains(&inst.enterprises[i].sector);
                        (col, if on { 1.0 - t } else { -t })
                    })
                })
                .filter(|&(_, a)| a != 0.0)
                .collect();
            row(
                &mut m,
                RowKind::TargetShare { park: j },
                format!("target_share_{j}"),
                c,
                Sense::Ge,
                0.0,
            );
        }
    }
    for (n, mm) in g.sector_minimums.iter().enumerate() {
        let c = (0..ne)
            .filter(|&i| inst.enterprises[i].sector == mm.sector)
            .filter_map(|i| col_of(i, mm.park).map(|col| (col, 1.0)))
            .collect();
        row(
            &mut m,
            RowKind::SectorMinimum { index: n },
            format!("sector_min_{n}"),
            c,
            Sense::Ge,
            mm.count,
        );
    }
    if let Some(b) = g.incentive_budget {
        let mut c = Vec::new();
        for i in 0..ne {
            for (j, p) in inst.parks.iter().enumerate() {
                if let Some(col) = col_of(i, j)
                    && p.entry_subsidy > 0.0
                {
                    c.push((col, p.entry_subsidy / MONEY));
                }
            }
        }
        row(&mut m, RowKind::IncentiveBudget, "incentive_budget".into(), c, Sense::Le, b / MONEY);
    }
    for &(j, s, col) in &u {
        for (pos, &cp) in ChainPos::ALL.iter().enumerate() {
            let mut c = vec![(col, 1.0)];
            for i in 0..ne {
                let e = &inst.enterprises[i];
                if e.sector == s
                    && e.chain == cp
                    && let Some(xc) = col_of(i, j)
                {
                    c.push((xc, -1.0));
                }
            }
            row(
                &mut m,
                RowKind::Chain { park: j, sector: s, pos },
                format!("chain_{j}_{s}_{pos}"),
                c,
                Sense::Le,
                0.0,
            );
        }
    }
    if let Some(h) = inst.min_host_gain {
        let mut c = Vec::new();
        for i in 0..ne {
            for j in 0..np {
                if let Some(col) = col_of(i, j) {
                    c.push((col, inst.enterprises[i].host[j] / MONEY));
                }
            }
        }
        row(&mut m, RowKind::HostFloor, "host_floor".into(), c, Sense::Ge, h / MONEY);
    }
    Built { model: m, x, u, w, kinds, pruned }
}
