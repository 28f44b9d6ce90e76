//! Study jobs on a bounded pool: a dispatcher takes queued jobs oldest first, runs each on a
//! blocking thread behind a semaphore of `workers` permits, records progress, and stores the
//! result. Cancellation sets a flag the run checks between Monte Carlo chunks.
//!
//! On restart, jobs left `running` were interrupted: the store queues them again (or fails
//! them after too many interruptions). Every random draw derives from the job's seed, so a
//! re-run gives the same result.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use symbiont_model::Scenario;
use symbiont_study::StudyError;
use symbiont_study::metrics::METRICS;
use symbiont_study::rundir::{Manifest, RunDirSink, write_manifest};
use symbiont_study::runner::{RunRecord, Sink, StudyOptions, run_study};
use symbiont_study::summary::StudySummary;
use symbiont_study::tables::Format;
use tokio::sync::{Notify, Semaphore};

use crate::AppState;

/// A job running here: its cancel flag and live progress (done, total).
type Live = (Arc<AtomicBool>, (i64, i64));

/// The job table of the running server.
#[derive(Debug)]
pub struct Jobs {
    permits: Arc<Semaphore>,
    wake: Notify,
    /// Jobs running here: cancel flag and live progress.
    live: Mutex<HashMap<i64, Live>>,
    claimed: Mutex<HashSet<i64>>,
}

impl Jobs {
    pub fn new(workers: usize) -> Arc<Self> {
        Arc::new(Jobs {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            wake: Notify::new(),
            live: Mutex::new(HashMap::new()),
            claimed: Mutex::new(HashSet::new()),
        })
    }
    /// A new job was queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
    /// Ask a running job to stop.
    pub fn cancel(&self, id: i64) {
        if let Ok(m) = self.live.lock()
            && let Some((flag, _)) = m.get(&id)
        {
            flag.store(true, Ordering::Relaxed);
        }
    }
    /// Live progress of a job running here.
    pub fn progress(&self, id: i64) -> Option<(i64, i64)> {
        self.live.lock().ok()?.get(&id).map(|(_, p)| *p)
    }
    fn set_progress(&self, id: i64, done: i64, total: i64) {
        if let Ok(mut m) = self.live.lock()
            && let Some(e) = m.get_mut(&id)
        {
            e.1 = (done, total);
        }
    }
}

/// Where a job's output folder lives.
pub fn job_dir(data_dir: &Path, id: i64) -> PathBuf {
    data_dir.join("jobs").join(id.to_string())
}

/// Start the dispatcher.
pub fn start(st: AppState) {
    tokio::spawn(async move {
        loop {
            let queued = match st.store.queued_jobs().await {
                Ok(q) => q,
                Err(e) => {
                    tracing::error!(error = %e, "reading the job queue");
                    Vec::new()
                }
            };
            for id in queued {
                let fresh = st.jobs.claimed.lock().map(|mut c| c.insert(id)).unwrap_or(false);
                if !fresh {
                    continue;
                }
                let Ok(permit) = st.jobs.permits.clone().acquire_owned().await else { return };
                let st2 = st.clone();
                tokio::spawn(async move {
                    run_job(&st2, id).await;
                    if let Ok(mut c) = st2.jobs.claimed.lock() {
                        c.remove(&id);
                    }
                    drop(permit);
                    st2.jobs.wake();
                });
            }
            tokio::select! {
                _ = st.jobs.wake.notified() => {}
                _ = tokio::time::sleep(crate::QUEUE_POLL) => {}
            }
        }
    });
}

async fn run_job(st: &AppState, id: i64) {
    match st.store.start_job(id, crate::now_ms()).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::error!(job = id, error = %e, "starting a job");
            return;
        }
    }
    let job = match st.store.job(id).await {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(job = id, error = %e, "reading a job");
            return;
        }
    };
    let source = match st.store.scenario_version(&job.scenario_id, Some(job.version)).await {
        Ok(v) => v.source,
        Err(e) => {
            let _ = st.store.finish_job(id, Err(&format!("scenario: {e}")), crate::now_ms()).await;
            return;
        }
    };
    let flag = Arc::new(AtomicBool::new(false));
    if let Ok(mut m) = st.jobs.live.lock() {
        m.insert(id, (flag.clone(), (0, 0)));
    }
    let jobs = st.jobs.clone();
    let dir = job_dir(&st.config.data_dir, id);
    let kind = job.kind.clone();
    let params = job.params.clone();
    let flag2 = flag.clone();
    let task = tokio::task::spawn_blocking(move || {
        let mut progress = |d: usize, t: usize| jobs.set_progress(id, d as i64, t as i64);
        execute(&kind, &source, &params, &dir, &flag2, &mut progress)
    });
    // Persist progress about once a second while the job runs.
    let mut task = task;
    let outcome = loop {
        tokio::select! {
            r = &mut task => break r,
            _ = tokio::time::sleep(std::time::Duration::from_millis(1000)) => {
                if let Some((d, t)) = st.jobs.progress(id) {
                    let _ = st.store.job_progress(id, d, t).await;
                }
            }
        }
    };
    if let Some((d, t)) = st.jobs.progress(id) {
        let _ = st.store.job_progress(id, d, t).await;
    }
    if let Ok(mut m) = st.jobs.live.lock() {
        m.remove(&id);
    }
    let now = crate::now_ms();
    let res = match outcome {
        Ok(Ok(v)) => st.store.finish_job(id, Ok(&v), now).await,
        Ok(Err(msg)) if flag.load(Ordering::Relaxed) => {
            tracing::info!(job = id, "cancelled: {msg}");
            Ok(false)
        }
        Ok(Err(msg)) => st.store.finish_job(id, Err(&msg), now).await,
        Err(e) => st.store.finish_job(id, Err(&format!("the job panicked: {e}")), now).await,
    };
    if let Err(e) = res {
        tracing::error!(job = id, error = %e, "finishing a job");
    }
}

