//! Streaming statistics across runs: means with 95% confidence intervals (Welford), and
//! empirical 2.5/97.5 percentiles for end states.

/// Running mean and variance (Welford), merged in a fixed order so results do not depend on
/// thread scheduling.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Running {
    pub n: u64,
    pub mean: f64,
    m2: f64,
}

impl Running {
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Sample standard deviation (0 for fewer than two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 { 0.0 } else { (self.m2 / (self.n - 1) as f64).sqrt() }
    }

    /// The 95% confidence interval of the mean (Student t).
    pub fn ci95(&self) -> (f64, f64) {
        if self.n < 2 {
            return (self.mean, self.mean);
        }
        let half = t975(self.n - 1) * self.sd() / (self.n as f64).sqrt();
        (self.mean - half, self.mean + half)
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (table for small df, the
/// Cornish-Fisher expansion beyond; error below 1e-3 everywhere).
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return TABLE[(df - 1) as usize];
    }
    let z: f64 = 1.959_964;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
}

/// The empirical quantile `q` of sorted data (linear interpolation, type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass() {
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut r = Running::default();
        xs.iter().for_each(|&x| r.push(x));
        let mean = xs.iter().sum::<f64>() / 8.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0;
        assert!((r.mean - mean).abs() < 1e-12);
        assert!((r.sd() - var.sqrt()).abs() < 1e-12);
        let (lo, hi) = r.ci95();
        assert!((hi - lo - 2.0 * 2.365 * var.sqrt() / 8f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn t_quantiles() {
        assert!((t975(60) - 2.000).abs() < 2e-3);
        assert!((t975(120) - 1.980).abs() < 2e-3);
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.5) - 2.5).abs() < 1e-12);
    }
}
