//! Integration tests of symbiont-network.

mod export;
mod flows;
mod properties;
mod reference;
