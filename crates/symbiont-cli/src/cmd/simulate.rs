//! `symbiont simulate [SCENARIO]`: run the going-out model for every compared mode and print a
//! comparison a planner reads in a minute; write the run folder.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use symbiont_study::metrics::METRICS;
use symbiont_study::ranking::{RankRow, RankingSink};
use symbiont_study::rundir::{Manifest, RunDirSink, write_manifest};
use symbiont_study::runner::{PopulationMode, StudyOptions, run_study, run_study_over_draws};
use symbiont_study::sensitivity::{self, Sensitivity, SensitivityOptions, run_sensitivity};
use symbiont_study::summary::StudySummary;
use symbiont_study::tables::Format;
use symbiont_study::tables::{Cell, Col, TableWriter};
use symbiont_sweep::calibration::posterior::PosteriorScenarios;

use crate::diag::{check_source, problems, read_source};
use crate::out::{short, stderr_is_terminal, table};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  symbiont simulate                                   the embedded Laos-China scenario, all four modes
  symbiont simulate my.toml --runs 500 --threads 2
  symbiont simulate --modes network,fight_alone --horizon 10 --out results/ --format csv
  symbiont simulate --sensitivity                     also sensitivity.csv: network vs fight_alone, one lever at a time
  symbiont simulate my.toml --sensitivity=hub:fight_alone --sensitivity-runs 50

