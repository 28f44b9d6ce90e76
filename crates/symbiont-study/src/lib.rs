//! symbiont-study (being built).
