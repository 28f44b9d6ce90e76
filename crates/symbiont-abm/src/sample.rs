//! Sampling the model crate's [`Dist`] values from a seeded stream, and the stream type.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Triangular, Uniform};
use symbiont_model::Dist;

/// The generator behind every random draw: ChaCha8, seeded from a derived seed.
pub type Stream = ChaCha8Rng;

/// A stream for a derived seed (see `symbiont_model::seed`).
pub fn stream(seed: u64) -> Stream {
    ChaCha8Rng::seed_from_u64(seed)
}

/// One draw from a checked distribution.
///
/// The scenario checker guarantees valid parameters; should a distribution still be
/// degenerate (e.g. built by hand in a test), its mean is returned rather than panicking.
pub fn draw<R: Rng + ?Sized>(d: &Dist, rng: &mut R) -> f64 {
    match *d {
        Dist::Constant(x) => x,
        Dist::Uniform { low, high } => {
            Uniform::new_inclusive(low, high).map(|u| u.sample(rng)).unwrap_or(d.mean())
        }
        Dist::Normal { mean, sd } => Normal::new(mean, sd).map(|n| n.sample(rng)).unwrap_or(mean),
        Dist::LogNormal { median, sigma } => {
            LogNormal::new(median.ln(), sigma).map(|n| n.sample(rng)).unwrap_or(d.mean())
        }
        Dist::Beta { alpha, beta } => {
            Beta::new(alpha, beta).map(|b| b.sample(rng)).unwrap_or(d.mean())
        }
        Dist::Triangular { low, mode, high } => {
            Triangular::new(low, high, mode).map(|t| t.sample(rng)).unwrap_or(d.mean())
        }
    }
}

/// Pick an index from `(item, share)` pairs whose shares sum to 1.
pub fn pick<R: Rng + ?Sized, T: Copy>(mix: &[(T, f64)], rng: &mut R) -> Option<T> {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for &(item, share) in mix {
        acc += share;
        if u < acc {
            return Some(item);
        }
    }
    mix.last().map(|&(item, _)| item)
}
