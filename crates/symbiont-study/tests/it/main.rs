//! Integration tests of symbiont-study: determinism, the run folder, custom modes.

mod determinism;
mod rundir;
