//! Invalid scenarios.
