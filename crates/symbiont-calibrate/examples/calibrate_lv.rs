//! ABC-SMC on the lynx-hare series (1900-1920) with our Lotka-Volterra engine as the
//! simulator; prints the posterior and the generations as JSON. Run by
//! `bench/calibrate_lv.py`, which runs pyABC on the same priors, distance and budget.
//!
//! Model: F3 predator-prey, hare (prey) and lynx from the 1900 observation (30, 4);
//! statistics: log hare and log lynx in 1901..1920 with N(0, σ²) noise on the log scale.
//! Priors uniform on α ∈ [0.2, 1.2], β ∈ [0.005, 0.08], γ ∈ [0.3, 1.5], δ ∈ [0.005, 0.08].
//! Distance: Euclidean on the log statistics (fixed scales σ), tolerance at the median.
//!
//! ```text
//! cargo run --release -p symbiont-calibrate --example calibrate_lv -- \
//!     --particles 500 --budget 30000 --threads 2 --seed 1 [--kernel silverman|2] [--noise 0.2]
//! ```

use rand_distr::{Distribution, StandardNormal};
use serde_json::json;
use symbiont_calibrate::{
    AbcSettings, AbcState, BatchSize, Dist, DistanceKind, KernelScale, Parallel, Prior, Problem,
    Stream,
};
use symbiont_dynamics::ode::Tolerances;
use symbiont_dynamics::{F3, Lv, SimEnd, SimOptions, simulate};

const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
const BOUNDS: [(f64, f64); 4] = [(0.2, 1.2), (0.005, 0.08), (0.3, 1.5), (0.005, 0.08)];

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: &str| -> f64 {
        arg(&args, name, default).parse().unwrap_or_else(|_| panic!("{name} takes a number"))
    };
    let particles = num("--particles", "500") as usize;
    let budget = num("--budget", "30000") as u64;
    let threads = num("--threads", "2") as usize;
    let seed = num("--seed", "1") as u64;
    let noise = num("--noise", "0.2");
    let kernel = match arg(&args, "--kernel", "2").as_str() {
        "silverman" => KernelScale::Silverman { scaling: 1.0 },
        f => {
            KernelScale::Factor { factor: f.parse().expect("--kernel takes silverman or a factor") }
        }
    };

    let text = include_str!("../../../data/lynx_hare.csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|s| s.trim().parse().expect("a number")).collect())
        .collect();
    // Columns: Year, Lynx, Hare. Start from 1900; statistics at 1901..1920.
    let x0 = [rows[0][2], rows[0][1]];
    let observed: Vec<f64> = rows[1..].iter().flat_map(|r| [r[2].ln(), r[1].ln()]).collect();
    let t: Vec<f64> = rows[1..].iter().map(|r| r[0] - rows[0][0]).collect();
    let k = observed.len();

    let sim = Parallel(move |theta: &[f64], s: u64| -> Result<Vec<f64>, String> {
        let f3 = F3 { alpha: theta[0], beta: theta[1], gamma: theta[2], delta: theta[3] };
        let lv = Lv::from_f3(f3).map_err(|e| e.to_string())?;
        let opts = SimOptions {
            tol: Tolerances { rtol: 1e-6, atol: 1e-8, max_steps: 20_000 },
            ..Default::default()
        };
        let tr = simulate(&lv, &x0, 0.0, &t, &opts);
        if tr.outcome != SimEnd::Completed {
            return Err(tr.outcome.explain(&["hare".into(), "lynx".into()]));
        }
        let mut rng = Stream::new(s);
        Ok(tr
            .x
            .iter()
            .flat_map(|x| [x[0], x[1]])
            .map(|v| v.max(1e-300).ln() + noise * sample_z(&mut rng))
            .collect())
    });
    let priors: Vec<Prior> = BOUNDS
        .iter()
        .map(|&(low, high)| Prior::of(Dist::Uniform { low, high }).expect("valid bounds"))
        .collect();
    let problem = Problem::new(NAMES.iter().map(|s| s.to_string()).collect(), priors, observed)
        .with_sd(vec![noise; k]);
    let settings = AbcSettings {
        particles,
        batch: BatchSize::Fixed { size: 64 },
        kernel,
        distance: DistanceKind::Fixed,
        max_generations: 1000,
        budget: Some(budget),
        min_acceptance: 0.0,
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    let (abc, post) = pool.install(|| {
        let mut abc = AbcState::new(problem, settings, seed).expect("a valid problem");
        let post = abc.run(&sim, |_, _| {}).expect("a posterior");
        (abc, post)
    });
    let q = [0.05, 0.25, 0.5, 0.75, 0.95];
    let quantiles: serde_json::Map<String, serde_json::Value> = NAMES
        .iter()
        .enumerate()
        .map(|(j, n)| {
            (n.to_string(), json!(q.iter().map(|&a| post.quantile(j, a)).collect::<Vec<_>>()))
        })
        .collect();
    let generations: Vec<_> = abc
        .history()
        .iter()
        .map(|g| json!({"t": g.index, "epsilon": if g.epsilon.is_finite() { json!(g.epsilon) } else { json!(null) },
            "simulations": g.simulations, "acceptance_rate": g.acceptance_rate, "ess": g.ess, "complete": g.complete}))
        .collect();
    let out = json!({
        "tool": "symbiont-calibrate",
        "particles": particles,
        "total_simulations": abc.total_simulations(),
        "stop": abc.stopped().map(|s| s.to_string()),
        "mean": post.mean(),
        "sd": post.sd(),
        "quantiles": quantiles,
        "generations": generations,
    });
    println!("{out}");
}

fn sample_z(r: &mut Stream) -> f64 {
    StandardNormal.sample(r)
}
