//! Equilibria and stability: the two-unit table of METHODS §1.3 as properties of the general
//! n-unit search, plus n-unit facts.

use proptest::prelude::*;
use symbiont_dynamics::*;

fn two(r: (f64, f64), n: (f64, f64), s12: f64, s21: f64) -> Lv {
    let f1 = F1 {
        r: vec![r.0, r.1],
        capacity: vec![n.0, n.1],
        sigma: vec![0.0, s12, s21, 0.0],
        kinds: vec![UnitKind::Facultative; 2],
    };
    Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap()
}

fn point<'a>(e: &'a Equilibria, support: &[usize]) -> Option<&'a Equilibrium> {
    e.points.iter().find(|p| p.support == support)
}

/// σ away from the bifurcation values −1 and σ12·σ21 = 1, where stability is not decided by
/// the linearisation.
fn sigma_pair() -> impl Strategy<Value = (f64, f64)> {
    (-3.0f64..3.0, -3.0f64..3.0).prop_filter("away from bifurcations", |(a, b)| {
        (a + 1.0).abs() > 1e-3 && (b + 1.0).abs() > 1e-3 && (a * b - 1.0).abs() > 1e-3
    })
}

proptest! {
    #[test]
    fn two_unit_table_falls_out_of_the_general_search(
        r in (0.05f64..3.0, 0.05f64..3.0),
        n in (0.1f64..1e3, 0.1f64..1e3),
        (s12, s21) in sigma_pair(),
    ) {
        let lv = two(r, n, s12, s21);
        let e = equilibria(&lv);
        prop_assert!(e.degenerate.is_empty());
        prop_assert_eq!(e.points.len(), 4);
        // E1 = (0, 0): never stable, eigenvalues r1, r2.
        let e1 = point(&e, &[]).unwrap();
        prop_assert_eq!(e1.stability, Stability::Unstable);
        prop_assert_eq!(e1.kind, PointType::Node);
        // E2 = (N1, 0): stable iff σ21 < −1.
        let e2 = point(&e, &[0]).unwrap();
        prop_assert!((e2.x[0] - n.0).abs() < 1e-9 * n.0);
        prop_assert_eq!(e2.stability == Stability::Stable, s21 < -1.0);
        // E3 = (0, N2): stable iff σ12 < −1.
        let e3 = point(&e, &[1]).unwrap();
        prop_assert!((e3.x[1] - n.1).abs() < 1e-9 * n.1);
        prop_assert_eq!(e3.stability == Stability::Stable, s12 < -1.0);
        // E4: the closed form, stable iff σ12 > −1, σ21 > −1 and σ12σ21 < 1.
        let e4 = point(&e, &[0, 1]).unwrap();
        let d = 1.0 - s12 * s21;
        let x = [n.0 * (1.0 + s12) / d, n.1 * (1.0 + s21) / d];
        prop_assert!((e4.x[0] - x[0]).abs() < 1e-8 * x[0].abs().max(n.0));
        prop_assert!((e4.x[1] - x[1]).abs() < 1e-8 * x[1].abs().max(n.1));
        let stable = e4.feasible && e4.stability == Stability::Stable;
        prop_assert_eq!(stable, s12 > -1.0 && s21 > -1.0 && s12 * s21 < 1.0);
        // A stable E4 is a node or a focus; bistable competition makes it a saddle.
        if stable {
            prop_assert!(matches!(e4.kind, PointType::Node | PointType::Focus));
        }
        if s12 < -1.0 && s21 < -1.0 {
            prop_assert_eq!(e4.kind, PointType::Saddle);
            prop_assert_eq!(e.stable().count(), 2);
        }
        // Mutualism with a finite equilibrium: both above their stand-alone capacity.
        if s12 > 0.0 && s21 > 0.0 && s12 * s21 < 1.0 {
            prop_assert!(e4.x[0] > n.0 && e4.x[1] > n.1);
        }
    }

    #[test]
    fn n_unit_interior_point_solves_i_minus_sigma(
        s in prop::collection::vec(-0.3f64..0.3, 9),
        r in prop::collection::vec(0.1f64..2.0, 3),
        cap in prop::collection::vec(1.0f64..100.0, 3),
    ) {
        let mut sigma = s;
        for i in 0..3 { sigma[i * 3 + i] = 0.0; }
        let f1 = F1 { r: r.clone(), capacity: cap.clone(), sigma: sigma.clone(), kinds: vec![UnitKind::Facultative; 3] };
        let lv = Lv::from_f1(&f1, SignConvention::BenefitPositive).unwrap();
        let e = equilibria(&lv);
        prop_assert_eq!(e.points.len(), 8);
        let p = point(&e, &[0, 1, 2]).unwrap();
        // (I − Σ) u = 1 with u = x/N.
        for i in 0..3 {
            let mut lhs = p.x[i] / cap[i];
            for j in 0..3 { lhs -= sigma[i * 3 + j] * p.x[j] / cap[j]; }
            prop_assert!((lhs - 1.0).abs() < 1e-9);
        }
        // Weak interactions (row sums < 1): the interior point is feasible and stable.
        prop_assert!(p.feasible && p.stability == Stability::Stable);
    }
}

#[test]
fn predator_prey_interior_point_is_a_center() {
    let lv = Lv::from_f3(F3 { alpha: 0.55, beta: 0.028, gamma: 0.8, delta: 0.024 }).unwrap();
    let e = equilibria(&lv);
    let p = point(&e, &[0, 1]).unwrap();
    assert!((p.x[0] - 0.8 / 0.024).abs() < 1e-9 && (p.x[1] - 0.55 / 0.028).abs() < 1e-9);
    assert_eq!((p.kind, p.stability), (PointType::Center, Stability::Neutral));
    // F3 units have no self-limitation: single-unit supports are singular, reported as such.
    assert_eq!(e.degenerate, vec![vec![0], vec![1]]);
}