/// A sink that writes the run folder and stops the study when the job is cancelled.
struct CancelSink<'a> {
    inner: &'a mut RunDirSink,
    flag: &'a AtomicBool,
}

impl Sink for CancelSink<'_> {
    fn write_run(&mut self, r: &RunRecord<'_>) -> Result<(), StudyError> {
        if self.flag.load(Ordering::Relaxed) {
            return Err(StudyError::Io { path: PathBuf::from("job"), message: "cancelled".into() });
        }
        self.inner.write_run(r)
    }
}

/// Run one job's engine work (blocking). The result as JSON, or an error message.
pub fn execute(
    kind: &str,
    source: &str,
    params: &Value,
    dir: &Path,
    cancel: &AtomicBool,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Value, String> {
    let mut scenario = symbiont_model::parse_scenario(source, "scenario")
        .map_err(|d| format!("the scenario is invalid: {}", d.render(source)))?;
    match kind {
        "simulate" => simulate(&mut scenario, source, params, dir, cancel, progress),
        "plan" => plan(&scenario, params),
        "fit" => crate::results::fit(&scenario, params),
        other => Err(format!("unknown job kind {other}")),
    }
}

/// The modes a `simulate` job compares (by id), checked against the scenario.
pub fn mode_indices(s: &Scenario, params: &Value) -> Result<Vec<usize>, String> {
    match params.get("modes").and_then(Value::as_array) {
        None => Ok(s.study.compare.clone()),
        Some(ids) => ids
            .iter()
            .map(|v| {
                let id = v.as_str().unwrap_or("");
                s.modes
                    .iter()
                    .position(|m| m.id == id)
                    .ok_or_else(|| format!("unknown mode \"{id}\""))
            })
            .collect(),
    }
}

fn simulate(
    scenario: &mut Scenario,
    source: &str,
    params: &Value,
    dir: &Path,
    cancel: &AtomicBool,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Value, String> {
    if let Some(p) = params.get("periods").and_then(Value::as_u64) {
        scenario.study.horizon_periods = p as u32;
    }
    let mut opts = StudyOptions::from_scenario(scenario);
    if let Some(r) = params.get("runs").and_then(Value::as_u64) {
        opts.runs = r as u32;
    }
    if let Some(s) = params.get("seed").and_then(Value::as_u64) {
        opts.seed = s;
    }
    opts.modes = mode_indices(scenario, params)?;
    let population = symbiont_abm::population::generate(scenario, opts.seed);
    // The planned modes' sites, planned as `simulate` plans them.
    opts.planned_sites = symbiont_study::planned::planned_sites(scenario, &population, &opts.modes)
        .map_err(|e| e.to_string())?
        .map(|p| p.sites);
    // A re-run after an interruption starts from an empty folder.
    let _ = std::fs::remove_dir_all(dir);
    let mut sink = RunDirSink::create(dir, Format::Csv).map_err(|e| e.to_string())?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|e| e.to_string())?;
    let summary = pool
        .install(|| {
            let mut cs = CancelSink { inner: &mut sink, flag: cancel };
            run_study(scenario, &population, &opts, &mut cs, progress)
        })
        .map_err(|e| e.to_string())?;
    let mut files = sink.finish(scenario, &summary).map_err(|e| e.to_string())?;
    let manifest = Manifest {
        scenario,
        scenario_text: source,
        scenario_origin: "server",
        options: &opts,
        threads: 1,
        elapsed_s: 0.0,
        files: &files,
        extra: json!({"command": "server simulate job", "runs": opts.runs, "seed": opts.seed}),
    };
    files.push(write_manifest(dir, &manifest).map_err(|e| e.to_string())?);
    let labels = METRICS.iter().map(|m| (m.key.to_string(), m.label.to_string())).collect();
    symbiont_report::report_run_dir(dir, &dir.join("report.html"), labels, false)
        .map_err(|e| format!("report: {e}"))?;
    let mut out = simulate_result(&summary);
    // The network of the first compared mode, with its structure class, as
    // `symbiont network RUN_DIR --mode MODE` computes it.
    if let Some(m) = summary.modes.first()
        && let Some(net) = crate::results::run_network(dir, &m.mode_id)?
        && let Some(o) = out.as_object_mut()
    {
        o.insert("network".into(), net);
    }
    Ok(out)
}

/// The result of a simulate job, as docs/api.md describes it.
pub fn simulate_result(s: &StudySummary) -> Value {
    let modes: Vec<Value> = s
        .modes
        .iter()
        .map(|m| {
            let metrics: serde_json::Map<String, Value> = METRICS
                .iter()
                .zip(&m.end)
                .map(|(k, b)| {
                    (k.key.to_string(), json!({"mean": b.mean, "lo": b.ci_low, "hi": b.ci_high}))
                })
                .collect();
            json!({"mode": m.mode_id, "name": m.mode_name, "runs": m.runs, "metrics": metrics})
        })
        .collect();
    let mut series = serde_json::Map::new();
    for (k, metric) in METRICS.iter().enumerate() {
        let mut per_mode = serde_json::Map::new();
        for m in &s.modes {
            if let Some(bands) = m.series.get(k) {
                let pts: Vec<Value> = bands
                    .iter()
                    .map(|b| json!({"period": b.period, "mean": b.mean, "lo": b.ci_low, "hi": b.ci_high}))
                    .collect();
                per_mode.insert(m.mode_id.clone(), Value::Array(pts));
            }
        }
        series.insert(metric.key.to_string(), Value::Object(per_mode));
    }
    let symbiosis: Vec<Value> = s
        .modes
        .iter()
        .flat_map(|m| {
            m.micro.iter().map(move |p| {
                let top = p.modes.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(x, _)| x.key());
                json!({"mode": m.mode_id, "pair": [p.a.label(), p.b.label()], "micro_mode": top,
                       "benefit_a": p.mean_to_a, "benefit_b": p.mean_to_b})
            })
        })
        .collect();
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    if let Some(m) = s.modes.first() {
        let mut seen = HashSet::new();
        for (factor, a, b, w) in &m.flows {
            for n in [a, b] {
                if seen.insert(n.label()) {
                    nodes.push(crate::results::label_node(&n.label()));
                }
            }
            edges.push(
                json!({"source": a.label(), "target": b.label(), "factor": factor, "weight": w}),
            );
        }
    }
    let mode = s.modes.first().map(|m| m.mode_id.clone());
    json!({"modes": modes, "series": series, "symbiosis": symbiosis,
           "network": {"mode": mode, "nodes": nodes, "edges": edges, "class": Value::Null}})
}

