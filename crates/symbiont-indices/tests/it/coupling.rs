//! Coupling coordination degree (METHODS §4): every formula by hand, and the known pitfalls.

use expect_test::expect;
use symbiont_indices::{
    AllZero, CouplingFormula, CouplingOptions, GradeTable, LagRule, coordination, coupling_degree,
};

use crate::close;

fn c_of(u: &[f64], f: CouplingFormula) -> f64 {
    coupling_degree(u, f, AllZero::Zero, "test").unwrap().unwrap()
}

#[test]
fn normative_two_subsystems_by_hand() {
    // C = 2√(.4·.9)/1.3 = 1.2/1.3; T = .65; D = √(C·T) = √.6.
    let o = CouplingOptions::default();
    let r = coordination(&[0.4, 0.9], &o, "2020").unwrap();
    close(r.c.unwrap(), 1.2 / 1.3, 1e-12);
    close(r.t, 0.65, 1e-12);
    close(r.d.unwrap(), 0.6f64.sqrt(), 1e-12);
    expect!["intermediate coordination (中级协调)"].assert_eq(&r.d_grade.unwrap().to_string());
    expect!["high-level coupling (高水平耦合)"].assert_eq(&r.c_grade.unwrap().to_string());
    // U2 − U1 = .5 > .1: subsystem 1 (index 0) lags.
    assert_eq!(r.lagging, vec![0]);
}

#[test]
fn normative_c_is_one_iff_the_indices_are_equal() {
    close(c_of(&[0.3, 0.3, 0.3], CouplingFormula::Normative), 1.0, 1e-12);
    assert!(c_of(&[0.3, 0.31, 0.3], CouplingFormula::Normative) < 1.0);
}

#[test]
fn weighted_t() {
    let o = CouplingOptions { weights: Some(vec![0.25, 0.75]), ..Default::default() };
    let r = coordination(&[0.4, 0.8], &o, "x").unwrap();
    close(r.t, 0.7, 1e-12);
}

#[test]
fn modified_c_matches_the_documented_mathmodels_output() {
    // data/coupling_example.csv row A: the documented modified C is 0.447, which needs the
    // 1/(n−1) exponent (METHODS §4).
    let c = c_of(&[0.0162, 0.2720, 0.2655], CouplingFormula::Modified);
    close(c, 0.447, 5e-4);
    // By hand for n = 2: [1 − |.4 − .9|]·[(.4/.9)(.9/.9)]^{1/1} = .5 · 4/9.
    close(c_of(&[0.4, 0.9], CouplingFormula::Modified), (0.5f64 * 4.0 / 9.0).sqrt(), 1e-12);
}

#[test]
fn the_lost_coefficient_maximum_is_one_half() {
    // Equal indices give the maximum: √(u²/(2u)²) = ½ for every u.
    for u in [0.01, 0.3, 1.0] {
        close(c_of(&[u, u], CouplingFormula::LostCoefficient), 0.5, 1e-12);
    }
    // And it is exactly half the normative C.
    let (a, b) = (
        c_of(&[0.4, 0.9], CouplingFormula::LostCoefficient),
        c_of(&[0.4, 0.9], CouplingFormula::Normative),
    );
    close(a, b / 2.0, 1e-12);
    assert!(CouplingFormula::LostCoefficient.is_legacy());
}

#[test]
fn the_pairwise_maximum_is_one_and_a_half() {
    // Equal indices: 3·(u³ / (2u)³)^{1/3} = 3/2.
    close(c_of(&[0.5, 0.5, 0.5], CouplingFormula::Pairwise), 1.5, 1e-12);
    // By hand: 3·{.1·.2·.4 / (.3·.5·.6)}^{1/3} = 3·(.008/.09)^{1/3}.
    close(c_of(&[0.1, 0.2, 0.4], CouplingFormula::Pairwise), 3.0 * (0.008f64 / 0.09).cbrt(), 1e-12);
    // D goes past 1, so it is outside the 10-grade table: no grade rather than a wrong one.
    let o = CouplingOptions { formula: CouplingFormula::Pairwise, ..Default::default() };
    let r = coordination(&[0.9, 0.9, 0.9], &o, "x").unwrap();
    assert!(r.d.unwrap() > 1.0);
    assert_eq!(r.d_grade, None);
}

