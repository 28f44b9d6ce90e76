//! `symbiont sweep discover`: under which conditions does a condition on the outcomes hold?
//! A [`DiscoverRequest`] (checked by [`DiscoverRequest::validate`]) in, the folder of tables
//! and a [`DiscoverResult`] out; the engines are `symbiont_discover`'s PRIM, CART and
//! extra-trees scores.
//!
//! ```text
//! SWEEP_DIR/discovery/NAME/trajectory.{csv,parquet}   every PRIM box on the way, per box
//! SWEEP_DIR/discovery/NAME/boxes.{csv,parquet}        the chosen boxes' restrictions
//! SWEEP_DIR/discovery/NAME/cart.{csv,parquet}         CART's leaves as boxes
//! SWEEP_DIR/discovery/NAME/scores.{csv,parquet}       feature scores of every input
//! SWEEP_DIR/discovery/NAME/discovery.json             what the report draws
//! SWEEP_DIR/discovery/NAME/manifest.json              the request and the files
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use symbiont_discover::cart::{CartParams, cart_binary};
pub use symbiont_discover::prim::PrimParams;
use symbiont_discover::prim::{PrimBox, Step, prim_boxes, resample};
use symbiont_discover::scoring::{ScoreParams, extra_trees_binary};
use symbiont_discover::{BoxLimits, Inputs, Kind, Limit};
use symbiont_report::sweep::{DiscoveryPart, LeafRow, LimitRow, ScoreRow, TrajectoryPoint};

use crate::SweepError;
use crate::condition::Condition;
use crate::outcomes::{SweepOutcomes, read_outcomes};
use crate::tables::{Col, write_json, write_table};

/// What to discover, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverRequest {
    /// A merged sweep folder.
    pub sweep_dir: PathBuf,
    /// The cases of interest (see [`crate::condition`]).
    pub condition: String,
    /// The analysis's folder under `SWEEP_DIR/discovery/` (letters, digits, `-`, `_`).
    pub name: String,
    /// What the condition means, in words, for the plain-text findings.
    #[serde(default)]
    pub label: Option<String>,
    /// The inputs to explain by (default: every parameter of the sweep).
    #[serde(default)]
    pub inputs: Vec<String>,
    #[serde(default)]
    pub prim: PrimParams,
    /// PRIM boxes to find, each on the points the earlier ones leave.
    #[serde(default = "one")]
    pub boxes: usize,
    /// The step to choose on the first box's trajectory (default: see [`choose`]).
    #[serde(default)]
    pub select: Option<usize>,
    /// Subsamples for the resampling stability (0: none).
    #[serde(default = "ten")]
    pub resamples: u32,
    #[serde(default = "half")]
    pub resample_share: f64,
    #[serde(default = "yes")]
    pub cart: bool,
    #[serde(default)]
    pub cart_max_depth: Option<usize>,
    /// Trees of the extra-trees feature scores (0: no scores).
    #[serde(default = "hundred")]
    pub trees: usize,
    /// Seed of the resampling and the forest (default: the sweep's seed).
    #[serde(default)]
    pub seed: Option<u64>,
}

fn one() -> usize {
    1
}
fn ten() -> u32 {
    10
}
fn half() -> f64 {
    0.5
}
fn yes() -> bool {
    true
}
fn hundred() -> usize {
    100
}

impl DiscoverRequest {
    /// A request with the defaults.
    pub fn new(sweep_dir: impl Into<PathBuf>, condition: impl Into<String>) -> Self {
        DiscoverRequest {
            sweep_dir: sweep_dir.into(),
            condition: condition.into(),
            name: "discovery".into(),
            label: None,
            inputs: Vec::new(),
            prim: PrimParams::default(),
            boxes: 1,
            select: None,
            resamples: 10,
            resample_share: 0.5,
            cart: true,
            cart_max_depth: None,
            trees: 100,
            seed: None,
        }
    }

