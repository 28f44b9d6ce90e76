//! How a parameter's value is drawn: a distribution mapped from the unit interval.
//!
//! Every design works in the unit hypercube; a parameter turns its coordinate `u` into a
//! value by its quantile function, so that random, Latin hypercube and Sobol points follow
//! the distribution and factorial and Morris grids land on its quantiles.

/// A parameter's distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamDist {
    Uniform {
        low: f64,
        high: f64,
    },
    /// Uniform in the logarithm (both bounds > 0).
    LogUniform {
        low: f64,
        high: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    /// Whole numbers `low..=high`, equally likely.
    Integer {
        low: i64,
        high: i64,
    },
    /// One of a list of values (numbers, words or booleans), equally likely; its numeric
    /// value in the tables is the index in the list.
    Choice {
        values: Vec<toml::Value>,
    },
}

/// Normal quantiles are taken at `u` clamped to `[TAIL, 1 - TAIL]`, so that the ends of a
/// factorial or Morris grid give finite values (the 0.1% and 99.9% quantiles).
pub const TAIL: f64 = 1e-3;

impl ParamDist {
    /// The value at unit coordinate `u` in `[0, 1]`, as a number (a choice's index).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match *self {
            ParamDist::Uniform { low, high } => low + (high - low) * u,
            ParamDist::LogUniform { low, high } => (low.ln() + (high.ln() - low.ln()) * u).exp(),
            ParamDist::Normal { mean, sd } => {
                mean + sd * normal_quantile(u.clamp(TAIL, 1.0 - TAIL))
            }
            ParamDist::Triangular { low, mode, high } => {
                let c = (mode - low) / (high - low);
                if u < c {
                    low + (u * (high - low) * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
                }
            }
            ParamDist::Integer { low, high } => {
                let n = (high - low + 1) as f64;
                (low as f64 + (u * n).floor()).min(high as f64)
            }
            ParamDist::Choice { ref values } => {
                let n = values.len() as f64;
                (u * n).floor().min(n - 1.0)
            }
        }
    }

    /// The TOML value to write into the scenario at unit coordinate `u`.
    pub fn value(&self, u: f64) -> toml::Value {
        let x = self.quantile(u);
        match self {
            ParamDist::Integer { .. } => toml::Value::Integer(x as i64),
            ParamDist::Choice { values } => values[x as usize].clone(),
            _ => toml::Value::Float(x),
        }
    }

    /// Unit coordinates of an `n`-level grid: both ends for bounded distributions, the
    /// quantiles `(i + 1/2)/n` for the normal, every value for a choice.
    pub fn grid(&self, n: u32) -> Vec<f64> {
        match self {
            ParamDist::Choice { values } => {
                let m = values.len();
                (0..m).map(|i| (i as f64 + 0.5) / m as f64).collect()
            }
            ParamDist::Integer { low, high } => {
                let count = (high - low + 1) as u64;
                let n = u64::from(n.max(1)).min(count);
                if n == 1 {
                    return vec![0.5 / count as f64];
                }
                // Evenly spaced whole numbers, both ends included.
                (0..n)
                    .map(|i| {
                        let j = (i * (count - 1) + (n - 1) / 2) / (n - 1);
                        (j as f64 + 0.5) / count as f64
                    })
                    .collect()
            }
            ParamDist::Normal { .. } => {
                let n = n.max(1);
                (0..n).map(|i| (f64::from(i) + 0.5) / f64::from(n)).collect()
            }
            _ => {
                if n <= 1 {
                    return vec![0.5];
                }
                (0..n).map(|i| f64::from(i) / f64::from(n - 1)).collect()
            }
        }
    }

    /// The natural number of levels of a discrete distribution, if it has one.
    pub fn natural_levels(&self) -> Option<u32> {
        match self {
            ParamDist::Choice { values } => Some(values.len() as u32),
            _ => None,
        }
    }
}

/// The standard normal quantile (P. J. Acklam's rational approximation, relative error below
/// 1.2e-9, which is far below the sampling error of any sweep).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p < LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}
