//! The integrator against exact solutions (the shared test models), and simulation outcomes.

use symbiont_dynamics::ode::testmodels::{Logistic, PredatorPrey};
use symbiont_dynamics::ode::{Control, Dopri5, Integrator, Tolerances};
use symbiont_dynamics::*;

fn run<S: ode::OdeSystem>(sys: &S, y0: &[f64], t: &[f64], tol: Tolerances) -> Vec<f64> {
    let mut out = vec![0.0; y0.len() * t.len()];
    Dopri5::new(tol).integrate(sys, 0.0, y0, t, &mut out, &mut |_, _| Control::Continue).unwrap();
    out
}

#[test]
fn logistic_matches_closed_form_at_dense_output_points() {
    let m = Logistic { r: 0.7, k: 50.0 };
    let t: Vec<f64> = (0..=200).map(|k| k as f64 * 0.137).collect();
    let tol = Tolerances { rtol: 1e-10, atol: 1e-12, max_steps: 100_000 };
    let out = run(&m, &[0.5], &t, tol);
    let worst = t
        .iter()
        .zip(&out)
        .map(|(&t, &y)| ((y - m.exact(0.5, t)) / m.exact(0.5, t)).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-8, "worst relative error {worst:e}");
}

#[test]
fn logistic_error_follows_the_tolerance() {
    let m = Logistic { r: 1.3, k: 10.0 };
    let t = [0.0, 2.0, 5.0, 20.0];
    for rtol in [1e-4, 1e-6, 1e-8] {
        let out = run(&m, &[0.1], &t, Tolerances { rtol, atol: rtol * 1e-2, max_steps: 100_000 });
        for (k, &tk) in t.iter().enumerate() {
            let e = ((out[k] - m.exact(0.1, tk)) / m.exact(0.1, tk)).abs();
            assert!(e < 100.0 * rtol, "rtol {rtol}: error {e:e} at t = {tk}");
        }
    }
}

#[test]
fn predator_prey_conserves_its_first_integral() {
    let m = PredatorPrey { alpha: 0.55, beta: 0.028, gamma: 0.8, delta: 0.024 };
    let t: Vec<f64> = (0..=1000).map(|k| k as f64 * 0.1).collect();
    let out =
        run(&m, &[30.0, 4.0], &t, Tolerances { rtol: 1e-10, atol: 1e-10, max_steps: 100_000 });
    let h0 = m.invariant(30.0, 4.0);
    for k in 0..t.len() {
        let h = m.invariant(out[2 * k], out[2 * k + 1]);
        assert!(((h - h0) / h0).abs() < 1e-7, "H drifted to {h} from {h0} at t = {}", t[k]);
    }
}

#[test]
fn log_space_simulation_of_f3_conserves_the_integral_and_stays_positive() {
    let f3 = F3 { alpha: 0.55, beta: 0.028, gamma: 0.8, delta: 0.024 };
    let m = PredatorPrey { alpha: f3.alpha, beta: f3.beta, gamma: f3.gamma, delta: f3.delta };
    let lv = Lv::from_f3(f3).unwrap();
    let t: Vec<f64> = (0..=500).map(|k| k as f64 * 0.2).collect();
    let tr = simulate(&lv, &[30.0, 4.0], 0.0, &t, &SimOptions::default());
    assert_eq!(tr.outcome, SimEnd::Completed);
    let h0 = m.invariant(30.0, 4.0);
    for x in &tr.x {
        assert!(x[0] > 0.0 && x[1] > 0.0);
        assert!(((m.invariant(x[0], x[1]) - h0) / h0).abs() < 1e-6);
    }
}

