//! Criterion benches of the planner: model building at the large size, and a small plan on
//! the pure-Rust backend. The end-to-end comparison with highspy is bench/plan_highspy.py.

use criterion::{Criterion, criterion_group, criterion_main};
use symbiont_model::ChainPos;
use symbiont_plan::*;

/// A deterministic synthetic instance (SplitMix64 stream; no RNG crate needed).
fn synthetic(ne: usize, np: usize) -> Instance {
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let sectors: Vec<String> = (0..5).map(|s| format!("s{s}")).collect();
    let enterprises = (0..ne)
        .map(|i| {
            let k = 1.0 + 9.0 * next();
            let home: Vec<f64> = (0..np).map(|_| k * 1e5 * (0.5 + next())).collect();
            Candidate {
                name: format!("e{i}"),
                sector: i % 5,
                chain: ChainPos::ALL[i % 3],
                needs: [0.5 * k * 1e6, 0.6 * k, 0.08 * k, 1.0],
                workers: 30.0 * k,
                land_ha: 0.4 * k,
                host: home.iter().map(|h| 0.6 * h).collect(),
                jobs: vec![30.0 * k; np],
                home,
            }
        })
        .collect();
    let parks = (0..np)
        .map(|j| ParkCap {
            name: format!("p{j}"),
            plots: (ne / np / 3).max(1) as f64,
            labour_pool: 30.0 * 5.0 * (ne / np / 3) as f64,
            area_ha: 1e9,
            designated: j % 3 == 0,
            target_sectors: vec![j % 5],
            entry_subsidy: 0.0,
        })
        .collect();
    let f = ne as f64 / 2000.0;
    let suppliers = vec![
        Supplier {
            name: "bank".into(),
            kind: FactorKind::Capital,
            capacity: 2e9 * f,
            unit_cost: 0.05,
        },
        Supplier {
            name: "uni".into(),
            kind: FactorKind::Talent,
            capacity: 450.0 * f,
            unit_cost: 30_000.0,
        },
        Supplier {
            name: "lab".into(),
            kind: FactorKind::Technology,
            capacity: 40.0 * f,
            unit_cost: 400_000.0,
        },
        Supplier {
            name: "law".into(),
            kind: FactorKind::Services,
            capacity: 550.0 * f,
            unit_cost: 15_000.0,
        },
    ];
    Instance {
        sectors,
        enterprises,
        parks,
        suppliers,
        guidance: Guidance::default(),
        weights: Weights::default(),
        chain_bonus: 0.0,
        min_host_gain: None,
    }
}

fn benches(c: &mut Criterion) {
    let large = synthetic(10_000, 20);
    c.bench_function("build 10000x20 model", |b| b.iter(|| model::build(&large, true, None)));
    c.bench_function("write 10000x20 MPS", |b| {
        let built = model::build(&large, true, None);
        b.iter(|| built.model.to_mps("large").len())
    });
    let small = synthetic(60, 3);
    let settings =
        SolveSettings { backend: Backend::Microlp, gap: 1e-4, ..SolveSettings::default() };
    c.bench_function("plan 60x3 microlp", |b| b.iter(|| plan(&small, &settings).unwrap()));
}

criterion_group! {
    name = plan_benches;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(plan_benches);
