//! The class of the network a run forms follows the levers and the scenario's support units,
//! never the mode's name.

use symbiont_model::{Levers, Scenario, default_scenario};
use symbiont_study::runner::{NullSink, StudyOptions, run_study};
use symbiont_study::summary::StudySummary;

fn scenario(count: u32) -> Scenario {
    let mut s = default_scenario().unwrap();
    s.enterprise_groups[0].count = count;
    s.study.horizon_periods = 10;
    s
}

fn study(s: &Scenario, modes: &[&str], runs: u32) -> StudySummary {
    let mut opts = StudyOptions::from_scenario(s);
    opts.modes = modes.iter().map(|id| s.modes.iter().position(|m| m.id == *id).unwrap()).collect();
    opts.runs = runs;
    let population = symbiont_abm::population::generate(s, opts.seed);
    run_study(s, &population, &opts, &mut NullSink, &mut |_, _| {}).unwrap()
}

fn classes(s: &StudySummary) -> Vec<String> {
    s.modes
        .iter()
        .map(|m| format!("{}: {}", m.mode_id, m.structure.as_ref().unwrap().class()))
        .collect()
}

#[test]
fn the_class_follows_the_levers() {
    let s = scenario(600);
    let summary = study(&s, &["one_way_street", "network"], 6);
    assert_eq!(classes(&summary), ["one_way_street: one-way street", "network: network"]);
    let net = summary.modes[1].structure.as_ref().unwrap();
    assert!(net.median("support_ties").unwrap() >= 0.25, "{net:?}");
}

#[test]
fn the_networks_levers_without_its_support_units_do_not_class_network() {
    let mut s = scenario(600);
    s.universities.clear();
    s.research_institutes.clear();
    s.finance.clear();
    s.intermediaries.clear();
    s.promoting_orgs.clear();
    let summary = study(&s, &["network"], 6);
    let st = summary.modes[0].structure.as_ref().unwrap();
    assert_ne!(st.class(), "network", "{st:?}");
}

#[test]
fn a_mode_with_equal_levers_forms_the_same_network() {
    // A custom mode that copies the one-way street's levers classes as it does, run for run.
    let mut s = scenario(400);
    let mut copy = s.modes.iter().find(|m| m.id == "one_way_street").unwrap().clone();
    copy.id = "my_mode".into();
    copy.levers = Levers { ..copy.levers.clone() };
    s.modes.push(copy);
    let summary = study(&s, &["one_way_street", "my_mode"], 4);
    assert_eq!(summary.modes[0].structure, summary.modes[1].structure);
}
