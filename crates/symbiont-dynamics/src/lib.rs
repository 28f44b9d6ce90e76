//! symbiont-dynamics (being built).
