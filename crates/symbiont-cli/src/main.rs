//! `symbiont`: the command-line edge of Symbiont.
//!
//! This binary is glue. It parses argv (clap), reads files, calls the library
//! crates, prints tables, and picks the exit code in one place:
//! `0` success, `1` invalid input or a failed run, `2` a usage error (clap's own).
//! Each subcommand lives in its own module under `cmd/`.

mod cmd;
mod diag;
mod out;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  symbiont simulate                          run the embedded Laos-China scenario, all four modes
  symbiont scenario init my.toml             write the default scenario to edit
  symbiont scenario check my.toml            validate; every problem with file:line:column
  symbiont scenario show my.toml             a readable summary
  symbiont dynamics fit data.csv --units lao_gdp_usd,chn_gdp_usd
  symbiont plan                              allocate enterprises and factors to parks
  symbiont network my.toml --export net.gexf
  symbiont index --method coupling panel.csv";

#[derive(Debug, Parser)]
#[command(
    name = "symbiont",
    version,
    about = "Model, simulate and plan cross-border collaboration networks with symbiosis theory",
    after_help = EXAMPLES,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check, show or create scenario files.
    #[command(subcommand)]
    Scenario(cmd::scenario::Command),
    /// Run the going-out simulation and compare modes of organisation.
    Simulate(cmd::simulate::Args),
    /// Lotka-Volterra symbiosis dynamics: fit, simulate, classify.
    #[command(subcommand)]
    Dynamics(cmd::dynamics::Command),
    /// Plan who goes to which park with which factors (LP/MIP).
    Plan(cmd::plan::Args),
    /// The collaboration network: metrics, structure class, exports.
    Network(cmd::network::Args),
    /// Entropy weights, TOPSIS, coupling coordination and synergy degree.
    Index(cmd::index::Args),
    /// Write a self-contained HTML report (charts and tables) of a run folder.
    Report(cmd::report::Args),
    /// Parameter sweeps, sensitivity analysis (Sobol, Morris) and sharded scale-out.
    #[command(subcommand)]
    Sweep(cmd::sweep::Command),
    /// Run the multi-user server: registry, scenarios, study jobs, one-window cases.
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scenario(c) => cmd::scenario::run(c),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Dynamics(c) => cmd::dynamics::run(c),
        Command::Plan(a) => cmd::plan::run(a),
        Command::Network(a) => cmd::network::run(a),
        Command::Index(a) => cmd::index::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Sweep(c) => cmd::sweep::run(c),
        Command::Serve(a) => cmd::serve::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Diagnostics were already printed where they arose; this is the summary line.
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
