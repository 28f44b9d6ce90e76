//! Integration tests of the `symbiont` binary: one module per subcommand.

mod calibrate;
mod dynamics;
mod index;
mod inputs;
mod network;
mod plan;
mod report;
mod scenario;
mod serve;
mod simulate;
mod support;
mod sweep;
