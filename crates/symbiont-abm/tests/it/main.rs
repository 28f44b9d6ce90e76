//! Integration tests of symbiont-abm.

mod channels;
mod docs;
mod errors;
mod invariants;
mod mechanisms;
mod population;
mod support;
