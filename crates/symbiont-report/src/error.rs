//! The one error type of the crate: every variant names the file, and for tables the line and
//! column, so that a user can find what to fix.

use std::path::PathBuf;

/// Why a report could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// A required file of the run folder is absent.
    #[error("{}: not found; {hint}", path.display())]
    Missing { path: PathBuf, hint: String },
    /// A table row does not have the shape the report expects.
    #[error("{}: line {line}, column `{column}`: {message}", path.display())]
    Table { path: PathBuf, line: u64, column: String, message: String },
    /// A JSON file does not have the shape the report expects.
    #[error("{}: {message}", path.display())]
    Json { path: PathBuf, message: String },
    /// A chart could not be drawn (a backend error; data problems are caught before drawing).
    #[error("chart `{chart}`: {message}")]
    Chart { chart: String, message: String },
}
