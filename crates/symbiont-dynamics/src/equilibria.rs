//! Every equilibrium of an n-unit LV system, interior and boundary, with feasibility and local
//! stability from the Jacobian's eigenvalues (METHODS §1.3, "n units").
//!
//! For each support set S ⊆ {1..n} the equilibrium solves `A_SS x_S = −r_S` with x = 0 off S.
//! The two-unit table of §1.3 is not coded anywhere: it falls out of this general search and
//! is checked by property tests.

use nalgebra::DMatrix;

use crate::system::Lv;

/// The local type of an equilibrium, from the Jacobian's eigenvalues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointType {
    /// All eigenvalues real, same sign.
    Node,
    /// A complex pair, all real parts of one sign.
    Focus,
    /// Real parts of both signs.
    Saddle,
    /// Purely imaginary pair (neutral, e.g. F3's interior point).
    Center,
    /// Some eigenvalue with zero real part (not hyperbolic; linearisation decides nothing).
    NonHyperbolic,
}

/// Local stability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    /// All real parts < 0.
    Stable,
    /// Some real part > 0.
    Unstable,
    /// No real part > 0 but some = 0.
    Neutral,
}

/// One equilibrium.
#[derive(Debug, Clone, PartialEq)]
pub struct Equilibrium {
    /// Units present (x_i ≠ 0), 0-based.
    pub support: Vec<usize>,
    pub x: Vec<f64>,
    /// All coordinates ≥ 0 (those on the support > 0).
    pub feasible: bool,
    /// Eigenvalues (re, im) of the Jacobian at x.
    pub eigenvalues: Vec<(f64, f64)>,
    pub stability: Stability,
    pub kind: PointType,
}

/// Result of the search. `degenerate` lists supports whose linear system is singular: there
/// the equilibria are not isolated (a line or plane of them, or none), and they are reported
/// rather than guessed.
#[derive(Debug, Clone, PartialEq)]
pub struct Equilibria {
    pub points: Vec<Equilibrium>,
    pub degenerate: Vec<Vec<usize>>,
}

impl Equilibria {
    /// Feasible, locally stable points.
    pub fn stable(&self) -> impl Iterator<Item = &Equilibrium> {
        self.points.iter().filter(|p| p.feasible && p.stability == Stability::Stable)
    }
}

/// Jacobian of F2 at x: J_ij = δ_ij (r_i + Σ_k a_ik x_k) + x_i a_ij.
pub fn jacobian(lv: &Lv, x: &[f64]) -> DMatrix<f64> {
    let n = lv.n();
    DMatrix::from_fn(n, n, |i, j| {
        let d = if i == j { lv.per_capita(i, x) } else { 0.0 };
        d + x[i] * lv.a(i, j)
    })
}

/// Classify eigenvalues. `scale` sets the tolerance for "zero real part".
pub fn classify_eigen(ev: &[(f64, f64)], scale: f64) -> (Stability, PointType) {
    let tol = 1e-9 * scale.max(1e-12);
    let pos = ev.iter().any(|e| e.0 > tol);
    let neg = ev.iter().any(|e| e.0 < -tol);
    let zero = ev.iter().any(|e| e.0.abs() <= tol);
    let complex = ev.iter().any(|e| e.1.abs() > tol);
    let stability = if pos {
        Stability::Unstable
    } else if zero {
        Stability::Neutral
    } else {
        Stability::Stable
    };
    let kind = if zero {
        let all_imag = ev.iter().all(|e| e.0.abs() <= tol && e.1.abs() > tol);
        if all_imag { PointType::Center } else { PointType::NonHyperbolic }
    } else if pos && neg {
        PointType::Saddle
    } else if complex {
        PointType::Focus
    } else {
        PointType::Node
    };
    (stability, kind)
}

/// Every equilibrium of `lv`: 2^n supports (n ≤ 16).
pub fn equilibria(lv: &Lv) -> Equilibria {
    let n = lv.n();
    assert!(n <= 16, "equilibrium enumeration is exponential in n; n = {n}");
    let mut points = Vec::new();
    let mut degenerate = Vec::new();
    let scale = lv.r.iter().map(|r| r.abs()).fold(0.0, f64::max);
    for mask in 0u32..(1 << n) {
        let support: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let m = support.len();
        let mut x = vec![0.0; n];
        if m > 0 {
            let a = DMatrix::from_fn(m, m, |k, l| lv.a(support[k], support[l]));
            let b = nalgebra::DVector::from_fn(m, |k, _| -lv.r[support[k]]);
            let svd = a.clone().svd(true, true);
            let smax = svd.singular_values.max();
            let smin = svd.singular_values.min();
            if smax == 0.0 || smin <= 1e-12 * smax {
                degenerate.push(support);
                continue;
            }
            let Some(sol) = a.lu().solve(&b) else {
                degenerate.push(support);
                continue;
            };
            for (k, &i) in support.iter().enumerate() {
                x[i] = sol[k];
            }
        }
        let feasible = support.iter().all(|&i| x[i] > 0.0);
        let j = jacobian(lv, &x);
        let ev: Vec<(f64, f64)> = j.complex_eigenvalues().iter().map(|c| (c.re, c.im)).collect();
        let (stability, kind) = classify_eigen(&ev, scale);
        points.push(Equilibrium { support, x, feasible, eigenvalues: ev, stability, kind });
    }
    Equilibria { points, degenerate }
}
