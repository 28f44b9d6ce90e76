//! Integration tests of symbiont-study: determinism, the run folder, custom modes, the
//! one-lever-at-a-time sensitivity.

mod determinism;
mod ranking;
mod rundir;
mod sensitivity;
mod size;
mod structure;
