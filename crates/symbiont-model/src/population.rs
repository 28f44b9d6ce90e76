//! The generated population: plain data, compact enough for a million enterprises.
//!
//! A scenario declares enterprises one by one or as groups with distributions; sampling a
//! population from it needs a seeded stream and lives in `symbiont-study`. Engines (the
//! simulation, the planner) take a `Population` as input.

use crate::scenario::ChainPos;

/// One home enterprise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnterpriseAgent {
    /// Index of its origin: `0..enterprises.len()` are listed enterprises, then groups follow.
    pub origin: u32,
    pub region: u16,
    pub sector: u16,
    pub chain: ChainPos,
    pub capital_usd: f64,
    pub productivity: f64,
    /// Share of capacity idle at home, 0..=1.
    pub excess_capacity: f64,
}

/// One host firm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostFirmAgent {
    /// Index of its group in `Scenario::host_firm_groups`.
    pub group: u32,
    pub region: u16,
    pub sector: u16,
    /// Absorptive capacity, 0..=1.
    pub capability: f64,
    /// Employees.
    pub employment: f64,
}

/// Every agent of a scenario, in a fixed order (listed enterprises, then groups in order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Population {
    pub enterprises: Vec<EnterpriseAgent>,
    pub host_firms: Vec<HostFirmAgent>,
}
