//! Runs at a given scale, for measuring CPU time and peak memory from outside:
//!
//! `cargo build --release -p symbiont-abm --example scale`
//! `/usr/bin/time -v target/release/examples/scale 1000000 20` (and with 0 periods, to
//! subtract population generation).
//!
//! Arguments: `scale [ENTERPRISES [PERIODS [MODE [RUNS [SCENARIO.toml|- [ties] [checksum]]]]]]`, defaults
//! 1,000,000, 20, `network`, 1 and the built-in default scenario (`-`). `ENTERPRISES = 0`
//! keeps the scenario's own size; otherwise the first enterprise group is resized so that the
//! scenario has that many. Each run draws its own population (seed = run index + 1), as a
//! Monte Carlo study does by default, so population generation is part of the measured work.
//! `ties` records the entity-level ties as the study does (`run_with_ties`).
//!
//! Prints the last run's last-period counts, so the runs cannot be optimised away; with
//! `checksum`, also a checksum of every run's whole output (FNV-1a of its `Debug` text, not
//! part of the timed work otherwise), so that a change made for speed can be checked to leave
//! every number as it was.

use symbiont_abm::{FIRM_STATE_BYTES, Params, RunInput, population, run, run_with_ties};
use symbiont_model::Levers;
use symbiont_model::population::EnterpriseAgent;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let periods: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let mode = args.next().unwrap_or_else(|| "network".to_owned());
    let runs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut s = match args.next().filter(|a| a != "-") {
        Some(path) => {
            let text = std::fs::read_to_string(&path).expect("readable scenario file");
            symbiont_model::parse_scenario(&text, &path).expect("valid scenario")
        }
        None => symbiont_model::default_scenario().expect("default scenario"),
    };
    let Some((_, _, levers)) = Levers::presets().into_iter().find(|(id, _, _)| *id == mode) else {
        eprintln!("unknown mode {mode}: fight_alone, one_way_street, hub or network");
        std::process::exit(2);
    };
    if n > 0 {
        s.enterprise_groups[0].count = n - s.enterprises.len() as u32;
    }
    s.study.horizon_periods = periods;
    let opts: Vec<String> = args.collect();
    let ties = opts.iter().any(|a| a == "ties");
    let check = opts.iter().any(|a| a == "checksum");
    let params = Params::default();
    let mut checksum: u64 = 0xcbf2_9ce4_8422_2325;
    let mut last = symbiont_abm::output::PeriodObs::default();
    for r in 0..runs {
        let pop = population::generate(&s, r + 1);
        let input = RunInput {
            scenario: &s,
            population: &pop,
            levers: &levers,
            params: &params,
            seed: 7 + r,
            planned_sites: None,
        };
        let out = if ties { run_with_ties(&input) } else { run(&input) }.expect("valid input");
        if check {
            for b in format!("{out:?}").bytes() {
                checksum = (checksum ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        last = out.periods.last().copied().unwrap_or_default();
    }
    println!(
        "{} enterprises x {periods} periods x {runs} runs, {mode}: decided {} entered {} operating {}; state {} + population {} bytes per enterprise{}",
        s.enterprise_count(),
        last.decided,
        last.entered,
        last.operating,
        FIRM_STATE_BYTES,
        std::mem::size_of::<EnterpriseAgent>(),
        if check { format!("; output checksum {checksum:016x}") } else { String::new() }
    );
}
