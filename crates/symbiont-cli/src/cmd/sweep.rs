//! `symbiont sweep run|merge|analyze|check|discover|robust`: parameter sweeps, sharded
//! scale-out, sensitivity analysis, scenario discovery and robustness. Files, threads, the progress bar and the clock live here; designs,
//! execution and indices live in `symbiont-sweep`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use symbiont_report::figure::{HBar, HBarsFigure};
use symbiont_report::{Chart, Figure};
use symbiont_sweep::bound::BoundSweep;
use symbiont_sweep::design::DesignKind;
use symbiont_sweep::discover::{DiscoverRequest, PrimParams};
use symbiont_sweep::parts::{SweepDir, read_points};
use symbiont_sweep::robust::{Direction, OutcomeSpec, RobustRequest};
use symbiont_sweep::sensitivity::{Bootstrap, morris_indices, sobol_indices};
use symbiont_sweep::spec::{ScenarioRef, SweepSpec};
use symbiont_sweep::{Shard, SweepError};

use crate::out::{num, print_json, stderr_is_terminal, table};

const AFTER_HELP: &str = "\
Examples:
  symbiont sweep check sweeps/network-vs-alone.toml
  symbiont sweep run sweeps/network-vs-alone.toml --out sweep-out
  symbiont sweep run sweeps/network-vs-alone.toml --out sweep-out --shard 2/8   # one slice
  symbiont sweep merge sweep-out                 # after every shard finished
  symbiont sweep analyze sweep-out --output entered@network-fight_alone
  symbiont sweep discover sweep-out --where \"network.operating < max_other(network.operating)\"
  symbiont sweep robust sweep-out --outcome operating --outcome host_jobs --threshold operating=250

Rerunning `sweep run` on the same folder completes only the missing points (after a crash or
kill -9). See docs/sweep.md and the job templates in deploy/.";

#[derive(Debug, clap::Subcommand)]
#[command(after_help = AFTER_HELP)]
pub enum Command {
    /// Validate a SWEEP.toml against its base scenario and show the design's size.
    Check(CheckArgs),
    /// Run a sweep (or one shard of it); results stream to Parquet part files.
    Run(RunArgs),
    /// Merge the part files of all shards into the final tables.
    Merge(MergeArgs),
    /// Sobol or Morris sensitivity indices of the outputs of a merged sweep.
    Analyze(AnalyzeArgs),
    /// Scenario discovery: under which inputs a condition on the outcomes holds (PRIM, CART).
    Discover(DiscoverArgs),
    /// Robustness of the modes across the design points: regret, satisficing, signal/noise.
    Robust(RobustArgs),
}

#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// A merged sweep folder.
    pub out: PathBuf,
    /// The cases of interest, e.g. "network.operating < max_other(network.operating)" (docs/discovery.md).
    #[arg(long = "where")]
    pub condition: String,
    /// Folder of this analysis under SWEEP_DIR/discovery/.
    #[arg(long, default_value = "discovery")]
    pub name: String,
    /// What the condition means, in words, for the findings.
    #[arg(long)]
    pub label: Option<String>,
    /// Explain by these parameters only (default: all).
    #[arg(long = "input")]
    pub inputs: Vec<String>,
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// Smallest box, as a share of the design points.
    #[arg(long, default_value_t = 0.05)]
    pub mass_min: f64,
    /// PRIM boxes to find, each on the points the earlier ones leave.
    #[arg(long, default_value_t = 1)]
    pub boxes: usize,
    /// Choose this step of the first box's trajectory (default: the best significant one).
    #[arg(long)]
    pub select: Option<usize>,
    /// Subsamples for the stability of each restriction (0: none).
    #[arg(long, default_value_t = 10)]
    pub resamples: u32,
    /// Trees of the feature scores (0: none).
    #[arg(long, default_value_t = 100)]
    pub trees: usize,
    /// No CART.
    #[arg(long)]
    pub no_cart: bool,
    /// Seed of resampling and scores (default: the sweep's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RobustArgs {
    /// A merged sweep folder.
    pub out: PathBuf,
    /// An outcome to judge by (repeat), e.g. operating, host_jobs.
    #[arg(long = "outcome", required = true)]
    pub outcomes: Vec<String>,
    /// A satisficing threshold, METRIC=VALUE (at least VALUE; at most when minimised).
    #[arg(long = "threshold")]
    pub thresholds: Vec<String>,
    /// Outcomes where less is better (time_to_operate_days is by default).
    #[arg(long = "minimize")]
    pub minimize: Vec<String>,
    /// Outcomes where more is better (overrides the default).
    #[arg(long = "maximize")]
    pub maximize: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The SWEEP.toml file.
    pub sweep: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The SWEEP.toml file.
    pub sweep: PathBuf,
    /// Output folder (created; an existing folder of the same sweep is resumed).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Run only slice K of N (0-based), e.g. `--shard $SLURM_ARRAY_TASK_ID/8`; merge afterwards.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not merge at the end of an unsharded run.
    #[arg(long)]
    pub no_merge: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The sweep folder to merge into.
    pub out: PathBuf,
    /// More folders holding part files (shards run without a shared file system).
    #[arg(long = "from")]
    pub from: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// A merged sweep folder.
    pub out: PathBuf,
    /// Outputs to analyse (default: every output of the sweep).
    #[arg(long = "output")]
    pub outputs: Vec<String>,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    Shard::parse(s)
}

