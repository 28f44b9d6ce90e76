//! A solver-neutral linear model (variables, bounds, integrality, rows), its MPS export, and
//! its solution through good_lp with the microlp (pure Rust) or HiGHS backend.
//!
//! We keep our own model struct rather than building good_lp expressions directly so that the
//! same model can be exported as MPS for other solvers, fixed, relaxed and made elastic.

use std::fmt::Write as _;

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel, Variable,
    WithInitialSolution, WithMipGap, WithTimeLimit, variable,
};
use serde::Serialize;

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub lb: f64,
    pub ub: f64,
    pub integer: bool,
    pub obj: f64,
}

/// The sense of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

/// One row: `Σ coeff·x  sense  rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub coeffs: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// A linear (mixed-integer) model. The objective is maximised.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinearModel {
    pub vars: Vec<Var>,
    pub rows: Vec<Row>,
}

impl LinearModel {
    pub fn add_var(&mut self, name: String, lb: f64, ub: f64, integer: bool, obj: f64) -> usize {
        self.vars.push(Var { name, lb, ub, integer, obj });
        self.vars.len() - 1
    }

    pub fn add_row(
        &mut self,
        name: String,
        coeffs: Vec<(usize, f64)>,
        sense: Sense,
        rhs: f64,
    ) -> usize {
        self.rows.push(Row { name, coeffs, sense, rhs });
        self.rows.len() - 1
    }

    /// The objective value of a point.
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.vars.iter().zip(x).map(|(v, x)| v.obj * x).sum()
    }

    /// Number of integer columns.
    pub fn integers(&self) -> usize {
        self.vars.iter().filter(|v| v.integer).count()
    }

    /// The model in free MPS format (maximisation written as `OBJSENSE MAX`).
    ///
    /// Names are made MPS-safe (no spaces). HiGHS, CBC, SCIP and Gurobi read this form.
    pub fn to_mps(&self, name: &str) -> String {
        let safe = |s: &str| s.replace(|c: char| c.is_whitespace(), "_");
        let mut out = String::new();
        let _ = writeln!(out, "NAME {}", safe(name));
        let _ = writeln!(out, "OBJSENSE\n    MAX");
        let _ = writeln!(out, "ROWS\n N obj");
        for r in &self.rows {
            let t = match r.sense {
                Sense::Le => 'L',
                Sense::Ge => 'G',
                Sense::Eq => 'E',
            };
            let _ = writeln!(out, " {t} {}", safe(&r.name));
        }
        // Column-major entries.
        let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.vars.len()];
        for (ri, r) in self.rows.iter().enumerate() {
            for &(c, a) in &r.coeffs {
                cols[c].push((ri, a));
            }
        }
        let _ = writeln!(out, "COLUMNS");
        let mut in_int = false;
        for (c, v) in self.vars.iter().enumerate() {
            if v.integer != in_int {
                let m = if v.integer { "'INTORG'" } else { "'INTEND'" };
                let _ = writeln!(out, " MARKER 'MARKER' {m}");
                in_int = v.integer;
            }
            let n = safe(&v.name);
            let _ = writeln!(out, " {n} obj {:e}", v.obj);
            for &(ri, a) in &cols[c] {
                let _ = writeln!(out, " {n} {} {:e}", safe(&self.rows[ri].name), a);
            }
        }
        if in_int {
            let _ = writeln!(out, " MARKER 'MARKER' 'INTEND'");
        }
        let _ = writeln!(out, "RHS");
        for r in &self.rows {
            if r.rhs != 0.0 {
                let _ = writeln!(out, " RHS {} {:e}", safe(&r.name), r.rhs);
            }
        }
        let _ = writeln!(out, "BOUNDS");
        for v in &self.vars {
            let n = safe(&v.name);
            if v.lb == v.ub {
                let _ = writeln!(out, " FX BND {n} {:e}", v.lb);
                continue;
            }
            if v.lb != 0.0 {
                if v.lb.is_finite() {
                    let _ = writeln!(out, " LO BND {n} {:e}", v.lb);
                } else {
                    let _ = writeln!(out, " MI BND {n}");
                }
            }
            if v.ub.is_finite() {
                let _ = writeln!(out, " UP BND {n} {:e}", v.ub);
            } else if v.integer {
                let _ = writeln!(out, " PL BND {n}");
            }
        }
        let _ = writeln!(out, "ENDATA");
        out
    }
}

/// Which solver runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// microlp, pure Rust: always available.
    Microlp,
    /// HiGHS: only with the `highs` cargo feature.
    Highs,
}

impl Backend {
    pub fn word(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            Backend::Highs => "highs",
        }
    }

    /// Whether this build contains the backend.
    pub fn available(self) -> bool {
        match self {
            Backend::Microlp => true,
            Backend::Highs => cfg!(feature = "highs"),
        }
    }

    /// HiGHS when compiled in, else microlp.
    pub fn best_available() -> Backend {
        if Backend::Highs.available() { Backend::Highs } else { Backend::Microlp }
    }
}

/// How to run a solve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveSettings {
    pub backend: Backend,
    /// Seconds; None = no limit.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop, e.g. 0.01.
    pub gap: f64,
    /// Threads for HiGHS (None: its default).
    pub threads: Option<u32>,
}

impl Default for SolveSettings {
    fn default() -> Self {
        SolveSettings {
            backend: Backend::best_available(),
            time_limit: None,
            gap: 1e-6,
            threads: None,
        }
    }
}

/// How the solver stopped with a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    Optimal,
    GapLimit,
    TimeLimit,
    /// Not solved: the instance is above the pure-Rust backend's size limit, so the plan is
    /// the greedy start and the gap is bounded by the Lagrangian bound.
    Heuristic,
}

