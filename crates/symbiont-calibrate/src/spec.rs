//! The calibration TOML: priors, targets, the observation model and the methods' settings,
//! parsed into a checked [`CalibrationSpec`]. Every problem of the file is reported at once as
//! [`symbiont_model::Diagnostics`] (file, line, column, field path, expected form, "did you
//! mean"), before any simulation runs.
//!
//! ```toml
//! [calibration]
//! seed = 20261201
//! scenario = "default"          # opaque here; the binding reads it
//! noise = "gaussian"            # simulated targets get N(0, sd²) observation noise; or "none"
//!
//! [[prior]]
//! param = "params.congestion_wage"      # a parameter path, as in `symbiont sweep`
//! dist = "loguniform"
//! low = 0.01
//! high = 1.0
//!
//! [[prior]]
//! param = "share"                       # an observation-model parameter, not in the scenario
//! observation = true
//! dist = "beta"
//! a = 2.0
//! b = 8.0
//!
//! [[target]]
//! name = "jobs_per_firm"
//! expr = "host_jobs@2021 / operating@2021"
//! value = 140.0
//! interval = [90.0, 190.0]              # or sd = 25.0, or cv = 0.2
//! source = "data/laos_sez_aggregates.csv (2021)"
//!
//! [[target]]
//! name = "investment"
//! expr = "share * invested@{year}"      # the observation model, written out
//! years = [2016, 2017, 2018]
//! values = [1.1, 1.4, 1.9]
//! cv = 0.15
//!
//! [abc]
//! particles = 500
//! budget = 20000
//!
//! [msm]
//! replications = 20
//! ```
//!
//! Metric names and years are checked against the lists in [`Context`] (the binding passes
//! the run folder's metrics and the study's years), and model parameter paths through the
//! context's checker (the binding tries each path on the scenario).

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};
use symbiont_model::diag::{Code, Diagnostics};
use symbiont_model::seed;
use toml::de::{DeTable, DeValue};

use crate::abc::{AbcSettings, BatchSize, DistanceKind, KernelScale, ScaleFn};
use crate::msm::{MsmSettings, Optimizer, Weighting};
use crate::prior::{Dist, Prior, phi_inv};
use crate::problem::{Problem, SettingsError};
use crate::reader::{Cx, Tab, kind, num_of};
use crate::simulator::Simulator;
use crate::stream::Stream;
use crate::target::{self, Expr, Reference, Resolver};

/// A check of one model parameter path: `Err(why)` when the path does not exist.
pub type ParamCheck<'a> = dyn Fn(&str) -> Result<(), String> + 'a;

/// What exists in the model the targets point at. Every list is optional: without it, that
/// check is skipped.
#[derive(Default)]
pub struct Context<'a> {
    metrics: Option<&'a [String]>,
    years: Option<&'a [i32]>,
    modes: Option<&'a [String]>,
    check_param: Option<&'a ParamCheck<'a>>,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("metrics", &self.metrics)
            .field("years", &self.years)
            .field("modes", &self.modes)
            .field("check_param", &self.check_param.map(|_| "fn"))
            .finish()
    }
}

impl<'a> Context<'a> {
    /// No checks beyond the file's own consistency.
    pub fn open() -> Self {
        Context::default()
    }

    /// The metric names a target may use (the run folder's metrics).
    pub fn metrics(mut self, metrics: &'a [String]) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The years a target may use (the study's years).
    pub fn years(mut self, years: &'a [i32]) -> Self {
        self.years = Some(years);
        self
    }

    /// The modes `[calibration] mode` may name (the scenario's modes).
    pub fn modes(mut self, modes: &'a [String]) -> Self {
        self.modes = Some(modes);
        self
    }

    /// A check of each model parameter's path (e.g. set it on the scenario and re-validate);
    /// its message is reported at the path in the file.
    pub fn check_params(mut self, check: &'a ParamCheck<'a>) -> Self {
        self.check_param = Some(check);
        self
    }
}

/// Whether a parameter is a model input or part of the observation model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Set in the scenario by its path; the simulator sees it.
    Model,
    /// Used only in target expressions (e.g. the share of a total the scenario stands for).
    Observation,
}

/// A parameter with its prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    pub role: Role,
    pub prior: Prior,
    /// Byte range of `param` in the file.
    pub span: Range<usize>,
    /// Its field path in the file, e.g. `prior[3]`.
    pub field: String,
}

/// A `[[target]]` as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetSpec {
    pub name: String,
    pub expr: String,
    pub source: Option<String>,
    /// The years of a series (`None` for a single moment).
    pub years: Option<Vec<i32>>,
    pub span: Range<usize>,
}

