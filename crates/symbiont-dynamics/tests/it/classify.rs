//! Mode classification: the table of METHODS §1.2 with zero rules and symmetry tolerances.

use expect_test::{Expect, expect};
use symbiont_dynamics::*;

fn check(opts: ClassifyOptions, cases: &[(f64, f64)], expect: Expect) {
    let out: Vec<String> = cases
        .iter()
        .map(|&(a, b)| format!("{a} {b} -> {}", opts.classify(Coef::exact(a), Coef::exact(b))))
        .collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn every_mode_of_the_table_with_a_band() {
    let opts =
        ClassifyOptions { zero: ZeroRule::Band(0.05), symmetry: SymmetryTol::Absolute(0.02) };
    check(
        opts,
        &[
            (0.01, -0.03),
            (0.4, 0.0),
            (0.0, 0.4),
            (0.4, -0.3),
            (-0.3, 0.4),
            (0.3, 0.31),
            (0.5, 0.2),
            (0.2, 0.5),
            (-0.4, -0.2),
            (-0.4, 0.02),
            (0.04, -0.4),
        ],
        expect![[r#"
            0.01 -0.03 -> independence
            0.4 0 -> commensalism (1 gains)
            0 0.4 -> commensalism (2 gains)
            0.4 -0.3 -> parasitism (1 gains)
            -0.3 0.4 -> parasitism (2 gains)
            0.3 0.31 -> symmetric mutualism
            0.5 0.2 -> asymmetric mutualism (1 gains more)
            0.2 0.5 -> asymmetric mutualism (2 gains more)
            -0.4 -0.2 -> competition
            -0.4 0.02 -> amensalism (1 harmed)
            0.04 -0.4 -> amensalism (2 harmed)"#]],
    );
}

#[test]
fn relative_symmetry_tolerance_scales_with_the_coefficients() {
    let opts = ClassifyOptions { zero: ZeroRule::Band(0.0), symmetry: SymmetryTol::Relative(0.1) };
    check(
        opts,
        &[(1.0, 0.92), (1.0, 0.85), (0.01, 0.0095)],
        expect![[r#"
            1 0.92 -> symmetric mutualism
            1 0.85 -> asymmetric mutualism (1 gains more)
            0.01 0.0095 -> symmetric mutualism"#]],
    );
}

#[test]
fn p_value_rule_zeroes_insignificant_coefficients() {
    let opts =
        ClassifyOptions { zero: ZeroRule::PValue(0.05), symmetry: SymmetryTol::Relative(0.1) };
    let m = opts.classify(Coef { value: 0.8, p: Some(0.01) }, Coef { value: -0.5, p: Some(0.4) });
    assert_eq!(m.to_string(), "commensalism (1 gains)");
    let m = opts.classify(Coef { value: 0.8, p: Some(0.01) }, Coef { value: -0.5, p: Some(0.04) });
    assert_eq!(m.to_string(), "parasitism (1 gains)");
}

#[test]
fn matrix_for_three_units() {
    let opts = ClassifyOptions::default();
    let s = [0.0, 0.5, -0.3, 0.2, 0.0, 0.0, 0.4, -0.2, 0.0];
    let coef: Vec<Coef> = s.iter().map(|&v| Coef::exact(v)).collect();
    let m = opts.classify_matrix(3, &coef);
    let text: Vec<String> = m
        .iter()
        .enumerate()
        .map(|(k, v)| {
            format!("({},{}) {}", k / 3 + 1, k % 3 + 1, v.map_or("-".into(), |m| m.to_string()))
        })
        .collect();
    expect![[r#"
        (1,1) -
        (1,2) asymmetric mutualism (1 gains more)
        (1,3) parasitism (2 gains)
        (2,1) asymmetric mutualism (2 gains more)
        (2,2) -
        (2,3) amensalism (2 harmed)
        (3,1) parasitism (1 gains)
        (3,2) amensalism (1 harmed)
        (3,3) -"#]]
    .assert_eq(&text.join("\n"));
}

mod properties {
    use proptest::prelude::*;
    use symbiont_dynamics::*;

    proptest! {
        #[test]
        fn swapping_the_units_swaps_the_mode(a in -2.0f64..2.0, b in -2.0f64..2.0, eps in 0.0f64..0.3, tau in 0.0f64..0.5) {
            let opts = ClassifyOptions { zero: ZeroRule::Band(eps), symmetry: SymmetryTol::Absolute(tau) };
            let m = opts.classify(Coef::exact(a), Coef::exact(b));
            prop_assert_eq!(opts.classify(Coef::exact(b), Coef::exact(a)), m.swapped());
        }

        #[test]
        fn the_sign_pattern_decides_the_family(a in -2.0f64..2.0, b in -2.0f64..2.0) {
            let opts = ClassifyOptions { zero: ZeroRule::Band(0.1), symmetry: SymmetryTol::Relative(0.1) };
            let key = opts.classify(Coef::exact(a), Coef::exact(b)).key();
            let s = |x: f64| if x.abs() <= 0.1 { 0 } else if x > 0.0 { 1 } else { -1 };
            let expected = match (s(a), s(b)) {
                (0, 0) => "independence",
                (1, 0) | (0, 1) => "commensalism",
                (1, -1) | (-1, 1) => "parasitism",
                (-1, -1) => "competition",
                (-1, 0) | (0, -1) => "amensalism",
                _ => if (a - b).abs() <= 0.1 * a.abs().max(b.abs()) { "symmetric_mutualism" } else { "asymmetric_mutualism" },
            };
            prop_assert_eq!(key, expected);
        }
    }
}
