//! Symbiosis modes: the behavioural relation between two units.
//!
//! A mode is always *computed* (from Lotka-Volterra coefficients, from symbiosis degrees or
//! from simulated benefit streams) and never declared, except as an input assumption on a
//! relation. The vocabulary follows METHODS §1.2 and Yuan Chunqing's terms.

use std::fmt;

/// The behavioural symbiosis mode of an ordered pair of units (1, 2).
///
/// Directional modes say which side gains: `Commensalism { beneficiary: First }` means unit 1
/// gains and unit 2 is unaffected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbiosisMode {
    /// Neither unit affects the other (独立共生).
    Independence,
    /// One unit gains, the other is unaffected (偏利共生).
    Commensalism { beneficiary: Which },
    /// One unit gains at the other's expense (寄生).
    Parasitism { beneficiary: Which },
    /// Both gain, in equal measure within the tolerance (对称互惠共生).
    SymmetricMutualism,
    /// Both gain, unequally (非对称互惠共生); `larger` gains more.
    AsymmetricMutualism { larger: Which },
    /// Both lose (竞争, reverse symbiosis).
    Competition,
    /// One unit is harmed, the other unaffected (偏害共生).
    Amensalism { harmed: Which },
}

/// Which unit of an ordered pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Which {
    First,
    Second,
}

impl Which {
    /// The other unit of the pair.
    pub fn other(self) -> Which {
        match self {
            Which::First => Which::Second,
            Which::Second => Which::First,
        }
    }
}

/// The sign of one direction of a relation, after the zero band was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Negative,
    Zero,
    Positive,
}

impl SymbiosisMode {
    /// The mode from the two directional effects and, for mutualism, whether they are
    /// symmetric and which is larger. `on_first` is the effect of unit 2 on unit 1 (σ12),
    /// `on_second` the effect of unit 1 on unit 2 (σ21).
    pub fn from_effects(
        on_first: Effect,
        on_second: Effect,
        symmetric: bool,
        first_larger: bool,
    ) -> Self {
        use Effect::*;
        match (on_first, on_second) {
            (Zero, Zero) => SymbiosisMode::Independence,
            (Positive, Zero) => SymbiosisMode::Commensalism { beneficiary: Which::First },
            (Zero, Positive) => SymbiosisMode::Commensalism { beneficiary: Which::Second },
            (Positive, Negative) => SymbiosisMode::Parasitism { beneficiary: Which::First },
            (Negative, Positive) => SymbiosisMode::Parasitism { beneficiary: Which::Second },
            (Positive, Positive) if symmetric => SymbiosisMode::SymmetricMutualism,
            (Positive, Positive) => SymbiosisMode::AsymmetricMutualism {
                larger: if first_larger { Which::First } else { Which::Second },
            },
            (Negative, Negative) => SymbiosisMode::Competition,
            (Negative, Zero) => SymbiosisMode::Amensalism { harmed: Which::First },
            (Zero, Negative) => SymbiosisMode::Amensalism { harmed: Which::Second },
        }
    }

    /// The same relation seen with the two units swapped.
    pub fn swapped(self) -> Self {
        match self {
            SymbiosisMode::Commensalism { beneficiary } => {
                SymbiosisMode::Commensalism { beneficiary: beneficiary.other() }
            }
            SymbiosisMode::Parasitism { beneficiary } => {
                SymbiosisMode::Parasitism { beneficiary: beneficiary.other() }
            }
            SymbiosisMode::AsymmetricMutualism { larger } => {
                SymbiosisMode::AsymmetricMutualism { larger: larger.other() }
            }
            SymbiosisMode::Amensalism { harmed } => {
                SymbiosisMode::Amensalism { harmed: harmed.other() }
            }
            m => m,
        }
    }

    /// The mode's family name without direction, in snake case (stable, used in tables).
    pub fn key(self) -> &'static str {
        match self {
            SymbiosisMode::Independence => "independence",
            SymbiosisMode::Commensalism { .. } => "commensalism",
            SymbiosisMode::Parasitism { .. } => "parasitism",
            SymbiosisMode::SymmetricMutualism => "symmetric_mutualism",
            SymbiosisMode::AsymmetricMutualism { .. } => "asymmetric_mutualism",
            SymbiosisMode::Competition => "competition",
            SymbiosisMode::Amensalism { .. } => "amensalism",
        }
    }

    /// The Chinese term used in the symbiosis literature.
    pub fn chinese(self) -> &'static str {
        match self {
            SymbiosisMode::Independence => "独立共生",
            SymbiosisMode::Commensalism { .. } => "偏利共生",
            SymbiosisMode::Parasitism { .. } => "寄生",
            SymbiosisMode::SymmetricMutualism => "对称互惠共生",
            SymbiosisMode::AsymmetricMutualism { .. } => "非对称互惠共生",
            SymbiosisMode::Competition => "竞争",
            SymbiosisMode::Amensalism { .. } => "偏害共生",
        }
    }

    /// All seven families, one representative each (directional ones favour the first unit).
    pub const FAMILIES: [SymbiosisMode; 7] = [
        SymbiosisMode::Independence,
        SymbiosisMode::Commensalism { beneficiary: Which::First },
        SymbiosisMode::Parasitism { beneficiary: Which::First },
        SymbiosisMode::SymmetricMutualism,
        SymbiosisMode::AsymmetricMutualism { larger: Which::First },
        SymbiosisMode::Competition,
        SymbiosisMode::Amensalism { harmed: Which::First },
    ];
}

impl fmt::Display for SymbiosisMode {
    /// A short English label with the direction, e.g. `parasitism (1 gains)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |w: &Which| if *w == Which::First { 1 } else { 2 };
        match self {
            SymbiosisMode::Independence => write!(f, "independence"),
            SymbiosisMode::Commensalism { beneficiary } => {
                write!(f, "commensalism ({} gains)", n(beneficiary))
            }
            SymbiosisMode::Parasitism { beneficiary } => {
                write!(f, "parasitism ({} gains)", n(beneficiary))
            }
            SymbiosisMode::SymmetricMutualism => write!(f, "symmetric mutualism"),
            SymbiosisMode::AsymmetricMutualism { larger } => {
                write!(f, "asymmetric mutualism ({} gains more)", n(larger))
            }
            SymbiosisMode::Competition => write!(f, "competition"),
            SymbiosisMode::Amensalism { harmed } => write!(f, "amensalism ({} harmed)", n(harmed)),
        }
    }
}
