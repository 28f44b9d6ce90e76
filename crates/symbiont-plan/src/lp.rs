//! A solver-neutral linear model (variables, bounds, integrality, rows), its MPS export, and
//! its solution by microlp (pure Rust, called directly) or HiGHS (through good_lp), each call
//! under what is left of the time limit and, for a MIP, a node limit from the memory bound.
//!
//! We keep our own model struct rather than building good_lp expressions directly so that the
//! same model can be exported as MPS for other solvers, fixed, relaxed and made elastic.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

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

/// The caller's clock: seconds since the command (or job) started.
///
/// The planner reads no clock of its own (engines are pure); a binary that wants its time
/// limit to cover the whole command passes one in. Without a clock every solver call gets the
/// whole limit, and the deterministic bounds (pricing rounds, branch-and-bound nodes) bound
/// the rest.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> f64 + Send + Sync>);

impl Clock {
    pub fn new(seconds: impl Fn() -> f64 + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(seconds))
    }

    /// Seconds since the start.
    pub fn now(&self) -> f64 {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Clock) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The time limit when none is given: long enough for HiGHS to prove the CLI's 0.1% gap on
/// the default scenario (about 27 s on 2 cores), short enough that nobody waits in vain.
pub const DEFAULT_TIME_LIMIT_S: f64 = 30.0;

/// The memory bound of the branch-and-bound tree when none is given, MB.
pub const DEFAULT_MEMORY_LIMIT_MB: f64 = 1024.0;

/// How to run a solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveSettings {
    pub backend: Backend,
    /// Seconds for the whole planning call, measured on `clock` from its zero (the command's
    /// start). `None` means [`DEFAULT_TIME_LIMIT_S`]; `Some(f64::INFINITY)` means no limit.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop, e.g. 0.01.
    pub gap: f64,
    /// Threads for HiGHS (None: its default).
    pub threads: Option<u32>,
    /// Memory for the branch-and-bound tree, MB; it sets the node limit of both backends
    /// ([`SolveSettings::node_limit`]). `None` means [`DEFAULT_MEMORY_LIMIT_MB`].
    pub memory_limit_mb: Option<f64>,
    /// Where the elapsed time comes from (None: each solver call gets the whole limit).
    #[serde(skip)]
    pub clock: Option<Clock>,
    /// The end of this stage's share of the time limit, on the clock (seconds; without a
    /// clock, the share's length), set by [`SolveSettings::share`]; None: the whole limit.
    #[serde(skip)]
    pub stage_end: Option<f64>,
}

impl Default for SolveSettings {
    fn default() -> Self {
        SolveSettings {
            backend: Backend::best_available(),
            time_limit: None,
            gap: 1e-6,
            threads: None,
            memory_limit_mb: None,
            clock: None,
            stage_end: None,
        }
    }
}

/// Bytes of one open node of microlp's branch and bound: one basis status byte per column
/// and row, and the bound changes from the root (24 bytes each, one per level; a dive is
/// counted as 1,000 levels deep), plus the node itself.
fn node_bytes(model: &LinearModel) -> f64 {
    let depth = model.integers().min(1_000);
    (model.vars.len() + model.rows.len() + 24 * depth + 128) as f64
}

impl SolveSettings {
    /// The time limit in force, seconds (infinite when there is none).
    pub fn limit(&self) -> f64 {
        self.time_limit.unwrap_or(DEFAULT_TIME_LIMIT_S)
    }

    /// The memory bound of the search tree in force, MB.
    pub fn memory_mb(&self) -> f64 {
        self.memory_limit_mb.unwrap_or(DEFAULT_MEMORY_LIMIT_MB)
    }

    /// Seconds left: the limit (or the end of this stage's share) minus the clock's reading;
    /// without a clock, the whole limit (or the share's length).
    pub fn remaining(&self) -> f64 {
        let end = self.stage_end.map_or(self.limit(), |e| e.min(self.limit()));
        match &self.clock {
            Some(c) => (end - c.now()).max(0.0),
            None => end,
        }
    }

    /// Whether the time limit has passed.
    pub fn expired(&self) -> bool {
        self.remaining() <= 0.0
    }

