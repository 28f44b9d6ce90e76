//! Forms F1, F2, F3 and their exact conversions.

use proptest::prelude::*;
use symbiont_dynamics::*;

fn f1_strategy(n: usize) -> impl Strategy<Value = F1> {
    (
        prop::collection::vec(0.05f64..3.0, n),
        prop::collection::vec(0.1f64..1e4, n),
        prop::collection::vec(-2.0f64..2.0, n * n),
        prop::collection::vec(any::<bool>(), n),
    )
        .prop_map(move |(r, capacity, mut sigma, ob)| {
            for i in 0..n {
                sigma[i * n + i] = 0.0;
            }
            let kinds = ob
                .into_iter()
                .map(|o| if o { UnitKind::Obligate } else { UnitKind::Facultative })
                .collect();
            F1 { r, capacity, sigma, kinds }
        })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #[test]
    fn f1_to_f2_to_f1_round_trips(f1 in (2usize..5).prop_flat_map(f1_strategy)) {
        let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
        let back = lv.to_f1().unwrap();
        prop_assert_eq!(&back.kinds, &f1.kinds);
        for (a, b) in f1.r.iter().zip(&back.r).chain(f1.capacity.iter().zip(&back.capacity)).chain(f1.sigma.iter().zip(&back.sigma)) {
            prop_assert!(close(*a, *b), "{} vs {}", a, b);
        }
    }

    #[test]
    fn f3_to_f2_to_f3_round_trips(a in 0.01f64..2.0, b in 0.001f64..1.0, g in 0.01f64..2.0, d in 0.001f64..1.0) {
        let f3 = F3 { alpha: a, beta: b, gamma: g, delta: d };
        prop_assert_eq!(Lv::from_f3(f3).unwrap().to_f3().unwrap(), f3);
    }

    #[test]
    fn f2_with_self_limitation_round_trips_through_f1(
        r in prop::collection::vec(prop_oneof![0.05f64..2.0, -2.0f64..-0.05], 3),
        diag in prop::collection::vec(-1.0f64..-1e-3, 3),
        off in prop::collection::vec(-1.0f64..1.0, 9),
    ) {
        let mut a = off;
        for i in 0..3 { a[i * 3 + i] = diag[i]; }
        let lv = Lv::new(r, a).unwrap();
        let kinds = lv.to_f1().unwrap();
        let back = Lv::from_f1(&kinds, SignConvention::BenefitPositive).unwrap();
        for (x, y) in lv.r.iter().zip(&back.r).chain(lv.a.iter().zip(&back.a)) {
            prop_assert!(close(*x, *y), "{} vs {}", x, y);
        }
    }

    #[test]
    fn the_competition_convention_negates_sigma(s in -2.0f64..2.0) {
        let mk = |s: f64| F1 { r: vec![1.0, 1.0], capacity: vec![2.0, 3.0], sigma: vec![0.0, s, 0.0, 0.0], kinds: vec![UnitKind::Facultative; 2] };
        let a = Lv::from_f1(&mk(s), SignConvention::CompetitionPositive).unwrap();
        let b = Lv::from_f1(&mk(-s), SignConvention::BenefitPositive).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn gause_alpha_relates_to_sigma(f1 in f1_strategy(2)) {
        let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
        // σ_12 = −α_12 N_2 / N_1.
        let alpha = lv.gause_alpha(0, 1).unwrap();
        prop_assert!(close(f1.sigma[1], -alpha * f1.capacity[1] / f1.capacity[0]));
    }
}

#[test]
fn obligate_unit_has_a_negative_linear_term() {
    let f1 = F1 {
        r: vec![0.4, 0.2],
        capacity: vec![10.0, 5.0],
        sigma: vec![0.0, 2.0, 0.1, 0.0],
        kinds: vec![UnitKind::Obligate, UnitKind::Facultative],
    };
    let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
    assert_eq!(lv.r, vec![-0.4, 0.2]);
    // dx/dt = r x (−1 − x/N + σ y/M): alone, the obligate unit declines.
    assert!(lv.per_capita(0, &[1.0, 0.0]) < 0.0);
    assert!(lv.per_capita(0, &[1.0, 5.0]) > 0.0);
}

#[test]
fn forms_that_cannot_be_represented_say_why() {
    let f3 = Lv::from_f3(F3 { alpha: 0.5, beta: 0.02, gamma: 0.8, delta: 0.02 }).unwrap();
    expect_test::expect![[r#"not representable in form F1: unit 1 has no self-limitation (a_11 = 0 ≥ 0), so no finite capacity N"#]]
        .assert_eq(&f3.to_f1().unwrap_err().to_string());
    let lv = Lv::new(vec![1.0, 1.0], vec![-1.0, 0.0, 0.0, -1.0]).unwrap();
    expect_test::expect![[
        r#"not representable in form F3: F3 has no self-limitation (a_11 = a_22 = 0)"#
    ]]
    .assert_eq(&lv.to_f3().unwrap_err().to_string());
}
