//! `symbiont calibrate`: ABC-SMC on the bound model into a run folder, with a checkpoint
//! after every generation, the posterior predictive check, and on request the method of
//! simulated moments and the recovery check.
//!
//! The folder is written as `OUT.partial` and renamed to `OUT` at the end. The checkpoint
//! (`OUT.partial/checkpoint.json`, the sampler's whole state, renamed into place after each
//! generation) carries a fingerprint of the calibration, the scenario and the settings: a
//! calibration started again with the same inputs resumes from it, and gives the same
//! posterior as one never interrupted (the sampler's draws depend on the seed, the generation
//! and the proposal index only).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use symbiont_calibrate::diagnostics::LEVELS;
use symbiont_calibrate::{
    AbcSettings, AbcState, CalibrationSpec, Generation, IdentRow, MsmResult, ParamRecovery,
    ParamSummary, Posterior, PredictiveRow, Role, Simulator, StopReason, Thresholds,
    identifiability, msm, predictive, recover, recovery, summarize,
};
use symbiont_model::seed::{derive, label};
use symbiont_study::tables::{Cell, Col, Format, TableWriter};

use super::{Binding, CalibrationError, load};

/// What to calibrate and how.
#[derive(Debug, Clone)]
pub struct CalibrateRequest {
    pub calibration_text: String,
    pub calibration_origin: String,
    pub scenario_text: String,
    pub scenario_origin: String,
    /// The run folder to write.
    pub out: PathBuf,
    /// Replace a non-empty `out`.
    pub force: bool,
    /// Overrides of the file's `[abc]` settings.
    pub particles: Option<usize>,
    pub budget: Option<u64>,
    pub max_generations: Option<usize>,
    /// Also estimate by the method of simulated moments.
    pub msm: bool,
    /// Run the recovery check with this many replicates instead of calibrating to the data.
    pub recover: Option<usize>,
    /// Posterior draws simulated for the predictive check.
    pub predictive_draws: usize,
    pub format: Format,
}

impl CalibrateRequest {
    /// A request with the defaults of `symbiont calibrate`.
    pub fn new(
        calibration_text: String,
        calibration_origin: String,
        scenario_text: String,
        scenario_origin: String,
        out: PathBuf,
    ) -> Self {
        CalibrateRequest {
            calibration_text,
            calibration_origin,
            scenario_text,
            scenario_origin,
            out,
            force: false,
            particles: None,
            budget: None,
            max_generations: None,
            msm: false,
            recover: None,
            predictive_draws: 200,
            format: Format::Both,
        }
    }
}

