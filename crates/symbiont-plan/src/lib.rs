//! symbiont-plan (being built).
