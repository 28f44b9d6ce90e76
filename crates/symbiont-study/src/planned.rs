//! The sites of the modes whose `site_choice` is `planned`: one plan of the designated-place
//! problem for the study's population, made once and shared by every planned mode and run
//! (which is why a study with planned sites runs on the fixed population). `simulate` and a
//! sweep's design points both come here, so a planned mode means the same everywhere.

use symbiont_model::Scenario;
use symbiont_model::levers::SiteChoice;
use symbiont_model::population::Population;

use crate::StudyError;

/// The plan behind the planned modes' sites.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSites {
    /// Each enterprise's park (`None`: not placed).
    pub sites: Vec<Option<u16>>,
    /// The modes (ids) that use it.
    pub users: Vec<String>,
    pub placed: usize,
    /// How the search stopped and by which backend, in words.
    pub termination: String,
    pub backend: String,
    /// The proven gap bound.
    pub gap: f64,
}

/// The plan for the modes of `modes` (indices into the scenario) whose sites are planned;
/// `None` when none is. The planner runs with its default options and a 1% gap.
pub fn planned_sites(
    scenario: &Scenario,
    population: &Population,
    modes: &[usize],
) -> Result<Option<PlannedSites>, StudyError> {
    let mut users: Vec<String> = Vec::new();
    for &m in modes {
        let d = &scenario.modes[m];
        if d.levers.site_choice == SiteChoice::Planned && !users.contains(&d.id) {
            users.push(d.id.clone());
        }
    }
    if users.is_empty() {
        return Ok(None);
    }
    let plan_error = |message: String| StudyError::Plan { modes: users.join(", "), message };
    let options = symbiont_plan::PlanOptions::default();
    let instance = symbiont_plan::Instance::from_scenario(scenario, population, &options)
        .map_err(|e| plan_error(format!("building the plan: {e}")))?;
    let settings = symbiont_plan::SolveSettings { gap: 0.01, ..Default::default() };
    match symbiont_plan::plan(&instance, &settings)
        .map_err(|e| plan_error(format!("solving the plan: {e}")))?
    {
        symbiont_plan::PlanOutcome::Planned(plan) => Ok(Some(PlannedSites {
            placed: plan.site.iter().filter(|s| s.is_some()).count(),
            sites: plan.sites(),
            termination: format!("{:?}", plan.termination),
            backend: format!("{:?}", plan.backend),
            gap: plan.gap,
            users,
        })),
        symbiont_plan::PlanOutcome::Infeasible(_) => Err(plan_error(
            "no plan meets the guidance; run `symbiont plan` to see which constraints to loosen"
                .into(),
        )),
    }
}
