//! The checked scenario: everything a collaboration system holds.
//!
//! Values of these types exist only after `parse_scenario` accepted a file, so every engine
//! can rely on them: references are resolved to indices, mixes sum to one, distributions have
//! possible parameters, probabilities lie in `[0, 1]`. Units are in the field names
//! (`_usd`, `_ha`, `_days`, `_periods`); money is in US$.

use crate::dist::Dist;
use crate::levers::Levers;

/// Index of a region in `Scenario::regions`.
pub type RegionIx = usize;
/// Index of a sector in `Scenario::sectors`.
pub type SectorIx = usize;

/// Home (the going-out region) or host (the receiving country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Home,
    Host,
}

impl Side {
    pub fn word(self) -> &'static str {
        match self {
            Side::Home => "home",
            Side::Host => "host",
        }
    }
}

/// Position on the industrial chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChainPos {
    Upstream,
    Midstream,
    Downstream,
}

impl ChainPos {
    pub const ALL: [ChainPos; 3] = [ChainPos::Upstream, ChainPos::Midstream, ChainPos::Downstream];
    pub fn word(self) -> &'static str {
        match self {
            ChainPos::Upstream => "upstream",
            ChainPos::Midstream => "midstream",
            ChainPos::Downstream => "downstream",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The kinds of symbiosis unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKind {
    Government,
    Department,
    Enterprise,
    HostFirm,
    University,
    ResearchInstitute,
    Finance,
    Intermediary,
    PromotingOrg,
    Park,
}

impl UnitKind {
    pub const ALL: [UnitKind; 10] = [
        UnitKind::Government,
        UnitKind::Department,
        UnitKind::Enterprise,
        UnitKind::HostFirm,
        UnitKind::University,
        UnitKind::ResearchInstitute,
        UnitKind::Finance,
        UnitKind::Intermediary,
        UnitKind::PromotingOrg,
        UnitKind::Park,
    ];
    pub fn word(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Department => "department",
            UnitKind::Enterprise => "enterprise",
            UnitKind::HostFirm => "host_firm",
            UnitKind::University => "university",
            UnitKind::ResearchInstitute => "research_institute",
            UnitKind::Finance => "finance",
            UnitKind::Intermediary => "intermediary",
            UnitKind::PromotingOrg => "promoting_org",
            UnitKind::Park => "park",
        }
    }
}

/// The factors that flow between units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Factor {
    Talent,
    Capital,
    Information,
    Technology,
    Land,
    Labour,
}

impl Factor {
    pub const ALL: [Factor; 6] = [
        Factor::Talent,
        Factor::Capital,
        Factor::Information,
        Factor::Technology,
        Factor::Land,
        Factor::Labour,
    ];
    pub fn word(self) -> &'static str {
        match self {
            Factor::Talent => "talent",
            Factor::Capital => "capital",
            Factor::Information => "information",
            Factor::Technology => "technology",
            Factor::Land => "land",
            Factor::Labour => "labour",
        }
    }
    /// The default unit of one quantity of the factor.
    pub fn default_unit(self) -> &'static str {
        match self {
            Factor::Talent => "person",
            Factor::Capital => "US$",
            Factor::Information => "report",
            Factor::Technology => "package",
            Factor::Land => "ha",
            Factor::Labour => "worker",
        }
    }
}

/// Scenario metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub name: String,
    pub title: String,
    pub description: String,
}

/// Study settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// Number of periods simulated.
    pub horizon_periods: u32,
    /// Length of a period in days (365 = a year).
    pub period_days: f64,
    /// Calendar year of period 0.
    pub start_year: i32,
    /// Monte Carlo runs per mode.
    pub runs: u32,
    /// The master seed: every random stream is derived from it.
    pub seed: u64,
    /// Ids of the modes to compare (indices into `Scenario::modes`).
    pub compare: Vec<usize>,
    /// The share of the home country's bilateral trade with the host country that the home
    /// side stands for (e.g. one province's share of China-Laos trade), for comparing the
    /// simulated goods flows with the host region's observed trade series; `None` when unknown.
    pub home_trade_share: Option<f64>,
}

