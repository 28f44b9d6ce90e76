//! The comparison of modes over parameter draws (`simulate --posterior`): each run's draw is
//! the same for every mode, a mode with another mode's levers ties with it on every outcome
//! (the ranking knows no mode, only the runs), and the probabilities of ranking first sum to 1.

use symbiont_model::parse_scenario;
use symbiont_study::StudyError;
use symbiont_study::metrics::METRICS;
use symbiont_study::ranking::{RankingSink, ranking};
use symbiont_study::runner::{NullSink, RunRecord, Sink, StudyOptions, run_study_over_draws};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// Draws of the small scenario at three host openness values.
fn draws(text: &str) -> Vec<symbiont_model::Scenario> {
    [0.35, 0.55, 0.75]
        .iter()
        .map(|o| {
            let mut s = parse_scenario(text, "small.toml").unwrap();
            s.environment.host_openness = *o;
            s
        })
        .collect()
}

#[test]
fn a_mode_with_the_networks_levers_ties_with_it_on_every_outcome() {
    let text = format!("{SMALL}\n[[mode]]\nid = \"twin\"\nbase = \"network\"\n");
    let d = draws(&text);
    let net = d[0].modes.iter().position(|m| m.id == "network").unwrap();
    let twin = d[0].modes.iter().position(|m| m.id == "twin").unwrap();
    let mut opts = StudyOptions::from_scenario(&d[0]);
    opts.modes = vec![net, twin];
    opts.runs = 3;
    opts.structure_runs = 0;
    let mut null = NullSink;
    let mut sink = RankingSink::new(&mut null, vec!["network".into(), "twin".into()]);
    run_study_over_draws(&d, &opts, &mut sink, &mut |_, _| {}).unwrap();
    let rows = sink.rows();
    assert_eq!(rows.len(), 2 * METRICS.len());
    for r in &rows {
        assert_eq!(r.runs, 3);
        assert_eq!(r.p_first, 0.5, "{} {}: ties share the first place", r.metric, r.mode);
        assert_eq!(r.expected_regret, 0.0, "{} {}", r.metric, r.mode);
    }
}

/// Keeps each run's (mode, run, going-out decisions at the end), to check that run r of every
/// mode saw draw r.
#[derive(Default)]
struct Decided(Vec<(String, u32, u32)>);

impl Sink for Decided {
    fn write_run(&mut self, r: &RunRecord<'_>) -> Result<(), StudyError> {
        let last = r.output.periods.last().unwrap();
        self.0.push((r.mode.id.clone(), r.run, last.decided));
        Ok(())
    }
}

#[test]
fn run_r_of_every_mode_simulates_draw_r_and_first_places_sum_to_one() {
    let d = draws(SMALL);
    let mut opts = StudyOptions::from_scenario(&d[0]);
    opts.runs = 3;
    opts.structure_runs = 0;
    let ids: Vec<String> = opts.modes.iter().map(|&m| d[0].modes[m].id.clone()).collect();
    let mut keep = Decided::default();
    let mut sink = RankingSink::new(&mut keep, ids.clone());
    run_study_over_draws(&d, &opts, &mut sink, &mut |_, _| {}).unwrap();
    let rows = sink.rows();
    for m in METRICS {
        let total: f64 = rows.iter().filter(|r| r.metric == m.key).map(|r| r.p_first).sum();
        assert!((total - 1.0).abs() < 1e-12, "{}: {total}", m.key);
        let best = rows.iter().filter(|r| r.metric == m.key).map(|r| r.expected_regret);
        assert!(best.fold(f64::INFINITY, f64::min) >= 0.0);
    }
    // More openness, more decisions to go out: within each mode, the runs follow the draws.
    for id in &ids {
        let v: Vec<u32> = keep.0.iter().filter(|x| &x.0 == id).map(|x| x.2).collect();
        assert_eq!(v.len(), 3);
        assert!(v[0] <= v[2], "{id}: decisions {v:?} do not rise with host openness");
    }
    // A study over draws needs one run per draw.
    opts.runs = 2;
    let mut null = NullSink;
    let err = run_study_over_draws(&d, &opts, &mut null, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("3 parameter draws"), "{err}");
}

#[test]
fn regret_is_the_shortfall_from_the_runs_best_mode() {
    // Two modes, two runs, one metric column filled per mode: values[mode][metric][run].
    let k = METRICS.iter().position(|m| m.key == "host_jobs").unwrap();
    let mut values = vec![vec![vec![0.0; 2]; METRICS.len()]; 2];
    values[0][k] = vec![10.0, 4.0];
    values[1][k] = vec![6.0, 8.0];
    let rows = ranking(&["a".into(), "b".into()], &values);
    let a = rows.iter().find(|r| r.metric == "host_jobs" && r.mode == "a").unwrap();
    let b = rows.iter().find(|r| r.metric == "host_jobs" && r.mode == "b").unwrap();
    assert_eq!((a.p_first, b.p_first), (0.5, 0.5));
    assert_eq!(a.expected_regret, 2.0); // (0 + 4) / 2
    assert_eq!(b.expected_regret, 2.0); // (4 + 0) / 2
    assert_eq!(a.mean, 7.0);
}
