//! Generating the population of a scenario from its groups' distributions.
//!
//! Each group draws from its own stream, derived from the master seed and the group's id, so
//! adding a group or reordering groups leaves every other group's agents unchanged. Inside a
//! group, agent `k` draws from a stream derived from `k`: resizing a group changes only the
//! agents added or removed.

use std::convert::Infallible;

use rand::TryRng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Triangular, Uniform};
use symbiont_model::population::{EnterpriseAgent, HostFirmAgent, Population};
use symbiont_model::seed::{derive, label};
use symbiont_model::{ChainPos, Dist, Scenario};

use crate::sample::pick;

/// Generate every enterprise and host firm of `scenario` from `master_seed`.
pub fn generate(scenario: &Scenario, master_seed: u64) -> Population {
    let base = derive(master_seed, &[label("population")]);
    let mut enterprises = Vec::with_capacity(scenario.enterprise_count());
    for (i, e) in scenario.enterprises.iter().enumerate() {
        enterprises.push(EnterpriseAgent {
            origin: i as u32,
            region: e.region as u16,
            sector: e.sector as u16,
            chain: e.chain,
            capital_usd: e.capital_usd,
            productivity: e.productivity,
            excess_capacity: e.excess_capacity,
        });
    }
    let chains = |m: [f64; 3]| -> [(ChainPos, f64); 3] {
        [(ChainPos::Upstream, m[0]), (ChainPos::Midstream, m[1]), (ChainPos::Downstream, m[2])]
    };
    for (gi, g) in scenario.enterprise_groups.iter().enumerate() {
        let gseed = derive(base, &[label("enterprise_group"), label(&g.id)]);
        let chain_mix = chains(g.chain_mix);
        let (capital, productivity, excess) = (
            Sampler::new(&g.capital_usd),
            Sampler::new(&g.productivity),
            Sampler::new(&g.excess_capacity),
        );
        for k in 0..g.count {
            let mut rng = Block8::seed_from_u64(derive(gseed, &[u64::from(k)]));
            let sector = pick(&g.sector_mix, &mut rng).unwrap_or(0);
            let chain = pick(&chain_mix, &mut rng).unwrap_or(ChainPos::Midstream);
            enterprises.push(EnterpriseAgent {
                origin: (scenario.enterprises.len() + gi) as u32,
                region: g.region as u16,
                sector: sector as u16,
                chain,
                capital_usd: capital.draw(&mut rng).max(1.0),
                productivity: productivity.draw(&mut rng).max(1e-6),
                excess_capacity: excess.draw(&mut rng).clamp(0.0, 1.0),
            });
        }
    }
    let mut host_firms = Vec::with_capacity(scenario.host_firm_count());
    for (gi, g) in scenario.host_firm_groups.iter().enumerate() {
        let gseed = derive(base, &[label("host_firm_group"), label(&g.id)]);
        let (capability, employment) = (Sampler::new(&g.capability), Sampler::new(&g.employment));
        for k in 0..g.count {
            let mut rng = Block8::seed_from_u64(derive(gseed, &[u64::from(k)]));
            let sector = pick(&g.sector_mix, &mut rng).unwrap_or(0);
            host_firms.push(HostFirmAgent {
                group: gi as u32,
                region: g.region as u16,
                sector: sector as u16,
                capability: capability.draw(&mut rng).clamp(0.0, 1.0),
                employment: employment.draw(&mut rng).max(1.0),
            });
        }
    }
    Population { enterprises, host_firms }
}

/// A group's distribution, built once for all its agents; draws exactly what
/// [`crate::sample::draw`] draws (the same constructors, the same fallback to the mean).
enum Sampler {
    Constant(f64),
    Uniform(Uniform<f64>),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Beta(Beta<f64>),
    Triangular(Triangular<f64>),
}

impl Sampler {
    fn new(d: &Dist) -> Self {
        let mean = Sampler::Constant(d.mean());
        match *d {
            Dist::Constant(x) => Sampler::Constant(x),
            Dist::Uniform { low, high } => {
                Uniform::new_inclusive(low, high).map_or(mean, Sampler::Uniform)
            }
            Dist::Normal { mean: m, sd } => {
                Normal::new(m, sd).map_or(Sampler::Constant(m), Sampler::Normal)
            }
            Dist::LogNormal { median, sigma } => {
                LogNormal::new(median.ln(), sigma).map_or(mean, Sampler::LogNormal)
            }
            Dist::Beta { alpha, beta } => Beta::new(alpha, beta).map_or(mean, Sampler::Beta),
            Dist::Triangular { low, mode, high } => {
                Triangular::new(low, high, mode).map_or(mean, Sampler::Triangular)
            }
        }
    }

    #[inline]
    fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Constant(x) => *x,
            Sampler::Uniform(u) => u.sample(rng),
            Sampler::Normal(n) => n.sample(rng),
            Sampler::LogNormal(n) => n.sample(rng),
            Sampler::Beta(b) => b.sample(rng),
            Sampler::Triangular(t) => t.sample(rng),
        }
    }
}