/// An annual series attached to a region (e.g. World Bank GDP). Two series are equal when
/// their values are, a missing year (`NaN`) matching a missing year.
#[derive(Debug, Clone)]
pub struct Series {
    pub indicator: String,
    pub unit: String,
    pub source: String,
    pub start_year: i32,
    /// One value per year from `start_year`; `NaN` marks a missing year.
    pub values: Vec<f64>,
}

impl PartialEq for Series {
    fn eq(&self, o: &Series) -> bool {
        self.indicator == o.indicator
            && self.unit == o.unit
            && self.source == o.source
            && self.start_year == o.start_year
            && self.values.len() == o.values.len()
            && self.values.iter().zip(&o.values).all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    }
}

/// Costs a region imposes on an operating enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionCosts {
    /// Annual wage of a worker, US$.
    pub wage_usd: f64,
    /// Annual land rent, US$ per ha.
    pub land_rent_usd_per_ha: f64,
}

/// A home region or host country.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub side: Side,
    /// ISO 3166 alpha-3 code of the country.
    pub country: String,
    pub provinces: Vec<String>,
    pub costs: RegionCosts,
    pub series: Vec<Series>,
}

/// An industry.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    pub id: String,
    pub name: String,
    /// Host output of the sector per period, US$ (for penetration depth).
    pub host_output_usd: f64,
    /// Operating margin on capital of a median firm abroad, per period.
    pub margin: f64,
    /// Workers per US$ million of capital.
    pub workers_per_musd: f64,
    /// Home talent (engineers, managers) needed per US$ million.
    pub talent_per_musd: f64,
    /// Technology packages needed per US$ million.
    pub technology_per_musd: f64,
    /// Share of the capital that is borrowed.
    pub credit_share: f64,
    /// Land needed per US$ million, ha.
    pub land_ha_per_musd: f64,
}

/// A government department in the approval chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// Processing time of one dossier, days.
    pub processing_days: Dist,
    /// Probability that a dossier is approved.
    pub approval_probability: f64,
}

/// A government (one per side) and its departments.
#[derive(Debug, Clone, PartialEq)]
pub struct Government {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    pub departments: Vec<Department>,
}

/// One enterprise listed by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Enterprise {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    pub sector: SectorIx,
    pub chain: ChainPos,
    pub capital_usd: f64,
    pub productivity: f64,
    /// Share of its capacity that is idle at home, 0..=1.
    pub excess_capacity: f64,
}

/// A population of enterprises generated from distributions.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseGroup {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    pub count: u32,
    /// (sector, share); shares sum to 1.
    pub sector_mix: Vec<(SectorIx, f64)>,
    /// Shares of upstream, midstream, downstream; sum to 1.
    pub chain_mix: [f64; 3],
    pub capital_usd: Dist,
    pub productivity: Dist,
    pub excess_capacity: Dist,
}

/// A population of host firms.
#[derive(Debug, Clone, PartialEq)]
pub struct HostFirmGroup {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    pub count: u32,
    pub sector_mix: Vec<(SectorIx, f64)>,
    /// Absorptive capacity, 0..1.
    pub capability: Dist,
    /// Employees per firm.
    pub employment: Dist,
    /// Capital the group's firms invest on the home side per period, US$ (0 by default): the
    /// host side's own going-out, a return channel of capital (MODEL M11).
    pub home_investment_usd: f64,
}

/// A university.
#[derive(Debug, Clone, PartialEq)]
pub struct University {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    /// Graduates (engineers, managers) it can send per period.
    pub talent_per_period: f64,
    /// Host students it can train per period.
    pub training_places: f64,
    /// Students it sends to study on the home side per period (a host university; 0 by
    /// default): a return channel of talent (MODEL M11).
    pub students_to_home_per_period: f64,
}

