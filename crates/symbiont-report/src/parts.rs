//! The optional parts of a run folder, as plain data: a dynamics fit (`dynamics.json`), a plan
//! (`plan.json`) and a network (`network.json`). Other commands write these files; the report
//! draws them when they are present. Their JSON shapes are documented in `docs/report.md`.

use serde::{Deserialize, Serialize};

/// A named series of (x, y) points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Points {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// Observed and fitted values of one unit of a dynamics fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSeries {
    /// The unit with its unit of measure, e.g. "Lao GDP (US$)".
    pub name: String,
    pub observed: Vec<(f64, f64)>,
    pub fitted: Vec<(f64, f64)>,
}

/// An equilibrium of the fitted system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquilibriumData {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub stable: bool,
}

/// The phase plane of a two-unit fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseData {
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// (x, y, dx/dt, dy/dt) on a grid.
    pub field: Vec<(f64, f64, f64, f64)>,
    #[serde(default)]
    pub nullclines: Vec<Points>,
    #[serde(default)]
    pub trajectories: Vec<Points>,
    #[serde(default)]
    pub equilibria: Vec<EquilibriumData>,
}

/// Bootstrap draws of one coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoefficientDraws {
    pub name: String,
    pub estimate: f64,
    pub draws: Vec<f64>,
}

/// The probability of a symbiosis mode across bootstrap draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeProbability {
    pub mode: String,
    pub probability: f64,
}

/// A dynamics fit, as the report draws it (`dynamics.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicsData {
    /// The label of the time axis, e.g. "year".
    #[serde(default = "default_time")]
    pub time_label: String,
    /// The classified mode in words, e.g. "asymmetric mutualism (1 gains more)".
    #[serde(default)]
    pub mode: String,
    /// How the fit was made (estimator, form, options), for the methods section.
    #[serde(default)]
    pub method: String,
    pub series: Vec<FitSeries>,
    #[serde(default)]
    pub phase: Option<PhaseData>,
    #[serde(default)]
    pub coefficients: Vec<CoefficientDraws>,
    #[serde(default)]
    pub mode_probabilities: Vec<ModeProbability>,
}

fn default_time() -> String {
    "year".to_string()
}

/// One park of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPark {
    pub name: String,
    #[serde(default)]
    pub designated: bool,
    pub enterprises: u32,
}

/// Use of one supplier's factor in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFactor {
    pub supplier: String,
    pub kind: String,
    pub amount: f64,
    pub capacity: f64,
    pub unit: String,
}

/// A binding constraint and its shadow price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    pub constraint: String,
    /// US$ per period per one more unit of the constraint.
    pub value: f64,
    pub unit: String,
}

/// The planner's allocation, as the report draws it (`plan.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanData {
    /// e.g. "optimal", "time limit (gap 0.8%)", "infeasible".
    pub status: String,
    /// US$ per period.
    pub objective: f64,
    pub parks: Vec<PlanPark>,
    #[serde(default)]
    pub factors: Vec<PlanFactor>,
    #[serde(default)]
    pub bottlenecks: Vec<Bottleneck>,
    /// Plain-language statements (bottleneck ranking, explanation of infeasibility).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A node of a network file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkNode {
    pub label: String,
    /// `home` or `host` (the column it is drawn on).
    pub side: String,
}

/// A directed, weighted edge of a network file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkEdge {
    pub source: String,
    pub target: String,
    pub factor: String,
    pub weight: f64,
    #[serde(default)]
    pub unit: String,
}

/// A network with its structure class, as computed by `symbiont network` (`network.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkData {
    pub nodes: Vec<NetworkNode>,
    pub edges: Vec<NetworkEdge>,
    /// "one-way street", "hub" or "network".
    pub class: String,
    pub two_way_index: f64,
    pub centralization: f64,
    #[serde(default)]
    pub note: String,
}