/// One summary statistic: a target, or one year of a series target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The target's name, `name@year` for a year of a series.
    pub name: String,
    /// Index into [`CalibrationSpec::targets`].
    pub target: usize,
    pub year: Option<i32>,
    pub observed: f64,
    pub sd: f64,
    pub weight: f64,
    pub expr: Expr,
}

/// Observation noise added to simulated targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    /// `N(0, sd²)` per target: the targets' uncertainty is part of the model, and ABC at a
    /// small tolerance targets the posterior under Gaussian measurement error.
    Gaussian,
    /// None: the sd is only the distance's scale.
    None,
}

/// A checked calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSpec {
    pub name: Option<String>,
    pub seed: u64,
    pub scenario: Option<String>,
    /// The mode of organisation under which the observed years happened (read by the binding:
    /// the simulations of the calibration run this mode).
    pub mode: Option<String>,
    pub noise: Noise,
    pub params: Vec<ParamSpec>,
    pub targets: Vec<TargetSpec>,
    pub summaries: Vec<Summary>,
    /// The model outputs the simulator must return, in this order.
    pub references: Vec<Reference>,
    pub abc: AbcSettings,
    pub msm: MsmSettings,
}

const DISTS: &[(&str, u8)] = &[("uniform", 0), ("loguniform", 1), ("normal", 2), ("beta", 3)];

/// Map a byte range inside a string value back to the file: exact when the string has no
/// escapes, else the string's start.
fn inner_span(src: &str, value_span: &Range<usize>, text: &str, at: &Range<usize>) -> Range<usize> {
    let raw = src.get(value_span.clone()).unwrap_or("");
    let q = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
    if raw.len() >= 2 * q && &raw[q..raw.len() - q] == text {
        let s = value_span.start + q;
        (s + at.start)..(s + at.end.max(at.start + 1))
    } else {
        value_span.start..value_span.start + 1
    }
}

impl CalibrationSpec {
    /// Parse and check a calibration TOML; `origin` names it in messages.
    pub fn parse(
        text: &str,
        origin: &str,
        ctx: &Context<'_>,
    ) -> Result<CalibrationSpec, Diagnostics> {
        let mut cx = Cx::new(text, origin);
        let doc = match DeTable::parse(text) {
            Ok(d) => d,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                cx.report(
                    Code::Syntax,
                    span,
                    "",
                    format!("invalid TOML: {}", e.message().trim()),
                    Some("valid TOML".into()),
                    None,
                );
                return Err(Diagnostics { items: cx.diags });
            }
        };
        let mut root = Tab::new(doc.get_ref(), doc.span(), String::new());
        let spec = read(&mut cx, &mut root, ctx);
        root.finish(&mut cx);
        let mut items = cx.diags;
        items.sort_by_key(|d| (d.span.start, d.span.end));
        items.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        match spec {
            Some(s) if items.is_empty() => Ok(s),
            _ => Err(Diagnostics { items }),
        }
    }

    /// Parameter names, in the problem's order.
    pub fn names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }

    /// Indices (into θ) of the model parameters, whose values the simulator sets.
    pub fn model_params(&self) -> Vec<usize> {
        (0..self.params.len()).filter(|&j| self.params[j].role == Role::Model).collect()
    }

    /// The problem ABC-SMC and the method of simulated moments work on.
    pub fn problem(&self) -> Problem {
        Problem {
            names: self.names(),
            priors: self.params.iter().map(|p| p.prior.clone()).collect(),
            stat_names: self.summaries.iter().map(|s| s.name.clone()).collect(),
            observed: self.summaries.iter().map(|s| s.observed).collect(),
            sd: self.summaries.iter().map(|s| s.sd).collect(),
            weights: self.summaries.iter().map(|s| s.weight).collect(),
        }
    }

    /// The summary statistics (without noise) from θ and the model's outputs, ordered as
    /// [`CalibrationSpec::references`].
    pub fn summarize(&self, theta: &[f64], outputs: &[f64]) -> Vec<f64> {
        self.summaries.iter().map(|s| s.expr.eval(theta, outputs)).collect()
    }

    /// A simulator of the targets over a model simulator: `model` gets the model
    /// parameters (in the order of [`CalibrationSpec::model_params`]) and the seed, and
    /// returns the values of [`CalibrationSpec::references`].
    pub fn simulator<S: Simulator>(&self, model: S) -> TargetSimulator<'_, S> {
        TargetSimulator { spec: self, model_params: self.model_params(), model }
    }
}

/// Why a simulated target could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetError<E> {
    Model(E),
    Outputs { expected: usize, got: usize },
}

impl<E: fmt::Display> fmt::Display for TargetError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::Model(e) => write!(f, "{e}"),
            TargetError::Outputs { expected, got } => {
                write!(
                    f,
                    "the model returned {got} outputs, expected {expected} (one per metric@year reference)"
                )
            }
        }
    }
}

