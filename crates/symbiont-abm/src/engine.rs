//! The run loop: one period after another, mechanisms in the process order of MODEL §3.
//!
//! State is a flat `Vec<Firm>` of small `Copy` records (88 bytes) plus fixed-size arrays per
//! sector and park; buffers are allocated once per run and reused every period, and flows are
//! aggregated into a (factor, source node, target node) array, never recorded per firm.

use symbiont_model::levers::{Approvals, Finance, Profit, SiteChoice, TalentTech};
use symbiont_model::population::Population;
use symbiont_model::seed::label;
use symbiont_model::{Factor, Levers, Scenario, Side, UnitKind};

use crate::draw::{self, entity, slot};
use crate::mechanisms::*;
use std::collections::HashMap;

use crate::output::{
    Books, EntityRef, Flow, FlowFactor, Node, PairBenefit, PeriodObs, RunOutput, Tie, TieKind,
};
use crate::params::Params;
use crate::{AbmError, RunInput};

const SCATTERED: u16 = u16::MAX;
const NONE: u32 = u32::MAX;
const FACTORS: usize = FlowFactor::ALL.len();
const NODES: usize = 20;
const HOST_MARKET: usize = 20;
const HOME_MARKET: usize = 21;
const HOST_HOUSEHOLDS: usize = 22;
const HOME_HOUSEHOLDS: usize = 23;
const ACCOUNTS: usize = 24;
const HOME_GOV: usize = 0;
const HOME_ENT: usize = 2;
const HOME_UNIV: usize = 4;
const HOME_INST: usize = 5;
const HOME_FIN: usize = 6;
const HOME_INTERM: usize = 7;
const HOME_PROMOTER: usize = 8;
const HOST_GOV: usize = 10;
const HOST_DEPT: usize = 11;
const HOST_ENT: usize = 12;
const HOST_FIRM: usize = 13;
const HOST_UNIV: usize = 14;
const HOST_FIN: usize = 16;
const HOST_INTERM: usize = 17;
const HOST_PARK: usize = 19;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    AtHome,
    Preparing,
    InApproval,
    Operating,
    Failed,
    Returned,
}

const FLAG_RESEARCH: u8 = 1;

/// One enterprise's dynamic state (the static part is the population record).
#[derive(Debug, Clone, Copy)]
struct Firm {
    /// Capital abroad, US$ (planned capital before entry).
    capital: f64,
    productivity: f64,
    /// Credit outstanding, US$.
    debt: f64,
    /// Day of the going-out decision, counted from the start of the study.
    start_day: f32,
    /// Day operation starts (after preparation and approval).
    ready_day: f32,
    /// Lending rate per year.
    rate: f32,
    /// Share of the debt owed to host-side lenders.
    debt_host: f32,
    fit: f32,
    gap: f32,
    operating_cut: f32,
    info_cut: f32,
    workers: f32,
    /// Home staff abroad, persons.
    staff: f32,
    /// Of which graduates placed by universities.
    staff_univ: f32,
    /// Technology packages from research institutes.
    packages_inst: f32,
    /// Home staff per US$ of capital, fixed at entry (staff follow capital).
    staff_per_usd: f32,
    /// Scenario index of its largest lender (for its repayment tie), or `u16::MAX`.
    lender: u16,
    site: u16,
    /// The population record's sector, kept here (in what would be padding) so that the pass
    /// over operating firms reads no population record.
    sector: u16,
    province: u8,
    losses: u8,
    age: u8,
    flags: u8,
}

impl Firm {
    fn new(productivity: f64, sector: u16) -> Self {
        Firm {
            capital: 0.0,
            productivity,
            debt: 0.0,
            start_day: 0.0,
            ready_day: 0.0,
            rate: 0.0,
            debt_host: 0.0,
            fit: 0.0,
            gap: 0.0,
            operating_cut: 0.0,
            info_cut: 0.0,
            workers: 0.0,
            staff: 0.0,
            staff_univ: 0.0,
            packages_inst: 0.0,
            staff_per_usd: 0.0,
            lender: u16::MAX,
            site: SCATTERED,
            sector,
            province: 0,
            losses: 0,
            age: 0,
            flags: 0,
        }
    }
}

/// Bytes of engine state per enterprise (reported in docs/performance.md): the `Firm` record,
/// the state byte, and the going-out key (group and excess capacity) kept apart so that the
/// passes over every firm read 1 to 7 bytes per firm instead of the whole record.
pub const FIRM_STATE_BYTES: usize = std::mem::size_of::<Firm>()
    + std::mem::size_of::<State>()
    + std::mem::size_of::<u16>()
    + std::mem::size_of::<f32>();

fn node_of(ix: usize) -> Node {
    let side = if ix < 10 { Side::Home } else { Side::Host };
    Node::new(side, UnitKind::ALL[ix % 10])
}

fn factor_ix(f: FlowFactor) -> usize {
    f as usize
}

/// Money accounts, people accounts and aggregated flows of one run.
struct Ledger {
    money: [f64; ACCOUNTS],
    flows: Vec<f64>,
    out_cum: [f64; FACTORS],
    back_cum: [f64; FACTORS],
    labour_pool: f64,
    labour_initial: f64,
    workers: f64,
    staff: f64,
}

impl Ledger {
    fn new(labour: f64) -> Self {
        Ledger {
            money: [0.0; ACCOUNTS],
            flows: vec![0.0; FACTORS * NODES * NODES],
            out_cum: [0.0; FACTORS],
            back_cum: [0.0; FACTORS],
            labour_pool: labour,
            labour_initial: labour,
            workers: 0.0,
            staff: 0.0,
        }
    }
    fn pay(&mut self, from: usize, to: usize, x: f64) {
        self.money[from] -= x;
        self.money[to] += x;
    }
    fn flow(&mut self, f: FlowFactor, s: usize, t: usize, v: f64) {
        if v == 0.0 {
            return;
        }
        self.flows[(factor_ix(f) * NODES + s) * NODES + t] += v;
        match (s < 10, t < 10) {
            (true, false) => self.out_cum[factor_ix(f)] += v,
            (false, true) => self.back_cum[factor_ix(f)] += v,
            _ => {}
        }
    }
    /// A payment that is also a flow of `f` in the same direction.
    fn pay_flow(&mut self, f: FlowFactor, from: usize, to: usize, x: f64) {
        self.pay(from, to, x);
        self.flow(f, from, to, x);
    }
    fn drain(&mut self, period: u32, out: &mut Vec<Flow>) {
        for f in FlowFactor::ALL {
            for s in 0..NODES {
                for t in 0..NODES {
                    let v = &mut self.flows[(factor_ix(f) * NODES + s) * NODES + t];
                    if *v != 0.0 {
                        out.push(Flow {
                            period,
                            factor: f,
                            source: node_of(s),
                            target: node_of(t),
                            value: *v,
                        });
                        *v = 0.0;
                    }
                }
            }
        }
    }
}

/// The entity-level ties of a run, summed per (source, target, kind); a no-op unless asked
/// for (`ON` is a constant, so plain runs compile without the tie code).
struct TieBook<const ON: bool> {
    map: HashMap<(EntityRef, EntityRef, TieKind), (f64, u32)>,
}

impl<const ON: bool> TieBook<ON> {
    #[inline(always)]
    fn add(&mut self, source: EntityRef, target: EntityRef, kind: TieKind, w: f64, period: u32) {
        if !ON || w.is_nan() || w <= 0.0 || source == target {
            return;
        }
        let e = self.map.entry((source, target, kind)).or_insert((0.0, period));
        e.0 += w;
    }
    fn into_ties(self) -> Vec<Tie> {
        let mut v: Vec<Tie> = self
            .map
            .into_iter()
            .map(|((source, target, kind), (weight, period))| Tie {
                source,
                target,
                kind,
                weight,
                period,
            })
            .collect();
        v.sort_by_key(|a| (a.source, a.target, a.kind));
        v
    }
}

