//! `symbiont simulate [SCENARIO]`: run the going-out model for every compared mode and print a
//! comparison a planner reads in a minute; write the run folder.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use symbiont_study::metrics::METRICS;
use symbiont_study::rundir::{Manifest, RunDirSink, write_manifest};
use symbiont_study::runner::{StudyOptions, run_study};
use symbiont_study::summary::StudySummary;
use symbiont_study::tables::Format;

use crate::diag::{check_source, problems, read_source};
use crate::out::{short, stderr_is_terminal, table};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  symbiont simulate                                   the embedded Laos-China scenario, all four modes
  symbiont simulate my.toml --runs 500 --threads 2
  symbiont simulate --modes network,fight_alone --horizon 10 --out results/ --format csv")]
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
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Parquet,
    Both,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let src = read_source(a.scenario.as_deref())?;
    let mut scenario = check_source(&src).map_err(|d| {
        anyhow::anyhow!("{} is not a valid scenario ({})", src.origin, problems(d.len()))
    })?;
    if let Some(h) = a.horizon {
        anyhow::ensure!(
            (1..=1000).contains(&h),
            "--horizon must be between 1 and 1000 periods, got {h}"
        );
        scenario.study.horizon_periods = h;
    }
    let mut opts = StudyOptions::from_scenario(&scenario);
    if let Some(r) = a.runs {
        anyhow::ensure!(r >= 1, "--runs must be at least 1");
        opts.runs = r;
    }
    if let Some(s) = a.seed {
        opts.seed = s;
    }
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
    let population = symbiont_abm::population::generate(&scenario, opts.seed);
    opts.planned_sites = planned_sites(&scenario, &population, &opts)?;

    let total = opts.runs as u64 * opts.modes.len() as u64;
    let bar = if stderr_is_terminal() && !a.quiet && !a.json {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} {wide_bar} {pos}/{len} runs, {elapsed} elapsed, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let mut sink = RunDirSink::create(&a.out, format)?;
    // The one place the binary reads the clock: to report the study's wall time.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let summary = pool.install(|| {
        run_study(&scenario, &population, &opts, &mut sink, &mut |done, _| {
            bar.set_position(done as u64)
        })
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut files = sink.finish(&summary)?;
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
        }),
    };
    files.push(write_manifest(&a.out, &manifest)?);
    // The report reads the CSV tables; with Parquet only there is nothing for it to read.
    let report = if a.no_report || !format.csv() {
        None
    } else {
        let html = a.out.join("report.html");
        symbiont_report::report_run_dir(&a.out, &html, crate::cmd::report::metric_labels(), false)
            .with_context(|| format!("writing the report {}", html.display()))?;
        Some(html)
    };

    if a.json {
        crate::out::print_json(&summary_json(&summary))?;
        return Ok(());
    }
    print_comparison(&scenario, &summary, &opts);
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

/// When a compared mode chooses its sites by the planner (`site_choice = "planned"`), solve
/// the plan once with the planner's default options and hand its sites to every run.
fn planned_sites(
    scenario: &symbiont_model::Scenario,
    population: &symbiont_model::population::Population,
    opts: &StudyOptions,
) -> anyhow::Result<Option<Vec<Option<u16>>>> {
    use symbiont_model::levers::SiteChoice;
    let users: Vec<&str> = opts
        .modes
        .iter()
        .map(|&m| &scenario.modes[m])
        .filter(|m| m.levers.site_choice == SiteChoice::Planned)
        .map(|m| m.id.as_str())
        .collect();
    if users.is_empty() {
        return Ok(None);
    }
    let options = symbiont_plan::PlanOptions::default();
    let instance = symbiont_plan::Instance::from_scenario(scenario, population, &options)
        .context("building the plan for the modes with site_choice = \"planned\"")?;
    let settings = symbiont_plan::SolveSettings { gap: 0.01, ..Default::default() };
    match symbiont_plan::plan(&instance, &settings).context("solving the plan")? {
        symbiont_plan::Outcome::Planned(plan) => {
            let placed = plan.site.iter().filter(|s| s.is_some()).count();
            eprintln!(
                "plan for {}: {} of {} enterprises placed ({:?} by {:?}, gap bound {:.2}%); see `symbiont plan` for details",
                users.join(", "),
                placed,
                plan.site.len(),
                plan.termination,
                plan.backend,
                plan.gap * 100.0
            );
            Ok(Some(plan.sites()))
        }
        symbiont_plan::Outcome::Infeasible(_) => anyhow::bail!(
            "mode(s) {} choose sites by the planner, but no plan meets the guidance; run `symbiont plan` to see which constraints to loosen",
            users.join(", ")
        ),
    }
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
    println!("mean (2.5%-97.5% of runs); summary.csv also has the 95% CI of each mean.\n");

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
