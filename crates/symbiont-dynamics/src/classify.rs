//! Mode classification from directional coefficients (METHODS §1.2), with a zero rule and a
//! symmetry tolerance, for a pair or as a matrix over n units.

use symbiont_model::mode::{Effect, SymbiosisMode};

/// When a coefficient counts as zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZeroRule {
    /// |σ| ≤ ε counts as 0.
    Band(f64),
    /// A coefficient counts as 0 when its t-test p-value exceeds the threshold. Coefficients
    /// without a p-value (given by hand) fall back to an exact-zero test.
    PValue(f64),
}

/// When two positive coefficients count as equal (symmetric mutualism).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SymmetryTol {
    /// |σ12 − σ21| ≤ τ.
    Absolute(f64),
    /// |σ12 − σ21| ≤ τ · max(|σ12|, |σ21|).
    Relative(f64),
}

/// Classification options, stored with every result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifyOptions {
    pub zero: ZeroRule,
    pub symmetry: SymmetryTol,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions { zero: ZeroRule::Band(0.05), symmetry: SymmetryTol::Relative(0.1) }
    }
}

/// One directional coefficient with its p-value when estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coef {
    pub value: f64,
    pub p: Option<f64>,
}

impl Coef {
    pub fn exact(value: f64) -> Coef {
        Coef { value, p: None }
    }
}

impl ClassifyOptions {
    pub fn effect(&self, c: Coef) -> Effect {
        let zero = match self.zero {
            ZeroRule::Band(eps) => c.value.abs() <= eps,
            ZeroRule::PValue(alpha) => match c.p {
                Some(p) => p.is_nan() || p > alpha,
                None => c.value == 0.0,
            },
        };
        if zero {
            Effect::Zero
        } else if c.value > 0.0 {
            Effect::Positive
        } else {
            Effect::Negative
        }
    }

    pub fn symmetric(&self, a: f64, b: f64) -> bool {
        let d = (a - b).abs();
        match self.symmetry {
            SymmetryTol::Absolute(t) => d <= t,
            SymmetryTol::Relative(t) => d <= t * a.abs().max(b.abs()),
        }
    }

    /// The mode of the pair from σ12 (effect of 2 on 1) and σ21 (effect of 1 on 2).
    pub fn classify(&self, s12: Coef, s21: Coef) -> SymbiosisMode {
        let e12 = self.effect(s12);
        let e21 = self.effect(s21);
        SymbiosisMode::from_effects(
            e12,
            e21,
            self.symmetric(s12.value, s21.value),
            s12.value > s21.value,
        )
    }

    /// Modes of every pair i < j of an n×n coefficient matrix (row-major, entry (i, j) = effect
    /// of j on i). Entry (i, j) of the result is the mode of the ordered pair (i, j); the
    /// diagonal is `None`; (j, i) holds the swapped mode.
    pub fn classify_matrix(&self, n: usize, coef: &[Coef]) -> Vec<Option<SymbiosisMode>> {
        let mut out = vec![None; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let m = self.classify(coef[i * n + j], coef[j * n + i]);
                out[i * n + j] = Some(m);
                out[j * n + i] = Some(m.swapped());
            }
        }
        out
    }
}