#[test]
fn liao_k_by_hand_and_k_one_over_n_is_normative() {
    // {U1U2/[(U1+U2)/2]²}^k = (.36/.4225)^2 for k = 2.
    close(c_of(&[0.4, 0.9], CouplingFormula::Liao { k: 2.0 }), (0.36f64 / 0.4225).powi(2), 1e-12);
    close(
        c_of(&[0.4, 0.9], CouplingFormula::Liao { k: 0.5 }),
        c_of(&[0.4, 0.9], CouplingFormula::Normative),
        1e-12,
    );
    close(
        c_of(&[0.2, 0.5, 0.7], CouplingFormula::Liao { k: 1.0 / 3.0 }),
        c_of(&[0.2, 0.5, 0.7], CouplingFormula::Normative),
        1e-12,
    );
}

#[test]
fn degenerate_inputs_are_values_not_nan() {
    let undefined = CouplingOptions { all_zero: AllZero::Undefined, ..Default::default() };
    let r = coordination(&[0.0, 0.0], &undefined, "x").unwrap();
    assert_eq!((r.c, r.d, r.d_grade), (None, None, None));
    let r = coordination(&[0.0, 0.0], &CouplingOptions::default(), "x").unwrap();
    assert_eq!((r.c, r.d), (Some(0.0), Some(0.0)));
    // Any U_i = 0 gives C = 0, also in the pairwise variant where it would be 0/0.
    for f in [CouplingFormula::Normative, CouplingFormula::Modified, CouplingFormula::Pairwise] {
        assert_eq!(c_of(&[0.0, 0.0, 0.5], f), 0.0, "{f:?}");
    }
}

#[test]
fn relative_development_type() {
    let o = CouplingOptions::default();
    assert_eq!(coordination(&[0.5, 0.45], &o, "x").unwrap().lagging, Vec::<usize>::new());
    assert_eq!(coordination(&[0.7, 0.45], &o, "x").unwrap().lagging, vec![1]);
    let ratio = CouplingOptions { lag: LagRule::Ratio { ratio: 1.2 }, ..Default::default() };
    assert_eq!(coordination(&[0.5, 0.45], &ratio, "x").unwrap().lagging, Vec::<usize>::new());
    assert_eq!(coordination(&[0.6, 0.45], &ratio, "x").unwrap().lagging, vec![1]);
}

#[test]
fn grading_tables_are_configurable() {
    let o = CouplingOptions { c_grades: GradeTable::coupling_bands(), ..Default::default() };
    let r = coordination(&[0.4, 0.9], &o, "x").unwrap();
    expect!["extreme coupling (极度耦合)"].assert_eq(&r.c_grade.unwrap().to_string());
}

#[test]
fn bad_input_gets_a_clear_message() {
    let o = CouplingOptions::default();
    let e = coordination(&[0.4, -0.1], &o, "LAO 2015").unwrap_err();
    expect!["indicator \"U2\" has the value -0.1 at LAO 2015, but the coupling degree needs values ≥ 0 (it takes roots of products and ratios); standardise so that no subsystem index is negative"]
        .assert_eq(&e.to_string());
    let lost = CouplingOptions { formula: CouplingFormula::LostCoefficient, ..Default::default() };
    let e = coordination(&[0.4, 0.5, 0.6], &lost, "x").unwrap_err();
    expect!["the LEGACY lost coefficient (max 0.5) coupling formula needs exactly 2 subsystems, but 3 were given"]
        .assert_eq(&e.to_string());
    let modified = CouplingOptions { formula: CouplingFormula::Modified, ..Default::default() };
    let e = coordination(&[0.4, 1.2], &modified, "2016").unwrap_err();
    expect![[r#"indicator "U2" has the value 1.2 at 2016, but the modified coupling degree needs values in [0, 1] (its spread term assumes it); rescale the subsystem scores"#]].assert_eq(&e.to_string());
    let e = coordination(&[0.4], &o, "x").unwrap_err();
    expect!["the normative coupling formula needs at least 2 subsystems, but 1 were given"]
        .assert_eq(&e.to_string());
}