/// The ChaCha8 keystream of `ChaCha8Rng::seed_from_u64` (the crate's [`crate::sample::Stream`]),
/// computed one 16-word block at a time instead of four: an agent's record takes fewer than 16
/// words, so most of a four-block refill would be thrown away. Same words, same order; the
/// test `block8_is_chacha8` checks it against `rand_chacha`.
pub(crate) struct Block8 {
    state: [u32; 16],
    buf: [u32; 16],
    index: usize,
}

impl Block8 {
    pub(crate) fn seed_from_u64(mut seed: u64) -> Self {
        // rand_core's seed_from_u64: 32 key bytes from a PCG32 stream, little-endian words.
        let mut state = [0u32; 16];
        state[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
        for w in &mut state[4..12] {
            seed = seed.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(0xA176_54E4_6FBE_17F3);
            let xorshifted = (((seed >> 18) ^ seed) >> 27) as u32;
            *w = xorshifted.rotate_right((seed >> 59) as u32);
        }
        // Words 12-13: the block counter (from 0); 14-15: the stream (0).
        Block8 { state, buf: [0; 16], index: 16 }
    }

    #[inline]
    fn refill(&mut self) {
        #[inline(always)]
        fn qr(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
            x[a] = x[a].wrapping_add(x[b]);
            x[d] = (x[d] ^ x[a]).rotate_left(16);
            x[c] = x[c].wrapping_add(x[d]);
            x[b] = (x[b] ^ x[c]).rotate_left(12);
            x[a] = x[a].wrapping_add(x[b]);
            x[d] = (x[d] ^ x[a]).rotate_left(8);
            x[c] = x[c].wrapping_add(x[d]);
            x[b] = (x[b] ^ x[c]).rotate_left(7);
        }
        let mut x = self.state;
        for _ in 0..4 {
            qr(&mut x, 0, 4, 8, 12);
            qr(&mut x, 1, 5, 9, 13);
            qr(&mut x, 2, 6, 10, 14);
            qr(&mut x, 3, 7, 11, 15);
            qr(&mut x, 0, 5, 10, 15);
            qr(&mut x, 1, 6, 11, 12);
            qr(&mut x, 2, 7, 8, 13);
            qr(&mut x, 3, 4, 9, 14);
        }
        for (o, (a, b)) in self.buf.iter_mut().zip(x.iter().zip(&self.state)) {
            *o = a.wrapping_add(*b);
        }
        let counter = (u64::from(self.state[13]) << 32 | u64::from(self.state[12])).wrapping_add(1);
        self.state[12] = counter as u32;
        self.state[13] = (counter >> 32) as u32;
        self.index = 0;
    }

    #[inline]
    fn word(&mut self) -> u32 {
        if self.index >= 16 {
            self.refill();
        }
        let w = self.buf[self.index];
        self.index += 1;
        w
    }
}

impl TryRng for Block8 {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.word())
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = self.word();
        let hi = self.word();
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        // As rand_core's BlockRng: whole words, little-endian; a partial last word is consumed.
        for chunk in dst.chunks_mut(4) {
            let w = self.word().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

    #[test]
    fn block8_is_chacha8() {
        for seed in (0..200u64).map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k) {
            let mut a = crate::sample::stream(seed);
            let mut b = Block8::seed_from_u64(seed);
            for j in 0..150 {
                match (seed + j) % 4 {
                    0 => assert_eq!(a.next_u32(), b.next_u32()),
                    1 => {
                        let (mut x, mut y) = ([0u8; 7], [0u8; 7]);
                        a.fill_bytes(&mut x);
                        b.fill_bytes(&mut y);
                        assert_eq!(x, y);
                    }
                    _ => assert_eq!(a.random::<f64>().to_bits(), b.random::<f64>().to_bits()),
                }
            }
        }
    }

    #[test]
    fn samplers_draw_what_sample_draw_draws() {
        let dists = [
            Dist::Constant(2.5),
            Dist::Uniform { low: 1.0, high: 3.0 },
            Dist::Normal { mean: 1.0, sd: 0.3 },
            Dist::LogNormal { median: 5.0e6, sigma: 1.0 },
            Dist::Beta { alpha: 2.0, beta: 5.0 },
            Dist::Beta { alpha: 0.5, beta: 0.7 },
            Dist::Triangular { low: 0.0, mode: 1.0, high: 4.0 },
        ];
        for d in &dists {
            let s = Sampler::new(d);
            for seed in 0..300 {
                let (mut a, mut b) = (crate::sample::stream(seed), Block8::seed_from_u64(seed));
                for _ in 0..3 {
                    assert_eq!(crate::sample::draw(d, &mut a).to_bits(), s.draw(&mut b).to_bits());
                }
            }
        }
    }
}
