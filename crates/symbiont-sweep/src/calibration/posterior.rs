//! The scenarios of posterior draws, for a comparison of modes over a calibration's posterior
//! (`symbiont simulate --posterior CALIB_DIR`): run `r` of every mode simulates draw `r`.
//!
//! The calibration folder carries what it was fitted on (`calibration.toml`, `scenario.toml`)
//! and the weighted sample (`posterior.json`, exact floats); the draws are an equally weighted
//! resample of it under the study's seed, so the same seed gives the same draws.

use std::path::Path;

use symbiont_calibrate::Posterior;
use symbiont_model::Scenario;
use symbiont_model::seed::{derive, label};

use super::{CalibrationError, load};

/// Posterior draws turned into scenarios.
#[derive(Debug)]
pub struct PosteriorScenarios {
    /// The calibration folder's scenario text and its name in messages.
    pub scenario_text: String,
    pub scenario_origin: String,
    /// The calibration's name and mode (the mode the observed years were fitted under).
    pub calibration: Option<String>,
    pub fitted_mode: String,
    /// The model parameters' names (scenario paths) and each run's values of them.
    pub names: Vec<String>,
    pub values: Vec<Vec<f64>>,
    /// One scenario per run, the full horizon of the scenario.
    pub scenarios: Vec<Scenario>,
}

fn read(dir: &Path, name: &str) -> Result<String, CalibrationError> {
    let p = dir.join(name);
    std::fs::read_to_string(&p).map_err(|e| CalibrationError::Io {
        path: p.clone(),
        message: format!(
            "{e}; expected a folder written by `symbiont calibrate` (it holds {name})"
        ),
    })
}

/// `runs` scenarios drawn from the posterior in `dir`, under `seed`.
pub fn posterior_scenarios(
    dir: &Path,
    runs: u32,
    seed: u64,
) -> Result<PosteriorScenarios, CalibrationError> {
    let calib = read(dir, "calibration.toml")?;
    let scenario_text = read(dir, "scenario.toml")?;
    let post_text = read(dir, "posterior.json")?;
    let post_path = dir.join("posterior.json");
    let post: Posterior = serde_json::from_str(&post_text).map_err(|e| CalibrationError::Io {
        path: post_path.clone(),
        message: format!("{e}; expected the posterior `symbiont calibrate` writes"),
    })?;
    let origin_c = dir.join("calibration.toml").display().to_string();
    let origin_s = dir.join("scenario.toml").display().to_string();
    let (spec, binding) = load(&calib, &origin_c, &scenario_text, &origin_s)?;
    if post.names != spec.names() || post.is_empty() {
        return Err(CalibrationError::Io {
            path: post_path,
            message: format!(
                "its parameters ({}) are not those of calibration.toml ({}), or it is empty",
                post.names.join(", "),
                spec.names().join(", ")
            ),
        });
    }
    let binding = binding.with_full_horizon();
    let model = spec.model_params();
    let draws = post.resample(runs as usize, derive(seed, &[label("posterior-draws")]));
    let values: Vec<Vec<f64>> =
        draws.iter().map(|t| model.iter().map(|&j| t[j]).collect()).collect();
    let scenarios = values
        .iter()
        .enumerate()
        .map(|(r, v)| {
            binding.scenario(v).map(|(sc, _)| sc).map_err(|m| CalibrationError::Setup {
                field: format!("posterior draw {r}"),
                message: m,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PosteriorScenarios {
        scenario_text,
        scenario_origin: origin_s,
        calibration: spec.name.clone(),
        fitted_mode: binding.mode().to_string(),
        names: model.iter().map(|&j| spec.params[j].name.clone()).collect(),
        values,
        scenarios,
    })
}
