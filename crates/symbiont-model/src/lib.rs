//! symbiont-model (being built).
