//! The outcome metrics a planner reads: name, label, unit and how to read it from a period.

use symbiont_abm::output::PeriodObs;

/// One outcome of the going-out model.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Column name in the tables.
    pub key: &'static str,
    /// Human label for the comparison table.
    pub label: &'static str,
    pub unit: &'static str,
    pub get: fn(&PeriodObs) -> f64,
}

/// Less is better for these metrics; every other metric is maximised.
pub const LOWER_IS_BETTER: [&str; 1] = ["time_to_operate_days"];

/// The outcomes of the comparison, in the order the comparison table prints them.
pub const METRICS: &[Metric] = &[
    Metric {
        key: "entered",
        label: "enterprises that went out and operated",
        unit: "firms",
        get: |p| f64::from(p.entered),
    },
    Metric {
        key: "operating",
        label: "operating abroad at the end",
        unit: "firms",
        get: |p| f64::from(p.operating),
    },
    Metric { key: "survival", label: "survival of entrants", unit: "share", get: |p| p.survival },
    Metric {
        key: "penetration_depth",
        label: "penetration depth (share of host sector output)",
        unit: "share",
        get: |p| p.penetration_depth,
    },
    Metric {
        key: "penetration_range",
        label: "penetration range (sector x province cells)",
        unit: "cells",
        get: |p| f64::from(p.penetration_range),
    },
    Metric { key: "host_jobs", label: "host jobs", unit: "jobs", get: |p| p.host_jobs },
    Metric {
        key: "host_capability",
        label: "host firm capability",
        unit: "0..1",
        get: |p| p.host_capability,
    },
    Metric {
        key: "technology_received",
        label: "technology received by the host",
        unit: "packages",
        get: |p| p.technology_received,
    },
    Metric {
        key: "talent_trained",
        label: "host talent trained",
        unit: "people",
        get: |p| p.talent_trained,
    },
    Metric {
        key: "two_way_index",
        label: "two-way interaction index",
        unit: "ratio",
        get: |p| p.two_way_index,
    },
    Metric {
        key: "time_to_operate_days",
        label: "time to operate",
        unit: "days",
        get: |p| p.time_to_operate_days,
    },
    Metric {
        key: "capital_stock_usd",
        label: "capital stock abroad",
        unit: "US$",
        get: |p| p.capital_stock_usd,
    },
    Metric {
        key: "excess_capacity_relocated_usd",
        label: "excess capacity relocated",
        unit: "US$",
        get: |p| p.excess_capacity_relocated_usd,
    },
    Metric {
        key: "home_output_usd",
        label: "home-side output from going out",
        unit: "US$",
        get: |p| p.home_output_usd,
    },
    Metric {
        key: "host_output_usd",
        label: "host-side output of firms involved",
        unit: "US$",
        get: |p| p.host_output_usd,
    },
];
