//! The panel → subsystems → index pipeline, with the spec file, on hand-computed panels.

use expect_test::expect;
use symbiont_indices::{
    BaseMode, Bounds, CouplingFormula, CouplingOptions, EntropyOptions, Missing, PanelSpec,
    Pooling, ReadOptions, SynergyOptions, pipeline, read_csv,
};

use crate::{close, data};

const SPEC: &str = r#"
[[subsystem]]
name = "a"
benefit = ["a1"]

[[subsystem]]
name = "b"
cost = ["b1"]
"#;

/// a1 = [1, 2, 3] and b1 = [4, 2, 3] (cost) over 2000-2002.
const PANEL: &str = "entity,year,a1,b1\nX,2000,1,4\nX,2001,2,2\nX,2002,3,3\n";

fn prepared(spec: &str, panel: &str) -> (PanelSpec, pipeline::Prepared) {
    let spec = PanelSpec::from_toml(spec, "spec.toml").unwrap();
    let p = read_csv(panel.as_bytes(), "panel.csv", &spec.read_options()).unwrap();
    let prep = pipeline::prepare(&p, &spec).unwrap();
    (spec, prep)
}

#[test]
fn synergy_fixed_base_and_chained_by_hand() {
    let (_, p) = prepared(SPEC, PANEL);
    // Observed bounds: u_a = [0, ½, 1]; u_b = (4 − b)/2 = [0, 1, ½].
    let fixed = SynergyOptions { bounds: Bounds::Observed, ..Default::default() };
    let r = pipeline::synergy(&p, &fixed, &EntropyOptions::default()).unwrap();
    assert_eq!(r.order, vec![vec![0.0, 0.0], vec![0.5, 1.0], vec![1.0, 0.5]]);
    // 2000 → 2001: Δ = (½, 1); 2000 → 2002: Δ = (1, ½); both √½.
    close(r.steps[0].step.c, 0.5f64.sqrt(), 1e-12);
    close(r.steps[1].step.c, 0.5f64.sqrt(), 1e-12);
    let chained = SynergyOptions { base: BaseMode::Chained, ..fixed };
    let r = pipeline::synergy(&p, &chained, &EntropyOptions::default()).unwrap();
    // 2001 → 2002: Δ = (½, −½): b fell, so the system is not synergetic: C = −½.
    let last = &r.steps[1];
    assert_eq!((last.base_year, last.year), (2001, 2002));
    close(last.step.c, -0.5, 1e-12);
    expect!["not synergetic (非协同)"].assert_eq(&last.grade.as_ref().unwrap().to_string());
}

#[test]
fn synergy_with_target_bounds_from_the_spec() {
    let spec = r#"
[[subsystem]]
name = "a"
benefit = ["a1"]
targets = { a1 = [0, 4] }
[[subsystem]]
name = "b"
cost = ["b1"]
targets = { b1 = [2, 6] }
"#;
    let (_, p) = prepared(spec, PANEL);
    let o = SynergyOptions { bounds: Bounds::Targets, ..Default::default() };
    let r = pipeline::synergy(&p, &o, &EntropyOptions::default()).unwrap();
    // u_a = a/4; u_b = (6 − b)/4.
    assert_eq!(r.order[0], vec![0.25, 0.5]);
    assert_eq!(r.order[1], vec![0.5, 1.0]);
}

#[test]
fn coupling_on_entropy_scores() {
    let (spec, p) = prepared(SPEC, PANEL);
    let r = pipeline::coupling(&p, &spec.options.coupling, &spec.options.entropy).unwrap();
    // One indicator per subsystem: weight 1, so U = x' = u_a and u_b of the synergy test.
    let u: Vec<Vec<f64>> = r.rows.iter().map(|r| r.u.clone()).collect();
    assert_eq!(u, vec![vec![0.0, 0.0], vec![0.5, 1.0], vec![1.0, 0.5]]);
    close(r.rows[1].coordination.c.unwrap(), 2.0 * 0.5f64.sqrt() / 1.5, 1e-12);
}

