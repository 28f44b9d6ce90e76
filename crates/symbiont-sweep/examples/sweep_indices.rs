//! Timing of the Saltelli design and the Sobol indices on the Ishigami function, for
//! `bench/sweep_indices.py`, which times the same with scipy and numpy in the same run.
//!
//! `cargo run --release -p symbiont-sweep --example sweep_indices -- 16384 1000 7`
//! prints one JSON line: N, bootstrap resamples, median seconds of design and of analysis,
//! and the indices.

use std::f64::consts::PI;

use symbiont_sweep::design::{Design, DesignKind};
use symbiont_sweep::sensitivity::{Bootstrap, sobol_indices};

fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[allow(clippy::disallowed_methods)] // a timing harness: the wall clock is the point
fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(16_384);
    let resamples = args.get(1).copied().unwrap_or(1000) as u32;
    let repeats = args.get(2).copied().unwrap_or(7);
    let (mut t_design, mut t_analysis) = (Vec::new(), Vec::new());
    let mut last = Vec::new();
    for _ in 0..repeats {
        let t0 = std::time::Instant::now();
        let d = Design::new(DesignKind::Saltelli { n }, 3, 0).expect("design");
        let y: Vec<f64> = (0..d.len()).map(|i| ishigami(&d.point(i))).collect();
        t_design.push(t0.elapsed().as_secs_f64());
        let t1 = std::time::Instant::now();
        last = sobol_indices(&y, n, 3, Bootstrap { resamples, level: 0.95, seed: 1 })
            .expect("indices");
        t_analysis.push(t1.elapsed().as_secs_f64());
    }
    let s1: Vec<f64> = last.iter().map(|i| i.s1).collect();
    let st: Vec<f64> = last.iter().map(|i| i.st).collect();
    println!(
        "{{\"n\": {n}, \"resamples\": {resamples}, \"design_s\": {}, \"analysis_s\": {}, \"s1\": {s1:?}, \"st\": {st:?}}}",
        median(t_design),
        median(t_analysis)
    );
}
