//! Weighted statistics of a particle population: quantiles, means, covariances, effective
//! sample size. Weights need not be normalised unless said so.

/// Weighted quantile with pyABC's convention: points sorted, each at the midpoint of its
/// cumulative weight, linear interpolation between them and the end values outside. With equal
/// weights this is the "(i − 1/2)/n" plotting-position quantile.
pub fn weighted_quantile(points: &[f64], weights: &[f64], alpha: f64) -> f64 {
    let n = points.len();
    if n == 0 {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| points[a].total_cmp(&points[b]).then(a.cmp(&b)));
    let total: f64 = weights.iter().sum();
    let mut cum = 0.0;
    let mut prev: Option<(f64, f64)> = None;
    for &i in &idx {
        let w = weights[i] / total;
        let mid = cum + 0.5 * w;
        cum += w;
        let x = points[i];
        match prev {
            None if alpha <= mid => return x,
            Some((pm, px)) if alpha <= mid => {
                if mid <= pm {
                    return x;
                }
                return px + (x - px) * (alpha - pm) / (mid - pm);
            }
            _ => {}
        }
        prev = Some((mid, x));
    }
    prev.map_or(f64::NAN, |(_, x)| x)
}

/// Normalise weights to sum 1 (in place); returns the sum before.
pub fn normalise(w: &mut [f64]) -> f64 {
    let s: f64 = w.iter().sum();
    if s > 0.0 {
        for x in w.iter_mut() {
            *x /= s;
        }
    }
    s
}

/// Effective sample size `(Σw)² / Σw²`.
pub fn ess(w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    let s2: f64 = w.iter().map(|x| x * x).sum();
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}

/// `ln Σ exp(x_i)`, stable.
pub fn logsumexp(x: impl IntoIterator<Item = f64> + Clone) -> f64 {
    let m = x.clone().into_iter().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY || m.is_nan() {
        return m;
    }
    m + x.into_iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// Weighted mean of column `j` of row-major particles.
pub fn weighted_mean(points: &[Vec<f64>], w: &[f64], j: usize) -> f64 {
    let s: f64 = w.iter().sum();
    points.iter().zip(w).map(|(p, &wi)| wi * p[j]).sum::<f64>() / s
}

/// Weighted means of every column.
pub fn weighted_means(points: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    let d = points.first().map_or(0, Vec::len);
    (0..d).map(|j| weighted_mean(points, w, j)).collect()
}

/// Weighted covariance with reliability weights, as `numpy.cov(aweights=w)`: divided by
/// `1 − Σ w²` for normalised weights (unbiased for an equal-weight sample). Row-major `d × d`.
pub fn weighted_cov(points: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    let d = points.first().map_or(0, Vec::len);
    let s: f64 = w.iter().sum();
    let mean = weighted_means(points, w);
    let v2: f64 = w.iter().map(|x| (x / s) * (x / s)).sum();
    let denom = 1.0 - v2;
    let mut c = vec![0.0; d * d];
    for (p, &wi) in points.iter().zip(w) {
        let wi = wi / s;
        for a in 0..d {
            let da = p[a] - mean[a];
            for b in a..d {
                c[a * d + b] += wi * da * (p[b] - mean[b]);
            }
        }
    }
    for a in 0..d {
        for b in a..d {
            let v = if denom > 0.0 { c[a * d + b] / denom } else { c[a * d + b] };
            c[a * d + b] = v;
            c[b * d + a] = v;
        }
    }
    c
}

/// Median of a sample (the mean of the two middle values for an even count).
pub fn median(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// Median absolute deviation from the median (unscaled, as pyABC's `mad`).
pub fn mad(x: &[f64]) -> f64 {
    let m = median(x);
    let dev: Vec<f64> = x.iter().map(|v| (v - m).abs()).collect();
    median(&dev)
}

/// Standard deviation (population form, as numpy's default `std`).
pub fn sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    if n == 0.0 {
        return f64::NAN;
    }
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt()
}
