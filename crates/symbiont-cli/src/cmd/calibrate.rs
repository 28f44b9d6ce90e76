//! `symbiont calibrate`: argv to a [`CalibrateRequest`], progress and tables to the terminal.
//! The calibration itself (binding, sampler, checkpoints, the run folder) is
//! `symbiont_sweep::calibration`.

use std::path::PathBuf;

use anyhow::Context;
use symbiont_calibrate::Role;
use symbiont_sweep::calibration::run::{
    CalibrateRequest, CalibrationOutcome, Collected, Event, calibrate, collect_generation,
    simulate_shard,
};
use symbiont_sweep::calibration::{
    CalibrationError, DEFAULT_CALIBRATION, DEFAULT_CALIBRATION_NAME, OUTPUTS,
};

use crate::diag::{Invalid, problems, read_source};
use crate::out::{self, stderr_is_terminal};

const AFTER: &str = "\
Examples:
  symbiont calibrate --out calib                   the default scenario to the shipped data
  symbiont calibrate my-calib.toml --scenario my.toml --out calib
  symbiont calibrate --recover 20 --particles 100 --out recovery
  symbiont simulate --posterior calib              compare the modes over the posterior

A killed calibration resumes where it stopped: run the same command again.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The calibration TOML (priors, targets, settings); default: the embedded calibration of
    /// the default scenario to the shipped data.
    pub calibration: Option<PathBuf>,
    /// The scenario to calibrate (default: the embedded Laos-China scenario).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// The run folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace a non-empty --out folder.
    #[arg(long)]
    pub force: bool,
    /// Particles per generation (overrides `[abc] particles`).
    #[arg(long)]
    pub particles: Option<usize>,
    /// Stop at this many simulations (overrides `[abc] budget`).
    #[arg(long)]
    pub budget: Option<u64>,
    /// Stop after this many generations (overrides `[abc] max_generations`).
    #[arg(long)]
    pub generations: Option<usize>,
    /// Also estimate by the method of simulated moments (`msm.csv`).
    #[arg(long)]
    pub msm: bool,
    /// Instead of calibrating to the data: draw N parameter sets from the prior, simulate
    /// data from each, calibrate to it, and report the intervals' coverage (`recovery.csv`).
    #[arg(long, value_name = "N")]
    pub recover: Option<usize>,
    /// Posterior draws simulated for the predictive check.
    #[arg(long, default_value_t = 200)]
    pub predictive_draws: usize,
    /// Worker threads (default: all cores); the posterior does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Simulate slice K of N of the next generation's proposals and write it for `--collect`
    /// (one array task of a cluster job; deploy/slurm/calibrate.sbatch). The sampler's state
    /// is read from --out's checkpoint, never changed.
    #[arg(long, value_name = "K/N", value_parser = symbiont_sweep::Shard::parse, conflicts_with_all = ["collect", "recover", "msm"])]
    pub shard: Option<symbiont_sweep::Shard>,
    /// With --shard: the proposals the generation's shards share (default: enough for the
    /// population at half the last acceptance rate). Give every shard the same value.
    #[arg(long, value_name = "W", requires = "shard")]
    pub proposals: Option<u64>,
    /// Step the next generation with the shards' results (checkpointed); when the sampler
    /// stops, write the folder. Run the shards and --collect once per generation.
    #[arg(long, conflicts_with = "recover")]
    pub collect: bool,
    /// List the model outputs a target may name, and exit.
    #[arg(long)]
    pub outputs: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    if a.outputs {
        let mut t = out::table(["output", "unit", "read", "meaning"]);
        for o in OUTPUTS {
            let read = match o.reading {
                symbiont_sweep::calibration::Reading::State => "end of year",
                symbiont_sweep::calibration::Reading::Flow => "sum over the year",
            };
            t.add_row(vec![o.key, o.unit, read, o.meaning]);
        }
        println!("{t}");
        return Ok(());
    }
    let (calibration_text, calibration_origin) = match &a.calibration {
        None => (DEFAULT_CALIBRATION.to_string(), format!("<embedded {DEFAULT_CALIBRATION_NAME}>")),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read calibration file {}", p.display()))?;
            (text, p.display().to_string())
        }
    };
    let scenario = read_source(a.scenario.as_deref())?;
    let mut req = CalibrateRequest::new(
        calibration_text.clone(),
        calibration_origin.clone(),
        scenario.text,
        scenario.origin,
        a.out.clone(),
    );
    req.force = a.force;
    req.particles = a.particles;
    req.budget = a.budget;
    req.max_generations = a.generations;
    req.msm = a.msm;
    req.recover = a.recover;
    req.predictive_draws = a.predictive_draws;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let show = !a.quiet;
    let live = show && stderr_is_terminal();
    // The one place this command reads the clock: simulations per second.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    // Simulations done before this process started (a resumed calibration).
    let mut first = 0u64;
    let mut on_event = |e: Event<'_>| {
        if !show {
            return;
        }
        match e {
            Event::Resumed { generations, simulations } => {
                first = simulations;
                eprintln!(
                    "resuming from the checkpoint: {generations} generation(s), {simulations} simulations done"
                )
            }
            Event::Generation(g) => {
                let secs = started.elapsed().as_secs_f64();
                let rate = (g.total_simulations - first) as f64 / secs.max(1e-9);
                eprintln!(
                    "generation {:>2}  tolerance {:>10}  accepted {:>4}/{:<6} ({:5.1}%)  ESS {:>6.1}  simulations {:>7}  {:>6.1} s  {:>5.0}/s",
                    g.index,
                    out::short(g.epsilon),
                    g.particles,
                    g.attempts,
                    100.0 * g.acceptance_rate,
                    g.ess,
                    g.total_simulations,
                    secs,
                    rate
                );
            }
            Event::Stage(s) => {
                if live || s != "writing" {
                    eprintln!("{s} ...");
                }
            }
            Event::Replicate { done, total } => eprintln!(
                "recovery replicate {done}/{total} ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
        }
    };
    let located = |e: CalibrationError| match e {
        CalibrationError::Spec(d) => {
            eprintln!("{}", d.render(&calibration_text));
            let summary =
                format!("{calibration_origin} is not a valid calibration ({})", problems(d.len()));
            anyhow::Error::new(Invalid { summary, diags: d })
        }
        other => anyhow::Error::new(other),
    };
    if let Some(shard) = a.shard {
        let done = pool
            .install(|| simulate_shard(&req, shard, a.proposals, &mut on_event))
            .map_err(located)?;
        if show {
            println!(
                "generation {}: shard {}/{} simulated proposals {}..{} of {}; {}",
                done.generation,
                shard.index,
                shard.count,
                done.proposals.start,
                done.proposals.end,
                done.window,
                done.file.display()
            );
        }
        return Ok(());
    }
    if a.collect {
        match pool.install(|| collect_generation(&req, &mut on_event)).map_err(located)? {
            Collected::Generation(g) => {
                if show {
                    println!(
                        "generation {} collected and checkpointed; run the next generation's shards, then --collect again",
                        g.index
                    );
                }
            }
            Collected::Finished(o) => {
                if show {
                    print_outcome(&o, started.elapsed().as_secs_f64(), pool.current_num_threads());
                    println!("{} files in {}", o.files.len(), a.out.display());
                }
            }
        }
        return Ok(());
    }
    let outcome = pool.install(|| calibrate(&req, &mut on_event)).map_err(located)?;
    let secs = started.elapsed().as_secs_f64();
    if show {
        print_outcome(&outcome, secs, pool.current_num_threads());
        println!("{} files in {}", outcome.files.len(), a.out.display());
    }
    Ok(())
}

