//! What one run of the model reports: per-period observations (MODEL §7), flows by factor and
//! direction (M11), and benefit streams per pair of unit kinds (M12).
//!
//! These are the contract between the engine and `symbiont-study`, which aggregates runs,
//! writes the tidy tables and prints the comparison. Plain data, no IO.

use symbiont_model::{Side, UnitKind};

/// The factors of the flow accounting (MODEL M11). Every factor has an outward channel
/// (home to host) and a return channel (host to home); profit, interest and repayments are
/// capital flowing back, not a factor of their own (`docs/model.md`, "Channels").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowFactor {
    Capital,
    Technology,
    Talent,
    Information,
    Goods,
}

impl FlowFactor {
    pub const ALL: [FlowFactor; 5] = [
        FlowFactor::Capital,
        FlowFactor::Technology,
        FlowFactor::Talent,
        FlowFactor::Information,
        FlowFactor::Goods,
    ];
    pub fn word(self) -> &'static str {
        match self {
            FlowFactor::Capital => "capital",
            FlowFactor::Technology => "technology",
            FlowFactor::Talent => "talent",
            FlowFactor::Information => "information",
            FlowFactor::Goods => "goods",
        }
    }
    /// Unit of the flow's value.
    pub fn unit(self) -> &'static str {
        match self {
            FlowFactor::Capital | FlowFactor::Goods => "US$",
            FlowFactor::Technology => "package",
            FlowFactor::Talent => "person",
            FlowFactor::Information => "report",
        }
    }
}

/// A node of the flow network: a unit kind on one side (e.g. `home:enterprise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub side: Side,
    pub kind: UnitKind,
}

impl Node {
    pub fn new(side: Side, kind: UnitKind) -> Self {
        Node { side, kind }
    }
    /// `side:kind`, the label used in `flows.csv`.
    pub fn label(self) -> String {
        format!("{}:{}", self.side.word(), self.kind.word())
    }
}

/// One aggregated flow in one period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    pub period: u32,
    pub factor: FlowFactor,
    pub source: Node,
    pub target: Node,
    pub value: f64,
}

/// Benefit of a relation to each side of a pair of unit kinds in one period (M12), in US$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairBenefit {
    pub period: u32,
    pub a: Node,
    pub b: Node,
    /// What `a` gains from its relation with `b`.
    pub to_a: f64,
    /// What `b` gains from its relation with `a`.
    pub to_b: f64,
}

/// The observation list of MODEL §7 for one period of one run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeriodObs {
    pub period: u32,
    pub year: i32,
    // Enterprises by state.
    pub at_home: u32,
    pub preparing: u32,
    pub in_approval: u32,
    pub operating: u32,
    pub failed: u32,
    pub returned: u32,
    /// Operating enterprises in parks / scattered.
    pub operating_in_parks: u32,
    pub operating_scattered: u32,
    /// Cumulative entries (enterprises that ever started operating).
    pub entered: u32,
    /// Share of entered enterprises still operating.
    pub survival: f64,
    /// Home firms' share of host output in the sectors they are in (0..=1).
    pub penetration_depth: f64,
    /// Number of (sector, province) cells with at least one home firm operating.
    pub penetration_range: u32,
    /// Mean days from the going-out decision to operation, over entrants so far.
    pub time_to_operate_days: f64,
    /// Capital stock of operating home firms abroad, US$.
    pub capital_stock_usd: f64,
    /// Host jobs in home firms and linked host suppliers.
    pub host_jobs: f64,
    /// Mean capability of host firms (0..=1).
    pub host_capability: f64,
    /// Cumulative technology packages received by the host.
    pub technology_received: f64,
    /// Cumulative host people trained.
    pub talent_trained: f64,
    /// Cumulative home excess capacity relocated abroad, US$ of capital.
    pub excess_capacity_relocated_usd: f64,
    /// Two-way interaction index (M11): flows back over flows out, 0..=1 style ratio.
    pub two_way_index: f64,
    /// Home side's aggregate output attributable to going out (macro series), US$.
    pub home_output_usd: f64,
    /// Host side's aggregate output of the firms involved (macro series), US$.
    pub host_output_usd: f64,
    /// Cumulative going-out decisions (firms that started preparing).
    pub decided: u32,
    /// Cumulative firms granted credit (M3).
    pub financed: u32,
    /// Cumulative applicants too risky for every reachable lender (they went on equity).
    pub credit_refused: u32,
    /// Cumulative eligible applicants left without credit because capacity ran out.
    pub credit_rationed: u32,
    /// Cumulative dossiers refused in approval (M2).
    pub approvals_refused: u32,
}

/// The engine's own bookkeeping for one period, for checking conservation (MODEL §8).
///
/// Money moves only between accounts (the unit kinds on each side plus the host and home
/// markets and households), so `money_sum` stays 0; the affiliates' account must equal the
/// capital the enterprises' states hold, and the people accounts the workers and home staff
/// the states employ.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Books {
    pub period: u32,
    /// Sum of every money account (0 when every payment left one account and entered another).
    pub money_sum: f64,
    /// Largest absolute account balance (the scale against which `money_sum` is judged).
    pub money_scale: f64,
    /// Balance of the affiliates abroad (`host:enterprise`), US$.
    pub affiliates_account_usd: f64,
    /// Capital of operating enterprises, summed over their states, US$.
    pub affiliates_states_usd: f64,
    /// Host labour pool plus workers employed, minus the initial pool (0 when conserved).
    pub labour_drift: f64,
    /// Workers employed according to the people accounts.
    pub workers_account: f64,
    /// Workers employed summed over enterprise states.
    pub workers_states: f64,
    /// Home staff abroad according to the people accounts.
    pub staff_account: f64,
    /// Home staff abroad summed over enterprise states.
    pub staff_states: f64,
}