/// A research institute.
#[derive(Debug, Clone, PartialEq)]
pub struct ResearchInstitute {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    /// Technology packages per period.
    pub technology_per_period: f64,
    /// How well its technology fits host conditions, 0..=1.
    pub host_fit: f64,
}

/// A bank, fund or other finance organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct FinanceOrg {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    /// New credit it can extend per period, US$.
    pub credit_capacity_usd: f64,
    /// Base lending rate per period.
    pub base_rate: f64,
    /// Appetite for risk, 0 (lends only to the safest) ..= 1.
    pub risk_appetite: f64,
}

/// The kinds of intermediary service (seed 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceKind {
    LawFirm,
    InvestmentBank,
    IpExchange,
    TechnologyTransfer,
    PropertyTransfer,
    IndustryAssociation,
    ChamberOfCommerce,
    Consultancy,
}

/// What an intermediary lowers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reduces {
    /// The chance that a dossier is refused.
    ApprovalRisk,
    /// Approval delay.
    ApprovalDelay,
    /// The cost of learning the host market.
    InformationCost,
    /// The credit premium.
    FinancePremium,
    /// The skill and technology gap.
    TechnologyGap,
    /// The operating failure hazard.
    OperatingRisk,
}

/// An intermediary service institution.
#[derive(Debug, Clone, PartialEq)]
pub struct Intermediary {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    pub service: ServiceKind,
    /// Clients it can serve per period.
    pub capacity_clients: f64,
    pub reduces: Reduces,
    /// Fraction by which it lowers that cost or risk, 0..=1.
    pub effect: f64,
}

/// The promoting organisation (seed 5.1) that runs the one window.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotingOrg {
    pub id: String,
    pub name: String,
    pub region: RegionIx,
    /// Coordination overhead added to the slowest department, days.
    pub coordination_overhead_days: f64,
}

/// The type of a park.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParkKind {
    Industrial,
    Science,
    Cultural,
    Urban,
}

/// What the host offers investors in a park.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Incentives {
    /// Periods free of profit tax.
    pub tax_holiday_periods: u32,
    /// Discount on land rent, 0..=1.
    pub rent_discount: f64,
    /// One-off subsidy per entrant, US$.
    pub entry_subsidy_usd: f64,
}

/// A park: the carrier of the symbiosis interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Park {
    pub id: String,
    pub name: String,
    pub kind: ParkKind,
    pub region: RegionIx,
    pub province: String,
    pub area_ha: f64,
    /// Plots available to tenants.
    pub plots: u32,
    /// Shared infrastructure cost per period, US$, split among tenants.
    pub shared_infrastructure_cost_usd: f64,
    pub incentives: Incentives,
    pub target_sectors: Vec<SectorIx>,
    /// Designated by both governments for going out together.
    pub designated: bool,
    /// Access to markets and hubs, 0..=1 (rail, port, capital city).
    pub hub_access: f64,
    /// Workers available around the park.
    pub labour_pool: f64,
    /// Year the park opened (entry before it is impossible).
    pub opened_year: i32,
}

/// Unit and price of a factor.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorSpec {
    pub factor: Factor,
    pub unit: String,
    /// Price of one unit on the market, US$ (for capital: the premium over the base rate).
    pub price_usd: f64,
}

/// A reference to a declared unit: its kind and index in the kind's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitRef {
    pub kind: UnitKind,
    pub index: usize,
}

/// A declared relation between two units (an input assumption, optional).
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub a: UnitRef,
    pub b: UnitRef,
    /// The factor the relation carries, if one.
    pub factor: Option<Factor>,
    /// Strength of the tie (e.g. US$ per period or a relative weight), > 0.
    pub weight: f64,
    /// Whether flows go both ways.
    pub two_way: bool,
    /// Assumed σ_ab, σ_ba (effect of b on a, of a on b), if the user declares them.
    pub sigma: Option<(f64, f64)>,
}