/// The targets as a [`Simulator`]: model outputs → expressions → observation noise.
#[derive(Debug)]
pub struct TargetSimulator<'s, S> {
    spec: &'s CalibrationSpec,
    model_params: Vec<usize>,
    model: S,
}

impl<S: Simulator> Simulator for TargetSimulator<'_, S> {
    type Error = TargetError<S::Error>;

    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, Self::Error>> {
        let inner: Vec<(Vec<f64>, u64)> = batch
            .iter()
            .map(|(t, s)| (self.model_params.iter().map(|&j| t[j]).collect(), *s))
            .collect();
        let outs = self.model.simulate(&inner);
        let want = self.spec.references.len();
        batch
            .iter()
            .zip(outs)
            .map(|((theta, s), out)| {
                let out = out.map_err(TargetError::Model)?;
                if out.len() != want {
                    return Err(TargetError::Outputs { expected: want, got: out.len() });
                }
                let mut v = self.spec.summarize(theta, &out);
                if self.spec.noise == Noise::Gaussian {
                    let mut rng = Stream::at(*s, &[seed::label("observation-noise")]);
                    for (x, sum) in v.iter_mut().zip(&self.spec.summaries) {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        *x += sum.sd * z;
                    }
                }
                Ok(v)
            })
            .collect()
    }
}

fn read(cx: &mut Cx<'_>, root: &mut Tab<'_, '_>, ctx: &Context<'_>) -> Option<CalibrationSpec> {
    let (mut name, mut seed, mut scenario, mut noise) = (None, None, None, Noise::Gaussian);
    let mut mode = None;
    match root.table(cx, "calibration") {
        Some(mut t) => {
            name = t.string(cx, "name").map(|s| s.into_inner());
            scenario = t.string(cx, "scenario").map(|s| s.into_inner());
            if let Some(m) = t.string(cx, "mode") {
                match ctx.modes {
                    Some(known) if !known.contains(m.get_ref()) => cx.report(
                        Code::DanglingReference,
                        m.span(),
                        &t.field("mode"),
                        format!("unknown mode `{}`", m.get_ref()),
                        Some(format!(
                            "one of {}",
                            crate::text::list(known.iter().map(String::as_str), 12)
                        )),
                        crate::text::did_you_mean(m.get_ref(), known.iter().map(String::as_str)),
                    ),
                    _ => mode = Some(m.into_inner()),
                }
            }
            if let Some(n) =
                t.word(cx, "noise", &[("gaussian", Noise::Gaussian), ("none", Noise::None)])
            {
                noise = n;
            }
            match t.get("seed") {
                None => t.missing(cx, "seed", "a whole number >= 0"),
                Some(_) => seed = t.int(cx, "seed", 0, i64::MAX).map(|s| *s.get_ref() as u64),
            }
            t.finish(cx);
        }
        None => {
            if root.get("calibration").is_none() {
                root.missing(cx, "calibration", "a [calibration] table with `seed`");
            }
        }
    }

    let params = read_priors(cx, root, ctx);
    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let (targets, summaries, references, mentioned) = read_targets(cx, root, ctx, &names);

    // An observation parameter must be used, or it is a silent factor of nothing. Names in
    // targets that failed to resolve still count, so one mistake gives one message.
    for p in &params {
        if p.role == Role::Observation && !mentioned.contains(&p.name) {
            cx.report(
                Code::Inconsistent,
                p.span.clone(),
                &format!("{}.param", p.field),
                format!("the observation parameter `{}` is used by no target", p.name),
                Some(
                    "a target expression that uses it, e.g. `{name} * metric@year`"
                        .replace("{name}", &p.name),
                ),
                None,
            );
        }
    }

    let abc = read_abc(cx, root);
    let msm = read_msm(cx, root);
    Some(CalibrationSpec {
        name,
        seed: seed?,
        scenario,
        mode,
        noise,
        params,
        targets,
        summaries,
        references,
        abc: abc?,
        msm: msm?,
    })
}

