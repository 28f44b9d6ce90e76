//! symbiont-indices (being built).
