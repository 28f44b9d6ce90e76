//! `SWEEP.toml`: the base scenario, the parameters to vary, the design, replications, modes
//! and outputs. Parsed into a checked [`SweepSpec`]; every problem is located in the file.
//!
//! ```toml
//! [sweep]
//! name = "network-vs-alone"
//! scenario = "default"                 # the embedded scenario, or a path relative to this file
//! seed = 20261128
//! replications = 10
//! modes = ["fight_alone", "network"]
//! outputs = ["entered@network-fight_alone", "survival@network"]
//! chunk = 8                            # design points per part file
//! seeds = "per-point"                  # or "common": the same seeds at every point
//!
//! [design]
//! kind = "sobol"                       # factorial | random | lhs | sobol | morris
//! samples = 64                         # points; Sobol base rows; Morris trajectories
//! levels = 4                           # factorial grid levels; Morris grid levels
//!
//! [set]                                # fixed changes to the base scenario
//! "study.horizon_periods" = 10
//!
//! [[parameter]]
//! path = "environment.host_openness"
//! dist = "uniform"                     # uniform | loguniform | normal | triangular | integer | choice
//! low = 0.3
//! high = 0.8
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::SweepError;
use crate::dist::ParamDist;
use crate::path::ParamPath;

/// Where the base scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioRef {
    /// The embedded default scenario.
    Default,
    /// A file, as written in SWEEP.toml (relative to the SWEEP.toml's folder).
    File(String),
}

/// Which design, before it is sized by the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignChoice {
    Factorial { levels: u32 },
    Random { samples: u64 },
    Lhs { samples: u64 },
    Sobol { samples: u64 },
    Morris { trajectories: u64, levels: u32 },
}

/// One varied parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Column name in the tables (the path unless named).
    pub name: String,
    pub path: ParamPath,
    pub dist: ParamDist,
    /// Grid levels in a factorial design (overrides the design's `levels`).
    pub levels: Option<u32>,
    /// Where the parameter is written in SWEEP.toml (byte range of its `path`).
    pub span: Range<usize>,
}

/// A fixed change applied to every point.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    pub path: ParamPath,
    pub value: toml::Value,
    pub span: Range<usize>,
}

/// A derived output: a metric at the horizon, of one mode or of the difference of two,
/// averaged over the replications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// As written, e.g. `entered@network-fight_alone`; the column name.
    pub name: String,
    pub metric: String,
    pub mode: String,
    /// Subtracted mode, for a difference.
    pub minus: Option<String>,
    pub span: Range<usize>,
}

/// A checked sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    pub name: String,
    pub scenario: ScenarioRef,
    pub seed: u64,
    pub replications: u32,
    pub modes: Vec<String>,
    /// Declared outputs; empty means every metric of every mode.
    pub outputs: Vec<OutputSpec>,
    pub chunk: u32,
    /// Common random numbers across points: every point runs under the same seed, so that
    /// differences between points come from the parameters alone (the default, `false`, gives
    /// each point its own seed derived from its index).
    pub common_seeds: bool,
    pub design: DesignChoice,
    pub fixed: Vec<Fixed>,
    pub parameters: Vec<Parameter>,
    pub(crate) modes_span: Range<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    sweep: RawSweep,
    design: RawDesign,
    #[serde(default)]
    set: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    parameter: Vec<Spanned<RawParam>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: String,
    scenario: String,
    seed: u64,
    replications: Spanned<u32>,
    modes: Spanned<Vec<String>>,
    #[serde(default)]
    outputs: Vec<Spanned<String>>,
    chunk: Option<Spanned<u32>>,
    seeds: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    kind: Spanned<String>,
    samples: Option<Spanned<u64>>,
    levels: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    name: Option<String>,
    path: Spanned<String>,
    dist: Spanned<String>,
    low: Option<f64>,
    high: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    mode: Option<f64>,
    values: Option<Vec<toml::Value>>,
    levels: Option<u32>,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A located problem in SWEEP.toml.
pub fn located(
    text: &str,
    origin: &str,
    span: Range<usize>,
    field: &str,
    message: String,
) -> SweepError {
    let (line, column) = line_col(text, span.start);
    SweepError::Spec { origin: origin.to_string(), line, column, field: field.to_string(), message }
}

