//! symbiont-plan: the designated-place planner.
//!
//! "Go out together and invest in a designated place": which enterprise goes to which park
//! (or stays home), with which capital, talent, technology and services from which supplier,
//! so that value is greatest under the parks' capacities, the suppliers' capacities and the
//! government's guidance. The formulation is in `docs/planner.md`.
//!
//! The pieces and how they connect:
//! - [`Instance`] holds the problem as plain data (enterprises with needs and values per park,
//!   parks, suppliers, guidance, weights). [`Instance::from_scenario`] derives it from a
//!   checked scenario, a generated population and [`PlanOptions`].
//! - [`model::build`] turns an instance into a solver-neutral [`LinearModel`] (which also
//!   writes MPS); [`lp::solve`] runs it through good_lp with microlp (pure Rust, always) or
//!   HiGHS (cargo feature `highs`).
//! - [`plan()`] returns an [`PlanOutcome`]: a [`Plan`] (allocation, flows, objective breakdown,
//!   gap, [`Plan::sites`] for the simulation) or, when no plan meets the guidance, an
//!   [`Explanation`] naming the fewest constraints to loosen and by how much.
//! - [`bottlenecks`] prices the capacity and guidance rows (the LP with the assignment
//!   fixed), [`Relaxation`] is a what-if, [`pareto`] the home-host front by ε-constraint.
//!
//! ```
//! use symbiont_plan::*;
//! use symbiont_model::ChainPos;
//! let inst = Instance {
//!     sectors: vec!["textiles".into()],
//!     enterprises: vec![Candidate {
//!         name: "a".into(), sector: 0, chain: ChainPos::Midstream,
//!         needs: [1e6, 2.0, 0.0, 1.0], workers: 50.0, land_ha: 1.0,
//!         home: vec![400_000.0], host: vec![100_000.0], jobs: vec![50.0],
//!     }],
//!     parks: vec![ParkCap {
//!         name: "p".into(), plots: 1.0, labour_pool: 100.0, area_ha: 10.0,
//!         designated: true, target_sectors: vec![0], entry_subsidy: 0.0,
//!     }],
//!     suppliers: vec![
//!         Supplier { name: "bank".into(), kind: FactorKind::Capital, capacity: 5e6, unit_cost: 0.05 },
//!         Supplier { name: "uni".into(), kind: FactorKind::Talent, capacity: 1.0, unit_cost: 30_000.0 },
//!         Supplier { name: "law".into(), kind: FactorKind::Services, capacity: 3.0, unit_cost: 10_000.0 },
//!     ],
//!     guidance: Guidance::default(),
//!     weights: Weights::default(),
//!     chain_bonus: 0.0,
//!     min_host_gain: None,
//! };
//! // The talent need (2 persons) exceeds the university's 1: the enterprise stays home.
//! let settings = SolveSettings { backend: Backend::Microlp, ..SolveSettings::default() };
//! let PlanOutcome::Planned(plan) = plan(&inst, &settings).unwrap() else { panic!() };
//! assert_eq!(plan.sites(), vec![None]);
//! ```

// `!(x >= 0.0)` rejects NaN as well as negatives, which is the point of those checks; and
// the planner indexes parallel arrays (needs, capacities, demand per factor) by position.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

mod bottlenecks;
pub mod colgen;
pub mod error;
mod explain;
mod heuristic;
pub mod instance;
pub mod lp;
pub mod model;
pub mod options;
mod pareto;
mod plan;
pub mod reduce;
mod search;
mod whatif;

pub use bottlenecks::{Bottlenecks, DualMethod, ShadowPrice, bottlenecks, fixed_lp_value};
pub use error::{OptionsError, PlanError, PlanInputError};
pub use explain::{Explanation, Loosening, explain};
pub use instance::{
    Candidate, FactorKind, Guidance, Instance, ParkCap, SectorMinimum, Supplier, Weights,
};
pub use lp::{
    Backend, Clock, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_S, LinearModel, SolveSettings,
    Termination,
};
pub use options::{Economics, MinimumSpec, PlanOptions};
pub use pareto::{ParetoPoint, pareto};
pub use plan::{
    Breakdown, Evaluation, Flow, Limits, ParkSummary, Placement, Plan, PlanOutcome, evaluate,
};
pub use search::{MICROLP_MAX_INTEGERS, plan};
pub use whatif::Relaxation;
