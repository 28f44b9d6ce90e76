//! The calibration engine's proofs: problems with known answers.

mod conjugate;
mod determinism;
mod diagnostics;
mod lv;
mod msm;
mod optim;
mod prior;
mod recovery;
mod spec;

use symbiont_calibrate::{Dist, Prior, Stream};

/// A seeded stream for a test simulator.
pub fn rng(seed: u64) -> Stream {
    Stream::new(seed)
}

pub fn normal(mean: f64, sd: f64) -> Prior {
    Prior::of(Dist::Normal { mean, sd }).unwrap()
}

pub fn uniform(low: f64, high: f64) -> Prior {
    Prior::of(Dist::Uniform { low, high }).unwrap()
}

/// Bits of a posterior, for bit-for-bit comparisons.
pub fn bits(p: &symbiont_calibrate::Posterior) -> (Vec<Vec<u64>>, Vec<u64>) {
    (
        p.theta.iter().map(|t| t.iter().map(|x| x.to_bits()).collect()).collect(),
        p.weights.iter().map(|x| x.to_bits()).collect(),
    )
}