#[test]
fn the_coupling_example_row_a_is_0_447_with_the_modified_c() {
    let bytes = std::fs::read(data("coupling_example.csv")).unwrap();
    let panel = read_csv(&bytes, "coupling_example.csv", &ReadOptions::default()).unwrap();
    let o = CouplingOptions { formula: CouplingFormula::Modified, ..Default::default() };
    let cols: Vec<String> = ["s1", "s2", "s3"].map(String::from).to_vec();
    let r = pipeline::coupling_direct(&panel, &cols, &o, Missing::Error).unwrap();
    assert_eq!(r.rows[0].key.entity, "A");
    close(r.rows[0].coordination.c.unwrap(), 0.447, 5e-4);
    // The pairwise legacy variant on the same data stays within its 1.5 maximum, above 1 for D.
    let pw = CouplingOptions { formula: CouplingFormula::Pairwise, ..Default::default() };
    let r = pipeline::coupling_direct(&panel, &cols, &pw, Missing::Error).unwrap();
    assert!(r.legacy);
    assert!(r.rows.iter().all(|r| r.coordination.c.unwrap() <= 1.5));
}

#[test]
fn entropy_pooling_per_year_gives_one_weight_table_per_year() {
    let spec = "[[subsystem]]\nname = \"s\"\nbenefit = [\"x\", \"y\"]\n";
    let panel = "entity,year,x,y\nA,2000,1,5\nB,2000,2,9\nA,2001,1,1\nB,2001,4,2\n";
    let (_, p) = prepared(spec, panel);
    let o = EntropyOptions { pooling: Pooling::PerYear, ..Default::default() };
    let r = pipeline::entropy(&p, &o).unwrap();
    let pools: Vec<&str> = r.weights.iter().map(|w| w.pool.as_str()).collect();
    assert_eq!(pools, vec!["year 2000", "year 2001"]);
    // Two rows per pool: x' and y' are [0, 1] in each, so both weights are ½ and B scores 1.
    close(r.weights[0].indicators[0].weight, 0.5, 1e-12);
    let b2001 = r.rows.iter().position(|k| k.entity == "B" && k.year == Some(2001)).unwrap();
    close(r.scores[b2001][0], 1.0, 1e-12);
}