Sensitivity: every lever on which BASE and ALT differ is set, alone, to ALT's value while the
other levers keep BASE's values; each setting (and BASE itself, the baseline) runs the same runs
on the same seeds (common random numbers). sensitivity.csv holds, per key outcome and lever, the
mean at the horizon with the lever at BASE's and at ALT's value, and the 95% CI of the change;
the report draws it as tornado charts. Cost: (1 + levers that differ) x runs extra runs, 12 x 100
for the default scenario.")]
pub struct Args {
    /// Scenario file; omit for the embedded default (overseas Jiangsu in Laos).
    pub scenario: Option<PathBuf>,
    /// Monte Carlo runs per mode (default: the scenario's `study.runs`).
    #[arg(long)]
    pub runs: Option<u32>,
    /// Master seed (default: the scenario's `study.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Modes to compare, by id, comma-separated (default: the scenario's `study.compare`).
    #[arg(long, value_delimiter = ',')]
    pub modes: Option<Vec<String>>,
    /// Periods to simulate (default: the scenario's `study.horizon_periods`).
    #[arg(long)]
    pub horizon: Option<u32>,
    /// Worker threads (default: all cores). Results are identical for any number.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder for the tables and manifest.json.
    #[arg(long, default_value = "symbiont-out")]
    pub out: PathBuf,
    /// Table format.
    #[arg(long, value_enum, default_value = "both")]
    pub format: FormatArg,
    /// Print the summary as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// No progress bar even on a terminal.
    #[arg(long)]
    pub quiet: bool,
    /// Do not write report.html (a self-contained HTML report with charts) into the folder.
    #[arg(long)]
    pub no_report: bool,
    /// Also write sensitivity.csv: swap one lever at a time from mode ALT into mode BASE (mode
    /// ids; default network:fight_alone). Put it after the scenario, or write
    /// `--sensitivity=BASE:ALT`.
    #[arg(long, value_name = "BASE:ALT", num_args = 0..=1, default_missing_value = "network:fight_alone")]
    pub sensitivity: Option<String>,
    /// Runs per sensitivity setting (default: --runs, so that the baseline is the study's own
    /// mean for BASE).
    #[arg(long, value_name = "N", requires = "sensitivity")]
    pub sensitivity_runs: Option<u32>,
    /// Population per run: `per-run` (default) draws each run's enterprises and host firms from
    /// the master seed and the run index, the same in every mode, so the intervals cover the
    /// population; `fixed` draws one population for every run. A planned site choice always
    /// runs on the fixed population (the plan is made for it).
    #[arg(long, value_enum, default_value = "per-run")]
    pub population: PopulationArg,
    /// Record the entity-level ties and measure the network in the first N runs of each mode
    /// (the class shares and measure ranges are over those runs); 0 turns it off and drops the
    /// structure, entities, ties and network_structure tables. About 16 ms per run measured.
    #[arg(long, value_name = "N", default_value_t = symbiont_study::runner::STRUCTURE_RUNS)]
    pub structure_runs: u32,
    /// Compare the modes over a calibration's posterior (a folder written by `symbiont
    /// calibrate`): run r of every mode simulates posterior draw r, on the scenario the
    /// calibration was fitted on; writes ranking.csv (per outcome, each mode's probability of
    /// ranking first and its expected regret) and draws.csv (each run's parameter values).
    #[arg(long, value_name = "CALIB_DIR", conflicts_with_all = ["scenario", "sensitivity"])]
    pub posterior: Option<PathBuf>,
    /// Replace --out even when it holds files that a simulation did not write (e.g. parts
    /// added with --into); a previous run folder of `simulate` alone is replaced without it.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PopulationArg {
    PerRun,
    Fixed,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Parquet,
    Both,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let mut draws = None;
    let src = match &a.posterior {
        None => read_source(a.scenario.as_deref())?,
        Some(dir) => {
            let text = std::fs::read_to_string(dir.join("scenario.toml")).with_context(|| {
                format!(
                    "--posterior {}: expected a folder written by `symbiont calibrate`",
                    dir.display()
                )
            })?;
            crate::diag::Source { origin: dir.join("scenario.toml").display().to_string(), text }
        }
    };
    let mut scenario = check_source(&src).map_err(|d| {
        anyhow::anyhow!("{} is not a valid scenario ({})", src.origin, problems(d.len()))
    })?;
    if let Some(dir) = &a.posterior {
        let runs = a.runs.unwrap_or(scenario.study.runs);
        anyhow::ensure!(runs >= 1, "--runs must be at least 1");
        let seed = a.seed.unwrap_or(scenario.study.seed);
        let ps = symbiont_sweep::calibration::posterior::posterior_scenarios(dir, runs, seed)
            .with_context(|| format!("reading the posterior in {}", dir.display()))?;
        scenario = ps.scenarios[0].clone();
        draws = Some(ps);
    }
    if let Some(h) = a.horizon {
        anyhow::ensure!(
            (1..=1000).contains(&h),
            "--horizon must be between 1 and 1000 periods, got {h}"
        );
        scenario.study.horizon_periods = h;
        if let Some(ps) = &mut draws {
            ps.scenarios.iter_mut().for_each(|s| s.study.horizon_periods = h);
        }
    }
    let mut opts = StudyOptions::from_scenario(&scenario);
    if let Some(r) = a.runs {
        anyhow::ensure!(r >= 1, "--runs must be at least 1");
        opts.runs = r;
    }
    if let Some(s) = a.seed {
        opts.seed = s;
    }
    opts.structure_runs = a.structure_runs;
    opts.population = match a.population {
        PopulationArg::PerRun => PopulationMode::PerRun,
        PopulationArg::Fixed => PopulationMode::Fixed,
    };
    if let Some(ids) = &a.modes {
        opts.modes = ids
            .iter()
            .map(|id| {
                scenario.modes.iter().position(|m| &m.id == id).with_context(|| {
                    let known: Vec<&str> = scenario.modes.iter().map(|m| m.id.as_str()).collect();
                    format!("--modes: unknown mode \"{id}\"; the scenario has {}", known.join(", "))
                })
            })
            .collect::<anyhow::Result<_>>()?;
    }
    let sensitivity = match &a.sensitivity {
        Some(spec) => Some(sensitivity_modes(&scenario, spec, a.scenario.is_none())?),
        None => None,
    };
    let sensitivity_runs = a.sensitivity_runs.unwrap_or(opts.runs);
    anyhow::ensure!(sensitivity_runs >= 1, "--sensitivity-runs must be at least 1");
    let format = match a.format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Parquet => Format::Parquet,
        FormatArg::Both => Format::Both,
    };
    let threads = a.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    check_size(&scenario, &opts, pool.current_num_threads())?;
    let population = symbiont_abm::population::generate(&scenario, opts.seed);
    let mut needs_plan = opts.modes.clone();
    needs_plan.extend(sensitivity.iter().flat_map(|&(b, c)| [b, c]));
    opts.planned_sites = planned_sites(&scenario, &population, &needs_plan)?;
    anyhow::ensure!(
        draws.is_none() || opts.planned_sites.is_none(),
        "--posterior: a mode with site_choice = \"planned\" would need a plan per posterior draw; compare the other modes with --modes"
    );

    let total = opts.runs as u64 * opts.modes.len() as u64;
    let bar = progress_bar(total, !a.quiet && !a.json, "runs");
    // Everything is written into a staging folder beside the target and renamed at the end,
    // so an error, a kill or a full disk never leaves a half-written run folder.
    let stage = crate::rundir::Staging::begin(&a.out, a.force)?;
    let mut sink = RunDirSink::create(stage.path(), format)?;
    // The one place the binary reads the clock: to report the study's wall time.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let mut ranking = None;
    let summary = match &draws {
        None => pool.install(|| {
            run_study(&scenario, &population, &opts, &mut sink, &mut |done, _| {
                bar.set_position(done as u64)
            })
        })?,
        Some(ps) => {
            let ids = opts.modes.iter().map(|&m| scenario.modes[m].id.clone()).collect();
            let mut rank = RankingSink::new(&mut sink, ids);
            let summary = pool.install(|| {
                run_study_over_draws(&ps.scenarios, &opts, &mut rank, &mut |done, _| {
                    bar.set_position(done as u64)
                })
            })?;
            ranking = Some(rank.rows());
            summary
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut files = sink.finish(&scenario, &summary)?;
    if let (Some(ps), Some(rows)) = (&draws, &ranking) {
        files.extend(write_ranking(stage.path(), format, rows)?);
        files.extend(write_draws(stage.path(), format, ps)?);
    }
    let sensitivity = match sensitivity {
        Some((base, alt)) => {
            let sopts = SensitivityOptions {
                base,
                alt,
                runs: sensitivity_runs,
                seed: opts.seed,
                params: opts.params.clone(),
                planned_sites: opts.planned_sites.clone(),
                population: opts.population,
            };
            let settings = 1 + sensitivity::LEVERS
                .iter()
                .filter(|l| {
                    let mut x = scenario.modes[base].levers.clone();
                    (l.set)(&mut x, &scenario.modes[alt].levers);
                    x != scenario.modes[base].levers
                })
                .count();
            let bar = progress_bar(
                settings as u64 * u64::from(sensitivity_runs),
                !a.quiet && !a.json,
                "sensitivity runs",
            );
            // Timed on the study's clock (the command reads the clock once).
            let before = started.elapsed();
            let result = pool.install(|| {
                run_sensitivity(&scenario, &population, &sopts, &mut |done, _| {
                    bar.set_position(done as u64)
                })
            })?;
            let secs = (started.elapsed() - before).as_secs_f64();
            bar.finish_and_clear();
            let path = stage.path().join("sensitivity.csv");
            result.write_csv(&path)?;
            files.push(path);
            Some((result, secs))
        }
        None => None,
    };
    let manifest = Manifest {
        scenario: &scenario,
        scenario_text: &src.text,
        scenario_origin: &src.origin,
        options: &opts,
        threads: pool.current_num_threads(),
        elapsed_s: elapsed,
        files: &files,
        extra: serde_json::json!({
            "command": "simulate",
            "runs": opts.runs, "seed": opts.seed, "horizon": scenario.study.horizon_periods,
            "format": format!("{:?}", a.format).to_lowercase(),
            "posterior": draws.as_ref().map(|ps| serde_json::json!({
                "calibration_dir": a.posterior.as_ref().map(|p| p.display().to_string()),
                "calibration": ps.calibration, "fitted_mode": ps.fitted_mode,
                "parameters": ps.names,
                "method": "run r of every mode simulates posterior draw r (an equally weighted resample of the calibration's posterior under the study seed) on its own population; ranking.csv: per outcome at the horizon, the share of runs in which each mode ranks first (ties shared) and its mean shortfall from the run's best mode",
            })),
            "sensitivity": sensitivity.as_ref().map(|(r, secs)| serde_json::json!({
                "base": r.base_id, "alt": r.alt_id, "runs": r.runs,
                "levers": r.levers, "same": r.same, "elapsed_s": secs,
                "method": "one lever at a time set to ALT's value, the others at BASE's; mean at the horizon over the runs; run k uses the study's population and run seed k in every setting (common random numbers)",
            })),
        }),
    };
    files.push(write_manifest(stage.path(), &manifest)?);
    // The report reads the CSV tables; with Parquet only there is nothing for it to read.
    let report = if a.no_report || !format.csv() {
        None
    } else {
        let html = stage.path().join("report.html");
        symbiont_report::report_run_dir(
            stage.path(),
            &html,
            crate::cmd::report::metric_labels(),
            false,
        )
        .with_context(|| format!("writing the report {}", a.out.join("report.html").display()))?;
        Some(a.out.join("report.html"))
    };

    stage.commit()?;
    if a.json {
        crate::out::print_json(&summary_json(&summary))?;
        return Ok(());
    }
    print_comparison(&scenario, &summary, &opts);
    if let (Some(ps), Some(rows)) = (&draws, &ranking) {
        print_ranking(ps, rows);
    }
    if let Some((r, secs)) = &sensitivity {
        print_sensitivity(r, *secs);
    }
    println!(
        "\n{} runs ({} modes x {}) in {:.2} s on {} thread(s); {} files in {} (manifest.json says how to reproduce them)",
        total,
        opts.modes.len(),
        opts.runs,
        elapsed,
        pool.current_num_threads(),
        files.len(),
        a.out.display()
    );
    match report {
        Some(html) => println!("report: {}", html.display()),
        None if !a.no_report => {
            println!("no report: it reads the CSV tables (use --format csv or both)")
        }
        None => {}
    }
    Ok(())
}

/// Refuse, before anything runs, a study that cannot fit (`symbiont_study::size`); long
/// studies print what they will cost.
fn check_size(
    scenario: &symbiont_model::Scenario,
    opts: &StudyOptions,
    threads: usize,
) -> anyhow::Result<()> {
    use symbiont_study::size;
    let s = size::size(scenario, u64::from(opts.runs), opts.modes.len() as u64, threads);
    size::check(&s, size::available_memory(), "--runs (or study.runs)")?;
    // About 20 M enterprise-periods per second and thread (docs/performance.md).
    let secs = s.enterprise_periods as f64 / (20.0e6 * threads.max(1) as f64);
    if secs > 60.0 {
        eprintln!(
            "this study simulates {} enterprise-periods: about {} on {threads} thread(s), \
             about {} of memory",
            s.enterprise_periods,
            if secs < 3600.0 {
                format!("{:.0} min", secs / 60.0)
            } else {
                format!("{:.1} h", secs / 3600.0)
            },
            size::bytes(s.need_bytes)
        );
    }
    Ok(())
}

/// A progress bar on a terminal, hidden otherwise.
fn progress_bar(total: u64, show: bool, what: &str) -> ProgressBar {
    if !(show && stderr_is_terminal()) {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(total);
    b.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {{wide_bar}} {{pos}}/{{len}} {what}, {{elapsed}} elapsed, eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// The (base, alt) mode indices of `--sensitivity BASE:ALT`.
fn sensitivity_modes(
    scenario: &symbiont_model::Scenario,
    spec: &str,
    no_scenario: bool,
) -> anyhow::Result<(usize, usize)> {
    let known = || scenario.modes.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ");
    let Some((b, c)) = spec.split_once(':') else {
        let hint = if no_scenario && (spec.ends_with(".toml") || spec.contains('/')) {
            "; to name a scenario, put it before --sensitivity or write --sensitivity=BASE:ALT"
        } else {
            ""
        };
        anyhow::bail!(
            "--sensitivity expects BASE:ALT, two mode ids such as network:fight_alone, got \"{spec}\"{hint}"
        );
    };
    let find = |id: &str| {
        scenario.modes.iter().position(|m| m.id == id.trim()).with_context(|| {
            format!("--sensitivity: unknown mode \"{id}\"; the scenario has {}", known())
        })
    };
    let (b, c) = (find(b)?, find(c)?);
    anyhow::ensure!(b != c, "--sensitivity: BASE and ALT are the same mode, nothing to swap");
    Ok((b, c))
}

/// The largest lever effects for a few key outcomes, in the terminal.
fn print_sensitivity(r: &Sensitivity, secs: f64) {
    println!(
        "\nsensitivity: {} with one lever at a time set to {}'s value ({} runs per setting, {} settings, {:.2} s)",
        r.base_id,
        r.alt_id,
        r.runs,
        r.levers.len() + 1,
        secs
    );
    if r.levers.is_empty() {
        println!("the two modes have the same levers: nothing to swap");
        return;
    }
    let keys = ["operating", "host_jobs", "two_way_index", "time_to_operate_days"];
    let mut header = vec!["lever (base -> alt value)".to_string()];
    header.extend(keys.iter().map(|k| format!("change in {k}")));
    let mut t = table(header);
    for lever in &r.levers {
        let row = r.rows.iter().find(|x| x.lever == *lever);
        let mut cells = vec![match row {
            Some(x) => format!("{lever} ({} -> {})", x.lever_low, x.lever_high),
            None => lever.to_string(),
        }];
        for k in keys {
            let cell = r
                .rows
                .iter()
                .find(|x| x.lever == *lever && x.metric == k)
                .map(|x| {
                    let d = x.outcome_high - x.outcome_low;
                    let sign = if d >= 0.0 { "+" } else { "-" };
                    format!("{sign}{}", short(d.abs()))
                })
                .unwrap_or_default();
            cells.push(cell);
        }
        t.add_row(cells);
    }
    println!("{t}");
    if !r.same.is_empty() {
        println!("levers equal in both modes (not swapped): {}", r.same.join(", "));
    }
    println!("sensitivity.csv has every outcome with the 95% CI of each change.");
}

/// When a mode chooses its sites by the planner (`site_choice = "planned"`), solve the plan
/// once with the planner's default options and hand its sites to every run.
fn planned_sites(
    scenario: &symbiont_model::Scenario,
    population: &symbiont_model::population::Population,
    modes: &[usize],
) -> anyhow::Result<Option<Vec<Option<u16>>>> {
    let Some(p) = symbiont_study::planned::planned_sites(scenario, population, modes)? else {
        return Ok(None);
    };
    eprintln!(
        "plan for {}: {} of {} enterprises placed ({} by {}, gap bound {:.2}%); see `symbiont plan` for details",
        p.users.join(", "),
        p.placed,
        p.sites.len(),
        p.termination,
        p.backend,
        p.gap * 100.0
    );
    Ok(Some(p.sites))
}

fn print_comparison(scenario: &symbiont_model::Scenario, s: &StudySummary, opts: &StudyOptions) {
    println!(
        "{}: {} periods from {}, {} runs per mode, seed {}\n",
        scenario.meta.title,
        scenario.study.horizon_periods,
        scenario.study.start_year,
        opts.runs,
        opts.seed
    );
    let mut header = vec!["outcome at the horizon".to_string(), "unit".to_string()];
    header.extend(s.modes.iter().map(|m| m.mode_id.clone()));
    let mut t = table(header);
    for (k, m) in METRICS.iter().enumerate() {
        let mut row = vec![m.label.to_string(), m.unit.to_string()];
        for ms in &s.modes {
            let b = &ms.end[k];
            row.push(format!("{} ({}-{})", short(b.mean), short(b.p025), short(b.p975)));
        }
        t.add_row(row);
    }
    println!("{t}");
    println!(
        "mean (2.5%-97.5% of runs, which include {}); summary.csv also has the 95% CI of each mean.\n",
        opts.effective_population().intervals_include()
    );

    // Symbiosis modes per pair of unit kinds (micro), then the macro mode.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for ms in &s.modes {
        for p in &ms.micro {
            let key = (p.a.label(), p.b.label());
            if !pairs.contains(&key) {
                pairs.push(key);
            }
        }
    }
    let mut header = vec!["symbiosis mode (share of runs)".to_string()];
    header.extend(s.modes.iter().map(|m| m.mode_id.clone()));
    let mut t = table(header);
    for (a, b) in &pairs {
        let mut row = vec![format!("a {a}, b {b}")];
        for ms in &s.modes {
            let cell = ms
                .micro
                .iter()
                .find(|p| &p.a.label() == a && &p.b.label() == b)
                .and_then(|p| p.modal())
                .map(|(m, share)| format!("{} {:.0}%", short_mode(m), share * 100.0))
                .unwrap_or_else(|| "no relation".into());
            row.push(cell);
        }
        t.add_row(row);
    }
    let mut row = vec!["macro: a home output, b host output (LV fit)".to_string()];
    for ms in &s.modes {
        let cell = match &ms.macro_modes {
            Some(mm) => match mm.modes.first() {
                Some((m, share)) => format!(
                    "{} {:.0}%{}",
                    short_mode(*m),
                    share * 100.0,
                    if mm.unidentified > 0 {
                        format!(" ({} unidentified)", mm.unidentified)
                    } else {
                        String::new()
                    }
                ),
                None => {
                    format!("not identified: {}", mm.first_reason.as_deref().unwrap_or("no fit"))
                }
            },
            None => "off".into(),
        };
        row.push(cell);
    }
    t.add_row(row);
    println!("{t}");
    println!(
        "a, b: the first and second unit of the pair; share = runs in which the mode was found."
    );
    print_structure(s, opts.structure_runs.min(opts.runs));
}

/// The network the runs formed: its class and the measures that decide it (medians over runs).
fn print_structure(s: &StudySummary, runs: u32) {
    if s.modes.iter().all(|m| m.structure.is_none()) {
        return;
    }
    let mut header = vec![format!("network the first {runs} runs formed (median)")];
    header.extend(s.modes.iter().map(|m| m.mode_id.clone()));
    let mut t = table(header);
    let mut row = vec!["structure class (share of runs)".to_string()];
    for m in &s.modes {
        row.push(m.structure.as_ref().map_or("-".into(), |st| {
            format!("{} {:.0}%", st.class(), st.classes.first().map_or(0.0, |c| c.1) * 100.0)
        }));
    }
    t.add_row(row);
    for name in [
        "cross_border_reciprocity",
        "multiplexity",
        "support_ties",
        "top_share",
        "centralization",
        "reciprocity",
        "density",
        "communities",
        "entities",
        "ties",
    ] {
        let mut row = vec![name.replace('_', " ")];
        for m in &s.modes {
            row.push(m.structure.as_ref().and_then(|st| st.median(name)).map_or("-".into(), short));
        }
        t.add_row(row);
    }
    println!("\n{t}");
    println!(
        "class rule (docs/network.md): one-way street if cross-border reciprocity < 0.2; network if \
         multiplexity >= 0.5, support ties >= 0.25 and top share < 0.5; hub otherwise."
    );
}

/// A compact label of a symbiosis mode for the comparison table.
fn short_mode(m: symbiont_model::SymbiosisMode) -> String {
    use symbiont_model::{SymbiosisMode as M, Which};
    let w = |x: Which| if x == Which::First { "a" } else { "b" };
    match m {
        M::Independence => "independence".into(),
        M::Commensalism { beneficiary } => format!("commensalism, {} gains", w(beneficiary)),
        M::Parasitism { beneficiary } => format!("parasitism, {} gains", w(beneficiary)),
        M::SymmetricMutualism => "symmetric mutualism".into(),
        M::AsymmetricMutualism { larger } => format!("asym. mutualism, {} more", w(larger)),
        M::Competition => "competition".into(),
        M::Amensalism { harmed } => format!("amensalism, {} harmed", w(harmed)),
    }
}

fn summary_json(s: &StudySummary) -> serde_json::Value {
    let modes: Vec<serde_json::Value> = s
        .modes
        .iter()
        .map(|m| {
            let end: serde_json::Map<String, serde_json::Value> = METRICS
                .iter()
                .zip(&m.end)
                .map(|(k, b)| {
                    (
                        k.key.to_string(),
                        serde_json::json!({"mean": b.mean, "ci95": [b.ci_low, b.ci_high], "p2_5": b.p025, "p97_5": b.p975, "unit": k.unit}),
                    )
                })
                .collect();
            let micro: Vec<serde_json::Value> = m
                .micro
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "a": p.a.label(), "b": p.b.label(),
                        "modes": p.modes.iter().map(|(x, sh)| serde_json::json!({"mode": x.key(), "detail": x.to_string(), "share": sh})).collect::<Vec<_>>(),
                        "mean_benefit_a": p.mean_to_a, "mean_benefit_b": p.mean_to_b,
                    })
                })
                .collect();
            let macro_modes = m.macro_modes.as_ref().map(|mm| {
                serde_json::json!({
                    "modes": mm.modes.iter().map(|(x, sh)| serde_json::json!({"mode": x.key(), "detail": x.to_string(), "share": sh})).collect::<Vec<_>>(),
                    "unidentified_runs": mm.unidentified,
                    "reason": mm.first_reason,
                })
            });
            serde_json::json!({"mode": m.mode_id, "name": m.mode_name, "runs": m.runs, "end": end, "micro": micro, "macro": macro_modes})
        })
        .collect();
    serde_json::json!({ "modes": modes })
}

