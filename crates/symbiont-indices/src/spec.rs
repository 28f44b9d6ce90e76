//! The panel spec (TOML): how to read the panel, which indicators form which subsystem, each
//! indicator's direction, optional weights and target bounds, and the method options.
//!
//! ```toml
//! [panel]
//! entities = ["LAO"]
//! years = [2000, 2016]
//!
//! [[subsystem]]
//! name = "growth"
//! benefit = ["NY.GDP.PCAP.CD", "NY.GDP.MKTP.KD.ZG"]
//! cost = ["FP.CPI.TOTL.ZG"]
//!
//! [coupling]
//! formula = { kind = "modified" }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::coupling::CouplingOptions;
use crate::criteria::Direction;
use crate::entropy::EntropyOptions;
use crate::error::PanelError;
use crate::panel::{PanelFormat, ReadOptions};
use crate::synergy::SynergyOptions;
use crate::topsis::TopsisOptions;

/// What to do with a row that lacks a value for an indicator in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Stop with a message naming the row and the indicator.
    #[default]
    Error,
    /// Drop the row from every subsystem (the report lists the dropped rows).
    Drop,
}

/// How the panel is read and which rows are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanelSection {
    /// The panel file, relative to the spec file; the caller reads it (this crate does no IO).
    pub file: Option<String>,
    pub format: PanelFormat,
    pub entity: Option<String>,
    pub year: Option<String>,
    pub indicator: Option<String>,
    pub value: Option<String>,
    pub sheet: Option<String>,
    /// Keep only these entities.
    pub entities: Option<Vec<String>>,
    /// Keep only the years in this inclusive range.
    pub years: Option<[i32; 2]>,
    pub missing: Missing,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubsystem {
    name: String,
    #[serde(default)]
    benefit: Vec<String>,
    #[serde(default)]
    cost: Vec<String>,
    #[serde(default)]
    weights: BTreeMap<String, f64>,
    #[serde(default)]
    targets: BTreeMap<String, [f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    title: Option<String>,
    #[serde(default)]
    panel: PanelSection,
    #[serde(default)]
    subsystem: Vec<RawSubsystem>,
    #[serde(default)]
    entropy: EntropyOptions,
    #[serde(default)]
    topsis: TopsisOptions,
    #[serde(default)]
    coupling: CouplingOptions,
    #[serde(default)]
    synergy: SynergyOptions,
}

/// One indicator of a subsystem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorSpec {
    pub name: String,
    pub direction: Direction,
    /// A given weight (used when weights = "given").
    pub weight: Option<f64>,
    /// Target bounds [lower, upper] (used when synergy bounds = "targets").
    pub target: Option<[f64; 2]>,
}

/// A group of indicators; weights are computed within it, and its score becomes its U_i.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subsystem {
    pub name: String,
    pub indicators: Vec<IndicatorSpec>,
}

/// Every option of every method: stored with each result so reports can print it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IndexOptions {
    pub entropy: EntropyOptions,
    pub topsis: TopsisOptions,
    pub coupling: CouplingOptions,
    pub synergy: SynergyOptions,
}

/// A checked panel spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelSpec {
    pub title: Option<String>,
    pub panel: PanelSection,
    pub subsystems: Vec<Subsystem>,
    pub options: IndexOptions,
}

impl PanelSpec {
    /// A spec with one subsystem holding `indicators` (for use without a spec file).
    pub fn single(name: &str, indicators: Vec<(String, Direction)>) -> Self {
        Self {
            title: None,
            panel: PanelSection::default(),
            subsystems: vec![Subsystem {
                name: name.into(),
                indicators: indicators
                    .into_iter()
                    .map(|(name, direction)| IndicatorSpec {
                        name,
                        direction,
                        weight: None,
                        target: None,
                    })
                    .collect(),
            }],
            options: IndexOptions::default(),
        }
    }

    /// Parse and check a spec; `source` names the file in messages.
    pub fn from_toml(text: &str, source: &str) -> Result<Self, PanelError> {
        let raw: RawSpec = toml::from_str(text)
            .map_err(|e| PanelError::SpecToml { source_name: source.into(), why: e.to_string() })?;
        let err = |why: String| PanelError::Spec { source_name: source.into(), why };
        if raw.subsystem.is_empty() {
            return Err(err(
                "it declares no [[subsystem]]; give at least one with a name and benefit/cost \
                 indicator lists"
                    .into(),
            ));
        }
        let mut subsystems = Vec::new();
        for (k, s) in raw.subsystem.iter().enumerate() {
            let which = format!("[[subsystem]] number {} (\"{}\")", k + 1, s.name);
            if s.name.trim().is_empty() {
                return Err(err(format!("[[subsystem]] number {} has an empty name", k + 1)));
            }
            if raw.subsystem[..k].iter().any(|o| o.name == s.name) {
                return Err(err(format!("{which}: the name is used twice")));
            }
            let mut indicators: Vec<IndicatorSpec> = Vec::new();
            for (list, direction) in [(&s.benefit, Direction::Benefit), (&s.cost, Direction::Cost)]
            {
                for name in list {
                    if indicators.iter().any(|i| &i.name == name) {
                        return Err(err(format!(
                            "{which}: indicator \"{name}\" is listed twice (as benefit and cost, or twice in one list)"
                        )));
                    }
                    let target = s.targets.get(name).copied();
                    if let Some([lo, hi]) = target
                        && !(lo.is_finite() && hi.is_finite() && lo < hi)
                    {
                        return Err(err(format!(
                            "{which}: the target bounds of \"{name}\" are [{lo}, {hi}]; expected lower < upper"
                        )));
                    }
                    indicators.push(IndicatorSpec {
                        name: name.clone(),
                        direction,
                        weight: s.weights.get(name).copied(),
                        target,
                    });
                }
            }
            if indicators.is_empty() {
                return Err(err(format!(
                    "{which} has no indicators; list them under benefit or cost"
                )));
            }
            for key in s.weights.keys().chain(s.targets.keys()) {
                if !indicators.iter().any(|i| &i.name == key) {
                    return Err(err(format!(
                        "{which}: weights or targets name \"{key}\", which is not among its benefit or cost indicators"
                    )));
                }
            }
            subsystems.push(Subsystem { name: s.name.clone(), indicators });
        }
        if let Some([a, b]) = raw.panel.years
            && a > b
        {
            return Err(err(format!(
                "[panel] years = [{a}, {b}]: the first year is after the last"
            )));
        }
        Ok(Self {
            title: raw.title,
            panel: raw.panel,
            subsystems,
            options: IndexOptions {
                entropy: raw.entropy,
                topsis: raw.topsis,
                coupling: raw.coupling,
                synergy: raw.synergy,
            },
        })
    }

    /// The read options this spec implies (only the indicators it names are read).
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.panel.format,
            entity: self.panel.entity.clone(),
            year: self.panel.year.clone(),
            indicator: self.panel.indicator.clone(),
            value: self.panel.value.clone(),
            sheet: self.panel.sheet.clone(),
            only: Some(self.indicator_names()),
        }
    }

    /// Every indicator named by some subsystem, in order, without repeats.
    pub fn indicator_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.subsystems {
            for i in &s.indicators {
                if !out.contains(&i.name) {
                    out.push(i.name.clone());
                }
            }
        }
        out
    }
}