/// The drivers of the environment (the paper's three motivations, plus costs and shocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Driver {
    HostOpenness,
    HomePush,
    CoordinatedDemand,
    ShockVolatility,
    TransportCost,
    Tariff,
}

impl Driver {
    pub const ALL: [Driver; 6] = [
        Driver::HostOpenness,
        Driver::HomePush,
        Driver::CoordinatedDemand,
        Driver::ShockVolatility,
        Driver::TransportCost,
        Driver::Tariff,
    ];
    pub fn word(self) -> &'static str {
        match self {
            Driver::HostOpenness => "host_openness",
            Driver::HomePush => "home_push",
            Driver::CoordinatedDemand => "coordinated_demand",
            Driver::ShockVolatility => "shock_volatility",
            Driver::TransportCost => "transport_cost",
            Driver::Tariff => "tariff",
        }
    }
}

/// Driver levels at the start of the study. All lie in 0..=1 except `transport_cost`, a
/// multiplier on the baseline transport cost (1 = baseline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Environment {
    pub host_openness: f64,
    pub home_push: f64,
    pub coordinated_demand: f64,
    pub shock_volatility: f64,
    pub transport_cost: f64,
    pub tariff: f64,
}

impl Environment {
    pub fn get(&self, d: Driver) -> f64 {
        match d {
            Driver::HostOpenness => self.host_openness,
            Driver::HomePush => self.home_push,
            Driver::CoordinatedDemand => self.coordinated_demand,
            Driver::ShockVolatility => self.shock_volatility,
            Driver::TransportCost => self.transport_cost,
            Driver::Tariff => self.tariff,
        }
    }
    pub fn set(&mut self, d: Driver, v: f64) {
        let slot = match d {
            Driver::HostOpenness => &mut self.host_openness,
            Driver::HomePush => &mut self.home_push,
            Driver::CoordinatedDemand => &mut self.coordinated_demand,
            Driver::ShockVolatility => &mut self.shock_volatility,
            Driver::TransportCost => &mut self.transport_cost,
            Driver::Tariff => &mut self.tariff,
        };
        *slot = v;
    }
    /// Apply a change; levels that are shares are clamped to 0..=1, costs to >= 0.
    pub fn apply(&mut self, c: &Change) {
        let old = self.get(c.driver);
        let new = match c.op {
            ChangeOp::Set => c.value,
            ChangeOp::Add => old + c.value,
            ChangeOp::Scale => old * c.value,
        };
        let new =
            if c.driver == Driver::TransportCost { new.max(0.0) } else { new.clamp(0.0, 1.0) };
        self.set(c.driver, new);
    }
}

/// How an event changes a driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Set,
    Add,
    Scale,
}

/// One change of one driver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub driver: Driver,
    pub op: ChangeOp,
    pub value: f64,
}

/// A dated event (e.g. WTO accession, the railway opening).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub name: String,
    /// Calendar year in which it takes effect.
    pub year: i32,
    /// Where the fact comes from.
    pub source: String,
    pub changes: Vec<Change>,
}

impl Event {
    /// The period in which the event applies, if within the study (`None` before the start).
    pub fn period(&self, study: &Study) -> Option<u32> {
        let d = self.year - study.start_year;
        (d >= 0).then_some(d as u32)
    }
}

/// A mode of organisation: a name and its levers.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeDef {
    pub id: String,
    pub name: String,
    pub levers: Levers,
    /// True for the four built-in presets.
    pub preset: bool,
}

