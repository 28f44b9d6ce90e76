//! The model file of `symbiont dynamics simulate`: TOML text in, a checked [`ModelSpec`] out,
//! or every problem with its line and column (parse, don't validate). See docs/dynamics.md.

use serde::Deserialize;
use toml::Spanned;

use crate::ode::Tolerances;
use crate::system::{F1, F3, Lv, SignConvention, UnitKind};

/// A checked model: the system, the start and the run settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub names: Vec<String>,
    pub lv: Lv,
    pub x0: Vec<f64>,
    pub t_end: f64,
    pub dt: f64,
    pub tol: Tolerances,
    pub blowup_factor: f64,
}

/// One located problem (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecProblem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// All problems found in a model file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|p| format!("{}:{}: {}", p.line, p.col, p.message)).collect::<Vec<_>>().join("\n"))]
pub struct SpecError(pub Vec<SpecProblem>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    form: Spanned<String>,
    #[serde(default)]
    convention: Option<Spanned<String>>,
    units: Spanned<Vec<String>>,
    f1: Option<Spanned<RawF1>>,
    f2: Option<Spanned<RawF2>>,
    f3: Option<Spanned<RawF3>>,
    run: Spanned<RawRun>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawF1 {
    r: Spanned<Vec<f64>>,
    capacity: Spanned<Vec<f64>>,
    sigma: Spanned<Vec<Vec<f64>>>,
    #[serde(default)]
    kind: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawF2 {
    r: Spanned<Vec<f64>>,
    a: Spanned<Vec<Vec<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawF3 {
    alpha: f64,
    beta: f64,
    gamma: f64,
    delta: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    x0: Spanned<Vec<f64>>,
    t_end: Spanned<f64>,
    #[serde(default)]
    dt: Option<Spanned<f64>>,
    #[serde(default)]
    rtol: Option<Spanned<f64>>,
    #[serde(default)]
    atol: Option<Spanned<f64>>,
    #[serde(default)]
    blowup_factor: Option<Spanned<f64>>,
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Problems<'s> {
    src: &'s str,
    list: Vec<SpecProblem>,
}

impl Problems<'_> {
    fn at<T>(&mut self, s: &Spanned<T>, message: impl Into<String>) {
        let (line, col) = line_col(self.src, s.span().start);
        self.list.push(SpecProblem { line, col, message: message.into() });
    }
}

fn matrix(p: &mut Problems<'_>, m: &Spanned<Vec<Vec<f64>>>, n: usize, what: &str) -> Vec<f64> {
    let rows = m.get_ref();
    if rows.len() != n || rows.iter().any(|r| r.len() != n) {
        p.at(m, format!("{what} must be a {n}×{n} matrix (one row per unit, {n} units)"));
        return vec![0.0; n * n];
    }
    rows.iter().flatten().copied().collect()
}

fn vector(p: &mut Problems<'_>, v: &Spanned<Vec<f64>>, n: usize, what: &str) -> Vec<f64> {
    if v.get_ref().len() != n {
        p.at(v, format!("{what} needs {n} values (one per unit), got {}", v.get_ref().len()));
        return vec![1.0; n];
    }
    v.get_ref().clone()
}

impl ModelSpec {
    /// Parse and check a model file's text.
    pub fn parse(src: &str) -> Result<ModelSpec, SpecError> {
        let raw: Raw = toml::from_str(src).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(src, s.start));
            SpecError(vec![SpecProblem { line, col, message: e.message().to_string() }])
        })?;
        let mut p = Problems { src, list: Vec::new() };
        let names = raw.units.get_ref().clone();
        let n = names.len();
        if n == 0 || n > 16 {
            p.at(&raw.units, format!("units must name 1 to 16 units, got {n}"));
            return Err(SpecError(p.list));
        }
        let convention = match raw.convention.as_ref().map(|c| c.get_ref().as_str()) {
            None | Some("benefit") => SignConvention::BenefitPositive,
            Some("competition") => SignConvention::CompetitionPositive,
            Some(other) => {
                let c = raw.convention.as_ref().expect("present");
                p.at(
                    c,
                    format!("convention must be \"benefit\" or \"competition\", got \"{other}\""),
                );
                SignConvention::BenefitPositive
            }
        };
        let form = raw.form.get_ref().as_str();
        let lv = match form {
            "F1" => match &raw.f1 {
                None => {
                    p.at(&raw.form, "form = \"F1\" needs an [f1] table with r, capacity and sigma");
                    None
                }
                Some(f1) => {
                    let f = f1.get_ref();
                    let r = vector(&mut p, &f.r, n, "f1.r");
                    let capacity = vector(&mut p, &f.capacity, n, "f1.capacity");
                    let sigma = matrix(&mut p, &f.sigma, n, "f1.sigma");
                    for (i, v) in r.iter().enumerate() {
                        if v.is_nan() || *v <= 0.0 {
                            p.at(&f.r, format!("f1.r[{}] must be > 0, got {v}", i + 1));
                        }
                    }
                    for (i, v) in capacity.iter().enumerate() {
                        if v.is_nan() || *v <= 0.0 {
                            p.at(
                                &f.capacity,
                                format!("f1.capacity[{}] must be > 0, got {v}", i + 1),
                            );
                        }
                    }
                    for i in 0..n {
                        if sigma[i * n + i] != 0.0 {
                            p.at(
                                &f.sigma,
                                format!(
                                    "f1.sigma[{}][{}] is the diagonal and must be 0",
                                    i + 1,
                                    i + 1
                                ),
                            );
                        }
                    }
                    let kinds = match &f.kind {
                        None => vec![UnitKind::Facultative; n],
                        Some(k) if k.get_ref().len() != n => {
                            p.at(k, format!("f1.kind needs {n} values"));
                            vec![UnitKind::Facultative; n]
                        }
                        Some(k) => k
                            .get_ref()
                            .iter()
                            .map(|s| match s.as_str() {
                                "facultative" => UnitKind::Facultative,
                                "obligate" => UnitKind::Obligate,
                                other => {
                                    p.at(k, format!("f1.kind must be \"facultative\" or \"obligate\", got \"{other}\""));
                                    UnitKind::Facultative
                                }
                            })
                            .collect(),
                    };
                    Lv::from_f1(&F1 { r, capacity, sigma, kinds }, convention).ok()
                }
            },
            "F2" => match &raw.f2 {
                None => {
                    p.at(&raw.form, "form = \"F2\" needs an [f2] table with r and a");
                    None
                }
                Some(f2) => {
                    let f = f2.get_ref();
                    let r = vector(&mut p, &f.r, n, "f2.r");
                    let a = matrix(&mut p, &f.a, n, "f2.a");
                    Lv::new(r, a).ok()
                }
            },
            "F3" => match &raw.f3 {
                None => {
                    p.at(
                        &raw.form,
                        "form = \"F3\" needs an [f3] table with alpha, beta, gamma, delta",
                    );
                    None
                }
                Some(f3) => {
                    if n != 2 {
                        p.at(&raw.units, "F3 has exactly two units: prey, then predator");
                    }
                    let f = f3.get_ref();
                    Lv::from_f3(F3 { alpha: f.alpha, beta: f.beta, gamma: f.gamma, delta: f.delta })
                        .ok()
                }
            },
            other => {
                p.at(&raw.form, format!("form must be \"F1\", \"F2\" or \"F3\", got \"{other}\""));
                None
            }
        };
        let run = raw.run.get_ref();
        let x0 = vector(&mut p, &run.x0, n, "run.x0");
        for (i, v) in x0.iter().enumerate() {
            if !(*v >= 0.0 && v.is_finite()) {
                p.at(&run.x0, format!("run.x0[{}] must be ≥ 0, got {v}", i + 1));
            }
        }
        let t_end = *run.t_end.get_ref();
        if !(t_end > 0.0 && t_end.is_finite()) {
            p.at(&run.t_end, format!("run.t_end must be > 0, got {t_end}"));
        }
        let mut positive = |v: &Option<Spanned<f64>>, what: &str, default: f64| match v {
            None => default,
            Some(s) if *s.get_ref() > 0.0 && s.get_ref().is_finite() => *s.get_ref(),
            Some(s) => {
                p.at(s, format!("run.{what} must be > 0, got {}", s.get_ref()));
                default
            }
        };
        let dt = positive(&run.dt, "dt", (t_end / 100.0).max(1e-9));
        let rtol = positive(&run.rtol, "rtol", 1e-8);
        let atol = positive(&run.atol, "atol", 1e-10);
        let blowup_factor = positive(&run.blowup_factor, "blowup_factor", 1e6);
        if t_end / dt > 1e7 {
            let s = run.dt.as_ref().expect("a tiny dt was given");
            p.at(s, "run.dt gives more than 10 million output rows");
        }
        if !p.list.is_empty() {
            return Err(SpecError(p.list));
        }
        let Some(lv) = lv else {
            p.at(&raw.form, "the coefficients do not define a valid system");
            return Err(SpecError(p.list));
        };
        Ok(ModelSpec {
            names,
            lv,
            x0,
            t_end,
            dt,
            tol: Tolerances { rtol, atol, max_steps: 1_000_000 },
            blowup_factor,
        })
    }

    /// Output times 0, dt, 2dt, …, t_end.
    pub fn times(&self) -> Vec<f64> {
        let k = (self.t_end / self.dt).round() as usize;
        let mut t: Vec<f64> = (0..=k).map(|i| (i as f64 * self.dt).min(self.t_end)).collect();
        if *t.last().expect("nonempty") < self.t_end {
            t.push(self.t_end);
        }
        t
    }
}