pub fn run(c: Command) -> anyhow::Result<()> {
    match c {
        Command::Check(a) => check(a),
        Command::Run(a) => run_sweep(a),
        Command::Merge(a) => merge(a),
        Command::Analyze(a) => analyze(a),
        Command::Discover(a) => discover(a),
        Command::Robust(a) => robust(a),
    }
}

/// The spec, its text, and the base scenario's text and origin.
struct Loaded {
    spec_text: String,
    base_text: String,
    plan: BoundSweep,
}

fn load(spec_path: &Path) -> anyhow::Result<Loaded> {
    let spec_text = std::fs::read_to_string(spec_path)
        .with_context(|| format!("cannot read sweep file {}", spec_path.display()))?;
    let origin = spec_path.display().to_string();
    let spec = SweepSpec::parse(&spec_text, &origin)?;
    let (base_text, base_origin) = match &spec.scenario {
        ScenarioRef::Default => (
            symbiont_model::DEFAULT_SCENARIO.to_string(),
            symbiont_model::DEFAULT_SCENARIO_NAME.to_string(),
        ),
        ScenarioRef::File(f) => {
            let p = spec_path.parent().unwrap_or(Path::new(".")).join(f);
            let text = std::fs::read_to_string(&p).with_context(|| {
                format!("{origin}: cannot read the base scenario {}", p.display())
            })?;
            (text, p.display().to_string())
        }
    };
    let plan = BoundSweep::new(spec, &spec_text, &origin, &base_text, &base_origin)?
        .with_free_memory(symbiont_study::size::available_memory());
    Ok(Loaded { spec_text, base_text, plan })
}

/// Rebuild the plan of a sweep folder from the inputs it recorded.
fn load_dir(out: &Path) -> anyhow::Result<BoundSweep> {
    let spec_path = out.join("sweep.toml");
    let spec_text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("{} is not a sweep folder (no sweep.toml)", out.display()))?;
    let base_path = out.join("base.toml");
    let base_text = std::fs::read_to_string(&base_path)
        .with_context(|| format!("cannot read {}", base_path.display()))?;
    let origin = spec_path.display().to_string();
    let spec = SweepSpec::parse(&spec_text, &origin)?;
    Ok(BoundSweep::new(spec, &spec_text, &origin, &base_text, &base_path.display().to_string())?
        .with_free_memory(symbiont_study::size::available_memory()))
}

fn describe(plan: &BoundSweep) -> String {
    let s = &plan.spec;
    format!(
        "{}: {} design points x {} replication(s) x {} mode(s) = {} runs; {} parameter(s), {} output(s), {} part file pair(s)",
        s.name,
        plan.points(),
        s.replications,
        s.modes.len(),
        plan.points() * u64::from(s.replications) * s.modes.len() as u64,
        s.parameters.len(),
        plan.outputs.len(),
        plan.chunks()
    )
}

fn check(a: CheckArgs) -> anyhow::Result<()> {
    let l = load(&a.sweep)?;
    println!("ok  {}", describe(&l.plan));
    Ok(())
}