/// Benefit accumulators of the pairs of unit kinds (M12).
const PAIRS: [(Side, UnitKind, Side, UnitKind); 7] = [
    (Side::Home, UnitKind::Enterprise, Side::Host, UnitKind::HostFirm),
    (Side::Home, UnitKind::Enterprise, Side::Host, UnitKind::Government),
    (Side::Home, UnitKind::Enterprise, Side::Home, UnitKind::Finance),
    (Side::Home, UnitKind::Enterprise, Side::Home, UnitKind::University),
    (Side::Home, UnitKind::Enterprise, Side::Home, UnitKind::ResearchInstitute),
    (Side::Home, UnitKind::Enterprise, Side::Home, UnitKind::Intermediary),
    (Side::Home, UnitKind::Enterprise, Side::Host, UnitKind::Park),
];
const P_HOSTFIRM: usize = 0;
const P_HOSTGOV: usize = 1;
const P_FINANCE: usize = 2;
const P_UNIV: usize = 3;
const P_RESEARCH: usize = 4;
const P_INTERM: usize = 5;
const P_PARK: usize = 6;

struct Lenders {
    /// Reachable lenders, cheapest first.
    state: Vec<Lender>,
    capacity: Vec<f64>,
    host: Vec<bool>,
    taken: Vec<f64>,
}

/// Run one simulation (see [`crate::run`]).
pub(crate) fn simulate(
    input: &RunInput<'_>,
    with_ties: bool,
) -> Result<(RunOutput, Vec<Books>), AbmError> {
    if with_ties { simulate_with::<true>(input) } else { simulate_with::<false>(input) }
}

