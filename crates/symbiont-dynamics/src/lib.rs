//! Symbiosis dynamics: n-unit Lotka-Volterra systems, their modes, equilibria and stability,
//! and their estimation from annual series (METHODS §1-2).
//!
//! # Map
//! - [`system`]: [`Lv`] is the canonical general form F2, `x_i' = x_i (r_i + Σ a_ij x_j)`.
//!   [`F1`] (normalised logistic, σ and capacities N, facultative or obligate units, a sign
//!   convention flag) and [`F3`] (predator-prey) convert to and from it exactly.
//! - [`ode`]: the [`ode::OdeSystem`] / [`ode::Integrator`] boundary and our Dormand-Prince 5(4)
//!   with dense output ([`ode::Dopri5`]); [`ode::testmodels`] carry exact solutions.
//! - [`simulate()`]: trajectories in log space (never negative); unbounded growth stops the run
//!   and comes back as [`SimEnd::UnboundedGrowth`], never as NaNs.
//! - [`classify`]: modes from directional coefficients with a zero rule (band or p-value) and a
//!   symmetry tolerance (absolute or relative), as a matrix for n units. Modes are
//!   [`symbiont_model::mode::SymbiosisMode`].
//! - [`equilibria()`]: every equilibrium on every support set, feasibility, eigenvalues, type.
//! - [`fit()`]: E1 (difference regression), E2 (trajectory least squares, Levenberg-Marquardt
//!   with forward sensitivities), E4 (fixed capacities); bootstrap (residual or moving-block)
//!   intervals and mode probabilities; R², RMSE, AIC. Non-identified estimates are errors that
//!   say why ([`FitError::NotIdentified`]).
//! - [`degree()`]: symbiosis degree δ and allocation share θ, with a warning when the estimator
//!   cannot separate the two directions.
//! - [`data`]: the CSV reader of `symbiont dynamics fit`, with located errors.
//! - [`spec`]: the TOML model file of `symbiont dynamics simulate`, with located errors.
//!
//! E3 (grey LV) is not implemented: its exact discretisation is unverified (METHODS §8).
//!
//! # Entry point for other engines
//! [`fit_pair`] fits two series (years 0, 1, 2, …) and returns the mode with its bootstrap
//! probability:
//!
//! ```
//! use symbiont_dynamics::{fit_pair, FitOptions, BootstrapOptions, BootstrapKind};
//! // Two units that help each other: simulate, then fit.
//! let lv = symbiont_dynamics::Lv::from_f1(
//!     &symbiont_dynamics::F1 {
//!         r: vec![0.5, 0.4],
//!         capacity: vec![100.0, 80.0],
//!         sigma: vec![0.0, 0.5, 0.3, 0.0],
//!         kinds: vec![Default::default(); 2],
//!     },
//!     Default::default(),
//! )
//! .unwrap();
//! let t: Vec<f64> = (0..20).map(|k| k as f64).collect();
//! let tr = symbiont_dynamics::simulate(&lv, &[5.0, 4.0], 0.0, &t, &Default::default());
//! let (a, b): (Vec<f64>, Vec<f64>) = tr.x.iter().map(|x| (x[0], x[1])).unzip();
//! let opts = FitOptions {
//!     estimator: symbiont_dynamics::Estimator::E2,
//!     bootstrap: Some(BootstrapOptions { kind: BootstrapKind::Residual, draws: 20, seed: 7 }),
//!     ..Default::default()
//! };
//! let pf = fit_pair(&a, &b, &opts).unwrap();
//! assert_eq!(pf.mode.map(|m| m.key()), Some("asymmetric_mutualism"));
//! ```

pub mod classify;
pub mod data;
pub mod degree;
mod e2;
pub mod equilibria;
pub mod fit;
pub mod ode;
mod regress;
pub mod simulate;
pub mod spec;
pub mod stats;
pub mod system;

pub use classify::{ClassifyOptions, Coef, SymmetryTol, ZeroRule};
pub use degree::{Degree, DegreeEstimator, SymmetricPoint, degree, symmetric_points};
pub use equilibria::{Equilibria, Equilibrium, PointType, Stability, equilibria};
pub use fit::{
    BootstrapKind, BootstrapOptions, CapacityRule, DataError, Estimator, Fit, FitError, FitOptions,
    Form, Gof, GrowthRate, InitialValues, PairFit, PairMode, Param, ResidualScale, Series, Timing,
    fit, fit_from, fit_pair, mode_label,
};
pub use simulate::{SimEnd, SimOptions, Trajectory, simulate};
pub use spec::{ModelSpec, SpecError};
pub use symbiont_model::mode::{Effect, SymbiosisMode, Which};
pub use system::{F1, F3, Lv, SignConvention, SystemError, UnitKind};
