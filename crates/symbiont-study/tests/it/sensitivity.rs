//! One lever at a time: the rows produced, the baseline equal to the study's own mean, the same
//! result on 1 thread or 4, and nothing to swap between modes with the same levers.

use symbiont_model::{Scenario, parse_scenario};
use symbiont_study::metrics::METRICS;
use symbiont_study::runner::{NullSink, StudyOptions, run_study};
use symbiont_study::sensitivity::{
    CSV_HEADER, LEVERS, Sensitivity, SensitivityOptions, run_sensitivity,
};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

fn small() -> Scenario {
    parse_scenario(SMALL, "small.toml").unwrap()
}

fn mode(s: &Scenario, id: &str) -> usize {
    s.modes.iter().position(|m| m.id == id).unwrap()
}

fn options(s: &Scenario, runs: u32) -> SensitivityOptions {
    SensitivityOptions {
        base: mode(s, "network"),
        alt: mode(s, "fight_alone"),
        runs,
        seed: s.study.seed,
        params: Default::default(),
        planned_sites: None,
        population: Default::default(),
    }
}

fn run_in_pool(threads: usize, s: &Scenario, o: &SensitivityOptions) -> Sensitivity {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let population = symbiont_abm::population::generate(s, o.seed);
    pool.install(|| run_sensitivity(s, &population, o, &mut |_, _| {})).unwrap()
}

#[test]
fn network_against_fight_alone_swaps_every_lever_and_keeps_the_study_baseline() {
    let s = small();
    let o = options(&s, 4);
    let mut calls = Vec::new();
    let population = symbiont_abm::population::generate(&s, o.seed);
    let r = run_sensitivity(&s, &population, &o, &mut |d, t| calls.push((d, t))).unwrap();
    // The two presets differ in every lever.
    assert_eq!(r.levers.len(), LEVERS.len());
    assert!(r.same.is_empty());
    assert_eq!((r.base_id.as_str(), r.alt_id.as_str(), r.runs), ("network", "fight_alone", 4));
    assert_eq!(r.rows.len(), METRICS.len() * LEVERS.len());
    let settings = 1 + LEVERS.len();
    assert_eq!(calls.len(), settings * 4);
    assert_eq!(calls.last(), Some(&(settings * 4, settings * 4)));
    let approvals = r.rows.iter().find(|x| x.lever == "approvals").unwrap();
    assert_eq!(
        (approvals.lever_low.as_str(), approvals.lever_high.as_str()),
        ("one_window", "serial")
    );
    let profit = r.rows.iter().find(|x| x.lever == "profit + reinvest_share").unwrap();
    assert_eq!(
        (profit.lever_low.as_str(), profit.lever_high.as_str()),
        ("reinvested 0.4", "repatriated 0")
    );

    // The baseline is the study's end-of-horizon mean of the base mode: same seed, same runs.
    let mut so = StudyOptions::from_scenario(&s);
    so.modes = vec![o.base];
    so.runs = 4;
    let summary = run_study(&s, &population, &so, &mut NullSink, &mut |_, _| {}).unwrap();
    for (k, m) in METRICS.iter().enumerate() {
        let rows: Vec<_> = r.rows.iter().filter(|x| x.metric == m.key).collect();
        assert_eq!(rows.len(), LEVERS.len(), "{}", m.key);
        for x in rows {
            assert_eq!(x.baseline, summary.modes[0].end[k].mean, "{} {}", m.key, x.lever);
            assert_eq!(x.outcome_low, x.baseline);
            assert!(x.outcome_high.is_finite(), "{} {}", m.key, x.lever);
            let d = x.outcome_high - x.outcome_low;
            let (lo, hi) = x.change_ci95;
            assert!(
                lo <= d + 1e-9 && d <= hi + 1e-9,
                "{} {}: {d} not in [{lo}, {hi}]",
                m.key,
                x.lever
            );
        }
    }
    // Swapping levers moves the outcomes: some change is not zero.
    assert!(r.rows.iter().any(|x| x.outcome_high != x.outcome_low));

    // The CSV: the header the report reads, then one line per row.
    let csv = r.csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), CSV_HEADER.join(","));
    assert_eq!(lines.count(), r.rows.len());
}

#[test]
fn identical_on_one_thread_or_four() {
    let s = small();
    let o = options(&s, 6);
    let one = run_in_pool(1, &s, &o);
    let four = run_in_pool(4, &s, &o);
    assert_eq!(one, four);
    assert_eq!(one.csv(), four.csv());
}

#[test]
fn modes_with_the_same_levers_have_nothing_to_swap() {
    let text = format!("{SMALL}\n[[mode]]\nid = \"my_network\"\nbase = \"network\"\n");
    let s = parse_scenario(&text, "small+custom.toml").unwrap();
    let mut o = options(&s, 2);
    o.alt = mode(&s, "my_network");
    let r = run_in_pool(2, &s, &o);
    assert!(r.levers.is_empty() && r.rows.is_empty());
    assert_eq!(r.same.len(), LEVERS.len());
    // A mode that differs in one lever only: one lever swapped, the rest listed as equal.
    let text = format!(
        "{SMALL}\n[[mode]]\nid = \"serial_network\"\nbase = \"network\"\napprovals = \"serial\"\n"
    );
    let s = parse_scenario(&text, "small+serial.toml").unwrap();
    let mut o = options(&s, 2);
    o.alt = mode(&s, "serial_network");
    let r = run_in_pool(2, &s, &o);
    assert_eq!(r.levers, ["approvals"]);
    assert_eq!(r.rows.len(), METRICS.len());
}

#[test]
fn bad_options_are_errors() {
    let s = small();
    let population = symbiont_abm::population::generate(&s, 1);
    let mut o = options(&s, 0);
    let e = run_sensitivity(&s, &population, &o, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "the number of runs must be at least 1");
    o.runs = 1;
    o.alt = 99;
    let e = run_sensitivity(&s, &population, &o, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "mode index 99 is not in the scenario");
}
