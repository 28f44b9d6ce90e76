//! Integration tests of symbiont-plan. Every solver test runs on each backend in the build
//! (microlp always, HiGHS with `--features highs`).

mod brute;
mod cases;
mod options;
mod support;
