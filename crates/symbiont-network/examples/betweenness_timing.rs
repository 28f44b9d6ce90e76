//! Timing harness for `bench/network_betweenness.py`: exact betweenness on an edge list.
//!
//! Usage: `betweenness_timing EDGES_FILE REPEATS [VALUES_OUT]`. The file has one `source
//! target` pair of integer node ids per line (`#` lines are skipped). Prints one JSON line
//! with the median wall time in seconds; with `VALUES_OUT` also writes the (unnormalized)
//! betweenness values, one per line, so the script can check them against igraph's.

use std::time::Instant;

use symbiont_network::{Digraph, PathLength, betweenness};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: betweenness_timing EDGES_FILE REPEATS [VALUES_OUT]".into());
    }
    let text = std::fs::read_to_string(&args[1])?;
    let repeats: usize = args[2].parse()?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut it = line.split_whitespace().map(str::parse::<usize>);
        match (it.next(), it.next()) {
            (Some(Ok(s)), Some(Ok(t))) => pairs.push((s, t)),
            _ => return Err(format!("{}: line {}: expected two node ids", args[1], i + 1).into()),
        }
    }
    let n = pairs.iter().map(|&(s, t)| s.max(t) + 1).max().unwrap_or(0);
    let g = Digraph::from_pairs(n, pairs);
    let mut times = Vec::with_capacity(repeats);
    let mut values = Vec::new();
    for _ in 0..repeats.max(1) {
        // The harness is a binary: it may read the clock (the engines may not).
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        values = betweenness(&g, PathLength::Hops, false);
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    if let Some(out) = args.get(3) {
        let body: String = values.iter().map(|v| format!("{v}\n")).collect();
        std::fs::write(out, body)?;
    }
    println!(
        "{{\"n\": {}, \"m\": {}, \"repeats\": {}, \"median_s\": {median}, \"threads\": {}}}",
        g.node_count(),
        g.edge_count(),
        times.len(),
        rayon::current_num_threads()
    );
    Ok(())
}
