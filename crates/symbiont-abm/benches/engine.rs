//! Engine throughput: enterprise-periods per second at 10^3 .. 10^6 enterprises, one run of
//! the network mode over the default scenario's 20 periods. The population is generated
//! outside the timed loop.
//!
//! `cargo bench -p symbiont-abm --bench engine`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use symbiont_abm::{Params, RunInput, population, run};
use symbiont_model::Levers;

fn engine(c: &mut Criterion) {
    let base = symbiont_model::default_scenario().expect("default scenario");
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    for n in [1_000u32, 10_000, 100_000, 1_000_000] {
        let mut s = base.clone();
        s.enterprise_groups[0].count = n - s.enterprises.len() as u32;
        let pop = population::generate(&s, 1);
        let periods = u64::from(s.study.horizon_periods);
        g.throughput(Throughput::Elements(u64::from(n) * periods));
        let params = Params::default();
        for (id, levers) in [("network", Levers::network()), ("fight_alone", Levers::fight_alone())]
        {
            if n == 1_000_000 && id == "fight_alone" {
                continue; // keep the 1M case to one mode: release runs are costly here
            }
            g.bench_with_input(BenchmarkId::new(id, n), &n, |b, _| {
                let input = RunInput {
                    scenario: &s,
                    population: &pop,
                    levers: &levers,
                    params: &params,
                    seed: 7,
                    planned_sites: None,
                };
                b.iter(|| black_box(run(black_box(&input)).expect("run")))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
