//! Lossless serde for `f64`: every float of a checkpoint is written as the shortest decimal
//! that reads back to the same bits (`{:?}`, e.g. `"0.30000000000000004"`, `"inf"`) and read
//! with the standard library's correctly rounded parser.
//!
//! Why: a resumed calibration must give a bit-identical posterior, whatever format the caller
//! stores the state in. serde_json without its `float_roundtrip` feature can read a float back
//! one ulp off, and TOML has no room for `u64` bit patterns; a string survives both.

use serde::{Deserialize, Deserializer, Serializer};

fn parse<E: serde::de::Error>(s: &str) -> Result<f64, E> {
    s.parse::<f64>().map_err(|_| E::custom(format!("`{s}` is not a number")))
}

struct Repr(f64);

impl serde::Serialize for Repr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:?}", self.0))
    }
}

/// One float.
pub(crate) mod one {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&Repr(*x), s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        parse(&String::deserialize(d)?)
    }
}

/// A vector of floats.
pub(crate) mod vec {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&x| Repr(x)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Vec::<String>::deserialize(d)?.iter().map(|s| parse(s)).collect()
    }
}

/// A vector of vectors of floats (particles, summary statistics).
pub(crate) mod vec2 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|row| row.iter().map(|&x| Repr(x)).collect::<Vec<_>>()))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        Vec::<Vec<String>>::deserialize(d)?
            .iter()
            .map(|row| row.iter().map(|s| parse(s)).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shortest_repr_reads_back_to_the_same_bits() {
        for x in [0.1 + 0.2, 1e-300, 5e-324, -0.0, f64::INFINITY, f64::NEG_INFINITY, 1.0 / 3.0] {
            let s = format!("{x:?}");
            let y: f64 = s.parse().unwrap();
            assert_eq!(x.to_bits(), y.to_bits(), "{s}");
        }
    }
}
