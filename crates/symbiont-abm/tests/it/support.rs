//! Shared helpers: small scenarios and a one-call run.

use symbiont_abm::{Books, Params, RunInput, RunOutput, population, run_with_books};
use symbiont_model::population::Population;
use symbiont_model::{Levers, Scenario, default_scenario};

/// The default scenario with `count` generated enterprises and `horizon` periods.
pub fn small(count: u32, horizon: u32) -> Scenario {
    let mut s = default_scenario().expect("default scenario");
    s.enterprise_groups[0].count = count;
    s.study.horizon_periods = horizon;
    s
}

/// Remove every supporting entity: universities, institutes, finance, intermediaries and the
/// promoting organisation.
pub fn without_support(mut s: Scenario) -> Scenario {
    s.universities.clear();
    s.research_institutes.clear();
    s.finance.clear();
    s.intermediaries.clear();
    s.promoting_orgs.clear();
    s
}

pub fn go(s: &Scenario, pop: &Population, levers: &Levers, seed: u64) -> RunOutput {
    go_books(s, pop, levers, &Params::default(), seed).0
}

pub fn go_books(
    s: &Scenario,
    pop: &Population,
    levers: &Levers,
    params: &Params,
    seed: u64,
) -> (RunOutput, Vec<Books>) {
    let input =
        RunInput { scenario: s, population: pop, levers, params, seed, planned_sites: None };
    run_with_books(&input).expect("run")
}

pub fn pop(s: &Scenario) -> Population {
    population::generate(s, 11)
}
