//! The engine's random stream: SplitMix64 (Steele, Lea and Flood 2014) from a derived seed.
//!
//! Every proposal, resampling and CMA-ES generation opens its own stream from
//! `symbiont_model::seed::derive(master, path)` and draws a handful of numbers from it.
//! SplitMix64 costs nothing to open and passes BigCrush; ChaCha8 (the population generator's
//! stream) must compute a 256-byte block before its first number, which made opening one
//! stream per proposal the largest cost of a generation.

use std::convert::Infallible;

use rand::TryRng;

/// A seeded SplitMix64 stream; implements [`rand::Rng`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    state: u64,
}

impl Stream {
    pub fn new(seed: u64) -> Stream {
        Stream { state: seed }
    }

    /// The stream at `derive(master, path)`.
    pub fn at(master: u64, path: &[u64]) -> Stream {
        Stream::new(symbiont_model::seed::derive(master, path))
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}
