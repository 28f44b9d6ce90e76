//! The TOML model file: shipped examples parse; every problem is located.

use expect_test::{Expect, expect};
use symbiont_dynamics::*;

fn check(src: &str, expect: Expect) {
    let out = match ModelSpec::parse(src) {
        Ok(m) => format!("ok: {} units, r = {:?}", m.names.len(), m.lv.r),
        Err(e) => e.to_string(),
    };
    expect.assert_eq(&out);
}

#[test]
fn shipped_models_parse() {
    for f in ["mutualism", "predator-prey", "runaway-mutualism"] {
        let path = format!("{}/../../scenarios/dynamics/{f}.toml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).unwrap();
        let m = ModelSpec::parse(&src).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(m.times().len() > 10);
    }
}

#[test]
fn f1_model_converts_to_f2() {
    check(
        "form = \"F1\"\nunits = [\"a\", \"b\"]\n[f1]\nr = [0.5, 0.2]\ncapacity = [10.0, 4.0]\nsigma = [[0.0, 0.3], [-0.2, 0.0]]\nkind = [\"facultative\", \"obligate\"]\n[run]\nx0 = [1.0, 1.0]\nt_end = 10.0\n",
        expect![[r#"ok: 2 units, r = [0.5, -0.2]"#]],
    );
}

#[test]
fn type_errors_are_located() {
    check(
        "form = \"F2\"\nunits = [\"a\", \"b\"]\n[f2]\nr = [0.5, \"fast\"]\na = [[-1.0, 0.0], [0.0, -1.0]]\n[run]\nx0 = [1.0, 1.0]\nt_end = 10.0\n",
        expect![[r#"4:11: invalid type: string "fast", expected f64"#]],
    );
}

#[test]
fn unknown_keys_are_located() {
    check(
        "form = \"F3\"\nunits = [\"u\", \"v\"]\n[f3]\nalpha = 1.0\nbeta = 0.1\ngama = 1.0\ndelta = 0.1\n[run]\nx0 = [1.0, 1.0]\nt_end = 10.0\n",
        expect![[
            r#"6:1: unknown field `gama`, expected one of `alpha`, `beta`, `gamma`, `delta`"#
        ]],
    );
}

#[test]
fn every_semantic_problem_is_reported_at_once() {
    check(
        "form = \"F1\"\nconvention = \"mutual\"\nunits = [\"a\", \"b\"]\n[f1]\nr = [0.5, -0.2]\ncapacity = [10.0]\nsigma = [[0.1, 0.3], [-0.2, 0.0]]\n[run]\nx0 = [1.0, -1.0]\nt_end = 0.0\n",
        expect![[r#"
            2:14: convention must be "benefit" or "competition", got "mutual"
            6:12: f1.capacity needs 2 values (one per unit), got 1
            5:5: f1.r[2] must be > 0, got -0.2
            7:9: f1.sigma[1][1] is the diagonal and must be 0
            9:6: run.x0[2] must be ≥ 0, got -1
            10:9: run.t_end must be > 0, got 0"#]],
    );
}
