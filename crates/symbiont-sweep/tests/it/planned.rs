//! A sweep runs a design point the way `simulate` runs a study: a mode whose sites come from
//! the planner gets the plan for the point's scenario and population, so a one-point sweep
//! gives the study's results run for run, and not those of the same mode without its plan.

use symbiont_abm::Params;
use symbiont_study::metrics::METRICS;
use symbiont_study::runner::{PopulationMode, RunRecord, Sink, StudyOptions, run_study};
use symbiont_sweep::bound::{BoundSweep, point_seed};
use symbiont_sweep::spec::SweepSpec;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// Keeps each run's outcomes at the horizon.
#[derive(Default)]
struct Ends(Vec<(String, u32, Vec<f64>)>);

impl Sink for Ends {
    fn write_run(&mut self, r: &RunRecord<'_>) -> Result<(), symbiont_study::StudyError> {
        let last = r.output.periods.last().unwrap();
        self.0.push((r.mode.id.clone(), r.run, METRICS.iter().map(|m| (m.get)(last)).collect()));
        Ok(())
    }
}

#[test]
fn a_planned_mode_in_a_one_point_sweep_gives_the_studys_results() {
    let base = format!(
        "{SMALL}\n[[mode]]\nid = \"planned\"\nbase = \"network\"\nsite_choice = \"planned\"\n"
    );
    let spec_text = r#"[sweep]
name = "planned"
scenario = "small+planned.toml"
seed = 5
replications = 3
modes = ["planned", "network"]
outputs = ["operating@planned"]

[design]
kind = "random"
samples = 1

[[parameter]]
path = "environment.host_openness"
dist = "uniform"
low = 0.5
high = 0.5000001
"#;
    let spec = SweepSpec::parse(spec_text, "SWEEP.toml").unwrap();
    let plan = BoundSweep::new(spec, spec_text, "SWEEP.toml", &base, "small+planned.toml").unwrap();
    let rows = plan.run_points(0..1, &Params::default()).unwrap();

    // The study of the point's scenario under the point's seed, as `simulate` would run it.
    let (sc, modes, _) = plan.point_scenario(0).unwrap();
    let seed = point_seed(5, 0);
    let population = symbiont_abm::population::generate(&sc, seed);
    let planned = symbiont_study::planned::planned_sites(&sc, &population, &modes)
        .unwrap()
        .expect("the planned mode has a plan");
    assert!(planned.placed > 0, "the plan places enterprises");
    let mut opts = StudyOptions::from_scenario(&sc);
    opts.modes = modes.clone();
    opts.runs = 3;
    opts.seed = seed;
    opts.population = PopulationMode::Fixed;
    opts.structure_runs = 0;
    opts.planned_sites = Some(planned.sites.clone());
    let mut ends = Ends::default();
    run_study(&sc, &population, &opts, &mut ends, &mut |_, _| {}).unwrap();

    for r in &rows.runs {
        let id = &plan.spec.modes[r.mode];
        let study = ends.0.iter().find(|e| &e.0 == id && e.1 == r.replication).unwrap();
        assert_eq!(r.metrics, study.2, "{id}, replication {}", r.replication);
    }
    // Without its plan the planned mode would give other results: the comparison above is
    // not one that passes whatever the sweep does.
    opts.planned_sites = None;
    opts.modes = vec![modes[0]];
    let mut unplanned = Ends::default();
    let without = run_study(&sc, &population, &opts, &mut unplanned, &mut |_, _| {});
    match without {
        Err(_) => {} // a planned mode without sites is refused: also not the sweep's answer
        Ok(_) => {
            let swept: Vec<&Vec<f64>> =
                rows.runs.iter().filter(|r| r.mode == 0).map(|r| &r.metrics).collect();
            let bare: Vec<&Vec<f64>> = unplanned.0.iter().map(|e| &e.2).collect();
            assert_ne!(swept, bare, "the plan changes the planned mode's results");
        }
    }
}