/// A plan job, run as `symbiont plan` runs with the same options: the same defaults (gap
/// 0.001, a 30 s time limit for the whole job shared by the solve and the bottleneck analysis,
/// a 1024 MB search tree), the same rule for shadow prices (none for a heuristic plan), and
/// the result built from the same library values the command prints.
fn plan(scenario: &Scenario, params: &Value) -> Result<Value, String> {
    // The time limit covers the whole job, as it covers the whole command in the CLI.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let clock = symbiont_plan::Clock::new(move || started.elapsed().as_secs_f64());
    let population = symbiont_abm::population::generate(scenario, scenario.study.seed);
    let inst = symbiont_plan::Instance::from_scenario(scenario, &population, &Default::default())
        .map_err(|e| e.to_string())?;
    let settings = plan_settings(params, Some(clock.clone()));
    // Two stages share the time limit, as in `symbiont plan`: the solve and the bottlenecks.
    let solve_start = clock.now();
    let out = symbiont_plan::plan(&inst, &settings.share(2)).map_err(|e| e.to_string())?;
    let seconds = clock.now() - solve_start;
    // As `symbiont plan`: shadow prices of a heuristic plan would price the wrong assignment.
    let bottlenecks = match &out {
        symbiont_plan::PlanOutcome::Planned(p)
            if p.termination != symbiont_plan::Termination::Heuristic =>
        {
            Some(
                symbiont_plan::bottlenecks(&inst, p, &settings.share(1))
                    .map_err(|e| e.to_string())?,
            )
        }
        _ => None,
    };
    let mut result =
        crate::results::plan_result(&inst, &out, bottlenecks.as_ref(), settings.backend.word());
    result["seconds"] = serde_json::json!(seconds);
    Ok(result)
}

/// The planner's settings for a plan job's `params` (`gap`, `time_limit_s`, `memory_limit_mb`),
/// with `symbiont plan`'s defaults for what is not given.
pub fn plan_settings(
    params: &Value,
    clock: Option<symbiont_plan::Clock>,
) -> symbiont_plan::SolveSettings {
    symbiont_plan::SolveSettings {
        gap: params.get("gap").and_then(Value::as_f64).unwrap_or(PLAN_GAP),
        time_limit: Some(
            params
                .get("time_limit_s")
                .and_then(Value::as_f64)
                .unwrap_or(symbiont_plan::DEFAULT_TIME_LIMIT_S),
        ),
        memory_limit_mb: Some(
            params
                .get("memory_limit_mb")
                .and_then(Value::as_f64)
                .unwrap_or(symbiont_plan::DEFAULT_MEMORY_LIMIT_MB),
        ),
        clock,
        ..Default::default()
    }
}

/// The relative gap of a plan job when none is given: `symbiont plan --gap`'s default.
pub const PLAN_GAP: f64 = 0.001;