    /// Check the fields that need no sweep; the error names the field.
    pub fn validate(&self) -> Result<Condition, SweepError> {
        let bad = |field: &str, message: String| SweepError::Request {
            field: field.to_string(),
            message,
        };
        if self.name.is_empty()
            || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad(
                "name",
                format!("`{}` is not a folder name of letters, digits, `-` and `_`", self.name),
            ));
        }
        self.prim.check().map_err(|e| match e {
            symbiont_discover::DiscoverError::Params { field, message } => {
                bad(&format!("prim.{field}"), message)
            }
            e => bad("prim", e.to_string()),
        })?;
        if self.boxes == 0 {
            return Err(bad("boxes", "expected at least 1 box".into()));
        }
        if !(self.resample_share > 0.0 && self.resample_share < 1.0) {
            return Err(bad(
                "resample_share",
                format!("expected 0 < share < 1, got {}", self.resample_share),
            ));
        }
        Condition::parse(&self.condition).map_err(|e| SweepError::Condition {
            text: self.condition.clone(),
            column: e.column,
            message: e.message,
        })
    }
}

/// One chosen box, described.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundBox {
    pub step: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// e.g. "network.operating < hub.operating holds when plots < 40 and hazard_gap > 0.09: 78% of the cases, density 91%".
    pub statement: String,
}

/// What a discovery found and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverResult {
    pub out_dir: PathBuf,
    pub points: usize,
    pub cases: usize,
    pub boxes: Vec<FoundBox>,
    /// Steps of the first box's trajectory: (coverage, density, restricted inputs).
    pub trajectory: Vec<(f64, f64, usize)>,
    /// Inputs by feature score, best first.
    pub scores: Vec<(String, f64)>,
    /// CART leaves where cases are the majority, in words.
    pub leaves: Vec<String>,
    pub files: Vec<PathBuf>,
}

/// A number for people: three significant digits, no trailing zeros.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// A restriction in words: "plots < 40", "hazard > 0.09", "0.2 < a < 0.5", "window in {a, b}".
pub fn restriction(x: &Inputs, full: &BoxLimits, lims: &BoxLimits, j: usize) -> String {
    let c = x.column(j);
    match (&lims.limits[j], &full.limits[j]) {
        (Limit::Range { low, high }, Limit::Range { low: a, high: b }) => {
            match (low != a, high != b) {
                (true, true) => format!("{} < {} < {}", short(*low), c.name, short(*high)),
                (true, false) => format!("{} > {}", c.name, short(*low)),
                _ => format!("{} < {}", c.name, short(*high)),
            }
        }
        (Limit::Set(s), _) => {
            let names: Vec<String> = match &c.kind {
                Kind::Categorical { levels } => {
                    s.iter().map(|&l| levels[l as usize].clone()).collect()
                }
                _ => s.iter().map(u32::to_string).collect(),
            };
            format!("{} in {{{}}}", c.name, names.join(", "))
        }
        _ => c.name.clone(),
    }
}

fn describe(x: &Inputs, full: &BoxLimits, lims: &BoxLimits) -> String {
    let r = lims.restricted(full);
    if r.is_empty() {
        return "anywhere in the sweep's ranges".into();
    }
    r.iter().map(|&j| restriction(x, full, lims, j)).collect::<Vec<_>>().join(" and ")
}

/// The default box on a trajectory: among the steps whose every restriction has a binomial
/// quasi-p of at most 0.05, the one with the best balance of coverage and density (highest
/// harmonic mean); the last step if none qualifies.
pub fn choose(b: &PrimBox) -> usize {
    let f1 = |s: &Step| {
        if s.coverage + s.density > 0.0 {
            2.0 * s.coverage * s.density / (s.coverage + s.density)
        } else {
            0.0
        }
    };
    b.trajectory
        .iter()
        .filter(|s| s.res_dim > 0 && s.quasi_p.iter().all(|q| q.worst() <= 0.05))
        .max_by(|a, b| f1(a).total_cmp(&f1(b)).then(b.id.cmp(&a.id)))
        .map_or(b.trajectory.len() - 1, |s| s.id)
}

