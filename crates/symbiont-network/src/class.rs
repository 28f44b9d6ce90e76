//! The structure class of a network: one-way street, hub or network (the seed paper's three
//! ways of going abroad), decided from stated thresholds that the user can change.

use std::fmt;

/// The seed's three structures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureClass {
    /// "Overseas Japan": flows go one way, little comes back.
    OneWayStreet,
    /// "Overseas USA/England": two-way, but one node carries most of the interaction.
    Hub,
    /// "Overseas Jiangsu": two-way and spread over many nodes.
    Network,
}

impl StructureClass {
    pub fn name(self) -> &'static str {
        match self {
            StructureClass::OneWayStreet => "one-way street",
            StructureClass::Hub => "hub",
            StructureClass::Network => "network",
        }
    }
}

impl fmt::Display for StructureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The thresholds of the classification. Defaults are round numbers, not fitted values:
/// they are meant to be changed and reported with the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Below this two-way interaction index the structure is a one-way street.
    pub one_way_below: f64,
    /// At or above this throughput centralization a two-way structure is a hub.
    pub hub_at_least: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds { one_way_below: 0.2, hub_at_least: 0.5 }
    }
}

/// Which two-way interaction index a classification used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoWayBasis {
    /// MODEL.md M11 over the home/host border, per factor layer ([`crate::M11`]); used when the
    /// nodes have sides and flows cross the border.
    M11,
    /// The pairwise weighted reciprocity of the projected graph ([`crate::two_way_index`]);
    /// used when no side information is available.
    Pairwise,
}

impl TwoWayBasis {
    pub fn name(self) -> &'static str {
        match self {
            TwoWayBasis::M11 => "M11 two-way interaction index",
            TwoWayBasis::Pairwise => "pairwise two-way interaction index",
        }
    }
}

/// A class with the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub class: StructureClass,
    /// The two-way interaction index the class was decided on.
    pub two_way_index: f64,
    pub basis: TwoWayBasis,
    /// The throughput centralization (see [`crate::centralization`]).
    pub centralization: f64,
    pub thresholds: Thresholds,
}

impl Classification {
    /// Classify: reciprocity first (is anything coming back?), then concentration (does one
    /// node carry the interaction?).
    pub fn new(
        two_way_index: f64,
        basis: TwoWayBasis,
        centralization: f64,
        thresholds: Thresholds,
    ) -> Classification {
        let class = if two_way_index < thresholds.one_way_below {
            StructureClass::OneWayStreet
        } else if centralization >= thresholds.hub_at_least {
            StructureClass::Hub
        } else {
            StructureClass::Network
        };
        Classification { class, two_way_index, basis, centralization, thresholds }
    }

    /// One sentence with the numbers and the rule that decided.
    pub fn reason(&self) -> String {
        let t = &self.thresholds;
        let (r, c, name) = (self.two_way_index, self.centralization, self.basis.name());
        match self.class {
            StructureClass::OneWayStreet => {
                format!("{name} {r:.3} < {} (one-way threshold)", t.one_way_below)
            }
            StructureClass::Hub => format!(
                "{name} {r:.3} >= {} and throughput centralization {c:.3} >= {} (hub threshold)",
                t.one_way_below, t.hub_at_least
            ),
            StructureClass::Network => format!(
                "{name} {r:.3} >= {} and throughput centralization {c:.3} < {} (hub threshold)",
                t.one_way_below, t.hub_at_least
            ),
        }
    }
}
