//! symbiont-network (being built).
