//! Error types: reading a panel or a spec ([`PanelError`]) is kept apart from computing an index
//! on checked data ([`IndexError`]).

use thiserror::Error;

/// Where in an input file a problem is: file name, 1-based line (or spreadsheet row), column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub source: String,
    pub line: u64,
    pub column: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}", self.source, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column \"{}\"", crate::panel::clip(c))?;
        }
        Ok(())
    }
}

/// A problem reading a panel (CSV, .xlsx, WDI download) or a panel spec (TOML).
#[derive(Debug, Error)]
pub enum PanelError {
    #[error("{at}: {why}")]
    At { at: Location, why: String },
    #[error("{source_name}: {why}")]
    File { source_name: String, why: String },
    #[error("{source_name}: the spec is not valid TOML or has a wrong field: {why}")]
    SpecToml { source_name: String, why: String },
    #[error("{source_name}: {why}")]
    Spec { source_name: String, why: String },
}

/// A problem computing an index on a panel that was read correctly.
#[derive(Debug, Error, PartialEq)]
pub enum IndexError {
    #[error(
        "indicator \"{indicator}\"{scope} has no variance: every value is {value}, so it cannot \
         separate the rows (min-max standardisation would divide by zero); drop the indicator or \
         widen the pool of rows"
    )]
    NoVariance { indicator: String, scope: String, value: f64 },
    #[error(
        "indicator \"{indicator}\" has the value {value} at {row}, but {method} needs values \
         {expected}"
    )]
    BadValue { indicator: String, row: String, value: f64, method: String, expected: String },
    #[error(
        "subsystem \"{subsystem}\" names indicator \"{indicator}\", which the panel does not have{hint}"
    )]
    UnknownIndicator { subsystem: String, indicator: String, hint: String },
    #[error(
        "indicator \"{indicator}\" has no value at {row}; fill it, narrow the rows, or drop incomplete rows"
    )]
    Missing { indicator: String, row: String },
    #[error("{what} needs at least {needed} rows, but the panel has {got} after filtering")]
    TooFewRows { what: String, needed: usize, got: usize },
    #[error("{what} needs {expected}, but {got} were given")]
    WrongCount { what: String, expected: String, got: usize },
    #[error("weights for {what}: {why}")]
    Weights { what: String, why: String },
    #[error("grading table \"{table}\": {why}")]
    GradeTable { table: String, why: String },
    #[error(
        "indicator \"{indicator}\": the bounds give lower {lower} and upper {upper}; the order \
         degree needs lower < upper"
    )]
    DegenerateBounds { indicator: String, lower: f64, upper: f64 },
    #[error("option {option}: {why}")]
    Option { option: String, why: String },
    #[error("no rows are left to compute on after filtering ({how})")]
    NoRows { how: String },
    #[error("the base year {year} is not among the years of {entity}")]
    BaseYear { entity: String, year: i32 },
}
