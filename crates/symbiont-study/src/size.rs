//! What a study costs before it runs: the memory it holds and the enterprise-periods it
//! simulates, so that a size that cannot fit (10^8 enterprises, 10^9 runs) is refused up front,
//! naming the count to lower, instead of ending in an allocation failure. Every front end
//! (`simulate`, a sweep, a calibration, the planner, the server's jobs) asks here.

use symbiont_model::Scenario;

use crate::StudyError;

/// Bytes per enterprise and per host firm while a run is in memory: the engine's state, the
/// population record and headroom for the per-firm buffers.
pub const BYTES_PER_ENTERPRISE: u64 = symbiont_abm::FIRM_STATE_BYTES as u64 + 64;
pub const BYTES_PER_HOST_FIRM: u64 = 48;
/// Jobs a study may hold: its job list and per-run end values grow with modes x runs.
pub const MAX_JOBS: u64 = 10_000_000;
/// Enterprises a scenario may have: beyond it the planner's and the engine's per-firm tables
/// leave any machine (and `u32` indices) behind.
pub const MAX_ENTERPRISES: u64 = 50_000_000;

/// The size of a study.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub enterprises: u64,
    pub host_firms: u64,
    pub jobs: u64,
    /// Memory one run holds.
    pub per_run_bytes: u64,
    /// Memory the study holds on `threads` threads.
    pub need_bytes: u64,
    pub enterprise_periods: u64,
}

/// The size of `runs` runs of `modes` modes of `scenario` on `threads` threads.
pub fn size(scenario: &Scenario, runs: u64, modes: u64, threads: usize) -> Size {
    let enterprises = scenario.enterprise_count() as u64;
    let host_firms: u64 = scenario.host_firm_groups.iter().map(|g| u64::from(g.count)).sum();
    let jobs = runs.saturating_mul(modes);
    let per_run_bytes = enterprises
        .saturating_mul(BYTES_PER_ENTERPRISE)
        .saturating_add(host_firms.saturating_mul(BYTES_PER_HOST_FIRM));
    // Every thread holds one run (and, with a population per run, its own population).
    let need_bytes = per_run_bytes
        .saturating_mul(threads.max(1) as u64)
        .saturating_add(jobs.saturating_mul(16 * 8));
    let enterprise_periods =
        jobs.saturating_mul(u64::from(scenario.study.horizon_periods)).saturating_mul(enterprises);
    Size { enterprises, host_firms, jobs, per_run_bytes, need_bytes, enterprise_periods }
}

/// Refuse a size that cannot fit: more than [`MAX_JOBS`] runs, more memory than `free` (when
/// known), or more than [`MAX_ENTERPRISES`] enterprises. `runs_field` names what sets the runs
/// (e.g. `--runs (or study.runs)`).
pub fn check(s: &Size, free: Option<u64>, runs_field: &str) -> Result<(), StudyError> {
    if s.jobs > MAX_JOBS {
        return Err(StudyError::TooLarge(format!(
            "{} runs is more than a study holds ({MAX_JOBS}): lower {runs_field}, or split the work with `symbiont sweep` and its shards",
            s.jobs
        )));
    }
    if let Some(free) = free
        && s.need_bytes > free
    {
        return Err(StudyError::TooLarge(format!(
            "this needs about {} of memory ({} enterprises and {} host firms, {} per run) but {} is free: lower the enterprise and host firm counts (enterprise_group.count, host_firm_group.count) or the threads",
            bytes(s.need_bytes),
            s.enterprises,
            s.host_firms,
            bytes(s.per_run_bytes),
            bytes(free)
        )));
    }
    if s.enterprises > MAX_ENTERPRISES {
        return Err(StudyError::TooLarge(format!(
            "{} enterprises (about {} of memory per run) is more than a scenario may hold ({MAX_ENTERPRISES}): lower enterprise_group.count",
            s.enterprises,
            bytes(s.per_run_bytes)
        )));
    }
    Ok(())
}

/// Bytes the planner's model holds per (enterprise, park) column: the column, its rows'
/// entries and the solver's working copy, with room to spare (the default scenario's 12,051
/// columns peak at about 17 MB with everything, docs/performance.md).
pub const PLAN_BYTES_PER_COLUMN: u64 = 1024;

/// Refuse a plan whose model cannot fit: the enterprise count, and the model's columns
/// (enterprises × parks) against the free memory.
pub fn check_plan(scenario: &Scenario, free: Option<u64>) -> Result<(), StudyError> {
    let s = size(scenario, 1, 1, 1);
    check(&s, free, "the runs")?;
    let columns = s.enterprises.saturating_mul(scenario.parks.len().max(1) as u64);
    let need = columns.saturating_mul(PLAN_BYTES_PER_COLUMN).saturating_add(s.per_run_bytes);
    if let Some(free) = free
        && need > free
    {
        return Err(StudyError::TooLarge(format!(
            "the plan's model needs about {} of memory ({} enterprises x {} parks = {columns} columns) but {} is free: lower enterprise_group.count or plan fewer parks",
            bytes(need),
            s.enterprises,
            scenario.parks.len(),
            bytes(free)
        )));
    }
    Ok(())
}

/// Free memory as the kernel reports it (`MemAvailable`), where it does.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `1.5 GB`, `300 MB`, `12 kB`.
pub fn bytes(x: u64) -> String {
    match x {
        x if x >= 1 << 30 => format!("{:.1} GB", x as f64 / f64::from(1u32 << 30)),
        x if x >= 1 << 20 => format!("{:.0} MB", x as f64 / f64::from(1u32 << 20)),
        x => format!("{} kB", x / 1024),
    }
}
