//! The going-out agent-based model (MODEL.md): a pure engine.
//!
//! Being built. So far: [`population::generate`] draws a scenario's enterprises and host
//! firms from its distributions, reproducibly from the master seed, and [`sample`] holds the
//! seeded stream type and the sampling of the model crate's distributions.

pub mod output;
pub mod population;
pub mod sample;
