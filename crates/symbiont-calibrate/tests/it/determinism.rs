//! The same seed gives the same posterior, bit for bit: on 1 or 4 threads, for any batch
//! size, and across a checkpoint (serialise, read back, continue).

use rand_distr::{Distribution, StandardNormal};
use symbiont_calibrate::{AbcSettings, AbcState, BatchSize, KernelScale, Parallel, Problem};

use crate::{bits, normal, rng, uniform};

/// A 2-parameter model with a nonlinear, noisy statistic and occasional failures (so that the
/// failure path is part of what must be reproducible).
fn model(theta: &[f64], seed: u64) -> Result<Vec<f64>, String> {
    let mut r = rng(seed);
    let z: [f64; 3] = std::array::from_fn(|_| StandardNormal.sample(&mut r));
    let (a, b) = (theta[0], theta[1]);
    if (seed >> 7).is_multiple_of(53) {
        return Err(format!("simulated failure at seed {seed}"));
    }
    Ok(vec![a + 0.3 * z[0], a * b + 0.3 * z[1], b.exp() + 0.3 * z[2]])
}

fn problem() -> Problem {
    Problem::new(
        vec!["a".into(), "b".into()],
        vec![normal(1.0, 1.0), uniform(-1.0, 1.0)],
        vec![1.2, 0.5, 1.4],
    )
}

fn settings(batch: BatchSize) -> AbcSettings {
    AbcSettings { particles: 200, batch, max_generations: 6, ..Default::default() }
}

fn run_on(threads: usize, batch: BatchSize) -> AbcState {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        let mut abc = AbcState::new(problem(), settings(batch), 2026).unwrap();
        abc.run(&Parallel(model), |_, _| {}).unwrap();
        abc
    })
}

#[test]
fn one_thread_and_four_threads_give_the_same_posterior() {
    let one = run_on(1, BatchSize::Fixed { size: 64 });
    let four = run_on(4, BatchSize::Fixed { size: 64 });
    assert_eq!(bits(&one.posterior().unwrap()), bits(&four.posterior().unwrap()));
    assert_eq!(one.history(), four.history());
    assert!(one.history().iter().any(|g| g.failures > 0), "the failure path was exercised");
}

#[test]
fn the_posterior_does_not_depend_on_the_batch_size() {
    let a = run_on(2, BatchSize::Fixed { size: 7 });
    let b = run_on(2, BatchSize::Fixed { size: 100 });
    let c = run_on(2, BatchSize::Auto);
    let pa = bits(&a.posterior().unwrap());
    assert_eq!(pa, bits(&b.posterior().unwrap()));
    assert_eq!(pa, bits(&c.posterior().unwrap()));
    // Only the simulations run past the last acceptance differ.
    for (x, y) in a.history().iter().zip(b.history()) {
        assert_eq!(
            (x.epsilon.to_bits(), x.attempts, x.ess.to_bits()),
            (y.epsilon.to_bits(), y.attempts, y.ess.to_bits())
        );
        assert!(x.simulations >= x.attempts && y.simulations >= y.attempts);
    }
}

#[test]
fn a_checkpoint_resumes_to_the_same_posterior_bit_for_bit() {
    for kernel in [KernelScale::Factor { factor: 2.0 }, KernelScale::Silverman { scaling: 1.0 }] {
        let s = AbcSettings { kernel, ..settings(BatchSize::Fixed { size: 32 }) };
        let mut whole = AbcState::new(problem(), s, 99).unwrap();
        whole.run(&Parallel(model), |_, _| {}).unwrap();

        let mut first = AbcState::new(problem(), s, 99).unwrap();
        for _ in 0..3 {
            first.step(&Parallel(model)).unwrap();
        }
        let text = serde_json::to_string(&first).unwrap();
        drop(first);
        let mut resumed: AbcState = serde_json::from_str(&text).unwrap();
        resumed.run(&Parallel(model), |_, _| {}).unwrap();

        assert_eq!(bits(&whole.posterior().unwrap()), bits(&resumed.posterior().unwrap()));
        assert_eq!(whole.history(), resumed.history());
        assert_eq!(whole, resumed);
    }
}

#[test]
fn a_stopped_sampler_refuses_to_step_and_says_why() {
    let mut abc = run_on(1, BatchSize::Fixed { size: 64 });
    let err = abc.step(&Parallel(model)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the sampler has stopped (the maximum number of generations); nothing more to run"
    );
}