fn print_outcome(o: &CalibrationOutcome, secs: f64, threads: usize) {
    if let Some(rec) = &o.recovery {
        println!(
            "recovery check: {} replicate(s) in {secs:.1} s",
            rec.first().map_or(0, |r| r.coverage_90.replicates)
        );
        let mut t = out::table(["parameter", "50% covered", "90% covered", "90% band", "ranks p"]);
        for r in rec {
            t.add_row(vec![
                r.name.clone(),
                format!("{}/{}", r.coverage_50.covered, r.coverage_50.replicates),
                format!("{}/{}", r.coverage_90.covered, r.coverage_90.replicates),
                format!(
                    "{}-{}{}",
                    r.coverage_90.band.0,
                    r.coverage_90.band.1,
                    if r.coverage_90.within { "" } else { "  outside" }
                ),
                format!("{:.3}", r.p_value),
            ]);
        }
        println!("{t}");
        return;
    }
    let stop = o.stop.map(|s| s.to_string()).unwrap_or_default();
    println!(
        "calibrated under mode `{}` ({} periods per simulation): {} generation(s), {} simulations in {secs:.1} s ({:.0}/s on {threads} thread(s)); stopped by {stop}",
        o.mode,
        o.periods,
        o.generations.len(),
        o.simulations,
        o.simulations as f64 / secs.max(1e-9),
    );
    let mut t = out::table([
        "parameter",
        "role",
        "median",
        "90% interval",
        "contraction",
        "identified",
        "trades off with",
    ]);
    for ((s, id), p) in o.summaries.iter().zip(&o.identifiability).zip(&o.spec.params) {
        t.add_row(vec![
            s.name.clone(),
            if p.role == Role::Model { "model" } else { "observation" }.to_string(),
            out::short(s.quantiles[2]),
            format!("{} .. {}", out::short(s.quantiles[0]), out::short(s.quantiles[4])),
            format!("{:.2}", s.contraction),
            id.status.label().to_string(),
            id.trades_off_with
                .iter()
                .map(|(n, r)| format!("{n} ({r:+.2})"))
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    println!("{t}");
    let mut t = out::table(["target", "observed", "simulated 5-95%", "percentile", "inside"]);
    for r in &o.predictive {
        t.add_row(vec![
            r.name.clone(),
            out::short(r.observed),
            format!("{} .. {}", out::short(r.quantiles[0]), out::short(r.quantiles[4])),
            format!("{:.2}", r.percentile),
            if r.inside_90 { "yes" } else { "NO" }.to_string(),
        ]);
    }
    println!("{t}");
    if let Some(m) = &o.msm {
        let mut t = out::table(["parameter", "MSM estimate", "se"]);
        for (j, n) in m.names.iter().enumerate() {
            let se = m.se.as_ref().map_or("-".to_string(), |s| out::short(s[j]));
            t.add_row(vec![n.clone(), out::short(m.estimate[j]), se]);
        }
        println!("{t}");
        if let Some((j, df, p)) = m.j_test {
            println!("Hansen's J = {j:.2} on {df} degrees of freedom (p = {p:.3})");
        }
        for note in &m.notes {
            println!("note: {note}");
        }
    }
}