fn run_sweep(a: RunArgs) -> anyhow::Result<()> {
    let l = load(&a.sweep)?;
    let plan = &l.plan;
    let dir = SweepDir::prepare(&a.out, &l.spec_text, &l.base_text, plan)?;
    let shard = a.shard.unwrap_or(Shard::ALL);
    let done: std::collections::BTreeSet<u64> = dir.complete(plan).into_iter().collect();
    let todo: Vec<u64> = shard.chunks(plan.chunks()).filter(|c| !done.contains(c)).collect();
    let todo_points: u64 =
        todo.iter().map(|&c| plan.chunk_range(c).end - plan.chunk_range(c).start).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    if !a.quiet {
        eprintln!("{}", describe(plan));
        eprintln!(
            "shard {}/{}: {} point(s) to run, {} chunk(s) already done, {} thread(s)",
            shard.index,
            shard.count,
            todo_points,
            done.len(),
            pool.current_num_threads()
        );
    }
    let bar = if stderr_is_terminal() && !a.quiet {
        let b = ProgressBar::new(todo_points);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} {wide_bar} {pos}/{len} points, {per_sec}, {elapsed} elapsed, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let params = symbiont_abm::Params::default();
    // The one place this command reads the clock: to report runs per second.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    for &c in &todo {
        let range = plan.chunk_range(c);
        let n = range.end - range.start;
        let rows = pool.install(|| plan.run_points(range, &params))?;
        dir.write_chunk(plan, c, &rows)?;
        bar.inc(n);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let runs = todo_points * u64::from(plan.spec.replications) * plan.spec.modes.len() as u64;
    if !a.quiet {
        eprintln!(
            "ran {todo_points} point(s), {runs} runs in {secs:.1} s ({:.1} runs/s)",
            if secs > 0.0 { runs as f64 / secs } else { 0.0 }
        );
    }
    if shard == Shard::ALL && !a.no_merge {
        let files = dir.merge(plan, &[])?;
        for f in files {
            println!("wrote {}", f.display());
        }
    } else if !a.quiet {
        eprintln!("shard done; when every shard is done: symbiont sweep merge {}", a.out.display());
    }
    Ok(())
}

