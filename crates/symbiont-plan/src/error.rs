//! Typed errors of the planner. Infeasibility is not an error: it is an outcome
//! ([`crate::PlanOutcome::Infeasible`]) with an explanation.

use thiserror::Error;

/// Problems in the instance that no solver can fix, all of them at once.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{} problem(s) in the planning input:\n  {}", problems.len(), problems.join("\n  "))]
pub struct PlanInputError {
    pub problems: Vec<String>,
}

/// Problems in a plan options file, each with file:line:column.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}", problems.join("\n"))]
pub struct OptionsError {
    pub problems: Vec<String>,
}

/// Why a plan could not be produced.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanError {
    #[error(transparent)]
    Input(#[from] PlanInputError),
    /// The backend failed or stopped without any feasible plan.
    #[error("the {backend} backend stopped without a plan: {message}")]
    Solver { backend: &'static str, message: String },
    /// The backend is not compiled into this build.
    #[error(
        "the `highs` backend is not in this build: rebuild with `cargo build --release \
         --features highs` (needs cmake and libclang)"
    )]
    BackendMissing,
    /// A what-if names something that does not exist.
    #[error("{0}")]
    Relax(String),
}