fn read_priors(cx: &mut Cx<'_>, root: &mut Tab<'_, '_>, ctx: &Context<'_>) -> Vec<ParamSpec> {
    let tabs = root.tables(cx, "prior");
    if tabs.is_empty() && root.get("prior").is_none() {
        root.missing(cx, "prior", "at least one [[prior]] table");
    }
    let mut out: Vec<ParamSpec> = Vec::new();
    for mut t in tabs {
        let base = t.path.clone();
        let field = |k: &str| format!("{base}.{k}");
        let param = t.string(cx, "param");
        if t.get("param").is_none() {
            t.missing(cx, "param", "a parameter path such as `params.congestion_wage`, or an observation parameter's name");
        }
        let role = if t.boolean(cx, "observation").unwrap_or(false) {
            Role::Observation
        } else {
            Role::Model
        };
        let dist_word = t.get("dist");
        let which = t.word(cx, "dist", DISTS);
        if dist_word.is_none() {
            t.missing(cx, "dist", "one of \"uniform\", \"loguniform\", \"normal\", \"beta\"");
        }
        if let Some(v) = dist_word {
            // An unknown distribution is a distribution problem: recode the word error.
            if which.is_none()
                && let Some(d) = cx.diags.iter_mut().rev().find(|d| d.span == v.span())
                && matches!(v.get_ref(), DeValue::String(_))
            {
                d.code = Code::BadDistribution;
                d.message =
                    format!("unknown distribution `{}`", v.get_ref().as_str().unwrap_or(""));
            }
        }
        let truncate = match t.nums(cx, "truncate") {
            Some(v) if v.get_ref().len() == 2 => {
                Some((*v.get_ref()[0].get_ref(), *v.get_ref()[1].get_ref(), v.span()))
            }
            Some(v) => {
                cx.report(
                    Code::WrongType,
                    v.span(),
                    &field("truncate"),
                    "`truncate` must be [lo, hi]",
                    Some("two numbers [lo, hi]".into()),
                    None,
                );
                None
            }
            None => None,
        };
        let dist_span = dist_word.map_or(t.span.clone(), |v| v.span());
        let need = |cx: &mut Cx<'_>,
                    t: &mut Tab<'_, '_>,
                    key: &'static str|
         -> Option<(f64, Range<usize>)> {
            match t.num(cx, key) {
                Some(x) => Some((*x.get_ref(), x.span())),
                None => {
                    if t.get(key).is_none() {
                        let d = dist_word.and_then(|v| v.get_ref().as_str()).unwrap_or("?");
                        cx.report(
                            Code::MissingKey,
                            dist_span.clone(),
                            &field(key),
                            format!("a `{d}` prior needs `{key}`"),
                            Some(format!("`{key}` = a number")),
                            None,
                        );
                    }
                    None
                }
            }
        };
        let keys: [&'static str; 2] = match which {
            Some(0) | Some(1) => ["low", "high"],
            Some(2) => ["mean", "sd"],
            Some(3) => ["a", "b"],
            _ => {
                // Read the known keys anyway so they are not reported as unknown.
                for k in ["low", "high", "mean", "sd", "a", "b"] {
                    t.get(k);
                }
                t.finish(cx);
                continue;
            }
        };
        // Mark every distribution key as known, then complain about the ones this one lacks
        // or does not take.
        for k in ["low", "high", "mean", "sd", "a", "b"] {
            if !keys.contains(&k)
                && let Some(v) = t.get(k)
            {
                let d = dist_word.and_then(|v| v.get_ref().as_str()).unwrap_or("?");
                cx.report(
                    Code::UnknownKey,
                    v.span(),
                    &field(k),
                    format!("a `{d}` prior takes no `{k}`"),
                    Some(format!("`{}` and `{}`", keys[0], keys[1])),
                    None,
                );
            }
        }
        let x = need(cx, &mut t, keys[0]);
        let y = need(cx, &mut t, keys[1]);
        t.finish(cx);
        let (Some(param), Some((x, xs)), Some((y, ys))) = (param, x, y) else { continue };
        let dist = match which {
            Some(0) => Dist::Uniform { low: x, high: y },
            Some(1) => Dist::LogUniform { low: x, high: y },
            Some(2) => Dist::Normal { mean: x, sd: y },
            _ => Dist::Beta { a: x, b: y },
        };
        let name = param.get_ref().clone();
        let prior = match Prior::new(dist, truncate.as_ref().map(|t| (t.0, t.1))) {
            Ok(p) => p,
            Err(e) => {
                let span = match e.field {
                    f if f == keys[0] => xs,
                    f if f == keys[1] => ys,
                    _ => truncate.as_ref().map_or(dist_span.clone(), |t| t.2.clone()),
                };
                cx.report(
                    Code::BadDistribution,
                    span,
                    &field(e.field),
                    format!("prior of `{name}`: {}", e.message),
                    Some(e.expected),
                    None,
                );
                continue;
            }
        };
        if out.iter().any(|p| p.name == name) {
            cx.report(
                Code::DuplicateId,
                param.span(),
                &field("param"),
                format!("`{name}` has two priors"),
                Some("one [[prior]] per parameter".into()),
                None,
            );
            continue;
        }
        if role == Role::Model
            && let Some(check) = ctx.check_param
            && let Err(m) = check(&name)
        {
            cx.report(
                Code::DanglingReference,
                param.span(),
                &field("param"),
                format!("`{name}`: {m}"),
                Some("a parameter path of the scenario".into()),
                None,
            );
        }
        out.push(ParamSpec { name, role, prior, span: param.span(), field: base.clone() });
    }
    out
}

