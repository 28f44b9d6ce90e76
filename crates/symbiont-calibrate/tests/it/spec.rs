//! The calibration TOML: a full file, its targets through the observation model, and bad
//! input located before any simulation.

use expect_test::expect;
use symbiont_calibrate::{
    AbcState, CalibrationSpec, Context, Identified, Noise, Parallel, Reference, Role, Thresholds,
    identifiability, summarize,
};

fn metrics() -> Vec<String> {
    ["operating", "host_jobs", "invested", "entered"].iter().map(|s| s.to_string()).collect()
}

fn years() -> Vec<i32> {
    (2010..=2024).collect()
}

const GOOD: &str = r#"
[calibration]
name = "laos-zones"
seed = 20261201
scenario = "default"

[[prior]]
param = "params.congestion_wage"
dist = "loguniform"
low = 0.01
high = 1.0

[[prior]]
param = "park[boten].labour_pool"
dist = "normal"
mean = 5000.0
sd = 1000.0
truncate = [0.0, inf]

[[prior]]
param = "share"
observation = true
dist = "beta"
a = 2.0
b = 8.0

[[target]]
name = "jobs_per_firm"
expr = "host_jobs@2021 / operating@2021"
value = 140.0
interval = [90.0, 190.0]
source = "data/laos_sez_aggregates.csv (2021)"

[[target]]
name = "investment"
expr = "share * invested@{year}"
years = [2016, 2017, 2018]
values = [1.1, 1.4, 1.9]
cv = 0.15

[[target]]
name = "entries"
expr = "sum(entered@2015..2019) / 5"
value = 12.0
sd = 3.0
weight = 2.0

[abc]
particles = 300
batch = "auto"
kernel_scale = "silverman"
distance = "fixed"
budget = 20000

[msm]
optimizer = "cma-es"
replications = 10
"#;

