//! Integration tests of symbiont-indices: hand-computed examples for every variant, the known
//! pitfalls of METHODS §3-5, bad input, panel readers, and property tests of the invariants.

mod coupling;
mod entropy;
mod fuzz;
mod grade;
mod panel;
mod pipeline;
mod props;
mod synergy;
mod topsis;

/// Assert two numbers agree to `tol`, with both in the message.
#[track_caller]
pub fn close(got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "got {got}, want {want} (tolerance {tol})");
}

/// The repository's shipped data folder.
pub fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(name)
}
