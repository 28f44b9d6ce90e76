//! Grading tables and interval closure (METHODS §3-4).

use expect_test::expect;
use symbiont_indices::{Band, Closure, GradeTable};

fn g(t: &GradeTable, x: f64) -> String {
    t.grade(x).map_or("(outside the table)".into(), |g| g.to_string())
}

#[test]
fn closure_decides_the_boundary_values() {
    let left = GradeTable::coordination_d10();
    let right = GradeTable::coordination_d10().with_closure(Closure::Right);
    let out = [0.0, 0.5, 0.55, 1.0, 1.2]
        .iter()
        .map(|&x| format!("{x}: [a,b) {} | (a,b] {}", g(&left, x), g(&right, x)))
        .collect::<Vec<_>>()
        .join("\n");
    expect![[r#"
        0: [a,b) extreme imbalance (极度失调) | (a,b] extreme imbalance (极度失调)
        0.5: [a,b) barely coordinated (勉强协调) | (a,b] on the verge of imbalance (濒临失调)
        0.55: [a,b) barely coordinated (勉强协调) | (a,b] barely coordinated (勉强协调)
        1: [a,b) high-quality coordination (优质协调) | (a,b] high-quality coordination (优质协调)
        1.2: [a,b) (outside the table) | (a,b] (outside the table)"#]]
    .assert_eq(&out);
}

#[test]
fn synergy_grades() {
    let t = GradeTable::synergy();
    let out = [-1.0, -0.2, 0.0, 0.3, 0.95]
        .iter()
        .map(|&x| format!("{x}: {}", g(&t, x)))
        .collect::<Vec<_>>()
        .join("\n");
    expect![[r#"
        -1: not synergetic (非协同)
        -0.2: not synergetic (非协同)
        0: not synergetic (非协同)
        0.3: low synergy (低度协同)
        0.95: extreme synergy (极度协同)"#]]
    .assert_eq(&out);
}

#[test]
fn a_broken_table_is_rejected() {
    let mut t = GradeTable::coupling_stages();
    t.bands[1] = Band { lower: 0.35, upper: 0.5, en: "antagonism".into(), zh: "拮抗".into() };
    expect![[r#"grading table "C, four stages": band 1 ends at 0.3 but band 2 starts at 0.35; bands must be ascending and contiguous"#]]
        .assert_eq(&t.validate().unwrap_err().to_string());
}