/// One simulation, with the tie book compiled in (`TIES`) or out.
// Per-sector loops index several parallel arrays by sector; a range reads clearer than zips.
#[allow(clippy::needless_range_loop)]
fn simulate_with<const TIES: bool>(
    input: &RunInput<'_>,
) -> Result<(RunOutput, Vec<Books>), AbmError> {
    let with_ties = TIES;
    let sc: &Scenario = input.scenario;
    let pop: &Population = input.population;
    let lv: &Levers = input.levers;
    let p: &Params = input.params;
    let seed = input.seed;
    validate(input)?;

    let n_sec = sc.sectors.len();
    let n_park = sc.parks.len();
    let pd = sc.study.period_days;
    let py = pd / 365.0;
    let horizon = sc.study.horizon_periods;
    let home_r = sc.home_region();
    let host_r = sc.host_region();
    let home_costs = &sc.regions[home_r].costs;
    let host_costs = &sc.regions[host_r].costs;
    let host_wage = host_costs.wage_usd;
    let n_prov = sc.regions[host_r].provinces.len().max(1);
    let price = |f: Factor| sc.factors.get(f as usize).map(|x| x.price_usd).unwrap_or(0.0);
    let (p_talent, p_tech, p_info, p_cap) = (
        price(Factor::Talent),
        price(Factor::Technology),
        price(Factor::Information),
        price(Factor::Capital),
    );

    // ---- static tables
    let park_prov: Vec<u8> = sc
        .parks
        .iter()
        .map(|pk| {
            sc.regions[host_r].provinces.iter().position(|x| *x == pk.province).unwrap_or(0) as u8
        })
        .collect();
    let target: Vec<bool> = (0..n_park * n_sec)
        .map(|i| sc.parks[i / n_sec].target_sectors.contains(&(i % n_sec)))
        .collect();
    let is_hub: Vec<bool> = sc.parks.iter().map(|pk| pk.hub_access >= p.hub_threshold).collect();
    let mean_plot_cost = if n_park == 0 {
        0.0
    } else {
        sc.parks
            .iter()
            .map(|pk| pk.shared_infrastructure_cost_usd / f64::from(pk.plots.max(1)))
            .sum::<f64>()
            / n_park as f64
    };
    let mut kref = vec![0.0; n_sec];
    let mut kcount = vec![0.0; n_sec];
    for e in &pop.enterprises {
        kref[e.sector as usize] += e.capital_usd;
        kcount[e.sector as usize] += 1.0;
    }
    for s in 0..n_sec {
        kref[s] = if kcount[s] > 0.0 { kref[s] / kcount[s] } else { 1.0e6 };
    }
    // Input share calibrated so that a median firm at full fit earns the sector's margin.
    let theta: Vec<f64> = sc
        .sectors
        .iter()
        .map(|s| {
            let per_usd = (s.workers_per_musd * host_wage
                + s.land_ha_per_musd * host_costs.land_rent_usd_per_ha
                + s.talent_per_musd * p.own_cover * p_talent)
                / 1.0e6;
            (1.0 - (s.margin + per_usd + p.overhead) / p.turnover).clamp(0.0, 0.95)
        })
        .collect();
    let cost_adv: Vec<f64> =
        sc.sectors.iter().map(|s| m1_cost_advantage(home_costs, host_costs, s)).collect();

    // Host firms by sector.
    let mut host_cap = vec![0.0; n_sec];
    let mut host_emp = vec![0.0; n_sec];
    let mut host_n = vec![0.0; n_sec];
    for h in &pop.host_firms {
        let s = h.sector as usize;
        host_cap[s] += h.capability;
        host_emp[s] += h.employment;
        host_n[s] += 1.0;
    }
    for s in 0..n_sec {
        if host_n[s] > 0.0 {
            host_cap[s] /= host_n[s];
        }
    }
    // Host firms of each sector, for the supplier an entrant links to (ties only).
    let mut host_of_sector: Vec<Vec<u32>> = vec![Vec::new(); n_sec];
    if with_ties {
        for (j, h) in pop.host_firms.iter().enumerate() {
            host_of_sector[h.sector as usize].push(j as u32);
        }
    }
    let mut ties = TieBook::<TIES> { map: HashMap::new() };
    let weighted_cap = |cap: &[f64]| -> f64 {
        let w: f64 = host_n.iter().sum();
        if w > 0.0 { cap.iter().zip(&host_n).map(|(c, n)| c * n).sum::<f64>() / w } else { 0.0 }
    };

    // Departments of every government, in scenario order.
    let depts: Vec<&symbiont_model::Department> =
        sc.governments.iter().flat_map(|g| g.departments.iter()).collect();
    let dept_host: Vec<bool> = sc
        .governments
        .iter()
        .flat_map(|g| g.departments.iter().map(move |_| sc.regions[g.region].side == Side::Host))
        .collect();
    let dept_prob: Vec<f64> = depts.iter().map(|d| d.approval_probability).collect();
    // The one window exists only where a promoting organisation runs it.
    let window = match (lv.approvals, sc.promoting_orgs.first()) {
        (Approvals::OneWindow, Some(o)) => Some(o.coordination_overhead_days),
        _ => None,
    };
    let mean_times: Vec<f64> = depts.iter().map(|d| d.processing_days.mean().max(0.0)).collect();
    let expected_delay = m2_approval(&mean_times, &[], &[], window, 0.0, 0.0).days;

    // Lenders reachable under the finance lever, cheapest first (ties by index).
    let home_only = matches!(lv.finance, Finance::HomeBank | Finance::Coordinated);
    let mut lender_ix: Vec<usize> = (0..sc.finance.len())
        .filter(|&j| !home_only || sc.regions[sc.finance[j].region].side == Side::Home)
        .collect();
    lender_ix.sort_by(|&a, &b| {
        sc.finance[a].base_rate.total_cmp(&sc.finance[b].base_rate).then(a.cmp(&b))
    });
    let mut lenders = Lenders {
        state: lender_ix
            .iter()
            .map(|&j| Lender {
                remaining: 0.0,
                base_rate: sc.finance[j].base_rate,
                risk_appetite: sc.finance[j].risk_appetite,
            })
            .collect(),
        capacity: lender_ix.iter().map(|&j| sc.finance[j].credit_capacity_usd.max(0.0)).collect(),
        host: lender_ix
            .iter()
            .map(|&j| sc.regions[sc.finance[j].region].side == Side::Host)
            .collect(),
        taken: vec![0.0; lender_ix.len()],
    };
    let (screen, premium_cut) = m3_terms(lv.finance, p);

    // Universities and institutes.
    let talent_cap: f64 = sc.universities.iter().map(|u| u.talent_per_period).sum();
    let talent_host_share = if talent_cap > 0.0 {
        sc.universities
            .iter()
            .filter(|u| sc.regions[u.region].side == Side::Host)
            .map(|u| u.talent_per_period)
            .sum::<f64>()
            / talent_cap
    } else {
        0.0
    };
    let training_places: f64 = sc.universities.iter().map(|u| u.training_places).sum();
    // Shares of the graduates, training places and packages each unit provides (ties only).
    let share = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
    let univ_talent: Vec<f64> =
        sc.universities.iter().map(|u| share(u.talent_per_period, talent_cap)).collect();
    let univ_places: Vec<f64> =
        sc.universities.iter().map(|u| share(u.training_places, training_places)).collect();
    let home_places: f64 = sc
        .universities
        .iter()
        .filter(|u| sc.regions[u.region].side == Side::Home)
        .map(|u| u.training_places)
        .sum();
    // Host universities' students sent to study on the home side, per period.
    let exchange: Vec<(usize, f64)> = sc
        .universities
        .iter()
        .enumerate()
        .filter(|(_, u)| sc.regions[u.region].side == Side::Host)
        .map(|(j, u)| (j, u.students_to_home_per_period))
        .filter(|(_, x)| *x > 0.0)
        .collect();
    let host_home_investment: f64 = sc.host_firm_groups.iter().map(|g| g.home_investment_usd).sum();
    let tech_cap: f64 = sc.research_institutes.iter().map(|r| r.technology_per_period).sum();
    let inst_share: Vec<f64> = sc
        .research_institutes
        .iter()
        .map(|r| if tech_cap > 0.0 { r.technology_per_period / tech_cap } else { 0.0 })
        .collect();
    let host_fit = if tech_cap > 0.0 {
        sc.research_institutes.iter().map(|r| r.technology_per_period * r.host_fit).sum::<f64>()
            / tech_cap
    } else {
        0.0
    };
    let fee_share = match lv.talent_technology {
        TalentTech::Partners => p.partner_price_share,
        _ => 1.0,
    };
    let services: Vec<Service> = sc
        .intermediaries
        .iter()
        .map(|m| Service {
            reduces: m.reduces,
            effect: m.effect,
            home: sc.regions[m.region].side == Side::Home,
        })
        .collect();
    let mut service_left = vec![0.0; services.len()];
    let mut service_before = vec![0.0; services.len()];
    let service_label: Vec<u64> = sc.intermediaries.iter().map(|m| label(&m.id)).collect();
    let dept_label: Vec<u64> = depts.iter().map(|d| label(&d.id)).collect();
    let park_label: Vec<u64> = sc.parks.iter().map(|pk| label(&pk.id)).collect();

    // ---- dynamic state
    let mut firms: Vec<Firm> =
        pop.enterprises.iter().map(|e| Firm::new(e.productivity, e.sector)).collect();
    let mut states: Vec<State> = vec![State::AtHome; firms.len()];
    // Per firm, the population index of the host firm that supplies it (for its tie), or
    // `NONE`; kept out of the record, and empty, unless ties are recorded.
    let mut suppliers: Vec<u32> = if TIES { vec![NONE; firms.len()] } else { Vec::new() };
    let go_group: Vec<u16> =
        pop.enterprises.iter().map(|e| e.sector * 3 + e.chain.index() as u16).collect();
    // exp(-a_exc x) per firm, so the going-out probability needs no exp per firm and period:
    // P = P_max / (1 + exp(-η_group) · exp(-a_exc x)).
    let go_excess: Vec<f32> =
        pop.enterprises.iter().map(|e| (-p.go_excess * e.excess_capacity).exp() as f32).collect();
    let labour0: f64 =
        sc.parks.iter().map(|pk| pk.labour_pool).sum::<f64>() + host_emp.iter().sum::<f64>();
    let mut ledger = Ledger::new(labour0);
    let mut env = sc.environment;
    let mut queue: Vec<(f64, u32)> = Vec::new();
    let mut tenants = vec![0u32; n_park]; // plots taken (reserved or operating)
    let mut op_tenants = vec![0u32; n_park];
    let mut park_workers = vec![0.0f64; n_park];
    let mut park_sector = vec![0u32; n_park * n_sec]; // operating tenants by sector
    let mut entered_park_sector = vec![0.0f64; n_park * n_sec];
    // The latest entrant per (park, sector) and per (sector, chain), for cohort ties.
    let mut last_park_sector = vec![NONE; n_park * n_sec];
    let mut last_group = vec![NONE; n_sec * 3];
    let mut entered_group = vec![0.0f64; n_sec * 3];
    let mut entered_sector_parks = vec![0.0f64; n_sec];
    let mut entered_hubs = 0.0;
    let mut entered_total = 0.0;
    let mut new_entries: Vec<u32> = Vec::new();
    // Firms preparing or in approval, and firms operating, in population order: the passes
    // over them visit the firms in the same order as a pass over every firm would, so sums
    // come out bit-identical, but cost nothing for the firms at home or gone.
    let mut pending: Vec<u32> = Vec::new();
    let mut operating: Vec<u32> = Vec::new();
    let mut approved: Vec<u32> = Vec::new();
    let mut list_buf: Vec<u32> = Vec::new();
    let (mut n_failed, mut n_returned) = (0u32, 0u32);
    let mut cells = vec![false; n_sec * n_prov];
    let mut y_sector = vec![0.0f64; n_sec];
    let mut sourcing = vec![0.0f64; n_sec];
    let mut spill = vec![0.0f64; n_sec];
    let mut workers_sector = vec![0.0f64; n_sec];
    let mut shock = vec![0.0f64; n_sec];
    let mut prev_applicants = 0.0f64;

    let mut out = RunOutput::default();
    let mut books = Vec::with_capacity(horizon as usize);
    let (mut decided, mut financed, mut c_refused, mut c_rationed, mut a_refused, mut entered) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let (mut days_to_operate, mut tech_received, mut trained_cum, mut relocated) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut times = vec![0.0; depts.len()];
    let mut us = vec![0.0; depts.len()];

    for t in 0..horizon {
        // The calendar year a period starts in (periods need not be years).
        let year = sc.study.start_year + (f64::from(t) * pd / 365.0 + 1e-9).floor() as i32;
        let day0 = f64::from(t) * pd;
        let day_end = day0 + pd;
        // ---------------------------------------------------------------- 1. environment
        for ev in &sc.events {
            // An event applies in the first period that starts on or after 1 January of its year.
            let due = ev
                .period(&sc.study)
                .map(|d| (f64::from(d) * 365.0 / pd - 1e-9).ceil().max(0.0) as u32);
            if due == Some(t) {
                for c in &ev.changes {
                    env.apply(c);
                }
            }
        }
        for (s, z) in shock.iter_mut().enumerate() {
            let n = draw::normal(seed, entity::SECTOR + s as u64, t, slot::SHOCK, slot::SHOCK2);
            *z = (env.shock_volatility * n).max(-0.9);
        }
        let open_park: Vec<bool> = sc.parks.iter().map(|pk| pk.opened_year <= year).collect();
        let mut benefit = [[0.0f64; 2]; 7];

        // ---------------------------------------------------------------- 2. going-out decision (M1)
        // Expected entry costs and risks per (sector, chain): they read only levers, the
        // scenario and the information stock, never realised finance, so the set of firms
        // deciding does not depend on credit outcomes.
        let ext_talent = if talent_cap > 0.0
            && matches!(lv.talent_technology, TalentTech::Market | TalentTech::Partners)
        {
            let demand: f64 =
                sc.sectors.iter().zip(&kref).map(|(s, k)| s.talent_per_musd * k / 1e6).sum::<f64>()
                    / n_sec.max(1) as f64
                    * prev_applicants.max(1.0)
                    * (1.0 - p.own_cover);
            (talent_cap / demand.max(1e-9)).min(1.0)
        } else {
            0.0
        };
        let ext_tech = if tech_cap > 0.0
            && matches!(lv.talent_technology, TalentTech::Market | TalentTech::Partners)
        {
            let demand: f64 = sc
                .sectors
                .iter()
                .zip(&kref)
                .map(|(s, k)| s.technology_per_musd * k / 1e6)
                .sum::<f64>()
                / n_sec.max(1) as f64
                * prev_applicants.max(1.0)
                * (1.0 - p.own_cover);
            (tech_cap / demand.max(1e-9)).min(1.0) * host_fit
        } else {
            0.0
        };
        let (ct_exp, ck_exp) = match lv.talent_technology {
            TalentTech::None => (p.own_cover, p.own_cover),
            TalentTech::Expatriates => (p.expat_cover.max(p.own_cover), p.own_cover),
            _ => (
                p.own_cover + (1.0 - p.own_cover) * ext_talent,
                p.own_cover + (1.0 - p.own_cover) * ext_tech,
            ),
        };
        let parks_reachable = match lv.site_choice {
            SiteChoice::Designated => sc.parks.iter().any(|pk| pk.designated),
            SiteChoice::NearHubs | SiteChoice::Planned => n_park > 0,
            SiteChoice::Scattered => false,
        };
        let fit_exp = (if parks_reachable { 1.0 } else { p.scattered_fit })
            * (1.0 - 0.25 * lv.site_search_noise);
        let risk_exp = m8_hazard(m8_gap(ct_exp, ck_exp, 0.0), fit_exp, 0.0, 0.0, p);
        let premium_exp =
            if lenders.state.is_empty() { 0.0 } else { p_cap * 2.0 * 0.5 * (1.0 - premium_cut) };
        let mut exp_neg_index = vec![0.0f64; n_sec * 3];
        for s in 0..n_sec {
            let sec = &sc.sectors[s];
            for c in 0..3 {
                let pred = Predecessors {
                    same_park: entered_sector_parks[s],
                    same_group: entered_group[s * 3 + c],
                    at_hubs: entered_hubs,
                    all: entered_total,
                };
                let info =
                    m4_information_cost(p_info, m4_reach(lv.information_sharing, &pred, p), 0.0, p);
                let delay = expected_delay / 365.0 * p.carry_rate * kref[s];
                let prem = premium_exp * sec.credit_share * kref[s];
                let margin = (sec.margin * kref[s]).max(1.0);
                let x = PushPull {
                    push: env.home_push,
                    excess: 0.0,
                    openness: env.host_openness,
                    cost_advantage: cost_adv[s],
                    demand: env.coordinated_demand,
                    entry_cost: (info + delay + prem) / margin,
                    risk: risk_exp,
                };
                exp_neg_index[s * 3 + c] = (-m1_index(&x, p)).exp();
            }
        }
        queue.clear();
        if py == 1.0 {
            // Yearly periods: the probability needs no powf, so it is computed for every firm
            // and tested with the state afterwards (no branch on the state per firm).
            let key = draw::period_key(t, slot::GO);
            for (i, st) in states.iter_mut().enumerate() {
                let prob = p.go_max_rate
                    / (1.0 + exp_neg_index[usize::from(go_group[i])] * f64::from(go_excess[i]));
                // A firm not at home never goes (u >= 0 > -1), without a branch on its state.
                let prob = if *st == State::AtHome { prob } else { -1.0 };
                if draw::uniform_at(seed, i as u64, key) < prob {
                    *st = State::Preparing;
                    firms[i].start_day = day0 as f32;
                    queue.push((m3_risk(pop.enterprises[i].productivity, p), i as u32));
                }
            }
        } else {
            for (i, st) in states.iter_mut().enumerate() {
                if *st != State::AtHome {
                    continue;
                }
                let yearly = p.go_max_rate
                    / (1.0 + exp_neg_index[usize::from(go_group[i])] * f64::from(go_excess[i]));
                let prob = 1.0 - (1.0 - yearly).powf(py);
                if draw::uniform(seed, i as u64, t, slot::GO) < prob {
                    *st = State::Preparing;
                    firms[i].start_day = day0 as f32;
                    queue.push((m3_risk(pop.enterprises[i].productivity, p), i as u32));
                }
            }
        }
        decided += queue.len() as u32;
        prev_applicants = queue.len() as f64;

        // ---------------------------------------------------------------- 3. partnering
        // Fixed order: safest first (M3 risk score), ties by population index.
        queue.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (l, cap) in lenders.state.iter_mut().zip(&lenders.capacity) {
            l.remaining = *cap * py;
        }
        for (r, m) in service_left.iter_mut().zip(&sc.intermediaries) {
            *r = m.capacity_clients * py;
        }
        let mut talent_left = talent_cap * py;
        let mut tech_left = tech_cap * py;
        let mut lending_open = true;
        approved.clear();
        for &(risk, i) in &queue {
            let i = i as usize;
            let e = &pop.enterprises[i];
            let s = e.sector as usize;
            let sec = &sc.sectors[s];
            let f = &mut firms[i];
            // Everything taken below is provisional until the approval: a refused dossier
            // gives back its credit, service slots, graduates and packages (issue 14 §3).
            service_before.copy_from_slice(&service_left);
            let (talent_before, tech_before) = (talent_left, tech_left);
            // M9 intermediaries.
            let served = m9_serve(
                lv.intermediaries,
                &services,
                &mut service_left,
                |j| draw::uniform(seed, draw::pair(i as u64, service_label[j]), t, slot::ADHOC),
                p,
            );
            // M3 finance.
            let need = sec.credit_share * e.capital_usd;
            let equity = e.capital_usd - need;
            let mut loan = 0.0;
            let mut rate = 0.0;
            let mut debt_host = 0.0;
            if lending_open && need > 0.0 {
                match m3_lend(
                    need,
                    risk,
                    &mut lenders.state,
                    screen,
                    p_cap,
                    premium_cut,
                    served.cut[3],
                    &mut lenders.taken,
                ) {
                    Credit::Granted { rate: r } => {
                        loan = need;
                        rate = r;
                        debt_host = lenders
                            .taken
                            .iter()
                            .zip(&lenders.host)
                            .filter(|(_, h)| **h)
                            .map(|(x, _)| x)
                            .sum::<f64>()
                            / need;
                    }
                    Credit::Refused => c_refused += 1,
                    Credit::Exhausted => {
                        c_rationed += 1;
                        lending_open = false;
                    }
                }
            } else if need > 0.0 {
                // Lending closed for the period, or no lender reachable at all.
                if lenders.state.iter().any(|l| risk * (1.0 - screen) <= l.risk_appetite) {
                    c_rationed += 1;
                } else {
                    c_refused += 1;
                }
            }
            // M6 site choice.
            let (site, prov, fit) = choose_site(
                lv,
                p,
                sc,
                i,
                e.sector as usize,
                t,
                seed,
                &open_park,
                &tenants,
                &park_sector,
                &target,
                &park_prov,
                n_sec,
                n_prov,
                &park_label,
                input.planned_sites,
            );
            if site != SCATTERED {
                tenants[site as usize] += 1;
            }
            // M8 talent and technology.
            let kplan = equity + loan;
            let need_t = sec.talent_per_musd * kplan / 1e6;
            let need_k = sec.technology_per_musd * kplan / 1e6;
            let (ct, ck, from_univ, from_inst) = m8_cover(
                lv.talent_technology,
                need_t,
                need_k,
                &mut talent_left,
                &mut tech_left,
                host_fit,
                p,
            );
            // M2 approval.
            for (d, dep) in depts.iter().enumerate() {
                let key = draw::pair(i as u64, dept_label[d]);
                times[d] = draw::dist(
                    &dep.processing_days,
                    seed,
                    key,
                    t,
                    slot::DEPT_TIME,
                    slot::DEPT_TIME2,
                )
                .max(0.0);
                us[d] = draw::uniform(seed, key, t, slot::DEPT_OK);
            }
            let ap = m2_approval(&times, &us, &dept_prob, window, served.cut[1], served.cut[0]);
            // Dossiers are information sent to the host departments, through the window or not.
            let host_depts = dept_host.iter().filter(|h| **h).count() as f64;
            match window {
                Some(_) => ledger.flow(FlowFactor::Information, HOME_PROMOTER, HOST_GOV, 1.0),
                None => ledger.flow(FlowFactor::Information, HOME_ENT, HOST_DEPT, host_depts),
            }
            let me = EntityRef::Enterprise(i as u32);
            let promoter = EntityRef::Promoter(0);
            if window.is_some() {
                // Through the one window: the promoter takes the dossier and coordinates it
                // with every department.
                ties.add(me, promoter, TieKind::Dossier, 1.0, t);
                for d in 0..depts.len() {
                    let dep = EntityRef::Department(d as u32);
                    ties.add(promoter, dep, TieKind::Coordination, 1.0, t);
                    ties.add(dep, promoter, TieKind::Coordination, 1.0, t);
                }
            } else {
                for d in 0..depts.len() {
                    ties.add(me, EntityRef::Department(d as u32), TieKind::Dossier, 1.0, t);
                }
            }
            if !ap.approved {
                // The refusal is known at the decision: everything provisional is given back,
                // no fee is paid, and the firm is back at home (it may decide again).
                a_refused += 1;
                states[i] = State::AtHome;
                if site != SCATTERED {
                    tenants[site as usize] -= 1;
                }
                if loan > 0.0 {
                    for (l, x) in lenders.state.iter_mut().zip(&lenders.taken) {
                        l.remaining += x;
                    }
                }
                service_left.copy_from_slice(&service_before);
                talent_left = talent_before;
                tech_left = tech_before;
                continue;
            }
            if loan > 0.0 {
                financed += 1;
            }
            // Fees are paid by the parent for what the approved firm receives.
            let fees_univ = from_univ * p_talent * fee_share * p.placement_fee_share;
            let fees_inst = from_inst * p_tech * fee_share;
            ledger.pay(HOME_ENT, HOME_UNIV, fees_univ);
            ledger.pay(HOME_ENT, HOME_INST, fees_inst);
            ledger.pay(HOME_ENT, HOME_INTERM, served.fees[0]);
            ledger.pay(HOME_ENT, HOST_INTERM, served.fees[1]);
            benefit[P_UNIV][1] += fees_univ;
            benefit[P_UNIV][0] += from_univ * p_talent * p.placement_fee_share - fees_univ;
            benefit[P_RESEARCH][1] += fees_inst;
            benefit[P_RESEARCH][0] += from_inst * p_tech - fees_inst;
            benefit[P_INTERM][1] += served.fees[0] + served.fees[1];
            benefit[P_INTERM][0] += served.cut.iter().sum::<f64>() * p.service_value_usd;
            if TIES {
                if window.is_some() {
                    ties.add(promoter, me, TieKind::Approval, 1.0, t);
                    if site != SCATTERED && sc.parks[site as usize].designated {
                        let park = EntityRef::Park(u32::from(site));
                        ties.add(promoter, park, TieKind::Coordination, 1.0, t);
                        ties.add(park, promoter, TieKind::Coordination, 1.0, t);
                    }
                } else {
                    for d in 0..depts.len() {
                        ties.add(EntityRef::Department(d as u32), me, TieKind::Approval, 1.0, t);
                    }
                }
                let used: Vec<usize> = lender_ix
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| lenders.taken[*j] > 0.0 && loan > 0.0)
                    .map(|(j, &ix)| {
                        let l = EntityRef::Finance(ix as u32);
                        ties.add(l, me, TieKind::Loan, lenders.taken[j], t);
                        ix
                    })
                    .collect();
                for w in used.windows(2) {
                    let (a, b) = (EntityRef::Finance(w[0] as u32), EntityRef::Finance(w[1] as u32));
                    ties.add(a, b, TieKind::Syndicate, 1.0, t);
                    ties.add(b, a, TieKind::Syndicate, 1.0, t);
                }
                for j in 0..services.len() {
                    if service_left[j] < service_before[j] {
                        let m = EntityRef::Intermediary(j as u32);
                        ties.add(m, me, TieKind::Service, 1.0, t);
                        if reduces_index(services[j].reduces) == 3 {
                            for &l in &used {
                                ties.add(
                                    m,
                                    EntityRef::Finance(l as u32),
                                    TieKind::Referral,
                                    1.0,
                                    t,
                                );
                            }
                        }
                    }
                }
                for (u, sh) in univ_talent.iter().enumerate() {
                    ties.add(
                        EntityRef::University(u as u32),
                        me,
                        TieKind::Placement,
                        from_univ * sh,
                        t,
                    );
                }
                for (r, sh) in inst_share.iter().enumerate() {
                    let inst = EntityRef::ResearchInstitute(r as u32);
                    ties.add(inst, me, TieKind::Technology, from_inst * sh, t);
                    if lv.talent_technology == TalentTech::Partners {
                        for (u, su) in univ_talent.iter().enumerate() {
                            let w = (from_univ * su).min(from_inst * sh);
                            let un = EntityRef::University(u as u32);
                            ties.add(un, inst, TieKind::Partnership, w, t);
                            ties.add(inst, un, TieKind::Partnership, w, t);
                        }
                    }
                }
            }
            states[i] = State::InApproval;
            approved.push(i as u32);
            f.lender = lender_ix
                .iter()
                .enumerate()
                .filter(|(j, _)| loan > 0.0 && lenders.taken[*j] > 0.0)
                .max_by(|a, b| lenders.taken[a.0].total_cmp(&lenders.taken[b.0]))
                .map_or(u16::MAX, |(_, &ix)| ix as u16);
            f.capital = kplan;
            f.debt = loan;
            f.rate = rate as f32;
            f.debt_host = debt_host as f32;
            f.site = site;
            f.province = prov;
            f.fit = fit as f32;
            f.gap = m8_gap(ct, ck, served.cut[4]) as f32;
            f.operating_cut = served.cut[5] as f32;
            f.info_cut = served.cut[2] as f32;
            let own_staff = match lv.talent_technology {
                TalentTech::Expatriates => p.expat_cover.max(p.own_cover),
                _ => p.own_cover,
            } * need_t;
            f.staff = (own_staff + from_univ) as f32;
            f.staff_univ = from_univ as f32;
            f.staff_per_usd = if kplan > 0.0 { (f64::from(f.staff) / kplan) as f32 } else { 0.0 };
            f.packages_inst = from_inst as f32;
            f.workers = (sec.workers_per_musd * kplan / 1e6) as f32;
            f.flags = if lv.talent_technology == TalentTech::Partners && from_inst > 0.0 {
                FLAG_RESEARCH
            } else {
                0
            };
            f.ready_day = (f64::from(f.start_day) + p.prep_days + ap.days) as f32;
        }

        // ---------------------------------------------------------------- 4-5. entry at the site
        // A firm whose approval ended before the period's end enters and operates for the
        // rest of the period. Predecessors are those that entered in earlier periods.
        new_entries.clear();
        approved.sort_unstable();
        merge_sorted(&pending, &approved, &mut list_buf);
        std::mem::swap(&mut pending, &mut list_buf);
        list_buf.clear();
        for &iu in &pending {
            let i = iu as usize;
            let f = &mut firms[i];
            if f64::from(f.ready_day) >= day_end {
                list_buf.push(iu);
                continue;
            }
            let st = &mut states[i];
            let e = &pop.enterprises[i];
            let s = e.sector as usize;
            let sec = &sc.sectors[s];
            let equity = f.capital - f.debt;
            ledger.pay_flow(FlowFactor::Capital, HOME_ENT, HOST_ENT, equity);
            if f.debt > 0.0 {
                let host_part = f.debt * f64::from(f.debt_host);
                ledger.pay_flow(FlowFactor::Capital, HOME_FIN, HOST_ENT, f.debt - host_part);
                ledger.pay_flow(FlowFactor::Capital, HOST_FIN, HOST_ENT, host_part);
            }
            // M4: information cost with the predecessors whose knowledge reaches the entrant.
            let pred = Predecessors {
                same_park: if f.site == SCATTERED {
                    0.0
                } else {
                    entered_park_sector[f.site as usize * n_sec..][..n_sec].iter().sum()
                },
                same_group: entered_group[s * 3 + e.chain.index()],
                at_hubs: entered_hubs,
                all: entered_total,
            };
            let reach = m4_reach(lv.information_sharing, &pred, p);
            let info = m4_information_cost(p_info, reach, f64::from(f.info_cut), p);
            ledger.pay(HOST_ENT, HOST_MARKET, info);
            // Knowledge from predecessors travels home through the network; reports bought
            // come from host sources (intermediaries or official ones).
            let free = p.info_reports * (1.0 - 1.0 / (1.0 + p.info_free_ride * reach));
            ledger.flow(FlowFactor::Information, HOST_ENT, HOME_ENT, free);
            let me = EntityRef::Enterprise(i as u32);
            if TIES {
                // The predecessor whose knowledge reaches the entrant: the latest entrant of its
                // park and sector, else of its sector and chain.
                let in_park = if f.site == SCATTERED {
                    NONE
                } else {
                    last_park_sector[f.site as usize * n_sec + s]
                };
                let pred_ix =
                    if in_park != NONE { in_park } else { last_group[s * 3 + e.chain.index()] };
                if pred_ix != NONE {
                    ties.add(EntityRef::Enterprise(pred_ix), me, TieKind::Cohort, free, t);
                }
                let hs = &host_of_sector[s];
                if lv.host_linkage > 0.0 && !hs.is_empty() {
                    let u = draw::uniform(seed, i as u64, t, slot::SUPPLIER);
                    suppliers[i] = hs[((u * hs.len() as f64) as usize).min(hs.len() - 1)];
                }
            }
            let bought = p.info_reports - free;
            let src = if f.info_cut > 0.0 { HOST_INTERM } else { HOST_GOV };
            ledger.flow(FlowFactor::Information, src, HOME_ENT, bought);
            let mut k = f.capital - info;
            // Park incentives: entry subsidy from the host government.
            if f.site != SCATTERED {
                let sub = sc.parks[f.site as usize].incentives.entry_subsidy_usd;
                ledger.pay_flow(FlowFactor::Capital, HOST_GOV, HOST_ENT, sub);
                ties.add(EntityRef::Park(u32::from(f.site)), me, TieKind::Subsidy, sub, t);
                k += sub;
                benefit[P_HOSTGOV][0] += sub;
                benefit[P_HOSTGOV][1] -= sub;
            }
            // Technology and home staff arrive with the firm.
            let own_tech = p.own_cover * sec.technology_per_musd * f.capital / 1e6;
            ledger.flow(FlowFactor::Technology, HOME_ENT, HOST_ENT, own_tech);
            ledger.flow(FlowFactor::Technology, HOME_INST, HOST_ENT, f64::from(f.packages_inst));
            let univ = f64::from(f.staff_univ);
            ledger.flow(FlowFactor::Talent, HOME_ENT, HOST_ENT, f64::from(f.staff) - univ);
            ledger.flow(FlowFactor::Talent, HOME_UNIV, HOST_ENT, univ * (1.0 - talent_host_share));
            ledger.flow(FlowFactor::Talent, HOST_UNIV, HOST_ENT, univ * talent_host_share);
            ledger.staff += f64::from(f.staff);
            ledger.labour_pool -= f64::from(f.workers);
            ledger.workers += f64::from(f.workers);
            f.capital = k;
            *st = State::Operating;
            f.age = 0;
            f.losses = 0;
            entered += 1;
            days_to_operate += f64::from(f.ready_day) - f64::from(f.start_day);
            relocated += e.excess_capacity * f.capital.max(0.0);
            new_entries.push(i as u32);
        }
        std::mem::swap(&mut pending, &mut list_buf);
        merge_sorted(&operating, &new_entries, &mut list_buf);
        std::mem::swap(&mut operating, &mut list_buf);

        // ---------------------------------------------------------------- 6. operation (M5, M6, M8)
        op_tenants.iter_mut().for_each(|x| *x = 0);
        park_workers.iter_mut().for_each(|x| *x = 0.0);
        park_sector.iter_mut().for_each(|x| *x = 0);
        for &iu in &operating {
            let i = iu as usize;
            let f = &firms[i];
            if f.site != SCATTERED {
                let pk = f.site as usize;
                op_tenants[pk] += 1;
                park_workers[pk] += f64::from(f.workers);
                park_sector[pk * n_sec + f.sector as usize] += 1;
            }
        }
        let wage_mult: Vec<f64> = (0..n_park)
            .map(|pk| m5_wage_multiplier(park_workers[pk], sc.parks[pk].labour_pool, p))
            .collect();
        for x in [&mut y_sector, &mut sourcing, &mut spill, &mut workers_sector] {
            x.iter_mut().for_each(|v| *v = 0.0);
        }
        cells.iter_mut().for_each(|c| *c = false);
        let hazard_years = py;
        let hazard_key = draw::period_key(t, slot::HAZARD);
        let (mut host_output, mut home_output) = (0.0f64, 0.0f64);
        let profit_node = if lv.profit == Profit::HubRecycled { HOME_FIN } else { HOME_ENT };
        std::mem::swap(&mut operating, &mut list_buf);
        operating.clear();
        for &iu in &list_buf {
            let i = iu as usize;
            let st = &mut states[i];
            let f = &mut firms[i];
            let s = f.sector as usize;
            let sec = &sc.sectors[s];
            let frac = ((day_end - f64::from(f.ready_day).max(day0)) / pd).clamp(0.0, 1.0);
            let k = f.capital.max(0.0);
            let fit = f64::from(f.fit);
            let y = k
                * p.turnover
                * f.productivity
                * m6_revenue_multiplier(fit, p)
                * (1.0 + shock[s])
                * frac;
            let export = p.export_home_share * y;
            let host_sales = y - export;
            ledger.pay(HOST_MARKET, HOST_ENT, host_sales);
            ledger.flow(FlowFactor::Goods, HOST_ENT, HOST_FIRM, host_sales);
            ledger.pay(HOME_MARKET, HOST_ENT, export);
            ledger.flow(FlowFactor::Goods, HOST_ENT, HOME_ENT, export);
            let inputs = theta[s] * y;
            let local = lv.host_linkage * inputs;
            ledger.pay(HOST_ENT, HOST_FIRM, local);
            ledger.flow(FlowFactor::Goods, HOST_FIRM, HOST_ENT, local);
            // Linked suppliers' chain exports: the supply chain carries host goods home.
            let chain = p.chain_export_share * local;
            ledger.pay(HOME_MARKET, HOST_FIRM, chain);
            ledger.flow(FlowFactor::Goods, HOST_FIRM, HOME_ENT, chain);
            benefit[P_HOSTFIRM][1] += chain * p.supplier_margin;
            let me = EntityRef::Enterprise(i as u32);
            let supplier = if TIES { suppliers[i] } else { NONE };
            if supplier != NONE {
                ties.add(EntityRef::HostFirm(supplier), me, TieKind::Supplier, local, t);
            }
            ledger.pay(HOST_ENT, HOME_ENT, inputs - local);
            ledger.flow(FlowFactor::Goods, HOME_ENT, HOST_ENT, inputs - local);
            sourcing[s] += local;
            y_sector[s] += y;
            let in_park = f.site != SCATTERED;
            let pk = f.site as usize;
            let wm = if in_park { wage_mult[pk] } else { 1.0 };
            let wages = f64::from(f.workers) * host_wage * wm * frac;
            ledger.pay(HOST_ENT, HOST_HOUSEHOLDS, wages);
            let salaries = f64::from(f.staff) * p_talent * frac;
            ledger.pay(HOST_ENT, HOME_HOUSEHOLDS, salaries);
            let land = sec.land_ha_per_musd * k / 1e6;
            let full_rent = land * host_costs.land_rent_usd_per_ha * frac;
            let (rent, shared, standalone) = if in_park {
                let pkd = &sc.parks[pk];
                let rent = full_rent * (1.0 - pkd.incentives.rent_discount);
                benefit[P_HOSTGOV][0] += full_rent - rent;
                let shared = m5_shared_cost(
                    pkd.shared_infrastructure_cost_usd,
                    op_tenants[pk],
                    pkd.plots,
                    p,
                ) * frac;
                (rent, shared, p.standalone_infra_share * mean_plot_cost * frac)
            } else {
                (full_rent, 0.0, p.standalone_infra_share * mean_plot_cost * frac)
            };
            if in_park {
                ledger.pay(HOST_ENT, HOST_PARK, rent + shared);
                ties.add(me, EntityRef::Park(pk as u32), TieKind::Tenancy, rent + shared, t);
                benefit[P_PARK][0] += standalone - shared;
                benefit[P_PARK][1] += rent;
            } else {
                ledger.pay(HOST_ENT, HOST_MARKET, rent + standalone);
            }
            let transport = export * p.transport_rate * env.transport_cost;
            ledger.pay(HOST_ENT, HOME_MARKET, transport);
            let tariff = export * env.tariff;
            ledger.pay(HOST_ENT, HOME_GOV, tariff);
            let overhead = p.overhead * k * frac;
            ledger.pay(HOST_ENT, HOST_MARKET, overhead);
            let interest = f.debt * f64::from(f.rate) * frac;
            let host_int = interest * f64::from(f.debt_host);
            // Interest to home lenders is capital coming back (M11).
            ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOME_FIN, interest - host_int);
            ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOST_FIN, host_int);
            if f.lender != u16::MAX {
                let l = EntityRef::Finance(u32::from(f.lender));
                ties.add(me, l, TieKind::Repayment, interest, t);
            }
            benefit[P_FINANCE][1] += interest;
            benefit[P_FINANCE][0] += f.debt * (sec.margin - f64::from(f.rate)) * frac;
            let pre_tax = y
                - inputs
                - wages
                - salaries
                - rent
                - shared
                - (if in_park { 0.0 } else { standalone })
                - transport
                - tariff
                - overhead
                - interest;
            let holiday = if in_park { sc.parks[pk].incentives.tax_holiday_periods } else { 0 };
            let tax_due = p.profit_tax * pre_tax.max(0.0);
            let tax = if u32::from(f.age) < holiday { 0.0 } else { tax_due };
            ledger.pay(HOST_ENT, HOST_GOV, tax);
            benefit[P_HOSTGOV][0] += tax_due - tax;
            benefit[P_HOSTGOV][1] += tax;
            let profit = pre_tax - tax;
            benefit[P_HOSTFIRM][0] += host_sales * sec.margin;
            benefit[P_HOSTFIRM][1] +=
                local * p.supplier_margin - p.crowd_out * host_sales * p.supplier_margin;
            if profit > 0.0 {
                // Repatriated profit is capital coming back; reinvested earnings stay abroad
                // and do not cross the border.
                let back = (1.0 - lv.reinvest_share) * profit;
                ledger.pay_flow(FlowFactor::Capital, HOST_ENT, profit_node, back);
                let kept = profit - back;
                f.capital += kept;
                f.losses = 0;
                home_output += back;
            } else {
                f.capital += profit;
                f.losses = f.losses.saturating_add(1);
            }
            home_output += inputs - local;
            host_output += local + wages + tax + rent + shared;
            // M10: technology spills to linked host suppliers.
            let sp = p.tech_spill * lv.host_linkage * sec.technology_per_musd * k / 1e6 * frac;
            ledger.flow(FlowFactor::Technology, HOST_ENT, HOST_FIRM, sp);
            if supplier != NONE {
                ties.add(me, EntityRef::HostFirm(supplier), TieKind::Spillover, sp, t);
            }
            spill[s] += sp;
            // Technology back: packages adapted to host conditions go back to the parent, and
            // research partners co-develop packages with the home institutes.
            let in_use = sec.technology_per_musd * k / 1e6;
            let adapted = p.tech_adaptation * in_use * py * frac;
            ledger.flow(FlowFactor::Technology, HOST_ENT, HOME_ENT, adapted);
            if f.flags & FLAG_RESEARCH != 0 {
                let co = p.codevelopment * in_use * py * frac;
                ledger.flow(FlowFactor::Technology, HOST_ENT, HOME_INST, co);
                for (r, sh) in inst_share.iter().enumerate() {
                    let inst = EntityRef::ResearchInstitute(r as u32);
                    ties.add(me, inst, TieKind::Research, co * sh, t);
                }
            }
            workers_sector[s] += f64::from(f.workers);
            // M7: productivity growth with the cluster and research partners.
            let cluster = if in_park {
                f64::from(park_sector[pk * n_sec + s].saturating_sub(1))
            } else {
                0.0
            };
            let g = if cluster == 0.0 {
                p.growth_base + if f.flags & FLAG_RESEARCH != 0 { p.growth_research } else { 0.0 }
            } else {
                m7_growth(cluster, f.flags & FLAG_RESEARCH != 0, p)
            };
            f.productivity *= 1.0 + g * py * frac;
            f.age = f.age.saturating_add(1);
            // ------------------------------------------------------------ 8. exit and return
            let loss_share = if k > 0.0 { (-profit).max(0.0) / k } else { 1.0 };
            let h_year =
                m8_hazard(f64::from(f.gap), fit, loss_share, f64::from(f.operating_cut), p);
            let exposure = hazard_years * frac;
            let h = if exposure == 1.0 {
                h_year
            } else {
                1.0 - (1.0 - h_year).powf(exposure.max(1e-9))
            };
            let fails = f.capital <= 0.0 || draw::uniform_at(seed, i as u64, hazard_key) < h;
            let returns = !fails && u32::from(f.losses) >= p.return_after_losses;
            if fails || returns {
                if f.capital < 0.0 {
                    // The parent covers the deficit before closing.
                    ledger.pay_flow(FlowFactor::Capital, HOME_ENT, HOST_ENT, -f.capital);
                    f.capital = 0.0;
                }
                if fails {
                    // Assets pass to host firms; the loan defaults.
                    ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOST_FIRM, f.capital);
                    benefit[P_FINANCE][1] -= f.debt;
                    benefit[P_HOSTFIRM][1] += f.capital;
                    *st = State::Failed;
                    n_failed += 1;
                } else {
                    let repay = f.debt.min(f.capital);
                    let host_repay = repay * f64::from(f.debt_host);
                    ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOME_FIN, repay - host_repay);
                    ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOST_FIN, host_repay);
                    benefit[P_FINANCE][1] -= f.debt - repay;
                    ledger.pay_flow(FlowFactor::Capital, HOST_ENT, HOME_ENT, f.capital - repay);
                    *st = State::Returned;
                    n_returned += 1;
                }
                if f.site != SCATTERED {
                    tenants[f.site as usize] -= 1;
                }
                ledger.flow(FlowFactor::Talent, HOST_ENT, HOME_ENT, f64::from(f.staff));
                ledger.staff -= f64::from(f.staff);
                ledger.labour_pool += f64::from(f.workers);
                ledger.workers -= f64::from(f.workers);
                f.capital = 0.0;
                f.debt = 0.0;
                continue;
            }
            // Workers and home staff follow capital: reinvestment hires within the labour
            // pool left, losses lay off (issue 14 §3).
            let k_now = f.capital.max(0.0);
            let mut dw = sec.workers_per_musd * k_now / 1e6 - f64::from(f.workers);
            if dw > 0.0 {
                dw = dw.min(ledger.labour_pool.max(0.0));
            }
            let w_new = (f64::from(f.workers) + dw) as f32;
            let dw = f64::from(w_new) - f64::from(f.workers);
            f.workers = w_new;
            ledger.workers += dw;
            ledger.labour_pool -= dw;
            let s_new = (f64::from(f.staff_per_usd) * k_now) as f32;
            let ds = f64::from(s_new) - f64::from(f.staff);
            if ds > 0.0 {
                ledger.flow(FlowFactor::Talent, HOME_ENT, HOST_ENT, ds);
            } else {
                ledger.flow(FlowFactor::Talent, HOST_ENT, HOME_ENT, -ds);
            }
            f.staff = s_new;
            ledger.staff += ds;
            cells[s * n_prov + usize::from(f.province).min(n_prov - 1)] = true;
            operating.push(iu);
        }

        // ---------------------------------------------------------------- 7. spillovers (M10, M4 stock)
        let total_workers: f64 = workers_sector.iter().sum();
        let trained = if lv.host_training {
            training_places.min(p.training_share * total_workers) * py
        } else {
            0.0
        };
        if trained > 0.0 {
            ledger.flow(FlowFactor::Talent, HOME_UNIV, HOST_FIRM, trained);
            ledger.flow(FlowFactor::Talent, HOST_FIRM, HOME_UNIV, p.student_share * trained);
            if TIES && total_workers > 0.0 {
                // Each university trains the affiliates' host workers in proportion to its
                // places and to the firm's workers.
                for &iu in &operating {
                    let i = iu as usize;
                    let w = trained * f64::from(firms[i].workers) / total_workers;
                    for (u, sh) in univ_places.iter().enumerate() {
                        let un = EntityRef::University(u as u32);
                        ties.add(un, EntityRef::Enterprise(i as u32), TieKind::Training, w * sh, t);
                    }
                }
            }
        }
        // Exchange students: host universities send students to the home side's universities
        // (talent back), where the universities work with the host side (host training) and
        // once an affiliate operates.
        let any_operating = !operating.is_empty();
        if lv.host_training && home_places > 0.0 && any_operating {
            for &(h, x) in &exchange {
                let students = x * py;
                ledger.flow(FlowFactor::Talent, HOST_UNIV, HOME_UNIV, students);
                for (u, uni) in sc.universities.iter().enumerate() {
                    if sc.regions[uni.region].side == Side::Home && uni.training_places > 0.0 {
                        let w = students * uni.training_places / home_places;
                        let (a, b) =
                            (EntityRef::University(h as u32), EntityRef::University(u as u32));
                        ties.add(a, b, TieKind::Exchange, w, t);
                    }
                }
            }
        }
        // Host firms invest on the home side (capital back) as far as they are linked to the
        // affiliates' supply chains, once an affiliate operates.
        if host_home_investment > 0.0 && any_operating {
            let inv = host_home_investment * py * lv.host_linkage;
            ledger.pay_flow(FlowFactor::Capital, HOST_FIRM, HOME_ENT, inv);
        }
        trained_cum += trained;
        for s in 0..n_sec {
            if host_n[s] == 0.0 {
                continue;
            }
            let out_s = sc.sectors[s].host_output_usd.max(1.0);
            let tr_s =
                if total_workers > 0.0 { trained * workers_sector[s] / total_workers } else { 0.0 };
            let before = host_cap[s];
            host_cap[s] = m10_capability(
                before,
                sourcing[s] / out_s,
                tr_s / host_emp[s].max(1.0),
                spill[s] / host_n[s],
                p,
            );
            // The capability gained is worth the sector's output times the gain.
            benefit[P_HOSTFIRM][1] += (host_cap[s] - before) * out_s * p.supplier_margin;
        }
        tech_received += spill.iter().sum::<f64>();
        for &i in &new_entries {
            let f = &firms[i as usize];
            let e = &pop.enterprises[i as usize];
            let s = e.sector as usize;
            entered_total += 1.0;
            entered_group[s * 3 + e.chain.index()] += 1.0;
            last_group[s * 3 + e.chain.index()] = i;
            if f.site != SCATTERED {
                last_park_sector[f.site as usize * n_sec + s] = i;
                entered_park_sector[f.site as usize * n_sec + s] += 1.0;
                entered_sector_parks[s] += 1.0;
                if is_hub[f.site as usize] {
                    entered_hubs += 1.0;
                }
            }
        }
        // ---------------------------------------------------------------- 9-10. accounting and observation
        let mut o = PeriodObs { period: t, year, ..PeriodObs::default() };
        let mut capital_states = 0.0;
        let mut workers_states = 0.0;
        let mut staff_states = 0.0;
        let mut jobs = 0.0;
        for &i in &pending {
            if f64::from(firms[i as usize].start_day) + p.prep_days >= day_end {
                o.preparing += 1;
            } else {
                o.in_approval += 1;
            }
        }
        for &i in &operating {
            let f = &firms[i as usize];
            o.operating += 1;
            if f.site == SCATTERED {
                o.operating_scattered += 1;
            } else {
                o.operating_in_parks += 1;
            }
            capital_states += f.capital;
            workers_states += f64::from(f.workers);
            staff_states += f64::from(f.staff);
            jobs += f64::from(f.workers);
        }
        o.failed = n_failed;
        o.returned = n_returned;
        o.at_home =
            states.len() as u32 - o.preparing - o.in_approval - o.operating - n_failed - n_returned;
        for s in 0..n_sec {
            if host_emp[s] > 0.0 && sc.sectors[s].host_output_usd > 0.0 {
                jobs += sourcing[s] / (sc.sectors[s].host_output_usd * py / host_emp[s]);
            }
        }
        o.entered = entered;
        o.survival = if entered > 0 { f64::from(o.operating) / f64::from(entered) } else { 0.0 };
        let (mut ys, mut yo) = (0.0, 0.0);
        for s in 0..n_sec {
            if y_sector[s] > 0.0 {
                ys += y_sector[s];
                yo += y_sector[s] + sc.sectors[s].host_output_usd * py;
            }
        }
        o.penetration_depth = if yo > 0.0 { ys / yo } else { 0.0 };
        o.penetration_range = cells.iter().filter(|c| **c).count() as u32;
        o.time_to_operate_days =
            if entered > 0 { days_to_operate / f64::from(entered) } else { 0.0 };
        o.capital_stock_usd = capital_states;
        o.host_jobs = jobs;
        o.host_capability = weighted_cap(&host_cap);
        o.technology_received = tech_received;
        o.talent_trained = trained_cum;
        o.excess_capacity_relocated_usd = relocated;
        o.two_way_index = m11_two_way(&ledger.out_cum, &ledger.back_cum);
        o.home_output_usd = home_output;
        o.host_output_usd = host_output;
        o.decided = decided;
        o.financed = financed;
        o.credit_refused = c_refused;
        o.credit_rationed = c_rationed;
        o.approvals_refused = a_refused;
        out.periods.push(o);
        for (k, (sa, ka, sb, kb)) in PAIRS.iter().enumerate() {
            out.benefits.push(PairBenefit {
                period: t,
                a: Node::new(*sa, *ka),
                b: Node::new(*sb, *kb),
                to_a: benefit[k][0],
                to_b: benefit[k][1],
            });
        }
        ledger.drain(t, &mut out.flows);
        books.push(Books {
            period: t,
            money_sum: ledger.money.iter().sum(),
            money_scale: ledger.money.iter().fold(0.0, |m, x| m.max(x.abs())),
            affiliates_account_usd: ledger.money[HOST_ENT],
            affiliates_states_usd: capital_states,
            labour_drift: ledger.labour_pool + ledger.workers - ledger.labour_initial,
            workers_account: ledger.workers,
            workers_states,
            staff_account: ledger.staff,
            staff_states,
        });
    }
    out.ties = ties.into_ties();
    Ok((out, books))
}

