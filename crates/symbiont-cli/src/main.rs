//! `symbiont`: the command-line edge of Symbiont.
//!
//! This binary is glue. It parses argv (clap), reads files, calls the library
//! crates, prints tables, and picks the exit code in one place:
//! `0` success, `1` invalid input or a failed run, `2` a usage error (clap's own).
//! Each subcommand lives in its own module under `cmd/`.

mod cmd;
mod diag;
mod out;
mod rundir;

use std::io::{ErrorKind, Write};
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
    /// Calibrate a scenario to observed data (ABC-SMC; MSM and recovery checks on request).
    Calibrate(cmd::calibrate::Args),
    /// Run the multi-user server: registry, scenarios, study jobs, one-window cases.
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    // `--json` anywhere on the line asks for a JSON answer, errors included.
    let json = std::env::args_os().skip(1).any(|a| a == "--json");
    quiet_on_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if json && !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let answer = serde_json::json!({
                    "ok": false,
                    "error": e.render().to_string().trim_end(),
                    "kind": "usage",
                    "file": null, "line": null, "column": null, "field": null,
                    "problems": [],
                });
                let _ = out::print_json(&answer);
                return ExitCode::from(2);
            }
            e.exit();
        }
    };
    let outcome = std::panic::catch_unwind(|| run(cli));
    let result = match outcome {
        Ok(result) => result,
        // Standard output was closed (`symbiont ... | head`): the reader has what it wanted.
        Err(payload) if is_broken_pipe_panic(payload.as_ref()) => return ExitCode::SUCCESS,
        Err(payload) => std::panic::resume_unwind(payload),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Diagnostics were already printed where they arose; this is the summary line.
            // Written with `writeln!`, so that a closed standard error cannot panic here.
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            if json && !out::json_printed() {
                let _ = out::print_json(&diag::error_json(&err));
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Scenario(c) => cmd::scenario::run(c),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Dynamics(c) => cmd::dynamics::run(c),
        Command::Plan(a) => cmd::plan::run(a),
        Command::Network(a) => cmd::network::run(a),
        Command::Index(a) => cmd::index::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Sweep(c) => cmd::sweep::run(c),
        Command::Calibrate(a) => cmd::calibrate::run(a),
        Command::Serve(a) => cmd::serve::run(a),
    }
}

/// True when the error comes from writing to a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(ErrorKind::BrokenPipe))
    })
}

/// `println!` panics when standard output is a closed pipe (Rust ignores SIGPIPE, and this
/// crate forbids the `unsafe` needed to restore it). Such a panic is no bug: recognise it by
/// its message.
fn is_broken_pipe_panic(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to std")
        && (text.contains("Broken pipe")
            || text.contains("os error 32)")
            || text.contains("os error 232)"))
}

/// Keep the panic message of a closed pipe off standard error; other panics print as usual.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe_panic(info.payload()) {
            default(info);
        }
    }));
}
