//! Tail probabilities for the quasi-p values of a box's restrictions.

use statrs::function::beta::beta_reg;
use statrs::function::factorial::ln_binomial;

/// `P(X >= k)` for `X ~ Binomial(n, p)`: the one-sided binomial test scipy's
/// `binomtest(k, n, p, alternative="greater")` gives, via the regularised incomplete beta
/// `I_p(k, n - k + 1)`.
pub fn binomial_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    beta_reg(k as f64, (n - k + 1) as f64, p).clamp(0.0, 1.0)
}

/// `P(X >= k)` for `X ~ Hypergeometric(population, successes, draws)`: the exact one-sided
/// test of drawing the box's points without replacement from the box with one restriction
/// removed. Summed from `k` upwards by the ratio of consecutive terms; stops when the terms
/// no longer change the sum.
pub fn hypergeometric_upper(k: u64, population: u64, successes: u64, draws: u64) -> f64 {
    let (nn, kk, n) = (population, successes.min(population), draws.min(population));
    let lo = (n + kk).saturating_sub(nn);
    let hi = n.min(kk);
    if k <= lo {
        return 1.0;
    }
    if k > hi {
        return 0.0;
    }
    let ln_pmf = ln_binomial(kk, k) + ln_binomial(nn - kk, n - k) - ln_binomial(nn, n);
    let mut term = ln_pmf.exp();
    let mut sum = term;
    let mut x = k;
    while x < hi {
        // pmf(x + 1) / pmf(x)
        // x >= n + kk - nn, so the last factor is at least 1.
        let r =
            ((kk - x) as f64 * (n - x) as f64) / ((x + 1) as f64 * ((nn - kk + x + 1) - n) as f64);
        term *= r;
        sum += term;
        x += 1;
        if term < sum * 1e-17 && r < 1.0 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_tail_matches_direct_sums() {
        // P(X >= 3), X ~ Bin(5, 0.4) = 10*.064*.36 + 5*.0256*.6 + .01024 = 0.31744
        assert!((binomial_upper(3, 5, 0.4) - 0.31744).abs() < 1e-12);
        assert_eq!(binomial_upper(0, 5, 0.4), 1.0);
    }

    #[test]
    fn hypergeometric_tail_matches_direct_sums() {
        // N = 10, K = 4, n = 5: P(X >= 3) = (C(4,3)C(6,2) + C(4,4)C(6,1)) / C(10,5) = 66/252
        let p = hypergeometric_upper(3, 10, 4, 5);
        assert!((p - 66.0 / 252.0).abs() < 1e-12, "{p}");
        assert_eq!(hypergeometric_upper(0, 10, 4, 5), 1.0);
        assert_eq!(hypergeometric_upper(5, 10, 4, 5), 0.0);
    }
}