/// `ranking.csv`: per outcome and mode, the probability of ranking first and the expected regret.
fn write_ranking(
    dir: &std::path::Path,
    format: Format,
    rows: &[RankRow],
) -> anyhow::Result<Vec<PathBuf>> {
    let mut t = TableWriter::create(
        dir,
        "ranking",
        &[
            ("metric", Col::Str),
            ("mode", Col::Str),
            ("better", Col::Str),
            ("p_first", Col::F64),
            ("expected_regret", Col::F64),
            ("mean", Col::F64),
            ("q05", Col::F64),
            ("q95", Col::F64),
            ("runs", Col::U32),
        ],
        format,
    )?;
    for r in rows {
        t.row(vec![
            r.metric.into(),
            r.mode.clone().into(),
            r.better.into(),
            r.p_first.into(),
            r.expected_regret.into(),
            r.mean.into(),
            r.q05.into(),
            r.q95.into(),
            (r.runs as u32).into(),
        ])?;
    }
    Ok(t.finish()?)
}

/// `draws.csv`: the model parameters each run simulated.
fn write_draws(
    dir: &std::path::Path,
    format: Format,
    ps: &PosteriorScenarios,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut cols: Vec<(&str, Col)> = vec![("run", Col::U32)];
    cols.extend(ps.names.iter().map(|n| (n.as_str(), Col::F64)));
    let mut t = TableWriter::create(dir, "draws", &cols, format)?;
    for (r, v) in ps.values.iter().enumerate() {
        let mut row: Vec<Cell> = vec![(r as u32).into()];
        row.extend(v.iter().map(|&x| Cell::F64(x)));
        t.row(row)?;
    }
    Ok(t.finish()?)
}

/// The comparison over the posterior: per outcome, who ranks first how often, and the regret.
fn print_ranking(ps: &PosteriorScenarios, rows: &[RankRow]) {
    println!(
        "\nover the posterior of {} (fitted under `{}`; {} draws, one per run, the same for every mode):",
        ps.calibration.as_deref().unwrap_or("the calibration"),
        ps.fitted_mode,
        ps.values.len()
    );
    let modes: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for r in rows {
            if !v.contains(&r.mode.as_str()) {
                v.push(&r.mode);
            }
        }
        v
    };
    let mut header = vec!["outcome (P first / expected regret)".to_string()];
    header.extend(modes.iter().map(|m| m.to_string()));
    let mut t = table(header);
    for m in METRICS {
        let mut line = vec![m.label.to_string()];
        for id in &modes {
            let cell = rows
                .iter()
                .find(|r| r.metric == m.key && r.mode == *id)
                .map(|r| format!("{:.2} / {}", r.p_first, short(r.expected_regret)))
                .unwrap_or_default();
            line.push(cell);
        }
        t.add_row(line);
    }
    println!("{t}");
}
