//! Invariants of the formulas, checked on random inputs.

use proptest::prelude::*;
use symbiont_indices::{
    AllZero, CouplingFormula, Criteria, EntropyOptions, Normalisation, TopsisOptions,
    WeightPlacement, WeightSource, coupling_degree, entropy_weights, synergy_degree, topsis,
};

fn c(u: &[f64], f: CouplingFormula) -> f64 {
    coupling_degree(u, f, AllZero::Zero, "p").unwrap().unwrap()
}

proptest! {
    #[test]
    fn normative_and_modified_c_lie_in_0_1(u in prop::collection::vec(0.0f64..1.0, 2..6)) {
        for f in [CouplingFormula::Normative, CouplingFormula::Modified] {
            let x = c(&u, f);
            prop_assert!((0.0..=1.0 + 1e-12).contains(&x), "{f:?} gave {x}");
        }
    }

    #[test]
    fn legacy_maxima_and_liao_normative_equivalence(u in prop::collection::vec(0.01f64..1.0, 3)) {
        prop_assert!(c(&u[..2], CouplingFormula::LostCoefficient) <= 0.5 + 1e-12);
        prop_assert!((c(&u[..2], CouplingFormula::LostCoefficient) * 2.0 - c(&u[..2], CouplingFormula::Normative)).abs() < 1e-12);
        prop_assert!(c(&u, CouplingFormula::Pairwise) <= 1.5 + 1e-12);
        let liao = c(&u, CouplingFormula::Liao { k: 1.0 / 3.0 });
        prop_assert!((liao - c(&u, CouplingFormula::Normative)).abs() < 1e-12);
    }

    #[test]
    fn synergy_lies_in_minus1_1_and_is_positive_iff_all_rose(
        a in prop::collection::vec(0.0f64..1.0, 3),
        b in prop::collection::vec(0.0f64..1.0, 3),
    ) {
        let s = synergy_degree(&a, &b, None).unwrap();
        prop_assert!((-1.0..=1.0).contains(&s.c));
        let all_rose = a.iter().zip(&b).all(|(x, y)| y > x);
        prop_assert_eq!(s.c > 0.0, all_rose);
    }

    #[test]
    fn entropy_weights_sum_to_one_and_scores_stay_in_0_1(
        rows in prop::collection::vec(prop::collection::vec(0.0f64..100.0, 3), 3..12),
    ) {
        let cr = Criteria::benefit(&["a", "b", "c"], rows);
        // Columns without variance are an error, never NaN.
        match entropy_weights(&cr, &EntropyOptions::default()) {
            Ok(w) => {
                prop_assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                prop_assert!(w.weights.iter().all(|x| *x >= 0.0));
                prop_assert!(w.scores.iter().all(|s| (-1e-12..=1.0 + 1e-12).contains(s)));
            }
            Err(e) => prop_assert!(e.to_string().contains("no variance")),
        }
    }

    #[test]
    fn topsis_closeness_lies_in_0_1(
        rows in prop::collection::vec(prop::collection::vec(0.1f64..100.0, 2), 2..10),
        w0 in 0.05f64..0.95,
        linear in any::<bool>(),
    ) {
        let cr = Criteria::benefit(&["a", "b"], rows);
        let o = TopsisOptions {
            normalisation: Normalisation::Vector,
            placement: if linear { WeightPlacement::Linear } else { WeightPlacement::Squared },
            weights: WeightSource::Given,
        };
        if let Ok(t) = topsis(&cr, &[w0, 1.0 - w0], &o) {
            prop_assert!(t.closeness.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }
}

proptest! {
    /// The same panel written long and wide reads back the same, missing cells included.
    #[test]
    fn long_and_wide_csv_read_the_same_panel(
        cells in prop::collection::vec(prop::option::of(-1e6f64..1e6), 2 * 3 * 2),
    ) {
        use symbiont_indices::{ReadOptions, read_csv};
        let (entities, years, inds) = (["A", "B"], [2000, 2001, 2002], ["x", "y"]);
        let mut long = String::from("entity,year,indicator,value\n");
        let mut wide = String::from("entity,year,x,y\n");
        let mut k = 0;
        for e in entities {
            for y in years {
                let mut row = format!("{e},{y}");
                for i in inds {
                    let v = cells[k].map_or(String::new(), |v| v.to_string());
                    long.push_str(&format!("{e},{y},{i},{v}\n"));
                    row.push_str(&format!(",{v}"));
                    k += 1;
                }
                wide.push_str(&row);
                wide.push('\n');
            }
        }
        let o = ReadOptions::default();
        let (a, b) = (read_csv(long.as_bytes(), "l.csv", &o), read_csv(wide.as_bytes(), "w.csv", &o));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.rows(), b.rows());
                for i in 0..a.rows().len() {
                    for (ja, name) in a.indicators().iter().enumerate() {
                        let jb = b.indicator_index(name).unwrap();
                        prop_assert_eq!(a.value(i, ja), b.value(i, jb));
                    }
                }
            }
            // Every cell missing: both readers say so.
            (Err(_), Err(_)) => prop_assert!(cells.iter().all(Option::is_none)),
            (a, b) => prop_assert!(false, "one reader failed: {:?} / {:?}", a.err(), b.err()),
        }
    }
}
