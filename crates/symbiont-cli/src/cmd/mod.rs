//! One module per subcommand. Each exposes its clap arguments and a `run` function.

pub mod calibrate;
pub mod dynamics;
pub mod index;
pub mod network;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod simulate;
pub mod sweep;
