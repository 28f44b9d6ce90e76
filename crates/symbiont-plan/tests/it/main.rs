//! Integration tests of symbiont-plan. Every solver test runs on each backend in the build
//! (microlp always, HiGHS with `--features highs`).

mod brute;
mod cases;
mod default_scenario;
mod options;
mod support;
