//! Index construction for symbiosis studies: entropy weights, TOPSIS, coupling coordination
//! degree and composite-system synergy degree (METHODS §3-5), on panels of entity × year ×
//! indicator.
//!
//! # How the pieces connect
//!
//! - **Input.** [`read_csv`] and [`read_xlsx`] parse the bytes of a long, wide or World Bank WDI
//!   table into a [`Panel`]; every value keeps its line, so errors name the file, the line and
//!   the column. A [`PanelSpec`] (TOML) says which indicators form which subsystem, each
//!   indicator's [`Direction`] (benefit or cost), and the options of every method.
//! - **Core formulas** work on a plain [`Criteria`] matrix or on numbers:
//!   [`entropy_weights`], [`topsis()`], [`coupling_degree`] / [`coordination`],
//!   [`synergy_degree`]. Each takes an options struct ([`EntropyOptions`], [`TopsisOptions`],
//!   [`CouplingOptions`], [`SynergyOptions`]) that names every variant of the literature;
//!   legacy coupling formulas are flagged by [`CouplingFormula::is_legacy`].
//! - **Pipeline.** [`pipeline::prepare`] checks a panel against a spec (unknown indicators,
//!   missing values, row filters); [`pipeline::entropy`], [`pipeline::topsis`],
//!   [`pipeline::coupling`] and [`pipeline::synergy`] compute weights within each subsystem,
//!   subsystem scores U_i and the system indices, and return reports that carry the options used.
//! - **Grades.** A [`GradeTable`] turns a value into an English grade with the Chinese term
//!   beside it; tables and their interval closure ([`Closure`]) are configurable.
//!
//! Bad input is an error value ([`PanelError`] while reading, [`IndexError`] while computing),
//! never a NaN in a table. The crate does no IO: the caller reads files and passes bytes.
//!
//! # Example
//!
//! ```
//! use symbiont_indices::{PanelSpec, ReadOptions, pipeline, read_csv};
//!
//! let csv = "region,year,gdp,patents,loans\n\
//!            A,2020,1.0,10,5\nA,2021,2.0,14,6\nA,2022,3.5,15,9\n";
//! let spec = PanelSpec::from_toml(
//!     r#"
//!     [[subsystem]]
//!     name = "economy"
//!     benefit = ["gdp"]
//!     [[subsystem]]
//!     name = "innovation"
//!     benefit = ["patents", "loans"]
//!     "#,
//!     "spec.toml",
//! )
//! .unwrap();
//! let panel = read_csv(csv.as_bytes(), "panel.csv", &spec.read_options()).unwrap();
//! let prepared = pipeline::prepare(&panel, &spec).unwrap();
//! let report =
//!     pipeline::coupling(&prepared, &spec.options.coupling, &spec.options.entropy).unwrap();
//! assert_eq!(report.rows.len(), 3);
//! assert!(report.rows.iter().all(|r| r.coordination.d.is_some_and(|d| (0.0..=1.0).contains(&d))));
//! ```

mod coupling;
mod criteria;
mod entropy;
mod error;
mod grade;
mod panel;
pub mod pipeline;
mod spec;
mod synergy;
mod topsis;

pub use coupling::{
    AllZero, Coordination, CouplingFormula, CouplingOptions, LagRule,
    check_options as check_coupling_options, coordination, coupling_degree,
};
pub use criteria::{Criteria, Direction};
pub use entropy::{
    EntropyOptions, EntropyWeights, Pooling, Standardisation, ZeroHandling, entropy_weights,
    standardise,
};
pub use error::{IndexError, Location, PanelError};
pub use grade::{Band, Closure, Grade, GradeTable};
pub use panel::{MAX_YEAR, Panel, PanelFormat, ReadOptions, RowKey, read_csv, read_xlsx};
pub use spec::{IndexOptions, IndicatorSpec, Missing, PanelSection, PanelSpec, Subsystem};
pub use synergy::{
    Aggregation, BaseMode, Bounds, SynergyOptions, SynergyStep, bounds_of, order_degree,
    subsystem_order, synergy_degree,
};
pub use topsis::{
    Normalisation, Topsis, TopsisOptions, WeightPlacement, WeightSource, check_weights, topsis,
};
