//! Integration tests of symbiont-model: the scenario language.

mod invalid;
mod fuzz;
mod scenario;
