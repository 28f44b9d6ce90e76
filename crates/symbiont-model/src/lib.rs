//! The vocabulary of Symbiont: ids, kinds, factors, levers, modes and the checked scenario.
//!
//! Every other crate speaks these types. A scenario is one TOML file that describes a
//! cross-border collaboration system: regions, sectors, units of every kind (listed one by
//! one or as populations drawn from distributions), parks, relations, the environment and its
//! dated events, and the modes of organisation to compare. [`parse_scenario`] turns the text
//! into a checked [`Scenario`] or returns *all* problems at once as [`Diagnostics`], each with
//! file, line, column and the expected form.
//!
//! ```
//! let scenario = symbiont_model::parse_scenario(symbiont_model::DEFAULT_SCENARIO, "default")
//!     .expect("the embedded scenario is valid");
//! assert_eq!(scenario.modes.len(), 4);
//! let broken = symbiont_model::parse_scenario("[scenario]\nnmae = \"x\"\n", "broken.toml");
//! let diags = broken.unwrap_err();
//! assert!(diags.items.iter().any(|d| d.help.as_deref() == Some("did you mean `name`?")));
//! ```
//!
//! This crate depends on nothing async, SQL, HTTP or random: distributions are data here and
//! are sampled by the crates that hold a seeded stream. Seeds are derived with [`seed`].

pub mod consistency;
pub mod diag;
pub mod dist;
pub mod levers;
pub mod mode;
mod parse;
pub mod population;
mod raw;
pub mod scenario;
pub mod seed;
mod write;

pub use diag::{Code, Diagnostic, Diagnostics, decode_utf8, num_text};
pub use dist::Dist;
pub use levers::Levers;
pub use mode::{Effect, SymbiosisMode, Which};
pub use parse::parse_scenario;
pub use scenario::*;
pub use write::{levers_table, to_toml};

/// Parse and check a scenario from the bytes of a file. Bytes that are not UTF-8 are one
/// located problem (byte offset, line and column), like any other.
///
/// ```
/// let d = symbiont_model::parse_scenario_bytes(b"[scenario]\nname = \"caf\xe9\"\n", "latin1.toml")
///     .unwrap_err();
/// assert_eq!((d.items[0].line, d.items[0].column), (2, 12));
/// ```
pub fn parse_scenario_bytes(bytes: &[u8], origin: &str) -> Result<Scenario, Diagnostics> {
    parse_scenario(decode_utf8(bytes, origin)?, origin)
}

/// The default scenario, "overseas Jiangsu" in Laos, embedded in every binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/overseas-jiangsu-laos.toml");

/// The file name under which the default scenario is shown and written.
pub const DEFAULT_SCENARIO_NAME: &str = "overseas-jiangsu-laos.toml";

/// Parse the embedded default scenario. It is checked by the tests, so this cannot fail
/// in a released build; an error here is a bug and is returned, not panicked.
pub fn default_scenario() -> Result<Scenario, Diagnostics> {
    parse_scenario(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME)
}
