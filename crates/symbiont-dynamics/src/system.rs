//! Lotka-Volterra systems in the three forms of METHODS §1.1 and exact conversions between them.
//!
//! The canonical representation is the general form F2, `dx_i/dt = x_i (r_i + Σ_j a_ij x_j)`:
//! every F1 and F3 system is an F2 system, and F2 is what the integrator, the equilibrium
//! finder and the fitter use. F1 and F3 are views, built by checked conversions.

/// The sign convention of interaction coefficients in the source being reproduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignConvention {
    /// σ > 0 means the partner benefits the unit (the convention used internally).
    #[default]
    BenefitPositive,
    /// σ > 0 means competition (papers that write `− σ x_j/N_j`). Negated on input.
    CompetitionPositive,
}

impl SignConvention {
    /// Convert a coefficient written in this convention to "σ > 0 means benefit".
    pub fn normalise(self, sigma: f64) -> f64 {
        match self {
            SignConvention::BenefitPositive => sigma,
            SignConvention::CompetitionPositive => -sigma,
        }
    }
}

/// Whether a unit can exist alone (facultative, linear term +1) or not (obligate, −1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitKind {
    #[default]
    Facultative,
    Obligate,
}

/// Errors when building or converting a system.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SystemError {
    #[error("{what} has length {got}, expected {expected}")]
    Shape { what: &'static str, got: usize, expected: usize },
    #[error("{what} must be {expected}, got {value}")]
    Value { what: String, expected: &'static str, value: f64 },
    #[error("not representable in form {form}: {reason}")]
    NotRepresentable { form: &'static str, reason: String },
}

/// F2: `dx_i/dt = x_i (r_i + Σ_j a_ij x_j)`, n units, `a` row-major (a[i*n + j] = a_ij).
#[derive(Debug, Clone, PartialEq)]
pub struct Lv {
    n: usize,
    pub r: Vec<f64>,
    pub a: Vec<f64>,
}

/// F1: `dx_i/dt = r_i x_i (s_i − x_i/N_i + Σ_{j≠i} σ_ij x_j/N_j)`, with s_i = +1 for a
/// facultative and −1 for an obligate unit. σ is stored row-major with a zero diagonal, in the
/// internal convention (σ > 0 means benefit).
#[derive(Debug, Clone, PartialEq)]
pub struct F1 {
    pub r: Vec<f64>,
    pub capacity: Vec<f64>,
    pub sigma: Vec<f64>,
    pub kinds: Vec<UnitKind>,
}

/// F3: `du/dt = (α − β v) u`, `dv/dt = (−γ + δ u) v` (prey u, predator v).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct F3 {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub delta: f64,
}

impl Lv {
    /// An F2 system from growth rates and the interaction matrix (row-major).
    pub fn new(r: Vec<f64>, a: Vec<f64>) -> Result<Lv, SystemError> {
        let n = r.len();
        if n == 0 {
            return Err(SystemError::Shape { what: "r", got: 0, expected: 1 });
        }
        if a.len() != n * n {
            return Err(SystemError::Shape { what: "a", got: a.len(), expected: n * n });
        }
        for (k, v) in r.iter().chain(&a).enumerate() {
            if !v.is_finite() {
                let what = if k < n { format!("r[{}]", k + 1) } else { coef_name(k - n, n) };
                return Err(SystemError::Value { what, expected: "finite", value: *v });
            }
        }
        Ok(Lv { n, r, a })
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn a(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.n + j]
    }

    /// Per-capita growth rate of unit i at state x.
    pub fn per_capita(&self, i: usize, x: &[f64]) -> f64 {
        let row = &self.a[i * self.n..(i + 1) * self.n];
        self.r[i] + row.iter().zip(x).map(|(a, x)| a * x).sum::<f64>()
    }

    /// Build from F1 coefficients, where `sigma` is written in `convention`.
    pub fn from_f1(f1: &F1, convention: SignConvention) -> Result<Lv, SystemError> {
        let n = f1.r.len();
        check_len("capacity", f1.capacity.len(), n)?;
        check_len("sigma", f1.sigma.len(), n * n)?;
        check_len("kinds", f1.kinds.len(), n)?;
        let mut r = vec![0.0; n];
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            let (ri, ni) = (f1.r[i], f1.capacity[i]);
            if !(ri > 0.0 && ri.is_finite()) {
                let what = format!("r[{}]", i + 1);
                return Err(SystemError::Value { what, expected: "positive", value: ri });
            }
            if !(ni > 0.0 && ni.is_finite()) {
                let what = format!("N[{}]", i + 1);
                return Err(SystemError::Value { what, expected: "positive", value: ni });
            }
            r[i] = match f1.kinds[i] {
                UnitKind::Facultative => ri,
                UnitKind::Obligate => -ri,
            };
            for j in 0..n {
                a[i * n + j] = if i == j {
                    -ri / ni
                } else {
                    ri * convention.normalise(f1.sigma[i * n + j]) / f1.capacity[j]
                };
            }
        }
        Lv::new(r, a)
    }

    /// The F1 view: needs a_ii < 0 and r_i ≠ 0 for every unit. σ is returned in the
    /// internal convention (σ > 0 means benefit).
    pub fn to_f1(&self) -> Result<F1, SystemError> {
        let n = self.n;
        let mut f1 = F1 {
            r: vec![0.0; n],
            capacity: vec![0.0; n],
            sigma: vec![0.0; n * n],
            kinds: vec![UnitKind::Facultative; n],
        };
        for i in 0..n {
            let aii = self.a(i, i);
            if aii >= 0.0 {
                return Err(SystemError::NotRepresentable {
                    form: "F1",
                    reason: format!(
                        "unit {} has no self-limitation (a_{}{} = {aii} ≥ 0), so no finite capacity N",
                        i + 1,
                        i + 1,
                        i + 1
                    ),
                });
            }
            if self.r[i] == 0.0 {
                return Err(SystemError::NotRepresentable {
                    form: "F1",
                    reason: format!("unit {} has r = 0", i + 1),
                });
            }
            let rf = self.r[i].abs();
            f1.r[i] = rf;
            f1.kinds[i] = if self.r[i] > 0.0 { UnitKind::Facultative } else { UnitKind::Obligate };
            f1.capacity[i] = rf / -aii;
        }
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    f1.sigma[i * n + j] = self.a(i, j) * f1.capacity[j] / f1.r[i];
                }
            }
        }
        Ok(f1)
    }

    /// Build from F3 (unit 1 = prey u, unit 2 = predator v).
    pub fn from_f3(f3: F3) -> Result<Lv, SystemError> {
        Lv::new(vec![f3.alpha, -f3.gamma], vec![0.0, -f3.beta, f3.delta, 0.0])
    }

    /// The F3 view: two units, no self-limitation.
    pub fn to_f3(&self) -> Result<F3, SystemError> {
        if self.n != 2 {
            return Err(SystemError::NotRepresentable {
                form: "F3",
                reason: format!("F3 has two units, this system has {}", self.n),
            });
        }
        if self.a(0, 0) != 0.0 || self.a(1, 1) != 0.0 {
            return Err(SystemError::NotRepresentable {
                form: "F3",
                reason: "F3 has no self-limitation (a_11 = a_22 = 0)".into(),
            });
        }
        Ok(F3 { alpha: self.r[0], beta: -self.a(0, 1), gamma: -self.r[1], delta: self.a(1, 0) })
    }

    /// Gause's competition coefficient α_ij = a_ij / a_ii (α > 0 means competition).
    pub fn gause_alpha(&self, i: usize, j: usize) -> Option<f64> {
        let aii = self.a(i, i);
        (aii != 0.0).then(|| self.a(i, j) / aii)
    }
}

/// A readable name for the k-th entry of an n×n matrix, 1-based: `a[1,2]`.
pub(crate) fn coef_name(k: usize, n: usize) -> String {
    format!("a[{},{}]", k / n + 1, k % n + 1)
}

fn check_len(what: &'static str, got: usize, expected: usize) -> Result<(), SystemError> {
    if got == expected { Ok(()) } else { Err(SystemError::Shape { what, got, expected }) }
}
