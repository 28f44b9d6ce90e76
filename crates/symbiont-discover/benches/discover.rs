//! PRIM and CART on 100,000 design points x 20 inputs (the scale the issue asks for), and
//! extra-trees scores on 10,000 x 20; cases where the first three inputs fall in a box, 10% labels flipped.

use criterion::{Criterion, criterion_group, criterion_main};
use symbiont_discover::cart::{CartParams, cart_binary};
use symbiont_discover::prim::{PrimParams, prim};
use symbiont_discover::scoring::{ScoreParams, extra_trees_binary};
use symbiont_discover::{Column, Inputs};

fn u(i: u64, stream: u64) -> f64 {
    (symbiont_model::seed::derive(stream, &[i]) >> 11) as f64 / (1u64 << 53) as f64
}

fn data(n: u64, k: u64) -> (Inputs, Vec<bool>) {
    let cols: Vec<Vec<f64>> = (0..k).map(|j| (0..n).map(|i| u(i, j)).collect()).collect();
    let y = (0..n as usize)
        .map(|i| {
            let inside = cols[0][i] > 0.5 && cols[1][i] > 0.4 && cols[2][i] < 0.7;
            inside ^ (u(i as u64, 999) < 0.1)
        })
        .collect();
    let x = Inputs::new(
        cols.into_iter().enumerate().map(|(j, c)| Column::real(format!("x{j}"), c)).collect(),
    )
    .expect("inputs");
    (x, y)
}

fn bench(c: &mut Criterion) {
    let (x, y) = data(100_000, 20);
    let mut g = c.benchmark_group("discover_100k_x_20");
    g.sample_size(10);
    g.bench_function("prim_first_box", |b| {
        b.iter(|| prim(&x, &y, &PrimParams::default()).expect("prim"))
    });
    g.bench_function("cart_mass_min_0.05", |b| {
        b.iter(|| cart_binary(&x, &y, &CartParams::default()).expect("cart"))
    });
    g.finish();
    // The forest grows 100 full trees on bootstrap samples: measured on 10,000 points.
    let (x, y) = data(10_000, 20);
    let mut g = c.benchmark_group("discover_10k_x_20");
    g.sample_size(10);
    g.bench_function("extra_trees_100", |b| {
        b.iter(|| extra_trees_binary(&x, &y, &ScoreParams::default()).expect("scores"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
