//! Counter-based random draws: `u = mix(run seed, entity, period, slot)` mapped to `[0, 1)`.
//!
//! Every random number of a run is a pure function of the run's seed, the entity it belongs
//! to (an enterprise's index, a sector, a park), the period and a named slot. No generator is
//! advanced, so nothing depends on the order in which entities are visited, and adding an
//! entity or a mode reshuffles nobody else's draws. It is also cheap: two SplitMix64 rounds
//! per number instead of building a ChaCha stream per enterprise per period.

use symbiont_model::Dist;
use symbiont_model::seed::mix;

use crate::sample::{draw, stream};

/// The draw slots: one per random quantity, so two quantities never share a number.
pub mod slot {
    pub const GO: u32 = 1;
    pub const SITE: u32 = 2;
    pub const SITE_NOISE: u32 = 3;
    pub const PROVINCE: u32 = 4;
    pub const ADHOC: u32 = 5;
    pub const HAZARD: u32 = 6;
    pub const SHOCK: u32 = 7;
    pub const SHOCK2: u32 = 8;
    /// Which host firm of the sector supplies an entrant (for its tie; no effect on outcomes).
    pub const SUPPLIER: u32 = 9;
    /// A department's processing time (two slots) and decision, keyed by [`super::pair`].
    pub const DEPT_TIME: u32 = 64;
    pub const DEPT_TIME2: u32 = 65;
    pub const DEPT_OK: u32 = 66;
    /// A park's search noise, keyed by [`super::pair`].
    pub const PARK_NOISE: u32 = 67;
}

/// Entity tags for draws that belong to no enterprise (kept far from enterprise indices).
pub mod entity {
    pub const SECTOR: u64 = 1 << 40;
}

/// A uniform number in `[0, 1)` for (seed, entity, period, slot).
#[inline]
pub fn uniform(seed: u64, entity: u64, period: u32, slot: u32) -> f64 {
    uniform_at(seed, entity, period_key(period, slot))
}

/// The part of a draw's key that depends only on the period and the slot, for loops over
/// every firm: `uniform_at(seed, e, period_key(t, s)) == uniform(seed, e, t, s)`.
#[inline]
pub fn period_key(period: u32, slot: u32) -> u64 {
    mix((u64::from(period) << 32) | u64::from(slot))
}

/// [`uniform`] with the period key computed once ([`period_key`]).
#[inline]
pub fn uniform_at(seed: u64, entity: u64, key: u64) -> f64 {
    let h = mix(seed ^ mix(entity.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The entity key of a draw that belongs to an enterprise *and* a named entity (a park, a
/// department, an intermediary): keyed by the entity's id label, not its position, so that
/// inserting or reordering entities reshuffles nobody's numbers.
#[inline]
pub fn pair(enterprise: u64, id_label: u64) -> u64 {
    enterprise ^ mix(id_label)
}

/// A standard normal number (Box-Muller on two slots).
pub fn normal(seed: u64, entity: u64, period: u32, slot_a: u32, slot_b: u32) -> f64 {
    let u1 = 1.0 - uniform(seed, entity, period, slot_a); // in (0, 1]
    let u2 = uniform(seed, entity, period, slot_b);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// One draw of a checked distribution from the counter-based stream.
///
/// Constant, uniform, normal, lognormal and triangular use the counter directly; a beta
/// (rare in approval times) seeds a ChaCha stream from the counter and uses `sample::draw`.
pub fn dist(d: &Dist, seed: u64, entity: u64, period: u32, slot_a: u32, slot_b: u32) -> f64 {
    match *d {
        Dist::Constant(x) => x,
        Dist::Uniform { low, high } => low + (high - low) * uniform(seed, entity, period, slot_a),
        Dist::Normal { mean, sd } => mean + sd * normal(seed, entity, period, slot_a, slot_b),
        Dist::LogNormal { median, sigma } => {
            median * (sigma * normal(seed, entity, period, slot_a, slot_b)).exp()
        }
        Dist::Triangular { low, mode, high } => {
            let u = uniform(seed, entity, period, slot_a);
            let c = (mode - low) / (high - low);
            if u < c {
                low + (u * (high - low) * (mode - low)).sqrt()
            } else {
                high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
            }
        }
        Dist::Beta { .. } => {
            let key = mix(seed ^ mix(entity ^ mix((u64::from(period) << 32) | u64::from(slot_a))));
            draw(d, &mut stream(key))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_in_range_and_spread() {
        let n = 20_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = uniform(7, i, 3, slot::GO);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.01);
        assert_ne!(uniform(7, 1, 3, slot::GO), uniform(7, 1, 3, slot::SITE));
        assert_ne!(uniform(7, 1, 3, slot::GO), uniform(7, 1, 4, slot::GO));
        assert_ne!(uniform(7, 1, 3, slot::GO), uniform(8, 1, 3, slot::GO));
        assert_eq!(uniform(7, 1, 3, slot::GO), uniform_at(7, 1, period_key(3, slot::GO)));
    }

    #[test]
    fn lognormal_median_is_respected() {
        let d = Dist::LogNormal { median: 20.0, sigma: 0.5 };
        let mut xs: Vec<f64> = (0..10_001).map(|i| dist(&d, 1, i, 0, 10, 11)).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[5000] / 20.0 - 1.0).abs() < 0.05, "median {}", xs[5000]);
    }
}
