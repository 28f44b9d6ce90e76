//! Entropy weights (METHODS §5) on a 3 × 2 example computed by hand.

use expect_test::expect;
use symbiont_indices::{
    Criteria, Direction, EntropyOptions, IndexError, Standardisation, ZeroHandling, entropy_weights,
};

use crate::close;

/// a = [1, 2, 3] gives x' = [0, ½, 1], p = [0, ⅓, ⅔]; b = [5, 5, 6] gives x' = [0, 0, 1].
fn example() -> Criteria {
    Criteria::benefit(&["a", "b"], vec![vec![1.0, 5.0], vec![2.0, 5.0], vec![3.0, 6.0]])
}

#[test]
fn entropy_weights_match_the_hand_computation() {
    let w = entropy_weights(&example(), &EntropyOptions::default()).unwrap();
    let ln3 = 3f64.ln();
    // e_a = −(1/ln 3)(⅓ ln ⅓ + ⅔ ln ⅔); b has one non-zero share, so e_b = 0.
    let e_a = (ln3 / 3.0 + (2.0 / 3.0) * 1.5f64.ln()) / ln3;
    close(w.entropy[0], e_a, 1e-12);
    close(w.entropy[1], 0.0, 1e-12);
    let (d_a, d_b) = (1.0 - e_a, 1.0);
    close(w.weights[0], d_a / (d_a + d_b), 1e-12);
    close(w.weights[1], d_b / (d_a + d_b), 1e-12);
    close(w.weights[0], 0.296_082, 1e-6);
    // score = Σ w x': row 1 is 0, row 2 is ½ w_a, row 3 is 1.
    close(w.scores[0], 0.0, 1e-12);
    close(w.scores[1], 0.5 * w.weights[0], 1e-12);
    close(w.scores[2], 1.0, 1e-12);
}

#[test]
fn a_cost_indicator_is_flipped() {
    let c = example().with_directions(vec![Direction::Benefit, Direction::Cost]);
    let w = entropy_weights(&c, &EntropyOptions::default()).unwrap();
    // b as cost: x' = [1, 1, 0], p = [½, ½, 0], e = ln 2 / ln 3.
    close(w.entropy[1], 2f64.ln() / 3f64.ln(), 1e-12);
    close(w.standardised[2][1], 0.0, 0.0);
}

#[test]
fn zero_handling_variants_shift_and_rescale_x_prime() {
    let shift = EntropyOptions { zero: ZeroHandling::Shift { a: 0.01 }, ..Default::default() };
    let w = entropy_weights(&example(), &shift).unwrap();
    close(w.standardised[0][0], 0.01, 1e-15);
    close(w.standardised[2][0], 1.01, 1e-15);
    // With the shift, p_b = [0.01, 0.01, 1.01] / 1.03 and e_b is no longer 0.
    let p: [f64; 3] = [0.01 / 1.03, 0.01 / 1.03, 1.01 / 1.03];
    let e_b = -p.iter().map(|q| q * q.ln()).sum::<f64>() / 3f64.ln();
    close(w.entropy[1], e_b, 1e-12);

    let rescale =
        EntropyOptions { zero: ZeroHandling::Rescale { eps: 0.002 }, ..Default::default() };
    let w = entropy_weights(&example(), &rescale).unwrap();
    close(w.standardised[0][1], 0.002, 1e-15);
    close(w.standardised[2][1], 0.998, 1e-15);
    close(w.standardised[1][0], 0.002 + 0.996 * 0.5, 1e-15);
}

#[test]
fn the_standardisation_alternatives() {
    let c = Criteria::benefit(&["a"], vec![vec![1.0], vec![2.0], vec![4.0]]);
    let x = |s| symbiont_indices::standardise(&c, 0, s).unwrap();
    assert_eq!(x(Standardisation::MinMax), vec![0.0, 1.0 / 3.0, 1.0]);
    assert_eq!(x(Standardisation::MaxRatio), vec![0.25, 0.5, 1.0]);
    assert_eq!(x(Standardisation::Share), vec![1.0 / 7.0, 2.0 / 7.0, 4.0 / 7.0]);
    // mean 7/3, sample sd √(7/3); z + 3 for the first value.
    let z0 = (1.0 - 7.0 / 3.0) / (7.0f64 / 3.0).sqrt() + 3.0;
    close(x(Standardisation::ZScore { shift: 3.0 })[0], z0, 1e-12);
    let cost = c.clone().with_directions(vec![Direction::Cost]);
    let y = symbiont_indices::standardise(&cost, 0, Standardisation::MaxRatio).unwrap();
    assert_eq!(y, vec![1.0, 0.5, 0.25]);
}

fn err(c: &Criteria, o: &EntropyOptions) -> String {
    entropy_weights(c, o).unwrap_err().to_string()
}

#[test]
fn bad_input_gets_a_clear_message() {
    let flat = Criteria::benefit(&["a", "flat"], vec![vec![1.0, 7.0], vec![2.0, 7.0]]);
    expect![[r#"indicator "flat" has no variance: every value is 7, so it cannot separate the rows (min-max standardisation would divide by zero); drop the indicator or widen the pool of rows"#]]
        .assert_eq(&err(&flat, &EntropyOptions::default()));

    let negative = Criteria::benefit(&["a"], vec![vec![1.0], vec![-2.0]]);
    let ratio = EntropyOptions { standardisation: Standardisation::MaxRatio, ..Default::default() };
    expect![[r#"indicator "a" has the value -2 at row 2, but x/max standardisation needs values ≥ 0 (it takes ratios)"#]]
        .assert_eq(&err(&negative, &ratio));

    let one_row = Criteria::benefit(&["a"], vec![vec![1.0]]);
    expect!["the entropy method needs at least 2 rows, but the panel has 1 after filtering"]
        .assert_eq(&err(&one_row, &EntropyOptions::default()));

    let bad_shift = EntropyOptions { zero: ZeroHandling::Shift { a: -1.0 }, ..Default::default() };
    expect!["option zero = shift: a = -1; expected a positive number"]
        .assert_eq(&err(&example(), &bad_shift));
    assert!(matches!(
        entropy_weights(&flat, &EntropyOptions::default()),
        Err(IndexError::NoVariance { .. })
    ));
}
