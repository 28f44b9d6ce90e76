//! Integration tests of symbiont-model: the scenario language.

mod consistency;
mod fuzz;
mod invalid;
mod magnitudes;
mod scenario;
