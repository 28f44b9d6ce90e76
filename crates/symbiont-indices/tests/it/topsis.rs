//! TOPSIS (METHODS §5): both weight placements, both normalisations, hand-computed.

use expect_test::expect;
use symbiont_indices::{
    Criteria, Direction, Normalisation, TopsisOptions, WeightPlacement, WeightSource, topsis,
};

use crate::close;

fn opts(normalisation: Normalisation, placement: WeightPlacement) -> TopsisOptions {
    TopsisOptions { normalisation, placement, weights: WeightSource::Given }
}

#[test]
fn vector_normalisation_squared_weights_by_hand() {
    // z1 = [.6, .8, 0], z2 = [0, .6, .8]; v = w z with w = (.8, .2).
    let c = Criteria::benefit(&["x1", "x2"], vec![vec![3.0, 0.0], vec![4.0, 3.0], vec![0.0, 4.0]]);
    let t =
        topsis(&c, &[0.8, 0.2], &opts(Normalisation::Vector, WeightPlacement::Squared)).unwrap();
    // Row 1: D+ = .16√2, D− = .48.  Row 2: D+ = .04, D− = √.424.  Row 3: D+ = .64, D− = .16.
    close(t.closeness[0], 0.48 / (0.48 + 0.16 * 2f64.sqrt()), 1e-12);
    close(t.closeness[1], 0.424f64.sqrt() / (0.424f64.sqrt() + 0.04), 1e-12);
    close(t.closeness[2], 0.2, 1e-12);
    assert_eq!(t.rank, vec![2, 1, 3]);
}

#[test]
fn vector_normalisation_linear_weights_by_hand() {
    let c = Criteria::benefit(&["x1", "x2"], vec![vec![3.0, 0.0], vec![4.0, 3.0], vec![0.0, 4.0]]);
    let t = topsis(&c, &[0.8, 0.2], &opts(Normalisation::Vector, WeightPlacement::Linear)).unwrap();
    // Row 1: D+ = √(.8·.04 + .2·.64) = .4, D− = √(.8·.36).  Row 3: exactly 1/3.
    close(t.closeness[0], 0.288f64.sqrt() / (0.288f64.sqrt() + 0.4), 1e-12);
    close(t.closeness[2], 1.0 / 3.0, 1e-12);
}

#[test]
fn the_weight_placement_changes_the_ranking() {
    // a = 3/√89, b = 6/√50: squared C1 = 3a/(3a+b), linear C1 = √3a/(√3a+b).
    let c = Criteria::benefit(&["x1", "x2"], vec![vec![8.0, 1.0], vec![5.0, 7.0]]);
    let w = [0.75, 0.25];
    let sq = topsis(&c, &w, &opts(Normalisation::Vector, WeightPlacement::Squared)).unwrap();
    let lin = topsis(&c, &w, &opts(Normalisation::Vector, WeightPlacement::Linear)).unwrap();
    let (a, b) = (3.0 / 89f64.sqrt(), 6.0 / 50f64.sqrt());
    close(sq.closeness[0], 3.0 * a / (3.0 * a + b), 1e-12);
    close(lin.closeness[0], 3f64.sqrt() * a / (3f64.sqrt() * a + b), 1e-12);
    assert_eq!(sq.rank, vec![1, 2]);
    assert_eq!(lin.rank, vec![2, 1]);
}

#[test]
fn cost_indicators_and_min_max_normalisation() {
    // x2 is a cost: its ideal is the smallest value.
    let c =
        Criteria::benefit(&["x1", "x2"], vec![vec![1.0, 10.0], vec![3.0, 30.0], vec![2.0, 20.0]])
            .with_directions(vec![Direction::Benefit, Direction::Cost]);
    let t =
        topsis(&c, &[0.5, 0.5], &opts(Normalisation::MinMax, WeightPlacement::Squared)).unwrap();
    // x' = (0,1), (1,0), (½,½): rows 1 and 2 are mirror images, row 3 is in the middle.
    close(t.closeness[0], 0.5, 1e-12);
    close(t.closeness[1], 0.5, 1e-12);
    close(t.closeness[2], 0.5, 1e-12);
    let t =
        topsis(&c, &[0.9, 0.1], &opts(Normalisation::MinMax, WeightPlacement::Squared)).unwrap();
    // Row 2: D+ = .1, D− = .9 → 0.9.
    close(t.closeness[1], 0.9, 1e-12);
}

#[test]
fn bad_input_gets_a_clear_message() {
    let c = Criteria::benefit(&["x1", "x2"], vec![vec![1.0, -2.0], vec![2.0, 3.0]]);
    let e = topsis(&c, &[0.5, 0.5], &opts(Normalisation::Vector, WeightPlacement::Squared))
        .unwrap_err();
    expect![[r#"indicator "x2" has the value -2 at row 1, but TOPSIS vector normalisation needs values ≥ 0 (it divides by the column norm); use min-max instead"#]]
        .assert_eq(&e.to_string());
    let e = topsis(&c, &[0.7, 0.7], &opts(Normalisation::MinMax, WeightPlacement::Squared))
        .unwrap_err();
    expect!["weights for TOPSIS: they sum to 1.4; expected 1"].assert_eq(&e.to_string());
    let flat = Criteria::benefit(&["x1", "x2"], vec![vec![1.0, 3.0], vec![1.0, 3.0]]);
    let e = topsis(&flat, &[0.5, 0.5], &opts(Normalisation::Vector, WeightPlacement::Squared))
        .unwrap_err();
    expect![[r#"indicator "x1" (like every other indicator with a positive weight) has no variance: every value is 1, so it cannot separate the rows (min-max standardisation would divide by zero); drop the indicator or widen the pool of rows"#]]
        .assert_eq(&e.to_string());
}