/// The kinds of entity-level tie the simulation forms (issue 14 §2, `docs/model.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TieKind {
    /// A lender's credit to an enterprise (capital, lender to enterprise).
    Loan,
    /// Interest and repayments to a lender (capital, enterprise to lender).
    Repayment,
    /// An intermediary's service (information, intermediary to enterprise).
    Service,
    /// Graduates placed by a university (talent, university to enterprise).
    Placement,
    /// Technology packages from a research institute (technology, institute to enterprise).
    Technology,
    /// Co-developed technology sent back to a partner institute (technology, enterprise to
    /// institute).
    Research,
    /// Local inputs from a host supplier (goods, host firm to enterprise).
    Supplier,
    /// Technology spilled to a linked supplier (technology, enterprise to host firm).
    Spillover,
    /// Knowledge from a predecessor that reaches an entrant (information, predecessor to
    /// entrant).
    Cohort,
    /// A dossier to an approving department (information, enterprise to department).
    Dossier,
    /// An approval (information, department to enterprise).
    Approval,
    /// A park plot and its services (capital: rent, enterprise to park).
    Tenancy,
    /// The park's entry subsidy (capital, host government's park to enterprise).
    Subsidy,
    /// Host staff trained by a university (talent, university to host firm group).
    Training,
    /// Host students sent to study on the home side (talent, host to home university).
    Exchange,
    /// Two lenders sharing one enterprise's loan (capital, each lender to the other).
    Syndicate,
    /// An intermediary's screening that lowered a lender's risk for a client (information,
    /// intermediary to lender).
    Referral,
    /// A university and an institute serving one enterprise together as partners (talent and
    /// technology in one package; counted as technology, each to the other).
    Partnership,
    /// The one window coordinating with a department on a dossier, or settling a firm in a
    /// designated park (information, each to the other).
    Coordination,
}

impl TieKind {
    pub const ALL: [TieKind; 19] = [
        TieKind::Loan,
        TieKind::Repayment,
        TieKind::Service,
        TieKind::Placement,
        TieKind::Technology,
        TieKind::Research,
        TieKind::Supplier,
        TieKind::Spillover,
        TieKind::Cohort,
        TieKind::Dossier,
        TieKind::Approval,
        TieKind::Tenancy,
        TieKind::Subsidy,
        TieKind::Training,
        TieKind::Exchange,
        TieKind::Syndicate,
        TieKind::Referral,
        TieKind::Partnership,
        TieKind::Coordination,
    ];
    pub fn word(self) -> &'static str {
        match self {
            TieKind::Loan => "loan",
            TieKind::Repayment => "repayment",
            TieKind::Service => "service",
            TieKind::Placement => "placement",
            TieKind::Technology => "technology",
            TieKind::Research => "research",
            TieKind::Supplier => "supplier",
            TieKind::Spillover => "spillover",
            TieKind::Cohort => "cohort",
            TieKind::Dossier => "dossier",
            TieKind::Approval => "approval",
            TieKind::Tenancy => "tenancy",
            TieKind::Subsidy => "subsidy",
            TieKind::Training => "training",
            TieKind::Exchange => "exchange",
            TieKind::Syndicate => "syndicate",
            TieKind::Referral => "referral",
            TieKind::Partnership => "partnership",
            TieKind::Coordination => "coordination",
        }
    }
    /// The factor the tie carries.
    pub fn factor(self) -> FlowFactor {
        match self {
            TieKind::Loan
            | TieKind::Repayment
            | TieKind::Tenancy
            | TieKind::Subsidy
            | TieKind::Syndicate => FlowFactor::Capital,
            TieKind::Service
            | TieKind::Cohort
            | TieKind::Dossier
            | TieKind::Approval
            | TieKind::Referral
            | TieKind::Coordination => FlowFactor::Information,
            TieKind::Placement | TieKind::Training | TieKind::Exchange => FlowFactor::Talent,
            TieKind::Technology | TieKind::Research | TieKind::Spillover | TieKind::Partnership => {
                FlowFactor::Technology
            }
            TieKind::Supplier => FlowFactor::Goods,
        }
    }
}

/// An entity of a run's tie list: an enterprise (population index), a host firm (population
/// index), or a supporting unit of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityRef {
    Enterprise(u32),
    HostFirm(u32),
    /// A department of a government, in scenario order over every government.
    Department(u32),
    Park(u32),
    University(u32),
    ResearchInstitute(u32),
    Finance(u32),
    Intermediary(u32),
    /// The promoting organisation that runs the one window.
    Promoter(u32),
}

/// One entity-level tie formed in a run: `source` gives `target` something of the tie's
/// factor, worth `weight` (US$, persons, packages or reports) summed over the run, first
/// formed in `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tie {
    pub source: EntityRef,
    pub target: EntityRef,
    pub kind: TieKind,
    pub weight: f64,
    pub period: u32,
}

/// Everything one run reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutput {
    pub periods: Vec<PeriodObs>,
    pub flows: Vec<Flow>,
    pub benefits: Vec<PairBenefit>,
    /// The entity-level ties, when asked for ([`crate::run_with_ties`]); empty otherwise.
    pub ties: Vec<Tie>,
}
