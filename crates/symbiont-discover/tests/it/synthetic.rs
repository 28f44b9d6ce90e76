//! Known boxes recovered, determinism on 1 and 2 threads, and bad input as errors.

use symbiont_discover::cart::{CartParams, cart_binary, cart_regression};
use symbiont_discover::prim::{PrimParams, prim, prim_boxes, resample};
use symbiont_discover::scoring::{ScoreParams, extra_trees_binary, extra_trees_regression};
use symbiont_discover::{Column, DiscoverError, Inputs, Limit};

/// A fixed pseudo-random unit number (SplitMix64 of the index), so the data need no RNG.
fn u(i: u64, stream: u64) -> f64 {
    (symbiont_model::seed::derive(stream, &[i]) >> 11) as f64 / (1u64 << 53) as f64
}

/// n points of three uniform inputs; cases where a > 0.6 and b < 0.3.
fn boxed(n: u64) -> (Inputs, Vec<bool>) {
    let a: Vec<f64> = (0..n).map(|i| u(i, 1)).collect();
    let b: Vec<f64> = (0..n).map(|i| u(i, 2)).collect();
    let c: Vec<f64> = (0..n).map(|i| u(i, 3)).collect();
    let y = a.iter().zip(&b).map(|(a, b)| *a > 0.6 && *b < 0.3).collect();
    let x = Inputs::new(vec![Column::real("a", a), Column::real("b", b), Column::real("c", c)])
        .unwrap();
    (x, y)
}

fn range(l: &Limit) -> (f64, f64) {
    match l {
        Limit::Range { low, high } => (*low, *high),
        Limit::Set(_) => panic!("expected a range"),
    }
}

fn on_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap().install(f)
}

#[test]
fn prim_recovers_a_known_box() {
    let (x, y) = boxed(4000);
    let b = prim(&x, &y, &PrimParams::default()).unwrap();
    let last = b.trajectory.last().unwrap();
    assert_eq!(last.restricted, vec![0, 1], "restricts a and b, not c");
    let (a_lo, a_hi) = range(&last.limits.limits[0]);
    let (b_lo, b_hi) = range(&last.limits.limits[1]);
    assert!((a_lo - 0.6).abs() < 0.03 && a_hi > 0.99, "a in [{a_lo}, {a_hi}]");
    assert!((b_hi - 0.3).abs() < 0.03 && b_lo < 0.01, "b in [{b_lo}, {b_hi}]");
    assert!(last.density > 0.97, "density {}", last.density);
    assert!(last.coverage > 0.9, "coverage {}", last.coverage);
    for q in &last.quasi_p {
        assert!(q.worst() < 1e-10, "restriction {} is significant: {q:?}", q.input);
    }
    // The trajectory's coverage never rises while peeling, and its density rises.
    let peel: Vec<_> = b.trajectory.iter().filter(|s| !s.pasted).collect();
    assert!(peel.windows(2).all(|w| w[1].coverage <= w[0].coverage && w[1].density > w[0].density));
}

#[test]
fn a_second_box_is_found_on_the_points_left() {
    // Two separate boxes of cases: a > 0.8, and a < 0.3 with b > 0.9.
    let n = 4000;
    let a: Vec<f64> = (0..n).map(|i| u(i, 4)).collect();
    let b: Vec<f64> = (0..n).map(|i| u(i, 5)).collect();
    let y: Vec<bool> = a.iter().zip(&b).map(|(a, b)| *a > 0.8 || (*a < 0.3 && *b > 0.9)).collect();
    let x = Inputs::new(vec![Column::real("a", a), Column::real("b", b)]).unwrap();
    let boxes = prim_boxes(&x, &y, &PrimParams::default(), 2).unwrap();
    assert_eq!(boxes.len(), 2);
    let first = boxes[0].trajectory.last().unwrap();
    let second = boxes[1].trajectory.last().unwrap();
    assert!(range(&first.limits.limits[0]).0 > 0.75, "{:?}", first.limits);
    // The second cluster is 3% of the points, under mass_min (5%): the box stops at 5%.
    assert!(range(&second.limits.limits[0]).1 < 0.5, "{:?}", second.limits);
    assert!(range(&second.limits.limits[1]).0 > 0.85, "{:?}", second.limits);
    assert!(second.density > 0.5, "{}", second.density);
}

#[test]
fn prim_restricts_categories_and_integers() {
    let n = 3000u64;
    let level: Vec<f64> = (0..n).map(|i| (u(i, 6) * 3.0).floor()).collect();
    let plots: Vec<f64> = (0..n).map(|i| 20.0 + (u(i, 7) * 41.0).floor()).collect();
    let y: Vec<bool> = level.iter().zip(&plots).map(|(l, p)| *l == 2.0 && *p < 40.0).collect();
    let x = Inputs::new(vec![
        Column::categorical("window", vec!["none".into(), "serial".into(), "one".into()], level),
        Column::integer("plots", plots),
    ])
    .unwrap();
    let last = prim(&x, &y, &PrimParams::default()).unwrap().trajectory.pop().unwrap();
    assert_eq!(last.limits.limits[0], Limit::Set(vec![2]));
    let (_, hi) = range(&last.limits.limits[1]);
    assert!((38.0..=40.0).contains(&hi), "plots up to {hi}");
    assert!(last.density > 0.95);
}