#[test]
fn mutualism_with_product_at_least_one_is_reported_as_unbounded_growth() {
    let f1 = F1 {
        r: vec![0.5, 0.5],
        capacity: vec![10.0, 10.0],
        sigma: vec![0.0, 1.2, 1.1, 0.0],
        kinds: vec![UnitKind::Facultative; 2],
    };
    let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
    let t: Vec<f64> = (0..=100).map(|k| k as f64).collect();
    let tr = simulate(&lv, &[1.0, 1.0], 0.0, &t, &SimOptions::default());
    match tr.outcome {
        SimEnd::UnboundedGrowth { t, value, .. } => {
            assert!(t < 100.0 && value > 1e6 && value.is_finite());
            assert!(tr.x.iter().flatten().all(|v| v.is_finite() && *v >= 0.0));
            let text = tr.outcome.explain(&["park".into(), "tenants".into()]);
            assert!(text.contains("unbounded growth"), "{text}");
        }
        other => panic!("expected unbounded growth, got {other:?}"),
    }
}

#[test]
fn stable_mutualism_converges_to_e4_above_both_capacities() {
    let f1 = F1 {
        r: vec![0.5, 0.3],
        capacity: vec![100.0, 50.0],
        sigma: vec![0.0, 0.4, 0.5, 0.0],
        kinds: vec![UnitKind::Facultative; 2],
    };
    let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
    let tr = simulate(&lv, &[1.0, 1.0], 0.0, &[0.0, 500.0], &SimOptions::default());
    let d = 1.0 - 0.4 * 0.5;
    let e4 = [100.0 * 1.4 / d, 50.0 * 1.5 / d];
    let last = tr.x.last().unwrap();
    assert!((last[0] - e4[0]).abs() < 1e-5 * e4[0] && (last[1] - e4[1]).abs() < 1e-5 * e4[1]);
    assert!(last[0] > 100.0 && last[1] > 50.0, "1 + 1 > 2");
}

#[test]
fn competitive_exclusion_drives_a_unit_towards_zero_never_below() {
    let f1 = F1 {
        r: vec![0.5, 0.5],
        capacity: vec![10.0, 10.0],
        sigma: vec![0.0, -0.5, -1.5, 0.0],
        kinds: vec![UnitKind::Facultative; 2],
    };
    let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
    let t: Vec<f64> = (0..=400).map(|k| k as f64).collect();
    let tr = simulate(&lv, &[5.0, 5.0], 0.0, &t, &SimOptions::default());
    assert_eq!(tr.outcome, SimEnd::Completed);
    assert!(tr.x.iter().all(|x| x[0] >= 0.0 && x[1] >= 0.0));
    let last = tr.x.last().unwrap();
    assert!((last[0] - 10.0).abs() < 1e-4 && last[1] < 1e-6);
}

#[test]
fn a_unit_starting_at_zero_stays_at_zero() {
    let lv = Lv::new(vec![0.5, 0.5], vec![-0.05, 0.01, 0.01, -0.05]).unwrap();
    let tr = simulate(&lv, &[0.0, 2.0], 0.0, &[0.0, 10.0, 100.0], &SimOptions::default());
    assert!(tr.x.iter().all(|x| x[0] == 0.0));
    assert!((tr.x[2][1] - 10.0).abs() < 1e-6);
}

mod properties {
    use proptest::prelude::*;
    use symbiont_dynamics::ode::testmodels::Logistic;
    use symbiont_dynamics::ode::{Control, Dopri5, Integrator, Tolerances};

    proptest! {
        #[test]
        fn dense_output_meets_the_tolerance_for_random_logistics(
            r in 0.05f64..3.0, k in 0.1f64..1e6, frac in 1e-4f64..2.0, t_end in 1.0f64..80.0,
        ) {
            let m = Logistic { r, k };
            let x0 = k * frac;
            let t: Vec<f64> = (0..=50).map(|i| t_end * i as f64 / 50.0).collect();
            let mut out = vec![0.0; t.len()];
            let tol = Tolerances { rtol: 1e-9, atol: 1e-12 * k, max_steps: 100_000 };
            Dopri5::new(tol).integrate(&m, 0.0, &[x0], &t, &mut out, &mut |_, _| Control::Continue).unwrap();
            for (tk, y) in t.iter().zip(&out) {
                let e = m.exact(x0, *tk);
                prop_assert!(((y - e) / e).abs() < 1e-6, "t {} y {} exact {}", tk, y, e);
            }
        }
    }
}