type Targets = (Vec<TargetSpec>, Vec<Summary>, Vec<Reference>, Vec<String>);

fn read_targets(
    cx: &mut Cx<'_>,
    root: &mut Tab<'_, '_>,
    ctx: &Context<'_>,
    names: &[String],
) -> Targets {
    let tabs = root.tables(cx, "target");
    if tabs.is_empty() && root.get("target").is_none() {
        root.missing(cx, "target", "at least one [[target]] table");
    }
    let (mut targets, mut summaries, mut refs, mut mentioned) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut index = HashMap::new();
    for mut t in tabs {
        let base = t.path.clone();
        let field = |k: &str| format!("{base}.{k}");
        let expr_v = t.string(cx, "expr");
        if t.get("expr").is_none() {
            t.missing(cx, "expr", "an expression such as `host_jobs@2021 / operating@2021`");
        }
        let name = t.string(cx, "name").map(|s| s.into_inner());
        let source = t.string(cx, "source").map(|s| s.into_inner());
        let weight = match t.num(cx, "weight") {
            Some(w) if *w.get_ref() >= 0.0 && w.get_ref().is_finite() => *w.get_ref(),
            Some(w) => {
                cx.report(
                    Code::OutOfRange,
                    w.span(),
                    &field("weight"),
                    format!("`weight` is {}, out of range", w.get_ref()),
                    Some("a number >= 0".into()),
                    None,
                );
                1.0
            }
            None => 1.0,
        };
        let years_v = t.get("years");
        let years: Option<Vec<(i32, Range<usize>)>> = years_v.and_then(|v| match v.get_ref() {
            DeValue::Array(a) => {
                let ys: Option<Vec<(i32, Range<usize>)>> = a
                    .iter()
                    .map(|i| {
                        crate::reader::int_of(i.get_ref())
                            .and_then(|y| i32::try_from(y).ok())
                            .map(|y| (y, i.span()))
                    })
                    .collect();
                if ys.is_none() || a.is_empty() {
                    cx.report(
                        Code::WrongType,
                        v.span(),
                        &field("years"),
                        "`years` must be a non-empty array of whole years",
                        Some("[2016, 2017, ...]".into()),
                        None,
                    );
                }
                ys.filter(|y| !y.is_empty())
            }
            other => {
                cx.report(
                    Code::WrongType,
                    v.span(),
                    &field("years"),
                    format!("`years` must be an array of years, found {}", kind(other)),
                    Some("[2016, 2017, ...]".into()),
                    None,
                );
                None
            }
        });
        let series = years_v.is_some();
        let n = years.as_ref().map_or(1, Vec::len);
        let values = read_values(cx, &mut t, series, n);
        let sds = values.as_ref().and_then(|v| read_sd(cx, &mut t, series, v));
        for k in ["sd", "cv", "interval", "level"] {
            t.get(k); // known keys, even when the value is missing
        }
        let tspan = t.span.clone();
        t.finish(cx);

        let Some(expr_v) = expr_v else { continue };
        let expr_text = expr_v.get_ref().clone();
        let tname = name.unwrap_or_else(|| expr_text.clone());
        let place = |cx: &mut Cx<'_>, e: target::ExprError, code: Code| {
            let span = inner_span(cx.src, &expr_v.span(), &expr_text, &e.at);
            cx.report(code, span, &field("expr"), e.message, e.expected, e.help);
        };
        let tpl = match target::parse(&expr_text) {
            Ok(tpl) => {
                mentioned.extend(tpl.names());
                tpl
            }
            Err(e) => {
                place(cx, e, Code::Syntax);
                continue;
            }
        };
        if series && !tpl.uses_year {
            cx.report(
                Code::Inconsistent,
                expr_v.span(),
                &field("expr"),
                "a series target must use `{year}` in its expression",
                Some("e.g. `invested@{year}`".into()),
                None,
            );
            continue;
        }
        if series && years.is_none() {
            continue;
        }
        let ti = targets.len();
        let mut res = Resolver {
            metrics: ctx.metrics,
            years: ctx.years,
            params: names,
            refs: &mut refs,
            index: &mut index,
        };
        let ylist: Vec<Option<i32>> = match &years {
            Some(ys) => ys.iter().map(|(y, _)| Some(*y)).collect(),
            None => vec![None],
        };
        // Resolve the expression even when the values were bad, so that its problems are
        // reported in the same pass.
        let mut ok = true;
        let mut compiled = Vec::with_capacity(ylist.len());
        for y in &ylist {
            match res.compile(&tpl, *y) {
                Ok(expr) => compiled.push((*y, expr)),
                Err(e) => {
                    // One message per mistake, not one per year of the series.
                    let code = if e.message.contains("not a year") {
                        Code::OutOfRange
                    } else {
                        Code::DanglingReference
                    };
                    place(cx, e, code);
                    ok = false;
                    break;
                }
            }
        }
        let (Some(values), Some(sds), true) = (values, sds, ok) else { continue };
        for (i, (y, expr)) in compiled.into_iter().enumerate() {
            let sname = match y {
                Some(y) => format!("{tname}@{y}"),
                None => tname.clone(),
            };
            summaries.push(Summary {
                name: sname,
                target: ti,
                year: y,
                observed: values[i],
                sd: sds[i],
                weight,
                expr,
            });
        }
        if targets.iter().any(|t: &TargetSpec| t.name == tname) {
            cx.report(
                Code::DuplicateId,
                expr_v.span(),
                &field("name"),
                format!("two targets are named `{tname}`"),
                Some("distinct target names".into()),
                None,
            );
        }
        targets.push(TargetSpec {
            name: tname,
            expr: expr_text,
            source,
            years: years.map(|ys| ys.into_iter().map(|(y, _)| y).collect()),
            span: tspan,
        });
    }
    (targets, summaries, refs, mentioned)
}