    /// The settings for the first of `k` solves that share what is left of the time limit
    /// (each Pareto point, the what-if, the bottlenecks): it may use `remaining / k`, and
    /// what it leaves goes to the next.
    pub fn share(&self, k: usize) -> SolveSettings {
        let r = self.remaining() / k.max(1) as f64;
        let end = match &self.clock {
            Some(c) if r.is_finite() => c.now() + r,
            _ => r,
        };
        SolveSettings { stage_end: r.is_finite().then_some(end), ..self.clone() }
    }

    /// The time limit for one solver call, seconds (None: no limit).
    fn call_limit(&self) -> Option<f64> {
        let r = self.remaining();
        r.is_finite().then_some(r)
    }

    /// The node limit of a branch and bound on `model`: as many open nodes as fit in the
    /// memory bound (microlp keeps at most one open node more than it has solved, so this
    /// bounds the tree; HiGHS stores its nodes more compactly, so the same count is safe).
    pub fn node_limit(&self, model: &LinearModel) -> u64 {
        let bytes = self.memory_mb() * 1024.0 * 1024.0;
        if !bytes.is_finite() {
            return u64::MAX;
        }
        (bytes / node_bytes(model)).max(1.0) as u64
    }
}

/// How the solver stopped with a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    Optimal,
    GapLimit,
    /// The time limit stopped the search (or the LP relaxation before it): the plan is the
    /// best found so far, with its proven gap.
    TimeLimit,
    /// The search tree reached its memory bound (the node limit): the best plan found so far.
    NodeLimit,
    /// Not solved: the instance is above the pure-Rust backend's size limit, so the plan is
    /// the greedy start and the gap is bounded by the Lagrangian bound.
    Heuristic,
}

impl Termination {
    /// Whether a limit (time or memory) stopped the search.
    pub fn limited(self) -> bool {
        matches!(self, Termination::TimeLimit | Termination::NodeLimit)
    }
}

/// The raw outcome of one solve.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSolution {
    pub values: Vec<f64>,
    pub objective: f64,
    pub termination: Termination,
    /// Row duals when the backend gives them (HiGHS on an LP), in row order.
    pub duals: Option<Vec<f64>>,
    /// The solver's proven upper bound on the objective (model units), when it reports one.
    pub bound: Option<f64>,
    /// Branch-and-bound nodes solved (0 for an LP, or when the backend does not say).
    pub nodes: u64,
}

/// A solve that produced no solution.
#[derive(Debug, Clone, PartialEq)]
pub enum SolveFailure {
    Infeasible,
    Unbounded,
    /// A limit stopped the solver before it found any solution.
    Limit(Termination),
    Other(String),
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
/// feasible). The call gets what is left of the time limit and, for a MIP, the node limit of
/// [`SolveSettings::node_limit`]; when the time is already up it fails with
/// [`SolveFailure::Limit`] without starting.
pub fn solve_from(
    model: &LinearModel,
    settings: &SolveSettings,
    relax: bool,
    start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    if settings.expired() {
        return Err(SolveFailure::Limit(Termination::TimeLimit));
    }
    match settings.backend {
        Backend::Microlp => solve_microlp(model, settings, relax, start),
        Backend::Highs => solve_highs(model, settings, relax, start),
    }
}

/// A row's terms with each column once (microlp refuses a repeated column).
fn merged(coeffs: &[(usize, f64)]) -> Vec<(usize, f64)> {
    let mut c = coeffs.to_vec();
    c.sort_by_key(|&(k, _)| k);
    c.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
    c
}

/// The model as a microlp problem (integrality dropped with `relax`), and its columns.
fn microlp_problem(model: &LinearModel, relax: bool) -> (microlp::Problem, Vec<microlp::Variable>) {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let mut vars = Vec::with_capacity(model.vars.len());
    for v in &model.vars {
        if v.integer && !relax {
            let lo = v.lb.ceil().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
            let hi = v.ub.floor().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
            vars.push(p.add_integer_var(v.obj, (lo, hi)));
        } else {
            vars.push(p.add_var(v.obj, (v.lb, v.ub)));
        }
    }
    for r in &model.rows {
        let e: Vec<(microlp::Variable, f64)> =
            merged(&r.coeffs).into_iter().map(|(c, a)| (vars[c], a)).collect();
        let op = match r.sense {
            Sense::Le => ComparisonOp::Le,
            Sense::Ge => ComparisonOp::Ge,
            Sense::Eq => ComparisonOp::Eq,
        };
        p.add_constraint(e, op, r.rhs);
    }
    (p, vars)
}

fn microlp_failure(e: microlp::Error) -> SolveFailure {
    match e {
        microlp::Error::Infeasible => SolveFailure::Infeasible,
        microlp::Error::Unbounded => SolveFailure::Unbounded,
        other => SolveFailure::Other(other.to_string()),
    }
}

/// An LP solved once by microlp and then edited: [`WarmLp::fix`] pins one column and
/// re-solves from the previous basis (dual simplex), far faster than a new solve. Used for
/// the finite-difference shadow prices, one re-solve per row.
pub struct WarmLp {
    sol: Option<microlp::Solution>,
    vars: Vec<microlp::Variable>,
    /// The first optimum (model units) and its point.
    pub objective: f64,
    pub values: Vec<f64>,
}

impl std::fmt::Debug for WarmLp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WarmLp").field("objective", &self.objective).finish()
    }
}