#[test]
fn a_full_calibration_file_parses_into_its_summaries_and_references() {
    let (m, y) = (metrics(), years());
    let checked = std::cell::RefCell::new(Vec::new());
    let check = |p: &str| {
        checked.borrow_mut().push(p.to_string());
        Ok(())
    };
    let ctx = Context::open().metrics(&m).years(&y).check_params(&check);
    let spec = CalibrationSpec::parse(GOOD, "calib.toml", &ctx).unwrap();
    // Only model parameters are paths of the scenario.
    assert_eq!(*checked.borrow(), ["params.congestion_wage", "park[boten].labour_pool"]);
    assert_eq!(
        spec.params.iter().map(|p| p.role).collect::<Vec<_>>(),
        [Role::Model, Role::Model, Role::Observation]
    );
    assert_eq!(spec.model_params(), [0, 1]);
    assert_eq!(spec.noise, Noise::Gaussian);
    let names: Vec<&str> = spec.summaries.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["jobs_per_firm", "investment@2016", "investment@2017", "investment@2018", "entries"]
    );
    // The interval [90, 190] read as a central 95% normal interval.
    assert!((spec.summaries[0].sd - 100.0 / (2.0 * 1.959_963_985)).abs() < 1e-6);
    assert!((spec.summaries[2].sd - 0.15 * 1.4).abs() < 1e-12);
    assert_eq!(spec.summaries[4].weight, 2.0);
    let refs: Vec<String> = spec.references.iter().map(Reference::to_string).collect();
    expect![[r#"
        host_jobs@2021 operating@2021 invested@2016 invested@2017 invested@2018 entered@2015 entered@2016 entered@2017 entered@2018 entered@2019"#]]
    .assert_eq(&refs.join(" "));
    // Evaluate: θ = (wage, pool, share), outputs in reference order.
    let outputs = [700.0, 5.0, 10.0, 20.0, 30.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let s = spec.summarize(&[0.1, 4000.0, 0.05], &outputs);
    assert_eq!(s, vec![140.0, 0.5, 1.0, 1.5, 3.0]);
    assert_eq!(spec.abc.particles, 300);
    assert_eq!(spec.abc.budget, Some(20000));
    assert_eq!(spec.msm.replications, 10);
}

fn render(text: &str) -> String {
    let (m, y) = (metrics(), years());
    let check = |p: &str| {
        if p.starts_with("params.") || p.starts_with("park[") {
            Ok(())
        } else {
            Err(format!(
                "`{p}` is not in the scenario; the tables there are: params, park, environment"
            ))
        }
    };
    let ctx = Context::open().metrics(&m).years(&y).check_params(&check);
    CalibrationSpec::parse(text, "calib.toml", &ctx).unwrap_err().render(text)
}

#[test]
fn bad_input_is_reported_all_at_once_and_located() {
    let text = r#"[calibration]
seed = 1

[[prior]]
param = "params.wage"
dist = "uniform"
low = 3.0
high = 1.0

[[prior]]
param = "params.rate"
dist = "gamma"
a = 2.0

[[prior]]
param = "params.sd"
dist = "normal"
mean = 0.0
sd = 0.0

[[prior]]
param = "share"
observation = true
dist = "beta"
a = 2.0
b = 2.0
truncate = [1.5, 2.0]

[[prior]]
param = "environment.typo"
dist = "uniform"
low = 0.0
high = 1.0

[[prior]]
param = "unused"
observation = true
dist = "uniform"
low = 0.0
high = 1.0

[[target]]
expr = "host_job@2021 / operating@2021"
value = 1.0
sd = 0.1

[[target]]
expr = "operating@2031"
value = 1.0
sd = 0.1

[[target]]
expr = "sharee * invested@2020"
value = 1.0
sd = -1.0

[[target]]
expr = "invested@ + 1"
valeu = 1.0
"#;
    expect![[r#"
        error[bad-distribution]: prior of `params.wage`: empty support: low = 3 is not below high = 1
         --> calib.toml:8:8
          |
        8 | high = 1.0
          |        ^^^
          = field: prior[0].high
          = expected: low < high

        error[bad-distribution]: unknown distribution `gamma`
          --> calib.toml:12:8
           |
        12 | dist = "gamma"
           |        ^^^^^^^
           = field: prior[1].dist
           = expected: one of "uniform", "loguniform", "normal", "beta"

        error[bad-distribution]: prior of `params.sd`: sd must be > 0, got 0
          --> calib.toml:19:6
           |
        19 | sd = 0.0
           |      ^^^
           = field: prior[2].sd
           = expected: sd > 0

        error[bad-distribution]: prior of `share`: empty support: truncation [1.5, 2] does not meet the beta support [0, 1]
          --> calib.toml:27:12
           |
        27 | truncate = [1.5, 2.0]
           |            ^^^^^^^^^^
           = field: prior[3].truncate
           = expected: an interval that overlaps the distribution's support

        error[dangling-reference]: `environment.typo`: `environment.typo` is not in the scenario; the tables there are: params, park, environment
          --> calib.toml:30:9
           |
        30 | param = "environment.typo"
           |         ^^^^^^^^^^^^^^^^^^
           = field: prior[4].param
           = expected: a parameter path of the scenario

        error[inconsistent]: the observation parameter `unused` is used by no target
          --> calib.toml:36:9
           |
        36 | param = "unused"
           |         ^^^^^^^^
           = field: prior[5].param
           = expected: a target expression that uses it, e.g. `unused * metric@year`

        error[dangling-reference]: unknown metric `host_job`
          --> calib.toml:43:9
           |
        43 | expr = "host_job@2021 / operating@2021"
           |         ^^^^^^^^
           = field: target[0].expr
           = expected: one of operating, host_jobs, invested, entered
           = help: did you mean `host_jobs`?

        error[out-of-range]: year 2031 is not a year of the study
          --> calib.toml:48:19
           |
        48 | expr = "operating@2031"
           |                   ^^^^
           = field: target[1].expr
           = expected: a year in 2010..=2024

        error[dangling-reference]: `sharee` is not a parameter with a prior
          --> calib.toml:53:9
           |
        53 | expr = "sharee * invested@2020"
           |         ^^^^^^
           = field: target[2].expr
           = expected: a `[[prior]]` name, or a metric written `name@year`

        error[out-of-range]: sd must be > 0, got -1
          --> calib.toml:55:6
           |
        55 | sd = -1.0
           |      ^^^^
           = field: target[2].sd
           = expected: sd > 0

        error[missing-key]: missing key `value` in `target[3]`
          --> calib.toml:57:1
           |
        57 | [[target]]
           | ^
           = field: target[3].value
           = expected: the observed value (or an `interval`, whose midpoint is taken)

        error[syntax]: expected a year after `@`
          --> calib.toml:58:19
           |
        58 | expr = "invested@ + 1"
           |                   ^
           = field: target[3].expr
           = expected: a year such as 2021, or {year}, {year-1}, {year+1} in a series

        error[unknown-key]: unknown key `valeu` in `target[3]`
          --> calib.toml:59:1
           |
        59 | valeu = 1.0
           | ^^^^^
           = field: target[3].valeu
           = expected: one of cv, expr, interval, level, name, sd, source, value, values, weight, years
           = help: did you mean `value`?
    "#]]
    .assert_eq(&render(text));
}

#[test]
fn a_parameter_name_in_an_expression_must_have_a_prior() {
    let text = "[calibration]\nseed = 1\n[[prior]]\nparam = \"share\"\nobservation = true\ndist = \"uniform\"\nlow = 0.0\nhigh = 1.0\n[[target]]\nexpr = \"sharee * invested@2020 + share\"\nvalue = 1.0\nsd = 1.0\n";
    expect![[r#"
        error[dangling-reference]: `sharee` is not a parameter with a prior
          --> calib.toml:10:9
           |
        10 | expr = "sharee * invested@2020 + share"
           |         ^^^^^^
           = field: target[0].expr
           = expected: a `[[prior]]` name, or a metric written `name@year`
           = help: did you mean `share`?
    "#]]
    .assert_eq(&render(text));
}

#[test]
fn settings_out_of_range_and_a_missing_seed_are_located() {
    let text = "[calibration]\nname = \"x\"\n[[prior]]\nparam = \"params.a\"\ndist = \"uniform\"\nlow = 0.0\nhigh = 1.0\n[[target]]\nexpr = \"entered@2020\"\nvalue = 1.0\nsd = 1.0\n[abc]\nquantile = 1.5\n[msm]\noptimizer = \"nelder_mead\"\n";
    expect![[r#"
        error[missing-key]: missing key `seed` in `calibration`
         --> calib.toml:1:1
          |
        1 | [calibration]
          | ^
          = field: calibration.seed
          = expected: a whole number >= 0

        error[out-of-range]: `quantile` is 1.5, out of range
          --> calib.toml:13:12
           |
        13 | quantile = 1.5
           |            ^^^
           = field: abc.quantile
           = expected: a number in (0, 1]

        error[out-of-range]: `optimizer` = "nelder_mead" is not a known value
          --> calib.toml:15:13
           |
        15 | optimizer = "nelder_mead"
           |             ^^^^^^^^^^^^^
           = field: msm.optimizer
           = expected: one of "nelder-mead", "cma-es"
           = help: did you mean `nelder-mead`?
    "#]]
    .assert_eq(&render(text));
}

/// The observation model at work: a target that sees only `share × size` cannot tell the two
/// apart (they trade off); adding a direct measurement of the size pins both down.
#[test]
fn an_observation_factor_trades_off_until_a_second_target_separates_it() {
    let base = r#"
[calibration]
seed = 3
noise = "gaussian"
[[prior]]
param = "params.size"
dist = "uniform"
low = 50.0
high = 150.0
[[prior]]
param = "share"
observation = true
dist = "uniform"
low = 0.1
high = 0.5
[[target]]
name = "observed_total"
expr = "share * total@2020"
value = 30.0
sd = 1.0
[abc]
particles = 400
max_generations = 8
"#;
    let m = vec!["total".to_string()];
    let y = vec![2020];
    let ctx = Context::open().metrics(&m).years(&y);
    // The model: its output `total@2020` is the size itself.
    let model =
        Parallel(|theta: &[f64], _seed: u64| -> Result<Vec<f64>, String> { Ok(vec![theta[0]]) });
    let t = Thresholds::default();

    let spec = CalibrationSpec::parse(base, "share.toml", &ctx).unwrap();
    let mut abc = AbcState::new(spec.problem(), spec.abc, spec.seed).unwrap();
    let post = abc.run(&spec.simulator(&model), |_, _| {}).unwrap();
    let rows = identifiability(&post, &summarize(&post, &spec.problem().priors), &t);
    assert!(
        rows[0].trades_off_with.first().is_some_and(|(n, c)| n == "share" && *c < -0.5),
        "{rows:?}"
    );
    assert_ne!(rows[0].status, Identified::PinnedDown, "{rows:?}");

    let both = format!(
        "{base}\n[[target]]\nname = \"size\"\nexpr = \"total@2020\"\nvalue = 100.0\nsd = 2.0\n"
    );
    let spec = CalibrationSpec::parse(&both, "share.toml", &ctx).unwrap();
    let mut abc = AbcState::new(spec.problem(), spec.abc, spec.seed).unwrap();
    let post = abc.run(&spec.simulator(&model), |_, _| {}).unwrap();
    let rows = identifiability(&post, &summarize(&post, &spec.problem().priors), &t);
    assert_eq!(
        rows.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Identified::PinnedDown, Identified::PinnedDown]
    );
    let mean = post.mean();
    assert!((mean[0] - 100.0).abs() < 5.0 && (mean[1] - 0.3).abs() < 0.03, "{mean:?}");
    expect![[r#"
        parameter    contraction  status             trades off with
        params.size        0.103  pinned down        share (-0.56)
        share              0.142  pinned down        params.size (-0.56)
        contraction = posterior sd / prior sd; pinned down below 0.5, not identified at 0.9 or above; a pair trades off at |correlation| >= 0.5
    "#]]
    .assert_eq(&symbiont_calibrate::diagnostics::render_identifiability(&rows, &t));
}