fn scaled(v: f64, lo: f64, hi: f64) -> f64 {
    if hi > lo { (v - lo) / (hi - lo) } else { 0.0 }
}

/// Run a discovery: read the merged sweep, evaluate the condition at every point, run PRIM
/// (with stability), CART and the feature scores, write the tables and the report part.
pub fn discover(req: &DiscoverRequest) -> Result<DiscoverResult, SweepError> {
    let cond = req.validate()?;
    let data = read_outcomes(&req.sweep_dir)?;
    let y = evaluate(&cond, &data)?;
    let cases = y.iter().filter(|&&v| v).count();
    if cases == 0 || cases == data.n {
        return Err(SweepError::Condition {
            text: req.condition.clone(),
            column: 1,
            message: format!(
                "the condition holds at {cases} of the {} design points: there is nothing to tell apart",
                data.n
            ),
        });
    }
    let columns = if req.inputs.is_empty() {
        data.inputs.clone()
    } else {
        req.inputs
            .iter()
            .enumerate()
            .map(|(i, name)| {
                data.inputs.iter().find(|c| &c.name == name).cloned().ok_or_else(|| {
                    SweepError::Request {
                        field: format!("inputs[{i}]"),
                        message: format!(
                            "no parameter `{name}` in the sweep; the parameters are {}",
                            data.inputs
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }
                })
            })
            .collect::<Result<_, _>>()?
    };
    let engine = |e: symbiont_discover::DiscoverError| SweepError::Request {
        field: "inputs".into(),
        message: e.to_string(),
    };
    let x = Inputs::new(columns).map_err(engine)?;
    let full = x.full_box();
    let seed = req.seed.unwrap_or(data.spec.seed);
    let boxes = prim_boxes(&x, &y, &req.prim, req.boxes).map_err(engine)?;
    let label = req.label.clone().unwrap_or_else(|| format!("\"{}\"", req.condition));
    let mut found = Vec::new();
    let mut part = DiscoveryPart {
        name: req.name.clone(),
        label: label.clone(),
        condition: req.condition.clone(),
        points: data.n,
        cases,
        statements: Vec::new(),
        trajectory: Vec::new(),
        limits: Vec::new(),
        scores: Vec::new(),
        leaves: Vec::new(),
    };
    let (
        mut t_box,
        mut t_step,
        mut t_cov,
        mut t_den,
        mut t_mass,
        mut t_res,
        mut t_n,
        mut t_k,
        mut t_paste,
        mut t_rest,
        mut t_qp,
    ) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (
        mut b_box,
        mut b_step,
        mut b_input,
        mut b_text,
        mut b_low,
        mut b_high,
        mut b_qpl,
        mut b_qpu,
        mut b_hgl,
        mut b_hgu,
        mut b_rc,
        mut b_rd,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for (bi, b) in boxes.iter().enumerate() {
        let sel = if bi == 0 { req.select.unwrap_or_else(|| choose(b)) } else { choose(b) };
        if sel >= b.trajectory.len() {
            return Err(SweepError::Request {
                field: "select".into(),
                message: format!(
                    "the trajectory has {} boxes (0 to {}); {sel} is out of range",
                    b.trajectory.len(),
                    b.trajectory.len() - 1
                ),
            });
        }
        let stability = if req.resamples > 0 {
            Some(
                resample(&x, &y, b, sel, &req.prim, req.resamples, req.resample_share, seed)
                    .map_err(engine)?,
            )
        } else {
            None
        };
        for s in &b.trajectory {
            t_box.push(bi as u64);
            t_step.push(s.id as u64);
            t_cov.push(s.coverage);
            t_den.push(s.density);
            t_mass.push(s.mass);
            t_res.push(s.res_dim as u64);
            t_n.push(s.n as u64);
            t_k.push(s.k as u64);
            t_paste.push(if s.pasted { "paste" } else { "peel" }.to_string());
            t_rest.push(
                s.restricted
                    .iter()
                    .map(|&j| restriction(&x, &full, &s.limits, j))
                    .collect::<Vec<_>>()
                    .join(" and "),
            );
            t_qp.push(s.quasi_p.iter().map(|q| q.worst()).reduce(f64::max));
            part.trajectory.push(TrajectoryPoint {
                box_index: bi,
                step: s.id,
                coverage: s.coverage,
                density: s.density,
                res_dim: s.res_dim,
                selected: s.id == sel,
            });
        }
        let s = &b.trajectory[sel];
        let statement = format!(
            "{label} holds when {}: {:.0}% of the cases, density {:.0}% ({} of {} points{})",
            describe(&x, &full, &s.limits),
            100.0 * s.coverage,
            100.0 * s.density,
            s.n,
            data.n,
            if bi > 0 {
                format!("; box {} of the points left by the earlier boxes", bi + 1)
            } else {
                String::new()
            }
        );
        for q in &s.quasi_p {
            let j = q.input;
            let (lo, hi) = match (&s.limits.limits[j], &full.limits[j]) {
                (Limit::Range { low, high }, Limit::Range { low: a, high: b }) => {
                    (scaled(*low, *a, *b), scaled(*high, *a, *b))
                }
                (Limit::Set(set), Limit::Set(all)) => {
                    (0.0, set.len() as f64 / all.len().max(1) as f64)
                }
                _ => (0.0, 1.0),
            };
            let (low_v, high_v) = match &s.limits.limits[j] {
                Limit::Range { low, high } => (Some(*low), Some(*high)),
                Limit::Set(_) => (None, None),
            };
            let rep = stability.as_ref().map(|st| st[j]);
            b_box.push(bi as u64);
            b_step.push(sel as u64);
            b_input.push(x.column(j).name.clone());
            b_text.push(restriction(&x, &full, &s.limits, j));
            b_low.push(low_v);
            b_high.push(high_v);
            b_qpl.push(q.lower.map(|t| t.binomial));
            b_qpu.push(q.upper.map(|t| t.binomial));
            b_hgl.push(q.lower.map(|t| t.hypergeometric));
            b_hgu.push(q.upper.map(|t| t.hypergeometric));
            b_rc.push(rep.map(|r| r.0));
            b_rd.push(rep.map(|r| r.1));
            part.limits.push(LimitRow {
                box_index: bi,
                input: x.column(j).name.clone(),
                low: lo,
                high: hi,
                text: restriction(&x, &full, &s.limits, j),
                quasi_p: Some(q.worst()),
                reproduce: rep.map(|r| r.0),
            });
        }
        part.statements.push(statement.clone());
        found.push(FoundBox {
            step: sel,
            coverage: s.coverage,
            density: s.density,
            mass: s.mass,
            statement,
        });
    }
    let out_dir = req.sweep_dir.join("discovery").join(&req.name);
    let mut files = Vec::new();
    files.extend(write_table(
        &out_dir,
        "trajectory",
        &[
            ("box", Col::U64(t_box)),
            ("step", Col::U64(t_step)),
            ("coverage", Col::F64(t_cov)),
            ("density", Col::F64(t_den)),
            ("mass", Col::F64(t_mass)),
            ("res_dim", Col::U64(t_res)),
            ("points", Col::U64(t_n)),
            ("cases", Col::U64(t_k)),
            ("phase", Col::Str(t_paste)),
            ("restrictions", Col::Str(t_rest)),
            ("max_quasi_p", Col::OptF64(t_qp)),
        ],
    )?);
    files.extend(write_table(
        &out_dir,
        "boxes",
        &[
            ("box", Col::U64(b_box)),
            ("step", Col::U64(b_step)),
            ("input", Col::Str(b_input)),
            ("restriction", Col::Str(b_text)),
            ("low", Col::OptF64(b_low)),
            ("high", Col::OptF64(b_high)),
            ("quasi_p_lower", Col::OptF64(b_qpl)),
            ("quasi_p_upper", Col::OptF64(b_qpu)),
            ("quasi_p_lower_hypergeometric", Col::OptF64(b_hgl)),
            ("quasi_p_upper_hypergeometric", Col::OptF64(b_hgu)),
            ("reproduce_coverage", Col::OptF64(b_rc)),
            ("reproduce_density", Col::OptF64(b_rd)),
        ],
    )?);
    let mut leaves = Vec::new();
    if req.cart {
        let tree = cart_binary(
            &x,
            &y,
            &CartParams { mass_min: req.prim.mass_min.min(0.49), max_depth: req.cart_max_depth },
        )
        .map_err(engine)?;
        let (mut node, mut cov, mut den, mut mass, mut n, mut text) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for l in &tree.leaves {
            let d = describe(&x, &full, &l.limits);
            node.push(l.node as u64);
            cov.push(l.coverage.unwrap_or(0.0));
            den.push(l.density.unwrap_or(0.0));
            mass.push(l.mass);
            n.push(l.n as u64);
            text.push(d.clone());
            if l.density.unwrap_or(0.0) > 0.5 {
                leaves.push(format!(
                    "{d}: {:.0}% of the cases, density {:.0}%",
                    100.0 * l.coverage.unwrap_or(0.0),
                    100.0 * l.density.unwrap_or(0.0)
                ));
                part.leaves.push(LeafRow {
                    text: d,
                    coverage: l.coverage.unwrap_or(0.0),
                    density: l.density.unwrap_or(0.0),
                    mass: l.mass,
                });
            }
        }
        files.extend(write_table(
            &out_dir,
            "cart",
            &[
                ("node", Col::U64(node)),
                ("restrictions", Col::Str(text)),
                ("coverage", Col::F64(cov)),
                ("density", Col::F64(den)),
                ("mass", Col::F64(mass)),
                ("points", Col::U64(n)),
            ],
        )?);
    }
    let mut scores = Vec::new();
    if req.trees > 0 {
        let s = extra_trees_binary(
            &x,
            &y,
            &ScoreParams { trees: req.trees, seed, ..ScoreParams::default() },
        )
        .map_err(engine)?;
        let mut ranked: Vec<(String, f64)> =
            x.columns().iter().map(|c| c.name.clone()).zip(s).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        files.extend(write_table(
            &out_dir,
            "scores",
            &[
                ("input", Col::Str(ranked.iter().map(|r| r.0.clone()).collect())),
                ("score", Col::F64(ranked.iter().map(|r| r.1).collect())),
                ("rank", Col::U64((1..=ranked.len() as u64).collect())),
            ],
        )?);
        part.scores =
            ranked.iter().map(|(i, s)| ScoreRow { input: i.clone(), score: *s }).collect();
        scores = ranked;
    }
    files.push(write_json(&out_dir.join("discovery.json"), &part)?);
    let manifest = serde_json::json!({
        "request": req,
        "seed": seed,
        "points": data.n,
        "cases": cases,
        "sweep_fingerprint": sweep_fingerprint(&req.sweep_dir),
        "files": files.iter().filter_map(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>(),
    });
    files.push(write_json(&out_dir.join("manifest.json"), &manifest)?);
    let trajectory =
        boxes[0].trajectory.iter().map(|s| (s.coverage, s.density, s.res_dim)).collect();
    Ok(DiscoverResult {
        out_dir,
        points: data.n,
        cases,
        boxes: found,
        trajectory,
        scores,
        leaves,
        files,
    })
}

/// The condition evaluated at every design point of `data`.
pub fn evaluate(cond: &Condition, data: &SweepOutcomes) -> Result<Vec<bool>, SweepError> {
    cond.evaluate(&data.modes, &data.metrics, data.n, &|m, k| data.column(m, k).to_vec()).map_err(
        |e| SweepError::Condition {
            text: cond.text().to_string(),
            column: e.column,
            message: e.message,
        },
    )
}

/// The fingerprint recorded in the sweep's manifest, so an analysis names the sweep it read.
pub(crate) fn sweep_fingerprint(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["fingerprint"].as_str().map(String::from))
        .unwrap_or_default()
}
