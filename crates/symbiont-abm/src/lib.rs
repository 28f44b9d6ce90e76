//! The going-out agent-based model (MODEL.md, `docs/model.md`): a pure engine.
//!
//! - [`population::generate`] draws a scenario's enterprises and host firms from its
//!   distributions, reproducibly from the master seed.
//! - [`run`] simulates one run of one mode: a [`RunInput`] (checked scenario, population,
//!   the mode's [`Levers`], mechanism [`Params`], the run's seed and, for the `planned` site
//!   choice, the planner's sites) gives a [`output::RunOutput`]: per-period observations,
//!   flows by factor and direction, and benefit streams per pair of unit kinds.
//! - [`mechanisms`] holds the twelve mechanisms M1-M12 as small pure functions; the engine
//!   calls them in the process order of MODEL §3. Nothing branches on a mode's name: modes
//!   are presets of levers, and support comes only from the scenario's supporting entities.
//! - Randomness is counter-based ([`draw`]): every number is a function of (run seed,
//!   entity, period, slot), so a run is bit-identical whatever else is added or reordered.
//!
//! ```
//! use symbiont_abm::{Params, RunInput, population, run};
//! use symbiont_model::Levers;
//!
//! let scenario = symbiont_model::default_scenario().unwrap();
//! let population = population::generate(&scenario, 1);
//! let (levers, params) = (Levers::network(), Params::default());
//! let input = RunInput { scenario: &scenario, population: &population, levers: &levers,
//!                        params: &params, seed: 7, planned_sites: None };
//! let out = run(&input).unwrap();
//! assert_eq!(out.periods.len(), scenario.study.horizon_periods as usize);
//! assert_eq!(out, run(&input).unwrap(), "same input, same output");
//! ```

pub mod draw;
mod engine;
pub mod mechanisms;
pub mod output;
pub mod params;
pub mod population;
pub mod sample;

use symbiont_model::population::Population;
use symbiont_model::{Levers, Scenario};

pub use engine::FIRM_STATE_BYTES;
pub use output::{Books, EntityRef, RunOutput, Tie, TieKind};
pub use params::Params;

/// Everything one run needs.
#[derive(Debug, Clone, Copy)]
pub struct RunInput<'a> {
    pub scenario: &'a Scenario,
    pub population: &'a Population,
    pub levers: &'a Levers,
    pub params: &'a Params,
    /// This run's seed (derived by the study from the master seed, the mode and the run).
    pub seed: u64,
    /// Per enterprise (population order): the planner's park index, for `site_choice = planned`.
    pub planned_sites: Option<&'a [Option<u16>]>,
}

/// Why a run cannot start. Scenario validation is the model crate's job; these are the
/// engine's own preconditions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbmError {
    #[error(
        "the mode's site choice is `planned` but no plan was given: run `symbiont plan` and pass its \
         sites, or choose site_choice = \"designated\", \"near_hubs\" or \"scattered\""
    )]
    PlannedWithoutPlan,
    #[error(
        "the plan has {got} sites but the population has {expected} enterprises (one site, or none, per enterprise)"
    )]
    PlanLength { expected: usize, got: usize },
    #[error(
        "the plan puts enterprise {enterprise} in park {park}, but the scenario has {parks} parks (indices 0..{parks})"
    )]
    PlanPark { enterprise: usize, park: u16, parks: usize },
    #[error(
        "the population does not belong to this scenario ({population} against {scenario}): generate it with \
         population::generate from the same scenario"
    )]
    PopulationMismatch { population: usize, scenario: usize },
    #[error("the scenario has {parks} parks; the engine supports at most 65534")]
    TooManyParks { parks: usize },
}

/// Simulate one run. Pure and deterministic: the same input gives bit-identical output.
pub fn run(input: &RunInput<'_>) -> Result<RunOutput, AbmError> {
    engine::simulate(input, false).map(|(out, _)| out)
}

/// Simulate one run and record its entity-level ties ([`output::Tie`]) in `RunOutput::ties`.
/// The ties never change the run: `run_with_ties(x).periods == run(x).periods`.
pub fn run_with_ties(input: &RunInput<'_>) -> Result<RunOutput, AbmError> {
    engine::simulate(input, true).map(|(out, _)| out)
}

/// Simulate one run and also return the engine's books per period (for conservation checks).
pub fn run_with_books(input: &RunInput<'_>) -> Result<(RunOutput, Vec<Books>), AbmError> {
    engine::simulate(input, false)
}