/// `value` (a moment) or `values` (a series, one per year); an interval's midpoint stands in
/// for a missing `value`.
fn read_values(cx: &mut Cx<'_>, t: &mut Tab<'_, '_>, series: bool, n: usize) -> Option<Vec<f64>> {
    let base = t.path.clone();
    let field = |k: &str| format!("{base}.{k}");
    if series {
        if let Some(v) = t.get("value") {
            cx.report(
                Code::UnknownKey,
                v.span(),
                &field("value"),
                "a series target takes `values` (one per year), not `value`",
                Some("values = [...]".into()),
                None,
            );
        }
        let vs = t.nums(cx, "values");
        if t.get("values").is_none() {
            t.missing(cx, "values", "one observed value per year");
            return None;
        }
        let vs = vs?;
        if vs.get_ref().len() != n {
            cx.report(
                Code::Inconsistent,
                vs.span(),
                &field("values"),
                format!("`values` has {} entries for {n} years", vs.get_ref().len()),
                Some(format!("{n} values")),
                None,
            );
            return None;
        }
        let mut out = Vec::with_capacity(n);
        for x in vs.get_ref() {
            if !x.get_ref().is_finite() {
                cx.report(
                    Code::OutOfRange,
                    x.span(),
                    &field("values"),
                    format!("the observed value {} is not finite", x.get_ref()),
                    Some("a finite number".into()),
                    None,
                );
                return None;
            }
            out.push(*x.get_ref());
        }
        return Some(out);
    }
    if let Some(v) = t.get("values") {
        cx.report(
            Code::UnknownKey,
            v.span(),
            &field("values"),
            "`values` is for a series target (one with `years`)",
            Some("value = a number".into()),
            None,
        );
    }
    match t.num(cx, "value") {
        Some(v) if v.get_ref().is_finite() => Some(vec![*v.get_ref()]),
        Some(v) => {
            cx.report(
                Code::OutOfRange,
                v.span(),
                &field("value"),
                format!("the observed value {} is not finite", v.get_ref()),
                Some("a finite number".into()),
                None,
            );
            None
        }
        None if t.get("value").is_some() => None,
        None => match t.nums(cx, "interval") {
            Some(iv) if iv.get_ref().len() == 2 => {
                Some(vec![0.5 * (*iv.get_ref()[0].get_ref() + *iv.get_ref()[1].get_ref())])
            }
            Some(_) => None, // reported by read_sd
            None => {
                t.missing(
                    cx,
                    "value",
                    "the observed value (or an `interval`, whose midpoint is taken)",
                );
                None
            }
        },
    }
}

