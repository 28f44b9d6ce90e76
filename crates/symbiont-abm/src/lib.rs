//! symbiont-abm (being built).
