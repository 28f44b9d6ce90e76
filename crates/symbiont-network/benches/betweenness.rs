//! Criterion bench of exact betweenness on seeded random digraphs, weighted and not.
//! The cross-tool comparison with networkx and igraph is `bench/network_betweenness.py`.

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use symbiont_network::{Digraph, PathLength, betweenness};

fn random_digraph(n: usize, m: usize, seed: u64) -> Digraph {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let labels = (0..n).map(|i| i.to_string()).collect();
    let edges: Vec<(usize, usize, f64)> = (0..m)
        .map(|_| {
            (rng.random_range(0..n), rng.random_range(0..n), f64::from(rng.random_range(1..=4u8)))
        })
        .collect();
    Digraph::from_weighted_edges(labels, edges)
}

fn bench(c: &mut Criterion) {
    let g = random_digraph(1000, 10_000, 7);
    c.bench_function("betweenness 1k/10k hops", |b| {
        b.iter(|| betweenness(&g, PathLength::Hops, true))
    });
    c.bench_function("betweenness 1k/10k weighted", |b| {
        b.iter(|| betweenness(&g, PathLength::Weight, true))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