/// The uncertainty: `sd` (a number, or one per year), `cv` (relative), or for a moment an
/// `interval = [lo, hi]` at `level` (default 0.95).
fn read_sd(cx: &mut Cx<'_>, t: &mut Tab<'_, '_>, series: bool, values: &[f64]) -> Option<Vec<f64>> {
    let base = t.path.clone();
    let field = |k: &str| format!("{base}.{k}");
    let n = values.len();
    let given: Vec<&'static str> =
        ["sd", "cv", "interval"].into_iter().filter(|k| t.get(k).is_some()).collect();
    let level_v = t.num(cx, "level");
    if given.len() != 1 {
        let at = t
            .get(given.get(1).copied().unwrap_or("sd"))
            .map_or(t.span.start..t.span.start + 1, |v| v.span());
        let msg = if given.is_empty() {
            "a target needs its uncertainty: `sd`, `cv` or `interval`".to_string()
        } else {
            format!("give one of `sd`, `cv`, `interval`, not {}", given.join(" and "))
        };
        cx.report(
            if given.is_empty() { Code::MissingKey } else { Code::Inconsistent },
            at,
            &field("sd"),
            msg,
            Some("sd = 2.5, cv = 0.1, or interval = [lo, hi]".into()),
            None,
        );
        return None;
    }
    let positive = |cx: &mut Cx<'_>, key: &str, x: f64, span: Range<usize>| -> Option<f64> {
        if x > 0.0 && x.is_finite() {
            Some(x)
        } else {
            cx.report(
                Code::OutOfRange,
                span,
                &field(key),
                format!("{key} must be > 0, got {x}"),
                Some(format!("{key} > 0")),
                None,
            );
            None
        }
    };
    match given[0] {
        "sd" => {
            let v = t.get("sd")?;
            match v.get_ref() {
                DeValue::Array(_) if series => {
                    let a = t.nums(cx, "sd")?;
                    if a.get_ref().len() != n {
                        cx.report(
                            Code::Inconsistent,
                            a.span(),
                            &field("sd"),
                            format!("`sd` has {} entries for {n} years", a.get_ref().len()),
                            Some(format!("{n} numbers, or one for all")),
                            None,
                        );
                        return None;
                    }
                    a.get_ref().iter().map(|x| positive(cx, "sd", *x.get_ref(), x.span())).collect()
                }
                other => match num_of(other) {
                    Some(x) => positive(cx, "sd", x, v.span()).map(|x| vec![x; n]),
                    None => {
                        t.wrong(
                            cx,
                            "sd",
                            v,
                            if series {
                                "a number, or an array of one per year"
                            } else {
                                "a number"
                            },
                        );
                        None
                    }
                },
            }
        }
        "cv" => {
            let c = t.num(cx, "cv")?;
            let c = positive(cx, "cv", *c.get_ref(), c.span())?;
            let span = t.get("cv").map(|v| v.span()).unwrap_or_default();
            values
                .iter()
                .map(|y| {
                    let s = c * y.abs();
                    if s > 0.0 {
                        Some(s)
                    } else {
                        cx.report(
                            Code::Inconsistent,
                            span.clone(),
                            &field("cv"),
                            "`cv` gives sd 0 for an observed value of 0",
                            Some("an `sd` for values at 0".into()),
                            None,
                        );
                        None
                    }
                })
                .collect()
        }
        _ => {
            if series {
                let v = t.get("interval")?;
                cx.report(
                    Code::UnknownKey,
                    v.span(),
                    &field("interval"),
                    "a series target takes `sd` or `cv`, not `interval`",
                    Some("sd = [...] or cv = 0.1".into()),
                    None,
                );
                return None;
            }
            let iv = t.nums(cx, "interval")?;
            let (lo, hi) = match iv.get_ref().as_slice() {
                [a, b]
                    if a.get_ref() < b.get_ref()
                        && a.get_ref().is_finite()
                        && b.get_ref().is_finite() =>
                {
                    (*a.get_ref(), *b.get_ref())
                }
                _ => {
                    cx.report(
                        Code::OutOfRange,
                        iv.span(),
                        &field("interval"),
                        "`interval` must be [lo, hi] with lo < hi",
                        Some("two finite numbers, lo < hi".into()),
                        None,
                    );
                    return None;
                }
            };
            let level = match level_v {
                Some(l) if *l.get_ref() > 0.0 && *l.get_ref() < 1.0 => *l.get_ref(),
                Some(l) => {
                    cx.report(
                        Code::OutOfRange,
                        l.span(),
                        &field("level"),
                        format!("`level` is {}, out of range", l.get_ref()),
                        Some("a number in (0, 1)".into()),
                        None,
                    );
                    return None;
                }
                None => 0.95,
            };
            if !(values[0] >= lo && values[0] <= hi) {
                cx.report(
                    Code::Inconsistent,
                    iv.span(),
                    &field("interval"),
                    format!("the value {} lies outside its interval [{lo}, {hi}]", values[0]),
                    None,
                    None,
                );
                return None;
            }
            // The interval as a central normal interval at `level`.
            Some(vec![(hi - lo) / (2.0 * phi_inv(0.5 + level / 2.0))])
        }
    }
}

