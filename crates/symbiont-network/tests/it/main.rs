//! Integration tests of symbiont-network.

mod entity;
mod export;
mod flows;
mod properties;
mod reference;