/// Merge two index lists sorted ascending (and disjoint) into `out`.
fn merge_sorted(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    if b.is_empty() {
        out.extend_from_slice(a);
        return;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// M6 site choice: the park (or `SCATTERED`), the host province and the fit.
#[allow(clippy::too_many_arguments)]
fn choose_site(
    lv: &Levers,
    p: &Params,
    sc: &Scenario,
    i: usize,
    s: usize,
    t: u32,
    seed: u64,
    open: &[bool],
    tenants: &[u32],
    park_sector: &[u32],
    target: &[bool],
    park_prov: &[u8],
    n_sec: usize,
    n_prov: usize,
    park_label: &[u64],
    plan: Option<&[Option<u16>]>,
) -> (u16, u8, f64) {
    let noise = lv.site_search_noise;
    let u_fit = draw::uniform(seed, i as u64, t, slot::SITE_NOISE);
    let free = |pk: usize| open[pk] && tenants[pk] < sc.parks[pk].plots;
    let site_match = |pk: usize| if target[pk * n_sec + s] { 1.0 } else { p.offtarget_fit };
    let best = |designated_only: bool, hub: bool| -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (pk, park) in sc.parks.iter().enumerate() {
            if !free(pk) || (designated_only && !park.designated) {
                continue;
            }
            let mut score = site_match(pk)
                + noise
                    * draw::uniform(
                        seed,
                        draw::pair(i as u64, park_label[pk]),
                        t,
                        slot::PARK_NOISE,
                    );
            if hub {
                score += park.hub_access;
            }
            if lv.cohort {
                score += p.cohort_weight * f64::from(park_sector[pk * n_sec + s])
                    / f64::from(park.plots.max(1));
            }
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, pk));
            }
        }
        best.map(|(_, pk)| pk)
    };
    let own_search = || {
        if draw::uniform(seed, i as u64, t, slot::SITE) < p.own_search_park_chance {
            best(false, false)
        } else {
            None
        }
    };
    let park = match lv.site_choice {
        SiteChoice::Designated => best(true, false).or_else(own_search),
        SiteChoice::NearHubs => best(false, true),
        SiteChoice::Scattered => own_search(),
        SiteChoice::Planned => plan.and_then(|pl| pl[i]).map(usize::from).filter(|&pk| free(pk)),
    };
    match park {
        Some(pk) => (pk as u16, park_prov[pk], m6_fit(site_match(pk), noise, u_fit)),
        None => {
            let prov = (draw::uniform(seed, i as u64, t, slot::PROVINCE) * n_prov as f64) as usize;
            (SCATTERED, prov.min(n_prov - 1).min(255) as u8, m6_fit(p.scattered_fit, noise, u_fit))
        }
    }
}