impl SweepSpec {
    /// Parse and check SWEEP.toml text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Self, SweepError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            located(text, origin, span, "", e.message().to_string())
        })?;
        let at = |span: Range<usize>, field: &str, message: String| {
            located(text, origin, span, field, message)
        };

        let s = raw.sweep;
        let replications = *s.replications.get_ref();
        if replications == 0 {
            return Err(at(
                s.replications.span(),
                "sweep.replications",
                "expected at least 1 replication".into(),
            ));
        }
        if s.modes.get_ref().is_empty() {
            return Err(at(s.modes.span(), "sweep.modes", "expected at least one mode id".into()));
        }
        let chunk = match &s.chunk {
            Some(c) if *c.get_ref() == 0 => {
                return Err(at(
                    c.span(),
                    "sweep.chunk",
                    "expected at least 1 point per part".into(),
                ));
            }
            Some(c) => *c.get_ref(),
            None => 8,
        };
        let common_seeds = match &s.seeds {
            None => false,
            Some(v) => match v.get_ref().as_str() {
                "per-point" => false,
                "common" => true,
                other => {
                    return Err(at(
                        v.span(),
                        "sweep.seeds",
                        format!("unknown seeding `{other}`; expected `per-point` or `common`"),
                    ));
                }
            },
        };
        let mut outputs = Vec::new();
        for o in &s.outputs {
            outputs.push(
                parse_output(o.get_ref(), o.span())
                    .map_err(|m| at(o.span(), "sweep.outputs", m))?,
            );
        }

        let d = raw.design;
        let samples = |what: &str| -> Result<u64, SweepError> {
            match &d.samples {
                Some(n) if *n.get_ref() >= 1 => Ok(*n.get_ref()),
                Some(n) => {
                    Err(at(n.span(), "design.samples", format!("expected at least 1 {what}")))
                }
                None => Err(at(
                    d.kind.span(),
                    "design.samples",
                    format!("a `{}` design needs `samples` ({what})", d.kind.get_ref()),
                )),
            }
        };
        let levels = d.levels.as_ref().map(|l| (*l.get_ref(), l.span()));
        let design = match d.kind.get_ref().as_str() {
            "factorial" => DesignChoice::Factorial { levels: levels.map_or(3, |l| l.0).max(1) },
            "random" => DesignChoice::Random { samples: samples("point")? },
            "lhs" => DesignChoice::Lhs { samples: samples("point")? },
            "sobol" => DesignChoice::Sobol { samples: samples("base row")? },
            "morris" => {
                let p = levels.clone().map_or(4, |l| l.0);
                if p < 2 || p % 2 == 1 {
                    let span = levels.map_or(d.kind.span(), |l| l.1);
                    return Err(at(
                        span,
                        "design.levels",
                        format!("Morris needs an even number of levels >= 2, got {p}"),
                    ));
                }
                DesignChoice::Morris { trajectories: samples("trajectory")?, levels: p }
            }
            other => {
                return Err(at(
                    d.kind.span(),
                    "design.kind",
                    format!(
                        "unknown design `{other}`; expected one of factorial, random, lhs, sobol, morris"
                    ),
                ));
            }
        };

        let mut fixed = Vec::new();
        for (key, v) in raw.set {
            let path =
                ParamPath::parse(&key).map_err(|m| at(v.span(), &format!("set.{key}"), m))?;
            fixed.push(Fixed { path, span: v.span(), value: v.into_inner() });
        }

        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, p) in raw.parameter.into_iter().enumerate() {
            let pspan = p.span();
            let p = p.into_inner();
            let field = format!("parameter[{i}]");
            let path = ParamPath::parse(p.path.get_ref())
                .map_err(|m| at(p.path.span(), &format!("{field}.path"), m))?;
            let need = |x: Option<f64>, key: &str| -> Result<f64, SweepError> {
                match x {
                    Some(v) if v.is_finite() => Ok(v),
                    Some(v) => Err(at(
                        pspan.clone(),
                        &format!("{field}.{key}"),
                        format!("expected a finite number, got {v}"),
                    )),
                    None => Err(at(
                        p.dist.span(),
                        &format!("{field}.{key}"),
                        format!("a `{}` parameter needs `{key}`", p.dist.get_ref()),
                    )),
                }
            };
            let bad = |m: String| at(p.dist.span(), &format!("{field}.dist"), m);
            let dist = match p.dist.get_ref().as_str() {
                "uniform" | "loguniform" => {
                    let (low, high) = (need(p.low, "low")?, need(p.high, "high")?);
                    if low >= high {
                        return Err(bad(format!("expected low < high, got {low} and {high}")));
                    }
                    if p.dist.get_ref() == "loguniform" {
                        if low <= 0.0 {
                            return Err(bad(format!("a loguniform needs low > 0, got {low}")));
                        }
                        ParamDist::LogUniform { low, high }
                    } else {
                        ParamDist::Uniform { low, high }
                    }
                }
                "normal" => {
                    let (mean, sd) = (need(p.mean, "mean")?, need(p.sd, "sd")?);
                    if sd <= 0.0 {
                        return Err(bad(format!("expected sd > 0, got {sd}")));
                    }
                    ParamDist::Normal { mean, sd }
                }
                "triangular" => {
                    let (low, mode, high) =
                        (need(p.low, "low")?, need(p.mode, "mode")?, need(p.high, "high")?);
                    if !(low <= mode && mode <= high && low < high) {
                        return Err(bad(format!(
                            "expected low <= mode <= high and low < high, got {low}, {mode}, {high}"
                        )));
                    }
                    ParamDist::Triangular { low, mode, high }
                }
                "integer" => {
                    let (low, high) = (need(p.low, "low")?, need(p.high, "high")?);
                    if low.fract() != 0.0 || high.fract() != 0.0 || low > high {
                        return Err(bad(format!(
                            "expected whole numbers low <= high, got {low} and {high}"
                        )));
                    }
                    ParamDist::Integer { low: low as i64, high: high as i64 }
                }
                "choice" => match p.values {
                    Some(v) if !v.is_empty() => ParamDist::Choice { values: v },
                    _ => {
                        return Err(bad(
                            "a `choice` parameter needs a non-empty `values` list".into()
                        ));
                    }
                },
                other => {
                    return Err(bad(format!(
                        "unknown distribution `{other}`; expected one of uniform, loguniform, normal, triangular, integer, choice"
                    )));
                }
            };
            let name = p.name.unwrap_or_else(|| path.to_string());
            if parameters.iter().any(|q| q.name == name) {
                return Err(at(
                    p.path.span(),
                    &format!("{field}.name"),
                    format!("the parameter `{name}` is listed twice"),
                ));
            }
            parameters.push(Parameter { name, path, dist, levels: p.levels, span: p.path.span() });
        }
        if parameters.is_empty() {
            return Err(at(
                0..0,
                "parameter",
                "expected at least one [[parameter]] to vary".into(),
            ));
        }

        let scenario = if s.scenario == "default" {
            ScenarioRef::Default
        } else {
            ScenarioRef::File(s.scenario)
        };
        Ok(SweepSpec {
            name: s.name,
            scenario,
            seed: s.seed,
            replications,
            modes_span: s.modes.span(),
            modes: s.modes.into_inner(),
            outputs,
            chunk,
            common_seeds,
            design,
            fixed,
            parameters,
        })
    }
}

/// `metric@mode` or `metric@a-b`. Mode ids are resolved against the scenario later; here the
/// difference is split at the first `-` that leaves two non-empty ids, refined in the plan.
fn parse_output(text: &str, span: Range<usize>) -> Result<OutputSpec, String> {
    let Some((metric, modes)) = text.split_once('@') else {
        return Err(format!("`{text}` is not `metric@mode` or `metric@mode-other`"));
    };
    if metric.is_empty() || modes.is_empty() {
        return Err(format!("`{text}` is not `metric@mode` or `metric@mode-other`"));
    }
    Ok(OutputSpec {
        name: text.to_string(),
        metric: metric.to_string(),
        mode: modes.to_string(),
        minus: None,
        span,
    })
}