/// What a calibration reports while it works.
#[derive(Debug)]
pub enum Event<'a> {
    /// Resumed from a checkpoint after this many generations.
    Resumed { generations: usize, simulations: u64 },
    /// A generation finished (and its checkpoint is on disk).
    Generation(&'a Generation),
    /// A later stage started.
    Stage(&'static str),
    /// A recovery replicate finished.
    Replicate { done: usize, total: usize },
}

/// The results, as written to the folder.
#[derive(Debug)]
pub struct CalibrationOutcome {
    pub spec: CalibrationSpec,
    pub mode: String,
    pub periods: u32,
    pub generations: Vec<Generation>,
    pub stop: Option<StopReason>,
    pub posterior: Option<Posterior>,
    pub summaries: Vec<ParamSummary>,
    pub identifiability: Vec<IdentRow>,
    pub predictive: Vec<PredictiveRow>,
    pub msm: Option<MsmResult>,
    pub recovery: Option<Vec<ParamRecovery>>,
    pub simulations: u64,
    pub files: Vec<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    fingerprint: String,
    state: AbcState,
}

fn io(path: &Path, e: impl std::fmt::Display) -> CalibrationError {
    CalibrationError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// The staging folder beside `out`.
pub fn partial_dir(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "calib".into());
    name.push(".partial");
    out.with_file_name(name)
}

fn settings(spec: &CalibrationSpec, req: &CalibrateRequest) -> AbcSettings {
    let mut s = spec.abc;
    if let Some(n) = req.particles {
        s.particles = n;
    }
    if let Some(b) = req.budget {
        s.budget = Some(b);
    }
    if let Some(g) = req.max_generations {
        s.max_generations = g;
    }
    s
}

fn fingerprint(req: &CalibrateRequest, s: &AbcSettings) -> String {
    let settings = serde_json::to_string(s).unwrap_or_default();
    let extra = format!("{settings}|recover={:?}", req.recover);
    crate::parts::fingerprint(&format!("{}\u{0}{extra}", req.calibration_text), &req.scenario_text)
}

/// What every way of running a calibration shares: the parsed inputs, the settings, the
/// fingerprint and the staging folder.
struct Session {
    spec: CalibrationSpec,
    binding: Binding,
    settings: AbcSettings,
    fp: String,
    work: PathBuf,
}

impl Session {
    fn open(req: &CalibrateRequest) -> Result<Session, CalibrationError> {
        let (spec, binding) = load(
            &req.calibration_text,
            &req.calibration_origin,
            &req.scenario_text,
            &req.scenario_origin,
        )?;
        let abc_settings = settings(&spec, req);
        abc_settings.check().map_err(|e| CalibrationError::Setup {
            field: format!("abc.{}", e.field),
            message: format!("is {}; expected {}", e.got, e.expected),
        })?;
        if req.out.exists()
            && !req.force
            && std::fs::read_dir(&req.out).map_err(|e| io(&req.out, e))?.next().is_some()
        {
            return Err(CalibrationError::Setup {
                field: "--out".into(),
                message: format!(
                    "{} is not empty; pass --force to replace it, or choose another folder",
                    req.out.display()
                ),
            });
        }
        let work = partial_dir(&req.out);
        std::fs::create_dir_all(&work).map_err(|e| io(&work, e))?;
        let fp = fingerprint(req, &abc_settings);
        Ok(Session { spec, binding, settings: abc_settings, fp, work })
    }

    fn outcome(&self) -> CalibrationOutcome {
        CalibrationOutcome {
            mode: self.binding.mode().to_string(),
            periods: self.binding.periods(),
            generations: Vec::new(),
            stop: None,
            posterior: None,
            summaries: Vec::new(),
            identifiability: Vec::new(),
            predictive: Vec::new(),
            msm: None,
            recovery: None,
            simulations: 0,
            files: Vec::new(),
            spec: self.spec.clone(),
        }
    }

    /// The sampler: resumed from the checkpoint, or new.
    fn state(&self, event: &mut dyn FnMut(Event<'_>)) -> Result<AbcState, CalibrationError> {
        match resume(&self.work, &self.fp, event)? {
            Some(s) => Ok(s),
            None => Ok(AbcState::new(self.spec.problem(), self.settings, self.spec.seed)?),
        }
    }

    /// The posterior's diagnostics, MSM on request, the folder written and renamed into place.
    fn finish(
        &self,
        req: &CalibrateRequest,
        abc: &AbcState,
        event: &mut dyn FnMut(Event<'_>),
    ) -> Result<CalibrationOutcome, CalibrationError> {
        let sim = self.spec.simulator(&self.binding);
        let problem = self.spec.problem();
        let mut outcome = self.outcome();
        let post = abc.posterior()?;
        outcome.summaries = summarize(&post, &problem.priors);
        outcome.identifiability =
            identifiability(&post, &outcome.summaries, &Thresholds::default());
        event(Event::Stage("posterior predictive check"));
        outcome.predictive = predictive_check(&self.spec, &sim, &post, req.predictive_draws);
        outcome.generations = abc.history().to_vec();
        outcome.stop = abc.stopped();
        outcome.simulations = abc.total_simulations();
        outcome.posterior = Some(post);
        if req.msm {
            event(Event::Stage("method of simulated moments"));
            outcome.msm = Some(msm(&problem, &self.spec.msm, self.spec.seed, &sim)?);
        }
        self.write(req, outcome, event)
    }

    fn write(
        &self,
        req: &CalibrateRequest,
        mut outcome: CalibrationOutcome,
        event: &mut dyn FnMut(Event<'_>),
    ) -> Result<CalibrationOutcome, CalibrationError> {
        event(Event::Stage("writing"));
        outcome.files = write_folder(&self.work, req, &outcome, &self.binding)?;
        if req.out.exists() {
            std::fs::remove_dir_all(&req.out).map_err(|e| io(&req.out, e))?;
        }
        std::fs::rename(&self.work, &req.out).map_err(|e| io(&req.out, e))?;
        outcome.files =
            outcome.files.iter().map(|f| req.out.join(f.file_name().unwrap_or_default())).collect();
        Ok(outcome)
    }
}

/// Calibrate, writing the run folder; `event` hears of each generation.
pub fn calibrate(
    req: &CalibrateRequest,
    event: &mut dyn FnMut(Event<'_>),
) -> Result<CalibrationOutcome, CalibrationError> {
    let session = Session::open(req)?;
    let sim = session.spec.simulator(&session.binding);
    if let Some(n) = req.recover {
        let problem = session.spec.problem();
        let mut done = 0;
        let reps = recover(&problem, &session.settings, session.spec.seed, n, &sim, |_, _| {
            done += 1;
            event(Event::Replicate { done, total: n });
        })?;
        let mut outcome = session.outcome();
        outcome.recovery = Some(recovery(&problem.names, &reps, 5));
        return session.write(req, outcome, event);
    }
    let mut abc = session.state(event)?;
    while abc.stopped().is_none() {
        let g = abc.step(&sim)?;
        write_checkpoint(&session.work, &session.fp, &abc)?;
        event(Event::Generation(&g));
    }
    session.finish(req, &abc, event)
}

/// The proposals a generation's shards simulate when `--proposals` is not given: enough to fill
/// the population at half the last generation's acceptance rate (the rate roughly halves from
/// one generation to the next as the tolerance tightens), in whole batches (the sampler
/// simulates whole batches). When it is not enough, `--collect` says so and by how much to
/// raise it; the shards' results so far are kept.
fn default_window(abc: &AbcState) -> u64 {
    let s = abc.settings();
    let rate = abc.history().last().map_or(1.0, |g| g.acceptance_rate).max(0.02);
    let batch = match s.batch {
        symbiont_calibrate::BatchSize::Fixed { size } => size as u64,
        symbiont_calibrate::BatchSize::Auto => 64,
    };
    let want = (s.particles as f64 / (0.5 * rate)).ceil() as u64;
    want.div_ceil(batch) * batch
}

/// One shard's results for one generation (`OUT.partial/gen-G/part-K-of-N.json`). Floats are
/// kept as their shortest round-trip decimal strings, so the collected generation is exactly
/// the one-machine generation.
#[derive(Serialize, Deserialize)]
struct Part {
    fingerprint: String,
    generation: usize,
    /// `(seed, statistics or the failure's message)` per proposal of the slice.
    results: Vec<(u64, Result<Vec<String>, String>)>,
}

/// What a shard did.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardDone {
    pub generation: usize,
    pub proposals: std::ops::Range<u64>,
    pub window: u64,
    pub file: PathBuf,
}

/// Simulate shard `shard` of the next generation's first `window` proposals (default:
/// [`default_window`]) and write its part file; the sampler's state is read, never changed.
pub fn simulate_shard(
    req: &CalibrateRequest,
    shard: crate::Shard,
    window: Option<u64>,
    event: &mut dyn FnMut(Event<'_>),
) -> Result<ShardDone, CalibrationError> {
    let session = Session::open(req)?;
    let abc = session.state(event)?;
    if abc.stopped().is_some() {
        return Err(CalibrationError::Setup {
            field: "--shard".into(),
            message: "the sampler has stopped: run `symbiont calibrate ... --collect` to write the folder".into(),
        });
    }
    let g = abc.next_generation();
    let w = window.unwrap_or_else(|| default_window(&abc));
    let at = |k: u64| (u128::from(w) * u128::from(k) / u128::from(shard.count)) as u64;
    let range = at(shard.index)..at(shard.index + 1);
    let batch = abc.proposals(range.clone())?;
    let sim = session.spec.simulator(&session.binding);
    let results = sim
        .simulate(&batch)
        .into_iter()
        .zip(&batch)
        .map(|(r, (_, seed))| {
            let r =
                r.map(|v| v.iter().map(|x| format!("{x:?}")).collect()).map_err(|e| e.to_string());
            (*seed, r)
        })
        .collect();
    let dir = session.work.join(format!("gen-{g}"));
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let file = dir.join(format!("part-{}-of-{}.json", shard.index, shard.count));
    let part = Part { fingerprint: session.fp.clone(), generation: g, results };
    let tmp = dir.join(format!(".part-{}-of-{}.json.tmp", shard.index, shard.count));
    let text = serde_json::to_string(&part).map_err(|e| io(&file, e))?;
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &file).map_err(|e| io(&file, e))?;
    Ok(ShardDone { generation: g, proposals: range, window: w, file })
}

/// What collecting a generation gave.
#[derive(Debug)]
pub enum Collected {
    /// The generation is done and checkpointed; more follow.
    Generation(Generation),
    /// The sampler stopped: the folder is written.
    Finished(Box<CalibrationOutcome>),
}

/// A simulator that looks results up by seed in the shards' part files; a proposal no shard
/// simulated stops the generation (the sampler's state is then unchanged).
struct Lookup {
    results: std::collections::HashMap<u64, Result<Vec<f64>, String>>,
    missing: std::sync::atomic::AtomicBool,
}

impl Simulator for Lookup {
    type Error = String;
    fn simulate(&self, batch: &[(Vec<f64>, u64)]) -> Vec<Result<Vec<f64>, String>> {
        let mut out = Vec::with_capacity(batch.len());
        for (_, seed) in batch {
            match self.results.get(seed) {
                Some(r) => out.push(r.clone()),
                None => {
                    self.missing.store(true, std::sync::atomic::Ordering::Relaxed);
                    break;
                }
            }
        }
        out
    }
}

/// Step the next generation with the results its shards wrote; when the sampler stops, write
/// the folder as `calibrate` would.
pub fn collect_generation(
    req: &CalibrateRequest,
    event: &mut dyn FnMut(Event<'_>),
) -> Result<Collected, CalibrationError> {
    let session = Session::open(req)?;
    let mut abc = session.state(event)?;
    if abc.stopped().is_some() {
        return session.finish(req, &abc, event).map(|o| Collected::Finished(Box::new(o)));
    }
    let g = abc.next_generation();
    let dir = session.work.join(format!("gen-{g}"));
    let mut results = std::collections::HashMap::new();
    let entries = std::fs::read_dir(&dir).map_err(|e| CalibrationError::Setup {
        field: "--collect".into(),
        message: format!(
            "no shard has written generation {g} ({}: {e}); run the shards first (--shard K/N)",
            dir.display()
        ),
    })?;
    let mut parts = 0;
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("part-")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let part: Part = serde_json::from_str(&text).map_err(|e| io(&path, e))?;
        if part.fingerprint != session.fp || part.generation != g {
            return Err(CalibrationError::Setup {
                field: "--collect".into(),
                message: format!(
                    "{} was written for other inputs or another generation; remove it and rerun that shard",
                    path.display()
                ),
            });
        }
        for (seed, r) in part.results {
            let r = r.map(|v| v.iter().map(|x| x.parse::<f64>().unwrap_or(f64::NAN)).collect());
            results.insert(seed, r);
        }
        parts += 1;
    }
    let lookup = Lookup { results, missing: std::sync::atomic::AtomicBool::new(false) };
    let stepped = abc.step(&lookup);
    if lookup.missing.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(CalibrationError::Setup {
            field: "--collect".into(),
            message: format!(
                "generation {g} needs more proposals than the {} that {parts} shard(s) simulated; run the shards again with a larger --proposals (e.g. {})",
                lookup.results.len(),
                2 * lookup.results.len().max(1)
            ),
        });
    }
    let done = stepped?;
    write_checkpoint(&session.work, &session.fp, &abc)?;
    std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    event(Event::Generation(&done));
    if abc.stopped().is_some() {
        return session.finish(req, &abc, event).map(|o| Collected::Finished(Box::new(o)));
    }
    Ok(Collected::Generation(done))
}

fn resume(
    work: &Path,
    fp: &str,
    event: &mut dyn FnMut(Event<'_>),
) -> Result<Option<AbcState>, CalibrationError> {
    let path = work.join("checkpoint.json");
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    // A checkpoint of other inputs, or one that does not read, is set aside, not trusted.
    match serde_json::from_str::<Checkpoint>(&text) {
        Ok(c) if c.fingerprint == fp => {
            event(Event::Resumed {
                generations: c.state.history().len(),
                simulations: c.state.total_simulations(),
            });
            Ok(Some(c.state))
        }
        _ => Ok(None),
    }
}

fn write_checkpoint(work: &Path, fp: &str, abc: &AbcState) -> Result<(), CalibrationError> {
    let path = work.join("checkpoint.json");
    let tmp = work.join("checkpoint.json.tmp");
    let c = Checkpoint { fingerprint: fp.to_string(), state: abc.clone() };
    let text = serde_json::to_string(&c).map_err(|e| io(&path, e))?;
    std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
}

/// Simulate the targets at equally weighted posterior draws, observation noise included.
fn predictive_check<S: Simulator>(
    spec: &CalibrationSpec,
    sim: &S,
    post: &Posterior,
    draws: usize,
) -> Vec<PredictiveRow> {
    let base = derive(spec.seed, &[label("predictive")]);
    let thetas = post.resample(draws, base);
    let batch: Vec<(Vec<f64>, u64)> =
        thetas.into_iter().enumerate().map(|(i, t)| (t, derive(base, &[i as u64]))).collect();
    let sims: Vec<Vec<f64>> = sim.simulate(&batch).into_iter().filter_map(Result::ok).collect();
    let problem = spec.problem();
    predictive(&problem.stat_names, &problem.observed, &sims)
}

fn write_folder(
    dir: &Path,
    req: &CalibrateRequest,
    o: &CalibrationOutcome,
    binding: &Binding,
) -> Result<Vec<PathBuf>, CalibrationError> {
    let mut files = Vec::new();
    let f = req.format;
    let spec = &o.spec;
    if let Some(post) = &o.posterior {
        let mut cols: Vec<(&str, Col)> = vec![("draw", Col::U32), ("weight", Col::F64)];
        cols.extend(post.names.iter().map(|n| (n.as_str(), Col::F64)));
        let mut t = TableWriter::create(dir, "posterior", &cols, f)?;
        for (i, (theta, w)) in post.theta.iter().zip(&post.weights).enumerate() {
            let mut row: Vec<Cell> = vec![(i as u32).into(), (*w).into()];
            row.extend(theta.iter().map(|&x| Cell::F64(x)));
            t.row(row)?;
        }
        files.extend(t.finish()?);

        let mut t = TableWriter::create(
            dir,
            "generations",
            &[
                ("generation", Col::U32),
                ("tolerance", Col::F64),
                ("particles", Col::U32),
                ("attempts", Col::F64),
                ("simulations", Col::F64),
                ("failures", Col::F64),
                ("acceptance_rate", Col::F64),
                ("ess", Col::F64),
                ("complete", Col::Str),
            ],
            f,
        )?;
        for g in &o.generations {
            t.row(vec![
                (g.index as u32).into(),
                g.epsilon.into(),
                (g.particles as u32).into(),
                (g.attempts as f64).into(),
                (g.simulations as f64).into(),
                (g.failures as f64).into(),
                g.acceptance_rate.into(),
                g.ess.into(),
                if g.complete { "yes" } else { "no" }.into(),
            ])?;
        }
        files.extend(t.finish()?);

        let mut t = TableWriter::create(
            dir,
            "parameters",
            &[
                ("parameter", Col::Str),
                ("role", Col::Str),
                ("prior", Col::Str),
                ("mean", Col::F64),
                ("sd", Col::F64),
                ("q05", Col::F64),
                ("q25", Col::F64),
                ("q50", Col::F64),
                ("q75", Col::F64),
                ("q95", Col::F64),
                ("prior_sd", Col::F64),
                ("contraction", Col::F64),
                ("identified", Col::Str),
                ("trades_off_with", Col::Str),
            ],
            f,
        )?;
        for ((s, id), p) in o.summaries.iter().zip(&o.identifiability).zip(&spec.params) {
            let role = if p.role == Role::Model { "model" } else { "observation" };
            let mut row: Vec<Cell> =
                vec![s.name.clone().into(), role.into(), p.prior.to_string().into()];
            row.push(s.mean.into());
            row.push(s.sd.into());
            row.extend(s.quantiles.iter().map(|&q| Cell::F64(q)));
            row.push(s.prior_sd.into());
            row.push(s.contraction.into());
            row.push(id.status.label().into());
            let trades = id
                .trades_off_with
                .iter()
                .map(|(n, r)| format!("{n} ({r:+.2})"))
                .collect::<Vec<_>>()
                .join("; ");
            row.push(trades.into());
            t.row(row)?;
        }
        files.extend(t.finish()?);

        let mut cols: Vec<(&str, Col)> = vec![("target", Col::Str), ("observed", Col::F64)];
        let qnames: Vec<String> =
            LEVELS.iter().map(|l| format!("q{:02}", (l * 100.0).round() as u32)).collect();
        cols.extend(qnames.iter().map(|n| (n.as_str(), Col::F64)));
        cols.extend([
            ("percentile", Col::F64),
            ("inside_90", Col::Str),
            ("draws", Col::U32),
            ("source", Col::Str),
        ]);
        let mut t = TableWriter::create(dir, "predictive", &cols, f)?;
        for (row, s) in o.predictive.iter().zip(&spec.summaries) {
            let mut cells: Vec<Cell> = vec![row.name.clone().into(), row.observed.into()];
            cells.extend(row.quantiles.iter().map(|&q| Cell::F64(q)));
            cells.push(row.percentile.into());
            cells.push(if row.inside_90 { "yes" } else { "no" }.into());
            cells.push((row.draws as u32).into());
            cells.push(spec.targets[s.target].source.clone().unwrap_or_default().into());
            t.row(cells)?;
        }
        files.extend(t.finish()?);
    }
    if let Some(m) = &o.msm {
        let mut t = TableWriter::create(
            dir,
            "msm",
            &[("parameter", Col::Str), ("estimate", Col::F64), ("se", Col::F64)],
            f,
        )?;
        for (j, n) in m.names.iter().enumerate() {
            let se = m.se.as_ref().map_or(f64::NAN, |s| s[j]);
            t.row(vec![n.clone().into(), m.estimate[j].into(), se.into()])?;
        }
        files.extend(t.finish()?);
    }
    if let Some(rec) = &o.recovery {
        let mut t = TableWriter::create(
            dir,
            "recovery",
            &[
                ("parameter", Col::Str),
                ("replicates", Col::U32),
                ("covered_50", Col::U32),
                ("band_50", Col::Str),
                ("covered_90", Col::U32),
                ("band_90", Col::Str),
                ("within_90", Col::Str),
                ("rank_chi2", Col::F64),
                ("rank_p_value", Col::F64),
            ],
            f,
        )?;
        for r in rec {
            let band = |c: &symbiont_calibrate::diagnostics::Coverage| {
                format!("{}-{}", c.band.0, c.band.1)
            };
            t.row(vec![
                r.name.clone().into(),
                (r.coverage_90.replicates as u32).into(),
                (r.coverage_50.covered as u32).into(),
                band(&r.coverage_50).into(),
                (r.coverage_90.covered as u32).into(),
                band(&r.coverage_90).into(),
                if r.coverage_90.within { "yes" } else { "no" }.into(),
                r.chi2.into(),
                r.p_value.into(),
            ])?;
        }
        files.extend(t.finish()?);
    }
    if let Some(post) = &o.posterior {
        // Exact floats, for `symbiont simulate --posterior`.
        let p = dir.join("posterior.json");
        let text = serde_json::to_string(post).map_err(|e| io(&p, e))?;
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
        files.push(p);
    }
    for (name, text) in
        [("calibration.toml", &req.calibration_text), ("scenario.toml", &req.scenario_text)]
    {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
        files.push(p);
    }
    let manifest = serde_json::json!({
        "command": "calibrate",
        "calibration": req.calibration_origin,
        "calibration_name": spec.name,
        "scenario": req.scenario_origin,
        "scenario_sha256": symbiont_study::rundir::scenario_hash(&req.scenario_text),
        "calibration_sha256": symbiont_study::rundir::scenario_hash(&req.calibration_text),
        "seed": spec.seed.to_string(),
        "mode": o.mode,
        "periods_simulated": binding.periods(),
        "parameters": spec.params.iter().map(|p| serde_json::json!({
            "name": p.name,
            "role": if p.role == Role::Model { "model" } else { "observation" },
            "prior": p.prior.to_string(),
        })).collect::<Vec<_>>(),
        "generations": o.generations.len(),
        "simulations": o.simulations,
        "stopped_by": o.stop.map(|s| s.to_string()),
        "recovery_replicates": req.recover,
        "msm_j_test": o.msm.as_ref().and_then(|m| m.j_test),
        "files": files.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .chain(["manifest.json".to_string()])
            .chain(f.csv().then(|| "report.html".to_string()))
            .chain(dir.join("checkpoint.json").exists().then(|| "checkpoint.json".to_string()))
            .collect::<Vec<_>>(),
    });
    let p = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| io(&p, e))?;
    std::fs::write(&p, text).map_err(|e| io(&p, e))?;
    files.push(p);
    // The page reads the CSV tables; with Parquet only there is nothing for it to read.
    if f.csv() {
        let html = dir.join("report.html");
        symbiont_report::calibration::report_calibration_dir(dir, &html, false)
            .map_err(|e| io(&html, e))?;
        files.push(html);
    }
    Ok(files)
}
