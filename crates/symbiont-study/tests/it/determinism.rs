//! The same seed gives identical output on 1 thread or many, and a custom mode with the
//! network's levers gives the network's results, run for run.

use symbiont_model::{Scenario, parse_scenario};
use symbiont_study::StudyError;
use symbiont_study::runner::{
    NullSink, PopulationMode, RunRecord, Sink, StudyOptions, population_seed, run_study,
};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

fn small() -> Scenario {
    parse_scenario(SMALL, "small.toml").unwrap()
}

/// Keeps every run's output, for comparisons.
#[derive(Default)]
struct Keep(Vec<(String, u32, u64, symbiont_abm::output::RunOutput)>);

impl Sink for Keep {
    fn write_run(&mut self, r: &RunRecord<'_>) -> Result<(), StudyError> {
        self.0.push((r.mode.id.clone(), r.run, r.seed, r.output.clone()));
        Ok(())
    }
}

fn run_in_pool(
    threads: usize,
    s: &Scenario,
    opts: &StudyOptions,
) -> (Keep, symbiont_study::summary::StudySummary) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let population = symbiont_abm::population::generate(s, opts.seed);
    let mut keep = Keep::default();
    let summary =
        pool.install(|| run_study(s, &population, opts, &mut keep, &mut |_, _| {})).unwrap();
    (keep, summary)
}

#[test]
fn identical_on_one_thread_or_many() {
    let s = small();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.runs = 12;
    let (k1, s1) = run_in_pool(1, &s, &opts);
    let (k3, s3) = run_in_pool(3, &s, &opts);
    assert_eq!(k1.0.len(), 48);
    assert!(k1.0 == k3.0, "run outputs differ between 1 and 3 threads");
    assert_eq!(s1, s3);
}

#[test]
fn custom_mode_with_network_levers_equals_network() {
    let text = format!("{SMALL}\n[[mode]]\nid = \"my_network\"\nbase = \"network\"\n");
    let s = parse_scenario(&text, "small+custom.toml").unwrap();
    let net = s.modes.iter().position(|m| m.id == "network").unwrap();
    let mine = s.modes.iter().position(|m| m.id == "my_network").unwrap();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.modes = vec![net, mine];
    opts.runs = 6;
    let (keep, summary) = run_in_pool(2, &s, &opts);
    let (a, b): (Vec<_>, Vec<_>) = keep.0.into_iter().partition(|x| x.0 == "network");
    assert_eq!(a.len(), 6);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((x.1, x.2), (y.1, y.2), "same run index, same seed");
        assert!(x.3 == y.3, "run {} differs between network and my_network", x.1);
    }
    assert_eq!(summary.modes[0].end, summary.modes[1].end);
}

#[test]
fn adding_a_mode_does_not_change_the_others() {
    let s = small();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.runs = 5;
    opts.modes = vec![0, 3];
    let (two, _) = run_in_pool(2, &s, &opts);
    opts.modes = vec![0, 1, 2, 3];
    let (four, _) = run_in_pool(2, &s, &opts);
    let pick = |k: &Keep, id: &str| {
        k.0.iter().filter(|x| x.0 == id).map(|x| x.3.clone()).collect::<Vec<_>>()
    };
    assert!(pick(&two, "network") == pick(&four, "network"));
    assert!(pick(&two, "fight_alone") == pick(&four, "fight_alone"));
}

#[test]
fn bad_options_are_errors_not_panics() {
    let s = small();
    let population = symbiont_abm::population::generate(&s, 1);
    let mut opts = StudyOptions::from_scenario(&s);
    opts.runs = 0;
    let e = run_study(&s, &population, &opts, &mut NullSink, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "the number of runs must be at least 1");
    opts.runs = 1;
    opts.modes = vec![99];
    let e = run_study(&s, &population, &opts, &mut NullSink, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "mode index 99 is not in the scenario");
}

#[test]
fn per_run_populations_are_shared_across_modes_and_threads() {
    // Two modes with the same levers: with per-run populations, run r of each is the same run
    // (same population, same stream), and the runs differ from one another and from the
    // fixed-population study.
    let text = format!("{SMALL}\n[[mode]]\nid = \"my_network\"\nbase = \"network\"\n");
    let s = parse_scenario(&text, "small+custom.toml").unwrap();
    let net = s.modes.iter().position(|m| m.id == "network").unwrap();
    let mine = s.modes.iter().position(|m| m.id == "my_network").unwrap();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.modes = vec![net, mine];
    opts.runs = 6;
    assert_eq!(opts.population, PopulationMode::PerRun, "per-run is the default");
    let (k1, _) = run_in_pool(1, &s, &opts);
    let (k2, _) = run_in_pool(2, &s, &opts);
    assert!(k1.0 == k2.0, "per-run populations differ between 1 and 2 threads");
    let (a, b): (Vec<_>, Vec<_>) = k1.0.iter().partition(|x| x.0 == "network");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((x.1, &x.3), (y.1, &y.3), "run {} differs between equal modes", x.1);
    }
    opts.population = PopulationMode::Fixed;
    let (fixed, _) = run_in_pool(1, &s, &opts);
    let differs = k1.0.iter().zip(&fixed.0).filter(|(x, y)| x.3 != y.3).count();
    assert!(differs >= 10, "only {differs} of 12 runs changed with the population mode");
    // The population itself differs from run to run.
    let p0 = symbiont_abm::population::generate(&s, population_seed(opts.seed, 0));
    let p1 = symbiont_abm::population::generate(&s, population_seed(opts.seed, 1));
    assert_ne!(p0, p1);
}

#[test]
fn a_run_with_non_finite_outcomes_fails_naming_the_metric_and_period() {
    let s = small();
    let mut opts = StudyOptions::from_scenario(&s);
    opts.runs = 2;
    opts.params.turnover = 1e308;
    let population = symbiont_abm::population::generate(&s, opts.seed);
    let e = run_study(&s, &population, &opts, &mut NullSink, &mut |_, _| {}).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, StudyError::NonFinite { .. }), "{text}");
    assert!(text.contains("is not a finite number in period"), "{text}");
}
