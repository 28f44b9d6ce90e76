//! Integration tests of symbiont-dynamics: one module per area.

mod classify;
mod data;
mod degree;
mod equilibria;
mod fit;
mod ode;
mod spec;
mod system;