/// The raw outcome of one solve.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSolution {
    pub values: Vec<f64>,
    pub objective: f64,
    pub termination: Termination,
    /// Row duals when the backend gives them (HiGHS on an LP), in row order.
    pub duals: Option<Vec<f64>>,
}

/// A solve that produced no solution.
#[derive(Debug, Clone, PartialEq)]
pub enum SolveFailure {
    Infeasible,
    Unbounded,
    Other(String),
}

fn to_expression(coeffs: &[(usize, f64)], vars: &[Variable]) -> Expression {
    let mut e = Expression::with_capacity(coeffs.len());
    for &(c, a) in coeffs {
        e.add_mul(a, vars[c]);
    }
    e
}

fn map_err(e: ResolutionError) -> SolveFailure {
    match e {
        ResolutionError::Infeasible => SolveFailure::Infeasible,
        ResolutionError::Unbounded => SolveFailure::Unbounded,
        other => SolveFailure::Other(other.to_string()),
    }
}

fn termination(s: SolutionStatus) -> Termination {
    match s {
        SolutionStatus::Optimal => Termination::Optimal,
        SolutionStatus::GapLimit => Termination::GapLimit,
        SolutionStatus::TimeLimit => Termination::TimeLimit,
    }
}

/// Solve `model` (maximise). With `relax`, integrality is dropped (the LP relaxation).
pub fn solve(
    model: &LinearModel,
    settings: &SolveSettings,
    relax: bool,
) -> Result<RawSolution, SolveFailure> {
    solve_from(model, settings, relax, None)
}

/// [`solve`] with a starting point for the MIP search (ignored by the solver when it is not
/// feasible).
pub fn solve_from(
    model: &LinearModel,
    settings: &SolveSettings,
    relax: bool,
    start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    let mut pv = ProblemVariables::new();
    let mut vars = Vec::with_capacity(model.vars.len());
    for v in &model.vars {
        let mut d = variable().min(v.lb).max(v.ub);
        if v.integer && !relax {
            d = d.integer();
        }
        vars.push(pv.add(d));
    }
    let mut obj = Expression::with_capacity(model.vars.len());
    for (v, var) in model.vars.iter().zip(&vars) {
        if v.obj != 0.0 {
            obj.add_mul(v.obj, *var);
        }
    }
    let problem = pv.maximise(obj);
    let constraints = model.rows.iter().map(|r| {
        let e = to_expression(&r.coeffs, &vars);
        match r.sense {
            Sense::Le => e.leq(r.rhs),
            Sense::Ge => e.geq(r.rhs),
            Sense::Eq => e.eq(r.rhs),
        }
    });
    let has_int = !relax && model.vars.iter().any(|v| v.integer);
    match settings.backend {
        Backend::Microlp => {
            let mut m = problem.using(good_lp::microlp);
            if let Some(t) = settings.time_limit {
                m = m.with_time_limit(t);
            }
            if has_int {
                m = m
                    .with_mip_gap(settings.gap as f32)
                    .map_err(|e| SolveFailure::Other(e.to_string()))?;
            }
            if let Some(x) = start.filter(|_| has_int) {
                m = m.with_initial_solution(vars.iter().copied().zip(x.iter().copied()));
            }
            for c in constraints {
                m.add_constraint(c);
            }
            let s = m.solve().map_err(map_err)?;
            let values: Vec<f64> = vars.iter().map(|v| s.value(*v)).collect();
            Ok(RawSolution {
                objective: model.objective(&values),
                values,
                termination: termination(s.status()),
                duals: None,
            })
        }
        Backend::Highs => solve_highs(model, settings, problem, constraints, &vars, has_int, start),
    }
}

#[cfg(feature = "highs")]
fn solve_highs(
    model: &LinearModel,
    settings: &SolveSettings,
    problem: good_lp::variable::UnsolvedProblem,
    constraints: impl Iterator<Item = good_lp::Constraint>,
    vars: &[Variable],
    has_int: bool,
    start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    use good_lp::solvers::{DualValues, SolutionWithDual};
    let mut m = problem.using(good_lp::highs);
    m.set_verbose(false);
    if let Some(t) = settings.time_limit {
        m = m.set_time_limit(t);
    }
    if let Some(th) = settings.threads {
        m = m.set_threads(th);
    }
    if has_int {
        m = m
            .set_mip_rel_gap(settings.gap as f32)
            .map_err(|e| SolveFailure::Other(e.to_string()))?;
        if let Some(x) = start {
            m = m.with_initial_solution(vars.iter().copied().zip(x.iter().copied()));
        }
    }
    let mut refs = Vec::with_capacity(model.rows.len());
    for c in constraints {
        refs.push(m.add_constraint(c));
    }
    let mut s = m.solve().map_err(map_err)?;
    let values: Vec<f64> = vars.iter().map(|v| s.value(*v)).collect();
    let term = termination(s.status());
    let duals = if has_int {
        None
    } else {
        let d = s.compute_dual();
        Some(refs.iter().map(|r| d.dual(r.clone())).collect())
    };
    Ok(RawSolution { objective: model.objective(&values), values, termination: term, duals })
}

#[cfg(not(feature = "highs"))]
fn solve_highs(
    _model: &LinearModel,
    _settings: &SolveSettings,
    _problem: good_lp::variable::UnsolvedProblem,
    _constraints: impl Iterator<Item = good_lp::Constraint>,
    _vars: &[Variable],
    _has_int: bool,
    _start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    Err(SolveFailure::Other(
        "the `highs` backend is not in this build: rebuild with `--features highs` \
         (needs cmake and libclang)"
            .into(),
    ))
}