fn prep_err(spec: &str, panel: &str) -> String {
    let spec = match PanelSpec::from_toml(spec, "spec.toml") {
        Ok(s) => s,
        Err(e) => return e.to_string(),
    };
    let p = match read_csv(panel.as_bytes(), "panel.csv", &spec.read_options()) {
        Ok(p) => p,
        Err(e) => return e.to_string(),
    };
    let prep = match pipeline::prepare(&p, &spec) {
        Ok(p) => p,
        Err(e) => return e.to_string(),
    };
    match pipeline::coupling(&prep, &spec.options.coupling, &spec.options.entropy) {
        Ok(_) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_specs_and_panels_get_clear_messages() {
    let panel = "entity,year,gdp,jobs,debt,empty\nA,2000,1,5,-3,\nA,2001,2,5,,..\nA,2002,3,5,4,\n";
    let two = |a: &str, b: &str| {
        format!("[[subsystem]]\nname = \"one\"\n{a}\n[[subsystem]]\nname = \"two\"\n{b}\n")
    };
    let out = [
        two("benefit = [\"gdp\"]", "benefit = [\"GDP_x\"]"),
        two("benefit = [\"gdp\"]", "benefit = [\"empty\"]"),
        two("benefit = [\"gdp\"]", "benefit = [\"jobs\"]"),
        two("benefit = [\"gdp\"]", "benefit = [\"debt\"]"),
        two("benefit = [\"gdp\"]", "benefit = [\"gdp\"]\ncost = [\"gdp\"]"),
        "[[subsystem]]\nname = \"one\"\nbenefits = [\"gdp\"]\n".to_string(),
        "title = \"no subsystems\"\n".to_string(),
        format!(
            "[panel]\nmissing = \"drop\"\n{}",
            two(
                "benefit = [\"gdp\"]",
                "cost = [\"debt\"]\n[entropy]\nstandardisation = { kind = \"max-ratio\" }"
            )
        ),
    ]
    .map(|s| prep_err(&s, panel));
    expect![[r#"
        subsystem "two" names indicator "GDP_x", which the panel does not have; did you mean "gdp"?
        indicator "empty" has no value at A 2000; fill it, narrow the rows, or drop incomplete rows
        indicator "jobs" in subsystem "two" (all rows) has no variance: every value is 5, so it cannot separate the rows (min-max standardisation would divide by zero); drop the indicator or widen the pool of rows
        indicator "debt" has no value at A 2001; fill it, narrow the rows, or drop incomplete rows
        spec.toml: [[subsystem]] number 2 ("two"): indicator "gdp" is listed twice (as benefit and cost, or twice in one list)
        spec.toml: the spec is not valid TOML or has a wrong field: TOML parse error at line 3, column 1
          |
        3 | benefits = ["gdp"]
          | ^^^^^^^^
        unknown field `benefits`, expected one of `name`, `benefit`, `cost`, `weights`, `targets`

        spec.toml: it declares no [[subsystem]]; give at least one with a name and benefit/cost indicator lists
        indicator "debt" has the value -3 at A 2000 (panel.csv, line 2), but x/max standardisation needs values > 0 for a cost indicator (it takes 1/x)"#]]
    .assert_eq(&out.join("\n"));
    // In a long panel an indicator whose every value is missing has no column at all.
    let long = "entity,year,indicator,value\nA,2000,gdp,1\nA,2001,gdp,2\nA,2000,jobs,..\n";
    expect![[r#"subsystem "two" names indicator "jobs", which the panel does not have with a value: every value of it is missing"#]]
        .assert_eq(&prep_err(&two("benefit = [\"gdp\"]", "benefit = [\"jobs\"]"), long));
}

#[test]
fn the_spec_carries_grading_tables_weights_and_options() {
    let spec = r#"
[[subsystem]]
name = "a"
benefit = ["a1"]
weights = { a1 = 1.0 }
[[subsystem]]
name = "b"
cost = ["b1"]
weights = { b1 = 1.0 }

[topsis]
weights = "given"
placement = "linear"

[coupling]
formula = { kind = "liao", k = 2.0 }
lag = { kind = "ratio", ratio = 1.5 }

[coupling.d_grades]
name = "D, 3 grades"
closure = "right"
bands = [
  { lower = 0.0, upper = 0.4, en = "imbalanced", zh = "失调" },
  { lower = 0.4, upper = 0.7, en = "transitional", zh = "过渡" },
  { lower = 0.7, upper = 1.0, en = "coordinated", zh = "协调" },
]
"#;
    let (spec, p) = prepared(spec, PANEL);
    assert_eq!(spec.options.coupling.formula, CouplingFormula::Liao { k: 2.0 });
    let r = pipeline::coupling(&p, &spec.options.coupling, &spec.options.entropy).unwrap();
    // 2001: U = (½, 1): C = {½ / (¾)²}^2 = (8/9)², T = ¾, D = √(C·T) = (8/9)·√¾ ≈ 0.77.
    let row = &r.rows[1].coordination;
    close(row.c.unwrap(), (8.0f64 / 9.0).powi(2), 1e-12);
    expect!["coordinated (协调)"].assert_eq(&row.d_grade.as_ref().unwrap().to_string());
    assert!(r.legacy);
    let t = pipeline::topsis(&p, &spec.options.topsis, &spec.options.entropy).unwrap();
    assert_eq!(t.weights[1].indicators[0].weight, 1.0);
    let no_weights = "[[subsystem]]\nname = \"a\"\nbenefit = [\"a1\", \"b1\"]\nweights = { a1 = 1.0 }\n\
                      [topsis]\nweights = \"given\"\n";
    let (spec, p) = prepared(no_weights, PANEL);
    expect![[r#"weights for subsystem "a": weights = "given" needs a weight for every indicator, and "b1" has none in the subsystem's weights table"#]].assert_eq(
        &pipeline::topsis(&p, &spec.options.topsis, &spec.options.entropy).unwrap_err().to_string(),
    );
    // A bad table in the spec is caught before any row is graded.
    let broken = "[[subsystem]]\nname = \"a\"\nbenefit = [\"a1\"]\n[[subsystem]]\nname = \"b\"\ncost = [\"b1\"]\n\
        [coupling.d_grades]\nname = \"gap\"\nclosure = \"left\"\nbands = [\n\
        { lower = 0.0, upper = 0.4, en = \"x\", zh = \"x\" },\n{ lower = 0.5, upper = 1.0, en = \"y\", zh = \"y\" }]\n";
    expect![[r#"grading table "gap": band 1 ends at 0.4 but band 2 starts at 0.5; bands must be ascending and contiguous"#]]
        .assert_eq(&prep_err(broken, PANEL));
}

#[test]
fn the_spec_reference_in_the_docs_parses() {
    let doc = std::fs::read_to_string(data("../docs/indices.md")).unwrap();
    let blocks: Vec<&str> =
        doc.split("```toml\n").skip(1).map(|b| b.split("```").next().unwrap()).collect();
    assert_eq!(blocks.len(), 2);
    let spec = PanelSpec::from_toml(blocks[0], "docs/indices.md").unwrap();
    assert_eq!(spec.subsystems[0].indicators.len(), 2);
    let with_table =
        format!("{}\n{}", "[[subsystem]]\nname = \"a\"\nbenefit = [\"x\"]\n", blocks[1]);
    let spec = PanelSpec::from_toml(&with_table, "docs/indices.md").unwrap();
    assert_eq!(spec.options.coupling.d_grades.bands.len(), 3);
    // The shipped example spec parses too.
    let laos = std::fs::read_to_string(data("examples/indices/laos_economy.toml")).unwrap();
    assert_eq!(PanelSpec::from_toml(&laos, "laos_economy.toml").unwrap().subsystems.len(), 3);
}

#[test]
fn synergy_per_entity_and_its_base_year() {
    let panel = "entity,year,a1,b1\nX,2000,1,4\nX,2001,2,2\nY,2000,2,3\nY,2001,3,2\nY,2002,1,4\n";
    let (_, p) = prepared(SPEC, panel);
    let base_2001 =
        SynergyOptions { base: BaseMode::Fixed { year: Some(2001) }, ..Default::default() };
    let r = pipeline::synergy(&p, &base_2001, &EntropyOptions::default()).unwrap();
    // X has no year after 2001; Y compares 2002 with 2001 only.
    let steps: Vec<(String, i32, i32)> =
        r.steps.iter().map(|s| (s.entity.clone(), s.base_year, s.year)).collect();
    assert_eq!(steps, vec![("Y".to_string(), 2001, 2002)]);
    let base_2002 =
        SynergyOptions { base: BaseMode::Fixed { year: Some(2002) }, ..Default::default() };
    let e = pipeline::synergy(&p, &base_2002, &EntropyOptions::default()).unwrap_err();
    expect!["the base year 2002 is not among the years of X"].assert_eq(&e.to_string());
    let spec = PanelSpec::from_toml(&format!("[panel]\nentities = [\"Z\"]\n{SPEC}"), "s").unwrap();
    let panel = read_csv(panel.as_bytes(), "panel.csv", &spec.read_options()).unwrap();
    let e = pipeline::prepare(&panel, &spec).unwrap_err();
    expect!["no rows are left to compute on after filtering (entities Z)"]
        .assert_eq(&e.to_string());
}

#[test]
fn synergy_weighted_subsystem_order_with_given_weights() {
    let spec = r#"
[[subsystem]]
name = "a"
benefit = ["a1", "a2"]
weights = { a1 = 0.25, a2 = 0.75 }
[[subsystem]]
name = "b"
cost = ["b1"]
"#;
    let panel = "entity,year,a1,a2,b1\nX,2000,1,10,4\nX,2001,2,30,2\nX,2002,3,20,3\n";
    let (_, p) = prepared(spec, panel);
    let o = SynergyOptions {
        bounds: Bounds::Observed,
        aggregation: symbiont_indices::Aggregation::Weighted,
        weights: symbiont_indices::WeightSource::Given,
        ..Default::default()
    };
    let r = pipeline::synergy(&p, &o, &EntropyOptions::default()).unwrap();
    // u_a1 = [0, ½, 1], u_a2 = [0, 1, ½]: u_a = ¼ u_a1 + ¾ u_a2 = [0, 7/8, 5/8].
    let u_a: Vec<f64> = r.order.iter().map(|row| row[0]).collect();
    assert_eq!(u_a, vec![0.0, 0.875, 0.625]);
    assert_eq!(r.parameters[0].weight, Some(0.25));
    // b's lone indicator needs no weight in the spec: it can only be 1.
    assert_eq!(r.parameters[2].weight, Some(1.0));
}

/// The shipped Laos example against an independent computation of the same formulas (a short
/// Python script written from METHODS §4-5, not from this crate), to 4 decimals.
#[test]
fn the_laos_example_matches_an_independent_computation() {
    let spec_text = std::fs::read_to_string(data("examples/indices/laos_economy.toml")).unwrap();
    let spec = PanelSpec::from_toml(&spec_text, "laos_economy.toml").unwrap();
    let bytes = std::fs::read(data("wdi_macro_long.csv")).unwrap();
    let panel = read_csv(&bytes, "wdi_macro_long.csv", &spec.read_options()).unwrap();
    let p = pipeline::prepare(&panel, &spec).unwrap();
    let r = pipeline::coupling(&p, &spec.options.coupling, &spec.options.entropy).unwrap();
    let w: Vec<f64> =
        r.entropy.as_ref().unwrap().weights[0].indicators.iter().map(|i| i.weight).collect();
    for (got, want) in w.iter().zip([0.5903, 0.3103, 0.0993]) {
        close(*got, want, 5e-5);
    }
    let first = &r.rows[0];
    assert_eq!(first.key.year, Some(2000));
    for (got, want) in first.u.iter().zip([0.0167, 0.0857, 0.9340]) {
        close(*got, want, 5e-5);
    }
    close(first.coordination.c.unwrap(), 0.3190, 5e-5);
    close(first.coordination.t, 0.3455, 5e-5);
    close(first.coordination.d.unwrap(), 0.3320, 5e-5);
    let last = r.rows.last().unwrap().coordination.clone();
    close(last.d.unwrap(), 0.7203, 5e-5);
}

#[test]
fn per_entity_pooling_scale_and_rescaled_scores() {
    let spec = "[[subsystem]]\nname = \"s\"\nbenefit = [\"x\", \"y\"]\n";
    // A: x = [1, 3], y = [2, 2.5]; B: x = [10, 20], y = [5, 9].
    let panel = "entity,year,x,y\nA,2000,1,2\nA,2001,3,2.5\nB,2000,10,5\nB,2001,20,9\n";
    let (_, p) = prepared(spec, panel);
    let o = EntropyOptions { pooling: Pooling::PerEntity, scale: 100.0, ..Default::default() };
    let r = pipeline::entropy(&p, &o).unwrap();
    let pools: Vec<&str> = r.weights.iter().map(|w| w.pool.as_str()).collect();
    assert_eq!(pools, vec!["entity A", "entity B"]);
    // Within each entity both indicators go from 0 to 1: weights ½, scores 0 and 100.
    let scores: Vec<f64> = r.scores.iter().map(|s| s[0]).collect();
    assert_eq!(scores, vec![0.0, 100.0, 0.0, 100.0]);

    // Pooled over all rows with a shift, scores are not in [0, 1]; rescaling puts them there.
    let shifted = EntropyOptions {
        zero: symbiont_indices::ZeroHandling::Shift { a: 0.5 },
        rescale_scores: true,
        ..Default::default()
    };
    let r = pipeline::entropy(&p, &shifted).unwrap();
    let s: Vec<f64> = r.scores.iter().map(|s| s[0]).collect();
    assert_eq!((s[0], s[3]), (0.0, 1.0));
    assert!(s.iter().all(|x| (0.0..=1.0).contains(x)));
}
