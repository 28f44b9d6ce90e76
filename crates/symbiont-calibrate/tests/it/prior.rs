//! Priors: densities, CDFs, quantiles, sampling, truncation and their errors.

use symbiont_calibrate::{Dist, Prior};

use crate::rng;

fn all() -> Vec<Prior> {
    vec![
        Prior::of(Dist::Uniform { low: -1.0, high: 3.0 }).unwrap(),
        Prior::of(Dist::LogUniform { low: 0.01, high: 10.0 }).unwrap(),
        Prior::of(Dist::Normal { mean: 2.0, sd: 0.5 }).unwrap(),
        Prior::of(Dist::Beta { a: 2.0, b: 5.0 }).unwrap(),
        Prior::new(Dist::Normal { mean: 0.0, sd: 1.0 }, Some((0.0, f64::INFINITY))).unwrap(),
        // Far in the upper tail, where 1 − Φ has few digits left.
        Prior::new(Dist::Normal { mean: 0.0, sd: 1.0 }, Some((6.0, 7.0))).unwrap(),
        Prior::new(Dist::Beta { a: 0.5, b: 0.5 }, Some((0.2, 0.9))).unwrap(),
        Prior::new(Dist::LogUniform { low: 0.1, high: 100.0 }, Some((1.0, 1000.0))).unwrap(),
        Prior::new(Dist::Uniform { low: 0.0, high: 10.0 }, Some((-5.0, 2.0))).unwrap(),
    ]
}

/// ∫ pdf over the support (midpoint rule in the quantile's coordinates is circular, so
/// integrate in x on a fine grid of the central 99.98%).
#[test]
fn densities_integrate_to_the_cdf() {
    for p in all() {
        let (a, b) = (p.quantile(1e-4), p.quantile(1.0 - 1e-4));
        let m = 200_000;
        let h = (b - a) / m as f64;
        let integral: f64 = (0..m).map(|i| p.ln_pdf(a + (i as f64 + 0.5) * h).exp() * h).sum();
        let want = p.cdf(b) - p.cdf(a);
        assert!((integral - want).abs() < 2e-3, "{p}: ∫pdf = {integral}, CDF gives {want}");
    }
}

#[test]
fn quantile_inverts_the_cdf_and_stays_in_the_support() {
    for p in all() {
        let (lo, hi) = p.support();
        for i in 1..100 {
            let u = i as f64 / 100.0;
            let x = p.quantile(u);
            assert!(x >= lo && x <= hi, "{p}: Q({u}) = {x} outside [{lo}, {hi}]");
            assert!((p.cdf(x) - u).abs() < 1e-6, "{p}: F(Q({u})) = {}", p.cdf(x));
        }
    }
}

#[test]
fn samples_follow_the_distribution() {
    // Kolmogorov-Smirnov distance of 20,000 seeded draws; the 1% critical value is 0.0115.
    for p in all() {
        let mut r = rng(3);
        let mut x: Vec<f64> = (0..20_000).map(|_| p.sample(&mut r)).collect();
        assert!(x.iter().all(|&v| p.contains(v)), "{p}: a draw outside the support");
        x.sort_by(f64::total_cmp);
        let n = x.len() as f64;
        let ks = x
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let f = p.cdf(v);
                (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
            })
            .fold(0.0, f64::max);
        assert!(ks < 0.0115, "{p}: KS distance {ks}");
        // Moments against the sample.
        let (m, s) = p.moments();
        let sm = x.iter().sum::<f64>() / n;
        let ss = (x.iter().map(|v| (v - sm) * (v - sm)).sum::<f64>() / n).sqrt();
        assert!((sm - m).abs() < 4.0 * s / n.sqrt(), "{p}: mean {sm} vs {m}");
        assert!((ss / s - 1.0).abs() < 0.03, "{p}: sd {ss} vs {s}");
    }
}

#[test]
fn outside_the_support_the_density_is_zero() {
    let p = Prior::new(Dist::Normal { mean: 0.0, sd: 1.0 }, Some((-1.0, 1.0))).unwrap();
    assert!(!p.contains(1.5) && !p.contains(-1.01) && p.contains(0.0));
    assert_eq!(p.ln_pdf(f64::NAN), f64::NEG_INFINITY);
    let b = Prior::of(Dist::Beta { a: 2.0, b: 2.0 }).unwrap();
    assert!(!b.contains(-0.1) && !b.contains(1.1));
    // Truncation renormalises: the density on [-1, 1] is φ(x) / (Φ(1) − Φ(−1)).
    let inside = p.ln_pdf(0.0).exp();
    assert!((inside - 0.398_942_280_4 / 0.682_689_492_1).abs() < 1e-9);
}

#[test]
fn bad_priors_say_which_field_and_what_was_expected() {
    let cases = [
        (
            Prior::of(Dist::Uniform { low: 3.0, high: 1.0 }),
            "high",
            "empty support: low = 3 is not below high = 1",
            "low < high",
        ),
        (Prior::of(Dist::Normal { mean: 0.0, sd: 0.0 }), "sd", "sd must be > 0, got 0", "sd > 0"),
        (
            Prior::of(Dist::LogUniform { low: 0.0, high: 1.0 }),
            "low",
            "a log-uniform prior needs low > 0, got 0",
            "0 < low < high",
        ),
        (Prior::of(Dist::Beta { a: -1.0, b: 1.0 }), "a", "a must be > 0, got -1", "a > 0"),
        (
            Prior::new(Dist::Beta { a: 2.0, b: 2.0 }, Some((1.5, 2.0))),
            "truncate",
            "empty support: truncation [1.5, 2] does not meet the beta support [0, 1]",
            "an interval that overlaps the distribution's support",
        ),
        (
            Prior::new(Dist::Normal { mean: 0.0, sd: 1.0 }, Some((50.0, 60.0))),
            "truncate",
            "empty support: truncation to [50, 60] leaves no probability under the normal prior",
            "an interval with probability > 0",
        ),
        (
            Prior::new(Dist::Normal { mean: 0.0, sd: 1.0 }, Some((2.0, 1.0))),
            "truncate",
            "empty support: truncation [2, 1] is not an interval",
            "[lo, hi] with lo < hi",
        ),
    ];
    for (got, field, message, expected) in cases {
        let e = got.unwrap_err();
        assert_eq!((e.field, e.message.as_str(), e.expected.as_str()), (field, message, expected));
    }
}

#[test]
fn priors_serialise_and_are_rechecked_on_reading() {
    let p = Prior::new(Dist::Normal { mean: 0.1, sd: 0.3 }, Some((0.0, f64::INFINITY))).unwrap();
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(text, r#"{"dist":"normal","mean":"0.1","sd":"0.3","truncate":["0.0","inf"]}"#);
    assert_eq!(serde_json::from_str::<Prior>(&text).unwrap(), p);
    let bad = r#"{"dist":"normal","mean":"0.1","sd":"-1.0"}"#;
    let e = serde_json::from_str::<Prior>(bad).unwrap_err().to_string();
    assert!(e.contains("sd must be > 0"), "{e}");
}
