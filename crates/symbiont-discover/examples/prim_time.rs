//! PRIM's first box on a column-major f64 file (K columns of N values, then the outcome as
//! 0/1), timed over REPEATS runs; prints JSON for `bench/discover_vs_ema.py`.
//!
//! `cargo run --release -p symbiont-discover --example prim_time -- FILE N K REPEATS`

use symbiont_discover::prim::{PrimParams, prim};
use symbiont_discover::{Column, Inputs};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, n, k, repeats] = args.as_slice() else {
        eprintln!("usage: prim_time FILE N K REPEATS");
        std::process::exit(2);
    };
    let (n, k, repeats): (usize, usize, usize) =
        (n.parse().expect("N"), k.parse().expect("K"), repeats.parse().expect("REPEATS"));
    let bytes = std::fs::read(path).expect("read the data file");
    let vals: Vec<f64> =
        bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
    assert_eq!(vals.len(), n * (k + 1), "expected K columns of N values and the outcome");
    let cols = (0..k).map(|j| Column::real(format!("x{j}"), vals[j * n..(j + 1) * n].to_vec()));
    let x = Inputs::new(cols.collect()).expect("inputs");
    let y: Vec<bool> = vals[k * n..].iter().map(|&v| v > 0.5).collect();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeats {
        // A benchmark program, not an engine: it reads the clock.
        #[allow(clippy::disallowed_methods)]
        let t0 = std::time::Instant::now();
        let b = prim(&x, &y, &PrimParams::default()).expect("prim");
        times.push(t0.elapsed().as_secs_f64());
        last = Some(b);
    }
    times.sort_by(f64::total_cmp);
    let b = last.expect("at least one repeat");
    let end = b.trajectory.last().expect("a trajectory");
    println!(
        "{{\"median_s\": {}, \"steps\": {}, \"n\": {}, \"k\": {}}}",
        times[times.len() / 2],
        b.trajectory.len(),
        end.n,
        end.k
    );
}
