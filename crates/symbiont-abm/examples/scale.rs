//! One run at a given scale, for measuring CPU time and peak memory from outside:
//!
//! `cargo build --release -p symbiont-abm --example scale`
//! `/usr/bin/time -v target/release/examples/scale 1000000 20` (and with 0 periods, to
//! subtract population generation).
//!
//! Prints the last period's counts so the run cannot be optimised away.

use symbiont_abm::{FIRM_STATE_BYTES, Params, RunInput, population, run};
use symbiont_model::Levers;
use symbiont_model::population::EnterpriseAgent;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let periods: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let mut s = symbiont_model::default_scenario().expect("default scenario");
    s.enterprise_groups[0].count = n - s.enterprises.len() as u32;
    s.study.horizon_periods = periods;
    let pop = population::generate(&s, 1);
    let (levers, params) = (Levers::network(), Params::default());
    let input = RunInput {
        scenario: &s,
        population: &pop,
        levers: &levers,
        params: &params,
        seed: 7,
        planned_sites: None,
    };
    let out = run(&input).expect("valid input");
    let last = out.periods.last().copied().unwrap_or_default();
    println!(
        "{n} enterprises x {periods} periods: decided {} entered {} operating {}; state {} + population {} bytes per enterprise",
        last.decided,
        last.entered,
        last.operating,
        FIRM_STATE_BYTES,
        std::mem::size_of::<EnterpriseAgent>()
    );
}