#[test]
fn cart_finds_the_box_as_a_pure_leaf() {
    let (x, y) = boxed(4000);
    let t = cart_binary(&x, &y, &CartParams::default()).unwrap();
    let pure = t
        .leaves
        .iter()
        .filter(|l| l.density == Some(1.0))
        .max_by(|a, b| a.mass.total_cmp(&b.mass))
        .expect("a pure leaf");
    let (a_lo, _) = range(&pure.limits.limits[0]);
    let (_, b_hi) = range(&pure.limits.limits[1]);
    assert!((a_lo - 0.6).abs() < 0.01 && (b_hi - 0.3).abs() < 0.01, "{:?}", pure.limits);
    assert!(pure.coverage.unwrap() > 0.95);
    // The leaves partition the points.
    let mass: f64 = t.leaves.iter().map(|l| l.mass).sum();
    assert!((mass - 1.0).abs() < 1e-9, "{mass}");
    // Regression: the step function y = 10 [a > 0.5] is found at the first split.
    let ys: Vec<f64> =
        x.column(0).values.iter().map(|&a| if a > 0.5 { 10.0 } else { 0.0 }).collect();
    let r = cart_regression(&x, &ys, &CartParams::default()).unwrap();
    assert_eq!(r.leaves.len(), 2, "a pure split ends the tree");
    assert_eq!(r.leaves[0].value, vec![0.0]);
    assert_eq!(r.leaves[1].value, vec![10.0]);
}

#[test]
fn scores_rank_the_box_inputs_first_and_do_not_depend_on_threads() {
    let (x, y) = boxed(2000);
    let p = ScoreParams { seed: 11, ..ScoreParams::default() };
    let one = on_threads(1, || extra_trees_binary(&x, &y, &p).unwrap());
    let two = on_threads(2, || extra_trees_binary(&x, &y, &p).unwrap());
    assert_eq!(one, two, "bit-identical on 1 and 2 threads");
    assert!((one.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(one[0] > 3.0 * one[2] && one[1] > 3.0 * one[2], "{one:?}");
    let other = extra_trees_binary(&x, &y, &ScoreParams { seed: 12, ..p }).unwrap();
    assert_ne!(one, other, "the seed drives the forest");
    let ys: Vec<f64> = x.column(2).values.iter().map(|c| 5.0 * c).collect();
    let r = extra_trees_regression(&x, &ys, &p).unwrap();
    assert!(r[2] > 0.9, "{r:?}");
}

#[test]
fn resampling_is_seeded_and_finds_the_same_inputs() {
    let (x, y) = boxed(2000);
    let params = PrimParams::default();
    let b = prim(&x, &y, &params).unwrap();
    let last = b.trajectory.len() - 1;
    let one = on_threads(1, || resample(&x, &y, &b, last, &params, 10, 0.5, 3).unwrap());
    let two = on_threads(2, || resample(&x, &y, &b, last, &params, 10, 0.5, 3).unwrap());
    assert_eq!(one, two);
    assert!(one[0].0 >= 0.9 && one[1].0 >= 0.9, "{one:?}");
    assert!(one[2].0 <= 0.3, "{one:?}");
}

#[test]
fn bad_input_is_an_error_naming_the_column_or_field() {
    let e = Inputs::new(vec![Column::real("a", vec![0.0, f64::NAN])]).unwrap_err();
    assert_eq!(e.to_string(), "input `a`: point 1: NaN is not a finite number");
    let e = Inputs::new(vec![Column::real("a", vec![0.0]), Column::real("b", vec![0.0, 1.0])])
        .unwrap_err();
    assert_eq!(e.to_string(), "input `b`: 2 values, expected 1");
    let e = Inputs::new(vec![Column::integer("plots", vec![1.5])]).unwrap_err();
    assert_eq!(e.to_string(), "input `plots`: point 0: 1.5 is not a whole number");
    let e = Inputs::new(vec![Column::categorical("w", vec!["x".into()], vec![1.0])]).unwrap_err();
    assert_eq!(e.to_string(), "input `w`: point 0: 1 is not a level index below 1");
    let (x, y) = boxed(100);
    let e = prim(&x, &y[..50], &PrimParams::default()).unwrap_err();
    assert_eq!(e, DiscoverError::Length { what: "the outcome", expected: 100, got: 50 });
    let e = prim(&x, &y, &PrimParams { peel_alpha: 0.7, ..PrimParams::default() }).unwrap_err();
    assert_eq!(e.to_string(), "peel_alpha: expected 0 < peel_alpha < 0.5, got 0.7");
    let b = prim(&x, &y, &PrimParams::default()).unwrap();
    let e = resample(&x, &y, &b, 999, &PrimParams::default(), 2, 0.5, 1).unwrap_err();
    assert!(e.to_string().starts_with("select: the trajectory has"), "{e}");
}