fn validate(input: &RunInput<'_>) -> Result<(), AbmError> {
    let sc = input.scenario;
    let n = input.population.enterprises.len();
    if n != sc.enterprise_count() {
        return Err(AbmError::PopulationMismatch {
            population: n,
            scenario: sc.enterprise_count(),
        });
    }
    if let Some(e) =
        input.population.enterprises.iter().find(|e| usize::from(e.sector) >= sc.sectors.len())
    {
        return Err(AbmError::PopulationMismatch {
            population: usize::from(e.sector),
            scenario: sc.sectors.len(),
        });
    }
    if sc.parks.len() >= usize::from(SCATTERED) {
        return Err(AbmError::TooManyParks { parks: sc.parks.len() });
    }
    if input.levers.site_choice == SiteChoice::Planned {
        let plan = input.planned_sites.ok_or(AbmError::PlannedWithoutPlan)?;
        if plan.len() != n {
            return Err(AbmError::PlanLength { expected: n, got: plan.len() });
        }
        if let Some((i, pk)) = plan
            .iter()
            .enumerate()
            .find_map(|(i, x)| x.filter(|&pk| usize::from(pk) >= sc.parks.len()).map(|pk| (i, pk)))
        {
            return Err(AbmError::PlanPark { enterprise: i, park: pk, parks: sc.parks.len() });
        }
    }
    Ok(())
}