impl WarmLp {
    /// Solve the LP relaxation of `model` within what is left of the time limit.
    pub fn new(model: &LinearModel, settings: &SolveSettings) -> Result<WarmLp, SolveFailure> {
        if settings.expired() {
            return Err(SolveFailure::Limit(Termination::TimeLimit));
        }
        let (p, vars) = microlp_problem(model, true);
        let mut o = microlp::SolveOptions::default();
        o.time_limit = settings.call_limit().map(Duration::from_secs_f64);
        let sol = p
            .solve_with(o)
            .map_err(microlp_failure)?
            .into_solution()
            .map_err(|_| SolveFailure::Limit(Termination::TimeLimit))?;
        let values = vars.iter().map(|v| sol.var_value_raw(*v)).collect();
        Ok(WarmLp { objective: sol.objective(), values, sol: Some(sol), vars })
    }

    /// The current point (after the last re-solve).
    pub fn point(&self) -> Vec<f64> {
        match &self.sol {
            Some(s) => self.vars.iter().map(|v| s.var_value_raw(*v)).collect(),
            None => self.values.clone(),
        }
    }

    /// Pin column `col` at `value` (within its bounds) and re-solve; the new optimum, or
    /// `SolveFailure::Limit` when the time limit stopped it (the LP is then spent).
    pub fn fix(&mut self, col: usize, value: f64) -> Result<f64, SolveFailure> {
        let sol = self.sol.take().ok_or(SolveFailure::Limit(Termination::TimeLimit))?;
        let sol = sol
            .fix_var(self.vars[col], value)
            .map_err(microlp_failure)?
            .into_solution()
            .map_err(|_| SolveFailure::Limit(Termination::TimeLimit))?;
        let objective = sol.objective();
        self.sol = Some(sol);
        Ok(objective)
    }
}

/// microlp, called directly: good_lp's wrapper does not pass a node limit and hides the
/// proven bound.
fn solve_microlp(
    model: &LinearModel,
    settings: &SolveSettings,
    relax: bool,
    start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    use microlp::{SolveOutcome, TerminationReason};
    let (p, vars) = microlp_problem(model, relax);
    let has_int = !relax && model.vars.iter().any(|v| v.integer);
    let mut o = microlp::SolveOptions::default();
    o.time_limit = settings.call_limit().map(Duration::from_secs_f64);
    if has_int {
        o.mip_gap = settings.gap;
        o.node_limit = Some(settings.node_limit(model));
        o.warm_start = start.map(|x| vars.iter().copied().zip(x.iter().copied()).collect());
    }
    let out = p.solve_with(o).map_err(microlp_failure)?;
    let termination = |r: TerminationReason| match r {
        TerminationReason::ProvenOptimal => Termination::Optimal,
        TerminationReason::MipGap => Termination::GapLimit,
        TerminationReason::NodeLimit => Termination::NodeLimit,
        // TimeLimit, and whatever limit a later microlp adds.
        _ => Termination::TimeLimit,
    };
    let s = match out {
        SolveOutcome::Solution(s) => s,
        SolveOutcome::Interrupted(i) => {
            return Err(SolveFailure::Limit(termination(i.termination_reason())));
        }
    };
    let values: Vec<f64> = model
        .vars
        .iter()
        .zip(&vars)
        .map(|(v, x)| {
            let raw = s.var_value_raw(*x);
            if v.integer && !relax { raw.round() } else { raw }
        })
        .collect();
    let stats = s.stats();
    Ok(RawSolution {
        objective: model.objective(&values),
        values,
        termination: termination(s.termination_reason()),
        duals: None,
        bound: stats.best_bound.filter(|b| b.is_finite()),
        nodes: stats.nodes_solved,
    })
}

