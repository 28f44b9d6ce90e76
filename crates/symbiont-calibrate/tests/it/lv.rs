//! Lotka-Volterra predator-prey through our dynamics engine: ABC-SMC recovers the growth and
//! interaction rates of synthetic data with known parameters. (The comparison with pyABC on
//! the real lynx-hare series is `bench/calibrate_lv.py`.)

use rand_distr::{Distribution, StandardNormal};
use symbiont_calibrate::{AbcSettings, AbcState, Parallel, Problem, summarize};
use symbiont_dynamics::{F3, Lv, SimEnd, SimOptions, simulate};

use crate::{rng, uniform};

const NOISE: f64 = 0.1;

/// Log hare and lynx at t = 1..=20 from (30, 4), with lognormal observation noise.
fn lv(theta: &[f64], seed: u64) -> Result<Vec<f64>, String> {
    let f3 = F3 { alpha: theta[0], beta: theta[1], gamma: theta[2], delta: theta[3] };
    let sys = Lv::from_f3(f3).map_err(|e| e.to_string())?;
    let t: Vec<f64> = (1..=20).map(f64::from).collect();
    let opts = SimOptions {
        tol: symbiont_dynamics::ode::Tolerances { rtol: 1e-6, atol: 1e-8, max_steps: 20_000 },
        ..Default::default()
    };
    let tr = simulate(&sys, &[30.0, 4.0], 0.0, &t, &opts);
    if tr.outcome != SimEnd::Completed {
        return Err(tr.outcome.explain(&["hare".into(), "lynx".into()]));
    }
    let mut r = rng(seed);
    Ok(tr
        .x
        .iter()
        .flat_map(|x| [x[0], x[1]])
        .map(|v| v.max(1e-12).ln() + NOISE * sample_z(&mut r))
        .collect())
}

#[test]
fn abc_recovers_the_rates_of_a_known_predator_prey_system() {
    let truth = [0.55, 0.028, 0.84, 0.026];
    let observed = lv(&truth, 123).unwrap();
    let k = observed.len();
    let problem = Problem::new(
        vec!["alpha".into(), "beta".into(), "gamma".into(), "delta".into()],
        vec![uniform(0.2, 1.2), uniform(0.005, 0.08), uniform(0.3, 1.5), uniform(0.005, 0.08)],
        observed,
    )
    .with_sd(vec![NOISE; k]);
    let settings = AbcSettings { particles: 300, max_generations: 10, ..Default::default() };
    let mut abc = AbcState::new(problem, settings, 42).unwrap();
    let post = abc.run(&Parallel(lv), |_, _| {}).unwrap();
    let summary = summarize(&post, &abc.problem().priors);
    for (s, t) in summary.iter().zip(truth) {
        assert!(
            t >= s.quantiles[0] && t <= s.quantiles[4],
            "{}: truth {t} outside {:?}",
            s.name,
            s.quantiles
        );
        // Forty noisy statistics keep the tolerance near the noise floor (the curse of
        // dimension of ABC), so the posterior stays wider than the likelihood's; the data still
        // move every rate.
        assert!(s.contraction < 0.6, "{}: contraction {}", s.name, s.contraction);
    }
    // Failed simulations (blow-ups, too many steps) are counted, not fatal.
    let total: u64 = abc.history().iter().map(|g| g.simulations).sum();
    assert_eq!(total, abc.total_simulations());
}

fn sample_z(r: &mut symbiont_calibrate::Stream) -> f64 {
    StandardNormal.sample(r)
}
