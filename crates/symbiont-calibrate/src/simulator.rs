//! The simulator boundary: a batch of `(θ, seed)` in, one summary vector (or an error) per
//! item out, in the same order.
//!
//! A batch, not one call per θ, so that the caller decides how to run it: a rayon pool
//! ([`Parallel`]), one sweep shard per slice on a cluster, or a plain loop ([`Serial`]). The
//! engines never look at threads; every seed comes from the calibration's master seed, so the
//! results do not depend on how a batch is run.

use rayon::prelude::*;

/// A model that turns parameters and a seed into summary statistics.
pub trait Simulator: Sync {
    /// Why one simulation failed (counted, and that proposal rejected).
    type Error: std::fmt::Display;

    /// Simulate every `(theta, seed)` of the batch; the result has one entry per item, in
    /// order. `theta` is ordered as the problem's parameters.
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, Self::Error>>;
}

/// A simulator that broke the batch contract (a bug in the caller's binding, not a failed
/// simulation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("the simulator returned {got} results for a batch of {expected}")]
    BatchLength { expected: usize, got: usize },
    #[error("the simulator returned {got} statistics, expected {expected} (one per target)")]
    StatLength { expected: usize, got: usize },
}

/// A per-item function run over a batch on the current rayon pool (`ThreadPool::install` to
/// choose the number of threads). Results come back in batch order, so the output does not
/// depend on the thread count.
#[derive(Debug, Clone, Copy)]
pub struct Parallel<F>(pub F);

impl<F, E> Simulator for Parallel<F>
where
    F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync,
    E: std::fmt::Display + Send,
{
    type Error = E;
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, E>> {
        batch.par_iter().map(|(theta, seed)| (self.0)(theta, *seed)).collect()
    }
}

/// A per-item function run in a plain loop.
#[derive(Debug, Clone, Copy)]
pub struct Serial<F>(pub F);

impl<F, E> Simulator for Serial<F>
where
    F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync,
    E: std::fmt::Display,
{
    type Error = E;
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, E>> {
        batch.iter().map(|(theta, seed)| (self.0)(theta, *seed)).collect()
    }
}

impl<S: Simulator + ?Sized> Simulator for &S {
    type Error = S::Error;
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, S::Error>> {
        (**self).simulate(batch)
    }
}
