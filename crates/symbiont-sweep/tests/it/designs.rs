//! The designs have their defining properties.

use proptest::prelude::*;
use symbiont_sweep::design::{Design, DesignKind, morris_delta};
use symbiont_sweep::sobol::{MAX_DIMS, Sobol};

/// The first eight points in six dimensions of the unscrambled Sobol sequence with the
/// new-joe-kuo-6.21201 direction numbers, as printed by Joe and Kuo's reference program
/// (and by `scipy.stats.qmc.Sobol(d=6, scramble=False).random(8)`).
const PUBLISHED: [[f64; 6]; 8] = [
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.75, 0.25, 0.25, 0.25, 0.75, 0.75],
    [0.25, 0.75, 0.75, 0.75, 0.25, 0.25],
    [0.375, 0.375, 0.625, 0.875, 0.375, 0.125],
    [0.875, 0.875, 0.125, 0.375, 0.875, 0.625],
    [0.625, 0.125, 0.875, 0.625, 0.625, 0.875],
    [0.125, 0.625, 0.375, 0.125, 0.125, 0.375],
];

#[test]
fn sobol_matches_the_published_points() {
    let s = Sobol::new(6).unwrap();
    for (i, row) in PUBLISHED.iter().enumerate() {
        assert_eq!(s.point(i as u64), row.to_vec(), "point {i}");
    }
    // Points 8..16, dimensions 1, 3 and 6 (same reference).
    let later = [
        [0.1875, 0.9375, 0.3125],
        [0.6875, 0.4375, 0.8125],
        [0.9375, 0.6875, 0.5625],
        [0.4375, 0.1875, 0.0625],
        [0.3125, 0.3125, 0.4375],
        [0.8125, 0.8125, 0.9375],
        [0.5625, 0.0625, 0.6875],
        [0.0625, 0.5625, 0.1875],
    ];
    for (j, row) in later.iter().enumerate() {
        let p = s.point(8 + j as u64);
        assert_eq!([p[0], p[2], p[5]], *row, "point {}", 8 + j);
    }
}

/// Every dimension of the first 2^m points is a (0, m, 1)-net: one point in each of the 2^m
/// equal intervals. Every pair of dimensions of a Sobol sequence is a (t, m, 2)-net; the first
/// two dimensions have t = 0: one point in every elementary box of area 2^-m.
#[test]
fn sobol_points_are_nets() {
    let s = Sobol::new(MAX_DIMS).unwrap();
    for m in 1..=10u32 {
        let n = 1u64 << m;
        let pts: Vec<Vec<f64>> = (0..n).map(|i| s.point(i)).collect();
        for d in 0..MAX_DIMS {
            let mut seen = vec![false; n as usize];
            for p in &pts {
                let cell = (p[d] * n as f64) as usize;
                assert!(!seen[cell], "dim {d}, m {m}: two points in interval {cell}");
                seen[cell] = true;
            }
        }
        for a in 0..=m {
            let (ca, cb) = (1usize << a, 1usize << (m - a));
            let mut seen = vec![false; n as usize];
            for p in &pts {
                let cell = (p[0] * ca as f64) as usize * cb + (p[1] * cb as f64) as usize;
                assert!(!seen[cell], "dims 0,1, m {m}, box {ca}x{cb}: two points in one box");
                seen[cell] = true;
            }
        }
    }
}

/// Low discrepancy: the L2-star discrepancy of 256 Sobol points in 4 dimensions is well below
/// that of 256 independent uniform points (Warnock's formula).
#[test]
fn sobol_discrepancy_is_lower_than_random() {
    fn l2_star(pts: &[Vec<f64>]) -> f64 {
        let n = pts.len() as f64;
        let d = pts[0].len() as i32;
        let t1 = 3f64.powi(-d);
        let t2: f64 =
            pts.iter().map(|p| p.iter().map(|x| (1.0 - x * x) / 2.0).product::<f64>()).sum::<f64>()
                * 2.0
                / n;
        let mut t3 = 0.0;
        for p in pts {
            for q in pts {
                t3 += p.iter().zip(q).map(|(a, b)| 1.0 - a.max(*b)).product::<f64>();
            }
        }
        (t1 - t2 + t3 / (n * n)).sqrt()
    }
    let s = Sobol::new(4).unwrap();
    let sob: Vec<Vec<f64>> = (0..256).map(|i| s.point(i)).collect();
    let rnd = Design::new(DesignKind::Random { n: 256 }, 4, 99).unwrap();
    let ran: Vec<Vec<f64>> = (0..256).map(|i| rnd.point(i)).collect();
    let (ds, dr) = (l2_star(&sob), l2_star(&ran));
    assert!(ds < dr / 2.0, "Sobol {ds} vs random {dr}");
}

