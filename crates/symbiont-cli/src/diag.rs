//! Loading scenarios from files or the embedded default, and printing located problems.

use std::path::Path;

use anyhow::Context;
use symbiont_model::{
    DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Diagnostics, Scenario, parse_scenario,
};

/// A scenario's text and the name used for it in messages.
#[derive(Debug)]
pub struct Source {
    pub origin: String,
    pub text: String,
}

/// Read a scenario file, or the embedded default when `path` is `None`.
pub fn read_source(path: Option<&Path>) -> anyhow::Result<Source> {
    match path {
        None => Ok(Source {
            origin: format!("<embedded {DEFAULT_SCENARIO_NAME}>"),
            text: DEFAULT_SCENARIO.to_string(),
        }),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read scenario file {}", p.display()))?;
            Ok(Source { origin: p.display().to_string(), text })
        }
    }
}

/// Parse a source; on problems, print every one of them to standard error.
pub fn check_source(src: &Source) -> Result<Scenario, Diagnostics> {
    parse_scenario(&src.text, &src.origin).inspect_err(|diags| {
        eprintln!("{}", diags.render(&src.text));
    })
}

/// Load a scenario (the embedded default when `path` is `None`), printing located problems.
pub fn load_scenario(path: Option<&Path>) -> anyhow::Result<Scenario> {
    let src = read_source(path)?;
    check_source(&src).map_err(|d| {
        anyhow::anyhow!("{} is not a valid scenario ({})", src.origin, problems(d.len()))
    })
}

/// "1 problem", "3 problems".
pub fn problems(n: usize) -> String {
    format!("{n} problem{}", if n == 1 { "" } else { "s" })
}