/// A checked scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub meta: Meta,
    pub study: Study,
    pub regions: Vec<Region>,
    pub sectors: Vec<Sector>,
    pub factors: Vec<FactorSpec>,
    pub governments: Vec<Government>,
    pub enterprises: Vec<Enterprise>,
    pub enterprise_groups: Vec<EnterpriseGroup>,
    pub host_firm_groups: Vec<HostFirmGroup>,
    pub universities: Vec<University>,
    pub research_institutes: Vec<ResearchInstitute>,
    pub finance: Vec<FinanceOrg>,
    pub intermediaries: Vec<Intermediary>,
    pub promoting_orgs: Vec<PromotingOrg>,
    pub parks: Vec<Park>,
    pub relations: Vec<Relation>,
    pub environment: Environment,
    pub events: Vec<Event>,
    pub modes: Vec<ModeDef>,
}

/// A declared unit, seen uniformly (for listings, networks and the server's registry).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitView<'a> {
    pub unit: UnitRef,
    pub id: &'a str,
    pub name: &'a str,
    pub side: Side,
    pub region: RegionIx,
}

impl Scenario {
    /// The mode with this id.
    pub fn mode(&self, id: &str) -> Option<&ModeDef> {
        self.modes.iter().find(|m| m.id == id)
    }

    /// The home region's index (the first region on the home side).
    pub fn home_region(&self) -> RegionIx {
        self.regions.iter().position(|r| r.side == Side::Home).unwrap_or(0)
    }

    /// The host region's index (the first region on the host side).
    pub fn host_region(&self) -> RegionIx {
        self.regions.iter().position(|r| r.side == Side::Host).unwrap_or(0)
    }

    /// Total number of enterprises (listed plus generated).
    pub fn enterprise_count(&self) -> usize {
        self.enterprises.len()
            + self.enterprise_groups.iter().map(|g| g.count as usize).sum::<usize>()
    }

    /// Total number of host firms (generated).
    pub fn host_firm_count(&self) -> usize {
        self.host_firm_groups.iter().map(|g| g.count as usize).sum()
    }

    /// Every declared unit (populations count as one unit each, by group), in a fixed order.
    pub fn units(&self) -> Vec<UnitView<'_>> {
        let side = |r: RegionIx| self.regions[r].side;
        let mut out = Vec::new();
        for (i, g) in self.governments.iter().enumerate() {
            out.push(UnitView {
                unit: UnitRef { kind: UnitKind::Government, index: i },
                id: &g.id,
                name: &g.name,
                side: side(g.region),
                region: g.region,
            });
        }
        let mut d = 0;
        for g in &self.governments {
            for dep in &g.departments {
                out.push(UnitView {
                    unit: UnitRef { kind: UnitKind::Department, index: d },
                    id: &dep.id,
                    name: &dep.name,
                    side: side(g.region),
                    region: g.region,
                });
                d += 1;
            }
        }
        macro_rules! list {
            ($v:expr, $k:expr) => {
                for (i, x) in $v.iter().enumerate() {
                    out.push(UnitView {
                        unit: UnitRef { kind: $k, index: i },
                        id: &x.id,
                        name: &x.name,
                        side: side(x.region),
                        region: x.region,
                    });
                }
            };
        }
        list!(self.enterprises, UnitKind::Enterprise);
        // Groups are addressed after the listed enterprises.
        for (i, x) in self.enterprise_groups.iter().enumerate() {
            out.push(UnitView {
                unit: UnitRef { kind: UnitKind::Enterprise, index: self.enterprises.len() + i },
                id: &x.id,
                name: &x.name,
                side: side(x.region),
                region: x.region,
            });
        }
        list!(self.host_firm_groups, UnitKind::HostFirm);
        list!(self.universities, UnitKind::University);
        list!(self.research_institutes, UnitKind::ResearchInstitute);
        list!(self.finance, UnitKind::Finance);
        list!(self.intermediaries, UnitKind::Intermediary);
        list!(self.promoting_orgs, UnitKind::PromotingOrg);
        list!(self.parks, UnitKind::Park);
        out
    }

    /// The view of one unit reference.
    pub fn unit(&self, r: UnitRef) -> Option<UnitView<'_>> {
        self.units().into_iter().find(|u| u.unit == r)
    }
}
