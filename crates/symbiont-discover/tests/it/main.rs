//! Integration tests of symbiont-discover: against the EMA Workbench's output on a shared
//! fixture, on synthetic data with a known box, determinism across thread counts, bad input.

mod fixture;
mod synthetic;