#[cfg(feature = "highs")]
fn solve_highs(
    model: &LinearModel,
    settings: &SolveSettings,
    relax: bool,
    start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    use good_lp::solvers::{DualValues, SolutionWithDual};
    use good_lp::{
        Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
        WithInitialSolution, variable,
    };
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
    let has_int = !relax && model.vars.iter().any(|v| v.integer);
    let mut m = pv.maximise(obj).using(good_lp::highs);
    m.set_verbose(false);
    if let Some(t) = settings.call_limit() {
        m = m.set_time_limit(t);
    }
    if let Some(th) = settings.threads {
        m = m.set_threads(th);
    }
    if has_int {
        m = m
            .set_mip_rel_gap(settings.gap as f32)
            .map_err(|e| SolveFailure::Other(e.to_string()))?;
        // HiGHS's own tree bound: the node limit that fits the memory bound.
        let nodes = settings.node_limit(model).min(i32::MAX as u64) as i32;
        m = m.set_option("mip_max_nodes", nodes);
        if let Some(x) = start {
            m = m.with_initial_solution(vars.iter().copied().zip(x.iter().copied()));
        }
    }
    let mut refs = Vec::with_capacity(model.rows.len());
    for r in &model.rows {
        let mut e = Expression::with_capacity(r.coeffs.len());
        for &(c, a) in &r.coeffs {
            e.add_mul(a, vars[c]);
        }
        refs.push(m.add_constraint(match r.sense {
            Sense::Le => e.leq(r.rhs),
            Sense::Ge => e.geq(r.rhs),
            Sense::Eq => e.eq(r.rhs),
        }));
    }
    let mut s = m.solve().map_err(|e| match e {
        ResolutionError::Infeasible => SolveFailure::Infeasible,
        ResolutionError::Unbounded => SolveFailure::Unbounded,
        ResolutionError::Other("NoSolutionFound") => SolveFailure::Limit(Termination::TimeLimit),
        other => SolveFailure::Other(other.to_string()),
    })?;
    let values: Vec<f64> = vars.iter().map(|v| s.value(*v)).collect();
    let termination = match s.status() {
        SolutionStatus::Optimal => Termination::Optimal,
        SolutionStatus::GapLimit => Termination::GapLimit,
        // good_lp reports HiGHS's node limit as a time limit: tell them apart by the clock.
        SolutionStatus::TimeLimit if has_int && settings.remaining() > 0.5 => {
            Termination::NodeLimit
        }
        SolutionStatus::TimeLimit => Termination::TimeLimit,
    };
    let duals = if has_int {
        None
    } else {
        let d = s.compute_dual();
        Some(refs.iter().map(|r| d.dual(r.clone())).collect())
    };
    Ok(RawSolution {
        objective: model.objective(&values),
        values,
        termination,
        duals,
        bound: None,
        nodes: 0,
    })
}

#[cfg(not(feature = "highs"))]
fn solve_highs(
    _model: &LinearModel,
    _settings: &SolveSettings,
    _relax: bool,
    _start: Option<&[f64]>,
) -> Result<RawSolution, SolveFailure> {
    Err(SolveFailure::Other(
        "the `highs` backend is not in this build: rebuild with `--features highs` \
         (needs cmake and libclang)"
            .into(),
    ))
}