fn merge(a: MergeArgs) -> anyhow::Result<()> {
    let plan = load_dir(&a.out)?;
    let dir = SweepDir { root: a.out.clone() };
    let others: Vec<SweepDir> = a.from.iter().map(|p| SweepDir { root: p.clone() }).collect();
    let files = dir.merge(&plan, &others)?;
    for f in files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

/// A bar of `x` in `0..=1` (clamped), `width` cells wide, in eighths.
fn bar(x: f64, width: usize) -> String {
    let cells = (x.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let blocks = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let mut s = "█".repeat(cells / 8);
    if !cells.is_multiple_of(8) {
        s.push(blocks[cells % 8 - 1]);
    }
    s
}

/// A bar of the total index: the first-order part solid, the interactions shaded.
fn split_bar(s1: f64, st: f64, width: usize) -> String {
    let total = (st.clamp(0.0, 1.0) * width as f64).round() as usize;
    let first = ((s1.clamp(0.0, 1.0) * width as f64).round() as usize).min(total);
    format!("{}{}", "█".repeat(first), "░".repeat(total - first))
}

/// An output name as a file name: letters, digits, `-` and `_` kept, anything else `_`.
fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// Write a chart as SVG, with its data as CSV beside it, under `DIR/charts/`.
fn write_chart(dir: &Path, chart: &Chart) -> anyhow::Result<PathBuf> {
    let charts = dir.join("charts");
    let svg = chart.svg().with_context(|| format!("drawing {}", chart.id))?;
    let path = charts.join(format!("{}.svg", chart.id));
    crate::out::write_file(&path, svg.as_bytes())?;
    crate::out::write_file(&charts.join(format!("{}.csv", chart.id)), chart.csv().as_bytes())?;
    Ok(path)
}

fn analyze(a: AnalyzeArgs) -> anyhow::Result<()> {
    let plan = load_dir(&a.out)?;
    let points = read_points(&a.out)?;
    let outputs: Vec<String> = if a.outputs.is_empty() {
        plan.outputs.iter().map(|o| o.name.clone()).collect()
    } else {
        a.outputs.clone()
    };
    let boot = Bootstrap { resamples: a.bootstrap, level: 0.95, seed: plan.spec.seed };
    let names: Vec<&str> = plan.spec.parameters.iter().map(|p| p.name.as_str()).collect();
    let mut json = Vec::new();
    for name in &outputs {
        let Some(y) = points.column(name) else {
            let known: Vec<&str> = plan.outputs.iter().map(|o| o.name.as_str()).collect();
            bail!(
                "no output `{name}` in {}; the outputs are {}",
                a.out.display(),
                known.join(", ")
            );
        };
        match *plan.design.kind() {
            DesignKind::Saltelli { n } => {
                let idx = match sobol_indices(y, n, names.len(), boot) {
                    Ok(i) => i,
                    Err(e) => {
                        println!("{name}: {e}\n");
                        json.push(serde_json::json!({ "output": name, "problem": e.to_string() }));
                        continue;
                    }
                };
                if a.json {
                    json.push(serde_json::json!({
                        "output": name, "method": "sobol",
                        "indices": names.iter().zip(&idx).map(|(p, i)| serde_json::json!({
                            "parameter": p, "S1": i.s1, "S1_low": i.s1_low, "S1_high": i.s1_high,
                            "ST": i.st, "ST_low": i.st_low, "ST_high": i.st_high,
                        })).collect::<Vec<_>>(),
                    }));
                    continue;
                }
                println!("{name}: Sobol indices (N = {n} base rows, 95% bootstrap intervals)");
                let mut t = table(["parameter", "S1", "S1 95%", "ST", "ST 95%", "█ S1  ░ ST - S1"]);
                for (p, i) in names.iter().zip(&idx) {
                    t.add_row([
                        p.to_string(),
                        num(i.s1),
                        format!("[{}, {}]", num(i.s1_low), num(i.s1_high)),
                        num(i.st),
                        format!("[{}, {}]", num(i.st_low), num(i.st_high)),
                        split_bar(i.s1, i.st, 24),
                    ]);
                }
                println!("{t}");
                let bars = names
                    .iter()
                    .zip(&idx)
                    .map(|(p, i)| HBar { label: p.to_string(), low: i.s1, high: i.st })
                    .collect();
                let chart = Chart::new(
                    format!("sobol-{}", file_stem(name)),
                    format!("Sobol indices of {name} (first order S1, total ST)"),
                    Figure::HBars(HBarsFigure {
                        x_label: "share of the output's variance".into(),
                        base: 0.0,
                        low_name: "S1".into(),
                        high_name: "ST".into(),
                        bars,
                    }),
                );
                println!("chart: {}\n", write_chart(&a.out, &chart)?.display());
            }
            DesignKind::Morris { r, .. } => {
                let idx = match morris_indices(&plan.design, y, boot) {
                    Ok(i) => i,
                    Err(e) => {
                        println!("{name}: {e}\n");
                        json.push(serde_json::json!({ "output": name, "problem": e.to_string() }));
                        continue;
                    }
                };
                if a.json {
                    json.push(serde_json::json!({
                        "output": name, "method": "morris",
                        "indices": names.iter().zip(&idx).map(|(p, i)| serde_json::json!({
                            "parameter": p, "mu_star": i.mu_star, "mu_star_low": i.mu_star_low,
                            "mu_star_high": i.mu_star_high, "mu": i.mu, "sigma": i.sigma,
                        })).collect::<Vec<_>>(),
                    }));
                    continue;
                }
                let top = idx.iter().map(|i| i.mu_star).fold(0.0_f64, f64::max);
                println!(
                    "{name}: Morris screening ({r} trajectories; effects per full parameter range)"
                );
                let mut t = table(["parameter", "mu*", "mu* 95%", "mu", "sigma", "mu* (bar)"]);
                for (p, i) in names.iter().zip(&idx) {
                    t.add_row([
                        p.to_string(),
                        num(i.mu_star),
                        format!("[{}, {}]", num(i.mu_star_low), num(i.mu_star_high)),
                        num(i.mu),
                        num(i.sigma),
                        bar(if top > 0.0 { i.mu_star / top } else { 0.0 }, 24),
                    ]);
                }
                println!("{t}");
                let bars = names
                    .iter()
                    .zip(&idx)
                    .map(|(p, i)| HBar { label: p.to_string(), low: 0.0, high: i.mu_star })
                    .collect();
                let chart = Chart::new(
                    format!("morris-{}", file_stem(name)),
                    format!("Morris mu* of {name} (mean absolute elementary effect)"),
                    Figure::HBars(HBarsFigure {
                        x_label: format!("mu* of {name} per full parameter range"),
                        base: 0.0,
                        low_name: String::new(),
                        high_name: "mu*".into(),
                        bars,
                    }),
                );
                println!("chart: {}\n", write_chart(&a.out, &chart)?.display());
            }
            _ => {
                return Err(SweepError::Folder {
                    message: "sensitivity indices need a `sobol` or `morris` design; this sweep's tables are in points.parquet".into(),
                }
                .into());
            }
        }
    }
    if a.json {
        print_json(&json)?;
    }
    Ok(())
}

/// Write (or refresh) the sweep folder's decision page with every analysis it holds.
fn decisions_page(dir: &Path) -> anyhow::Result<PathBuf> {
    let html = dir.join("decisions.html");
    symbiont_report::sweep::report_sweep_dir(dir, &html, false)
        .with_context(|| format!("writing {}", html.display()))?;
    Ok(html)
}

fn discover(a: DiscoverArgs) -> anyhow::Result<()> {
    let req = DiscoverRequest {
        sweep_dir: a.out.clone(),
        condition: a.condition,
        name: a.name,
        label: a.label,
        inputs: a.inputs,
        prim: PrimParams {
            peel_alpha: a.peel_alpha,
            paste_alpha: a.paste_alpha,
            mass_min: a.mass_min,
            ..PrimParams::default()
        },
        boxes: a.boxes,
        select: a.select,
        resamples: a.resamples,
        resample_share: 0.5,
        cart: !a.no_cart,
        cart_max_depth: None,
        trees: a.trees,
        seed: a.seed,
    };
    let r = symbiont_sweep::discover::discover(&req)?;
    let page = decisions_page(&a.out)?;
    if a.json {
        return print_json(&r);
    }
    println!("{} of {} design points are cases of interest.", r.cases, r.points);
    for b in &r.boxes {
        println!("{}", b.statement);
    }
    let mut t = table(["step", "coverage", "density", "restricted", ""]);
    for (i, (c, d, k)) in r.trajectory.iter().enumerate() {
        let mark = if r.boxes.first().is_some_and(|b| b.step == i) { "<- chosen" } else { "" };
        t.add_row([
            i.to_string(),
            format!("{:.0}%", 100.0 * c),
            format!("{:.0}%", 100.0 * d),
            k.to_string(),
            mark.to_string(),
        ]);
    }
    println!("PRIM trajectory (choose another box with --select STEP):\n{t}");
    if !r.scores.is_empty() {
        let top = r.scores.first().map_or(0.0, |s| s.1);
        let mut t = table(["input", "score", ""]);
        for (name, s) in &r.scores {
            t.add_row([name.clone(), num(*s), bar(if top > 0.0 { s / top } else { 0.0 }, 24)]);
        }
        println!("feature scores (extra trees):\n{t}");
    }
    for l in &r.leaves {
        println!("CART leaf: {l}");
    }
    println!("tables: {}/\npage: {}", r.out_dir.display(), page.display());
    Ok(())
}

fn robust(a: RobustArgs) -> anyhow::Result<()> {
    let mut outcomes = Vec::new();
    for m in &a.outcomes {
        let direction = if a.minimize.contains(m) {
            Some(Direction::Minimize)
        } else if a.maximize.contains(m) {
            Some(Direction::Maximize)
        } else {
            None
        };
        outcomes.push(OutcomeSpec { metric: m.clone(), direction, threshold: None });
    }
    for t in &a.thresholds {
        let (m, v) = t.split_once('=').with_context(|| {
            format!("--threshold {t}: expected METRIC=VALUE, e.g. operating=250")
        })?;
        let v: f64 =
            v.trim().parse().with_context(|| format!("--threshold {t}: `{v}` is not a number"))?;
        let o = outcomes.iter_mut().find(|o| o.metric == m.trim()).with_context(|| {
            format!("--threshold {t}: `{m}` is not one of the --outcome metrics")
        })?;
        o.threshold = Some(v);
    }
    let r = symbiont_sweep::robust::robust(&RobustRequest { sweep_dir: a.out.clone(), outcomes })?;
    let page = decisions_page(&a.out)?;
    if a.json {
        return print_json(&r);
    }
    for o in &r.outcomes {
        println!(
            "{} ({}; {} design points)",
            o.metric,
            if o.direction == Direction::Maximize { "more is better" } else { "less is better" },
            r.points
        );
        let mut t = table([
            "mode",
            "mean",
            "p10",
            "p50",
            "p90",
            "max regret",
            "p90 regret",
            "satisficing",
            "S/N",
        ]);
        for (m, s) in &o.modes {
            t.add_row([
                m.clone(),
                num(s.mean),
                num(s.p10),
                num(s.p50),
                num(s.p90),
                num(s.max_regret),
                num(s.p90_regret),
                s.satisficing.map_or("-".into(), |v| format!("{:.0}%", 100.0 * v)),
                s.signal_to_noise.map_or("-".into(), num),
            ]);
        }
        println!("{t}");
    }
    for (m, v) in &r.satisficing_all {
        println!("meets every threshold: {m} at {:.0}% of the points", 100.0 * v);
    }
    for s in &r.statements {
        println!("{s}");
    }
    println!("tables: {}/\npage: {}", a.out.join("robustness").display(), page.display());
    Ok(())
}
