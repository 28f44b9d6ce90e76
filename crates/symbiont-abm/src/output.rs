//! What one run of the model reports: per-period observations (MODEL §7), flows by factor and
//! direction (M11), and benefit streams per pair of unit kinds (M12).
//!
//! These are the contract between the engine and `symbiont-study`, which aggregates runs,
//! writes the tidy tables and prints the comparison. Plain data, no IO.

use symbiont_model::{Side, UnitKind};

/// The factors of the flow accounting (MODEL M11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowFactor {
    Capital,
    Technology,
    Talent,
    Information,
    Goods,
    Profit,
}

impl FlowFactor {
    pub const ALL: [FlowFactor; 6] = [
        FlowFactor::Capital,
        FlowFactor::Technology,
        FlowFactor::Talent,
        FlowFactor::Information,
        FlowFactor::Goods,
        FlowFactor::Profit,
    ];
    pub fn word(self) -> &'static str {
        match self {
            FlowFactor::Capital => "capital",
            FlowFactor::Technology => "technology",
            FlowFactor::Talent => "talent",
            FlowFactor::Information => "information",
            FlowFactor::Goods => "goods",
            FlowFactor::Profit => "profit",
        }
    }
    /// Unit of the flow's value.
    pub fn unit(self) -> &'static str {
        match self {
            FlowFactor::Capital | FlowFactor::Goods | FlowFactor::Profit => "US$",
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

/// Everything one run reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutput {
    pub periods: Vec<PeriodObs>,
    pub flows: Vec<Flow>,
    pub benefits: Vec<PairBenefit>,
}
