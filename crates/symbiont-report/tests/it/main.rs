//! Integration tests of `symbiont-report`: one module per concern.

mod figures;
mod network;
mod report;
mod rundir;
mod structure;
mod support;
