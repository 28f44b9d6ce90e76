//! The report's own, simple view of the flow network between unit kinds: the picture (nodes on
//! two columns, home and host) and a structure class from two numbers. `symbiont network`
//! computes the full metrics; this view stays self-contained so that the report depends on no
//! engine.
//!
//! - **Two-way index**: for each factor with cross-border flows, `2 min(out, back) / (out + back)`
//!   over the summed home→host (`out`) and host→home (`back`) flows; then the mean over those
//!   factors (the formula of MODEL M11, applied to mean flows per run).
//! - **Concentration**: each node's throughput share `t_i` (inflow + outflow, each factor first
//!   scaled to a total of 1 so that units cancel), then Freeman's centralization
//!   `Σ (t_max − t_i) / ((n − 1) t_max)`, divided by its value for a star, so that a star
//!   scores 1 and equal throughput scores 0.
//! - **Class**: two-way index below 0.2 is a *one-way street*; otherwise concentration of at
//!   least 0.5 is a *hub*, and below that a *network*. The thresholds are round numbers, not
//!   fitted ones, and the report prints them beside the class.

use std::collections::BTreeMap;

use crate::figure::{NetEdge, NetNode, NetworkFigure};

/// Below this two-way index the structure is a one-way street.
pub const ONE_WAY_BELOW: f64 = 0.2;
/// At or above this concentration a two-way structure is a hub.
pub const HUB_AT_LEAST: f64 = 0.5;

/// The structure class with the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Structure {
    pub two_way_index: f64,
    pub concentration: f64,
    pub class: &'static str,
}

/// Which side of the border a `side:kind` label is on.
pub fn side(label: &str) -> Option<&str> {
    label.split_once(':').map(|(s, _)| s)
}

/// The class of a two-way index and a concentration.
pub fn class_of(two_way_index: f64, concentration: f64) -> &'static str {
    if two_way_index < ONE_WAY_BELOW {
        "one-way street"
    } else if concentration >= HUB_AT_LEAST {
        "hub"
    } else {
        "network"
    }
}

/// Classify flows given as (factor, source, target, value).
pub fn structure(flows: &[(&str, &str, &str, f64)]) -> Structure {
    let mut cross: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    let mut factor_total: BTreeMap<&str, f64> = BTreeMap::new();
    for &(f, s, t, v) in flows {
        if !(v.is_finite() && v > 0.0) {
            continue;
        }
        *factor_total.entry(f).or_insert(0.0) += v;
        match (side(s), side(t)) {
            (Some("home"), Some("host")) => cross.entry(f).or_insert((0.0, 0.0)).0 += v,
            (Some("host"), Some("home")) => cross.entry(f).or_insert((0.0, 0.0)).1 += v,
            _ => {}
        }
    }
    let ratios: Vec<f64> = cross
        .values()
        .filter(|(o, b)| o + b > 0.0)
        .map(|(o, b)| 2.0 * o.min(*b) / (o + b))
        .collect();
    let two_way_index =
        if ratios.is_empty() { 0.0 } else { ratios.iter().sum::<f64>() / ratios.len() as f64 };

    let mut through: BTreeMap<&str, f64> = BTreeMap::new();
    for &(f, s, t, v) in flows {
        let total = factor_total.get(f).copied().unwrap_or(0.0);
        if !(v.is_finite() && v > 0.0 && total > 0.0) {
            continue;
        }
        *through.entry(s).or_insert(0.0) += v / total;
        *through.entry(t).or_insert(0.0) += v / total;
    }
    let n = through.len();
    let concentration = if n < 3 {
        0.0
    } else {
        let max = through.values().copied().fold(0.0f64, f64::max);
        let freeman = through.values().map(|t| max - t).sum::<f64>() / ((n - 1) as f64 * max);
        let star = 1.0 - 1.0 / (n - 1) as f64;
        (freeman / star).clamp(0.0, 1.0)
    };
    Structure { two_way_index, concentration, class: class_of(two_way_index, concentration) }
}

/// The factors in the order the report colours them: money first, then knowledge and people.
pub fn factor_order(factors: impl IntoIterator<Item = String>) -> Vec<String> {
    const PREFERRED: [&str; 8] =
        ["capital", "goods", "profit", "technology", "talent", "information", "land", "labour"];
    let mut all: Vec<String> = factors.into_iter().collect();
    all.sort_by_key(|f| {
        (PREFERRED.iter().position(|p| p == f).unwrap_or(PREFERRED.len()), f.clone())
    });
    all.dedup();
    all
}

/// The unit of a factor's flows, as the simulation books them.
pub fn factor_unit(factor: &str) -> &'static str {
    match factor {
        "capital" | "goods" | "profit" => "US$",
        "talent" => "people",
        "technology" => "packages",
        "information" => "reports",
        "land" => "ha",
        "labour" => "workers",
        _ => "units",
    }
}

/// The picture of flows (factor, source, target, value): nodes of the home side on the left,
/// of the host side on the right, both sorted by name so that the pictures of different modes
/// line up; `factors` fixes the colours.
pub fn figure(flows: &[(&str, &str, &str, f64)], factors: &[String]) -> NetworkFigure {
    let mut labels: Vec<&str> = flows.iter().flat_map(|f| [f.1, f.2]).collect();
    labels.sort_unstable();
    labels.dedup();
    let nodes: Vec<NetNode> = labels
        .iter()
        .map(|l| NetNode { label: l.to_string(), column: usize::from(side(l) != Some("home")) })
        .collect();
    let index = |l: &str| labels.iter().position(|x| *x == l).unwrap_or(0);
    let edges = flows
        .iter()
        .filter(|f| f.3.is_finite() && f.3 > 0.0)
        .map(|&(f, s, t, v)| NetEdge {
            source: index(s),
            target: index(t),
            factor: f.to_string(),
            weight: v,
            unit: factor_unit(f).to_string(),
        })
        .collect();
    // The full list, even for factors this mode lacks, keeps each factor's colour the same in
    // every picture of the report.
    NetworkFigure {
        nodes,
        edges,
        factors: factors.to_vec(),
        column_names: ["home".to_string(), "host".to_string()],
    }
}
