//! Criterion benches on the shared test models. `bench/dynamics_vs_scipy.py` runs these and
//! scipy on the same problems in one go.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use symbiont_dynamics::ode::testmodels::{Logistic, PredatorPrey};
use symbiont_dynamics::ode::{Control, Dopri5, Integrator, Tolerances};
use symbiont_dynamics::simulate::LinearLv;
use symbiont_dynamics::*;

/// The 2-unit LV of the scipy comparison: F1 asymmetric mutualism, x0 = (10, 5).
pub fn lv2() -> Lv {
    let f1 = F1 {
        r: vec![0.35, 0.25],
        capacity: vec![120.0, 80.0],
        sigma: vec![0.0, 0.45, 0.30, 0.0],
        kinds: vec![UnitKind::Facultative; 2],
    };
    Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap()
}

fn lynx_hare() -> Series {
    let text = include_str!("../../../data/lynx_hare.csv");
    let (mut t, mut hare, mut lynx) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.trim().parse().unwrap()).collect();
        t.push(v[0] - 1900.0);
        lynx.push(v[1]);
        hare.push(v[2]);
    }
    Series::new(vec!["Hare".into(), "Lynx".into()], t, vec![hare, lynx]).unwrap()
}

fn benches(c: &mut Criterion) {
    let tol = Tolerances { rtol: 1e-6, atol: 1e-6, max_steps: 100_000 };
    let t_out: Vec<f64> = (0..=100).map(f64::from).collect();
    let lv = lv2();
    let mut solver = Dopri5::new(tol);
    let mut out = vec![0.0; 2 * t_out.len()];
    c.bench_function("lv2_t100_rtol1e-6", |b| {
        b.iter(|| {
            solver
                .integrate(
                    &LinearLv(black_box(&lv)),
                    0.0,
                    &[10.0, 5.0],
                    &t_out,
                    &mut out,
                    &mut |_, _| Control::Continue,
                )
                .unwrap();
            black_box(out[out.len() - 1])
        })
    });
    let pp = PredatorPrey { alpha: 0.55, beta: 0.028, gamma: 0.8, delta: 0.024 };
    c.bench_function("predator_prey_t100_rtol1e-6", |b| {
        b.iter(|| {
            solver
                .integrate(black_box(&pp), 0.0, &[30.0, 4.0], &t_out, &mut out, &mut |_, _| {
                    Control::Continue
                })
                .unwrap();
            black_box(out[out.len() - 1])
        })
    });
    let lg = Logistic { r: 0.7, k: 50.0 };
    let mut out1 = vec![0.0; t_out.len()];
    c.bench_function("logistic_t100_rtol1e-6", |b| {
        b.iter(|| {
            solver
                .integrate(black_box(&lg), 0.0, &[0.5], &t_out, &mut out1, &mut |_, _| {
                    Control::Continue
                })
                .unwrap();
            black_box(out1[out1.len() - 1])
        })
    });
    let s = lynx_hare();
    let opts = FitOptions {
        estimator: Estimator::E2,
        form: Form::F3,
        residual: ResidualScale::Log,
        initial: InitialValues::Free,
        ..Default::default()
    };
    c.bench_function("lynx_hare_fit_e2_log_free", |b| {
        b.iter(|| black_box(fit(black_box(&s), &opts).unwrap()))
    });
    let opts_raw =
        FitOptions { residual: ResidualScale::Raw, initial: InitialValues::Fixed, ..opts };
    c.bench_function("lynx_hare_fit_e2_raw_fixed", |b| {
        b.iter(|| black_box(fit(black_box(&s), &opts_raw).unwrap()))
    });
}

criterion_group!(dynamics, benches);
criterion_main!(dynamics);