fn read_abc(cx: &mut Cx<'_>, root: &mut Tab<'_, '_>) -> Option<AbcSettings> {
    let mut s = AbcSettings::default();
    let Some(mut t) = root.table(cx, "abc") else {
        return Some(s);
    };
    let before = cx.diags.len();
    if let Some(v) = t.int(cx, "particles", 2, 10_000_000) {
        s.particles = *v.get_ref() as usize;
    }
    if let Some(v) = t.get("batch") {
        match v.get_ref() {
            DeValue::String(w) if w.as_ref() == "auto" => s.batch = BatchSize::Auto,
            _ => {
                if let Some(n) = t.int(cx, "batch", 1, 100_000_000) {
                    s.batch = BatchSize::Fixed { size: *n.get_ref() as usize };
                }
            }
        }
    }
    if let Some(v) = t.num(cx, "quantile") {
        s.quantile = *v.get_ref();
    }
    if let Some(v) = t.get("kernel_scale") {
        match v.get_ref() {
            DeValue::String(w) if w.as_ref() == "silverman" => {
                s.kernel = KernelScale::Silverman { scaling: 1.0 }
            }
            _ => {
                if let Some(x) = t.num(cx, "kernel_scale") {
                    s.kernel = KernelScale::Factor { factor: *x.get_ref() };
                }
            }
        }
    }
    let scale =
        t.word(cx, "scale", &[("mad", ScaleFn::Mad), ("sd", ScaleFn::Sd)]).unwrap_or(ScaleFn::Mad);
    s.distance = match t.word(cx, "distance", &[("adaptive", 0u8), ("fixed", 1u8)]) {
        Some(1) => DistanceKind::Fixed,
        _ => DistanceKind::Adaptive { scale },
    };
    if let Some(v) = t.num(cx, "p") {
        s.p = *v.get_ref();
    }
    if let Some(v) = t.int(cx, "max_generations", 1, 100_000) {
        s.max_generations = *v.get_ref() as usize;
    }
    if let Some(v) = t.int(cx, "budget", 1, i64::MAX) {
        s.budget = Some(*v.get_ref() as u64);
    }
    if let Some(v) = t.num(cx, "min_tolerance") {
        s.min_tolerance = *v.get_ref();
    }
    if let Some(v) = t.num(cx, "min_acceptance") {
        s.min_acceptance = *v.get_ref();
    }
    if let Some(log) = t.word(cx, "kernel_space", &[("log", true), ("natural", false)]) {
        s.log_kernel = log;
    }
    let check = s.check();
    close_settings(cx, t, before, check).then_some(s)
}

/// Report a setting out of range at its key (or at the table when the key is absent), and
/// the table's unknown keys; whether the table read cleanly.
fn close_settings(
    cx: &mut Cx<'_>,
    mut t: Tab<'_, '_>,
    before: usize,
    check: Result<(), SettingsError>,
) -> bool {
    if let (true, Err(e)) = (cx.diags.len() == before, check) {
        let at = t.get(e.field).map_or(t.span.start..t.span.start + 1, |v| v.span());
        cx.report(
            Code::OutOfRange,
            at,
            &t.field(e.field),
            format!("`{}` is {}, out of range", e.field, e.got),
            Some(e.expected.to_string()),
            None,
        );
    }
    let ok = cx.diags.len() == before;
    t.finish(cx);
    ok
}

fn read_msm(cx: &mut Cx<'_>, root: &mut Tab<'_, '_>) -> Option<MsmSettings> {
    let mut s = MsmSettings::default();
    let Some(mut t) = root.table(cx, "msm") else {
        return Some(s);
    };
    let before = cx.diags.len();
    if let Some(v) = t.int(cx, "replications", 1, 1_000_000) {
        s.replications = *v.get_ref() as usize;
    }
    if let Some(o) = t.word(
        cx,
        "optimizer",
        &[("nelder-mead", Optimizer::NelderMead), ("cma-es", Optimizer::CmaEs)],
    ) {
        s.optimizer = o;
    }
    if let Some(v) = t.int(cx, "max_evaluations", 2, 100_000_000) {
        s.max_evaluations = *v.get_ref() as usize;
    }
    if let Some(v) = t.num(cx, "tolerance") {
        s.tolerance = *v.get_ref();
    }
    if let Some(w) = t.word(
        cx,
        "weighting",
        &[
            ("simulated", Weighting::Simulated),
            ("targets", Weighting::Targets),
            ("both", Weighting::Both),
        ],
    ) {
        s.weighting = w;
    }
    if let Some(v) = t.int(cx, "covariance_replications", 2, 100_000_000) {
        s.covariance_replications = *v.get_ref() as usize;
    }
    if let Some(v) = t.num(cx, "jacobian_step") {
        s.jacobian_step = *v.get_ref();
    }
    if let Some(v) = t.num(cx, "initial_step") {
        s.initial_step = *v.get_ref();
    }
    let check = s.check();
    close_settings(cx, t, before, check).then_some(s)
}