#[test]
fn too_many_dimensions_are_refused() {
    assert!(Sobol::new(MAX_DIMS + 1).is_none());
    assert!(Design::new(DesignKind::Saltelli { n: 4 }, MAX_DIMS / 2 + 1, 1).is_err());
}

proptest! {
    /// LHS: in every dimension, each of the n strata holds exactly one point.
    #[test]
    fn lhs_is_stratified(n in 1u64..300, k in 1usize..6, seed in any::<u64>()) {
        let d = Design::new(DesignKind::Lhs { n }, k, seed).unwrap();
        let pts: Vec<Vec<f64>> = (0..n).map(|i| d.point(i)).collect();
        for dim in 0..k {
            let mut seen = vec![false; n as usize];
            for p in &pts {
                prop_assert!((0.0..1.0).contains(&p[dim]));
                let s = (p[dim] * n as f64) as usize;
                prop_assert!(!seen[s], "two points in stratum {}", s);
                seen[s] = true;
            }
        }
    }

    /// Morris: each trajectory moves every parameter exactly once, by +-Delta, on the grid.
    #[test]
    fn morris_trajectories_are_one_at_a_time(r in 1u64..20, k in 1usize..8, half in 1u32..4, seed in any::<u64>()) {
        let p = 2 * half;
        let d = Design::new(DesignKind::Morris { r, p }, k, seed).unwrap();
        let delta = morris_delta(p);
        for t in 0..r {
            let base = t * (k as u64 + 1);
            let mut moved = vec![false; k];
            for s in 1..=k as u64 {
                let (a, b) = (d.point(base + s - 1), d.point(base + s));
                let (dim, sign) = d.morris_step(base + s).unwrap();
                for j in 0..k {
                    let diff = b[j] - a[j];
                    if j == dim {
                        prop_assert!((diff - sign * delta).abs() < 1e-12);
                    } else {
                        prop_assert!(diff == 0.0);
                    }
                    let level = b[j] * f64::from(p - 1);
                    prop_assert!((level - level.round()).abs() < 1e-9 && (-1e-12..=1.0 + 1e-12).contains(&b[j]));
                }
                prop_assert!(!moved[dim]);
                moved[dim] = true;
            }
        }
    }

    /// Saltelli: A and B rows come from the Sobol sequence; AB_i is A with column i from B.
    #[test]
    fn saltelli_rows_are_built_from_a_and_b(n in 1u64..40, k in 1usize..8) {
        let d = Design::new(DesignKind::Saltelli { n }, k, 0).unwrap();
        let s = Sobol::new(2 * k).unwrap();
        prop_assert_eq!(d.len(), n * (k as u64 + 2));
        for row in 0..n {
            let ab = s.point(row + 1);
            let (a, b) = ab.split_at(k);
            let base = row * (k as u64 + 2);
            prop_assert_eq!(d.point(base), a.to_vec());
            prop_assert_eq!(d.point(base + k as u64 + 1), b.to_vec());
            for i in 0..k {
                let mut want = a.to_vec();
                want[i] = b[i];
                prop_assert_eq!(d.point(base + 1 + i as u64), want);
            }
        }
    }
}

#[test]
fn factorial_is_every_combination_in_nested_order() {
    let grids = vec![vec![0.0, 1.0], vec![0.0, 0.5, 1.0]];
    let d = Design::new(DesignKind::Factorial { grids }, 2, 0).unwrap();
    let pts: Vec<Vec<f64>> = (0..d.len()).map(|i| d.point(i)).collect();
    assert_eq!(
        pts,
        vec![
            vec![0.0, 0.0],
            vec![0.0, 0.5],
            vec![0.0, 1.0],
            vec![1.0, 0.0],
            vec![1.0, 0.5],
            vec![1.0, 1.0]
        ]
    );
}
