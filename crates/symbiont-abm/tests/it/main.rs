//! Integration tests of symbiont-abm.

mod docs;
mod errors;
mod invariants;
mod mechanisms;
mod population;
mod support;
