//! `symbiont plan`: who goes to which park with which factors (the designated-place MIP).
//!
//! Reads the scenario, generates its population with the scenario's seed, builds the planning
//! instance with the options (flags and/or a plan options TOML), solves it, and prints the
//! allocation per park, factor flows, the objective breakdown and the bottlenecks.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;
use symbiont_plan::{
    Backend, Bottlenecks, MinimumSpec, ParetoPoint, Plan, PlanOptions, PlanOutcome, Relaxation,
    SolveSettings,
};

use crate::out::{num, print_json, table, write_file};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  symbiont plan                                  plan the embedded Laos scenario
  symbiont plan my.toml --designated-share 0.6   at least 60% in designated parks
  symbiont plan --min saysettha:electronics=10   a sector target per park
  symbiont plan --relax talent=+10%              what if universities supplied 10% more
  symbiont plan --pareto 5                       the home-host front (ε-constraint)
  symbiont plan --options plan.toml --json       options from a file, JSON out
  symbiont plan --mps model.mps                  export the MIP for other solvers")]
pub struct Args {
    /// Scenario file (default: the embedded Laos-China scenario).
    pub scenario: Option<PathBuf>,
    /// Plan options TOML ([weights], [guidance], [economics]; see docs/planner.md).
    #[arg(long, value_name = "FILE")]
    pub options: Option<PathBuf>,
    /// Solver backend: microlp (pure Rust) or highs (needs a build with `--features highs`).
    #[arg(long, value_parser = ["microlp", "highs"])]
    pub backend: Option<String>,
    /// Time limit for the whole command (LP, reductions, search, bottlenecks, what-if and every
    /// Pareto point share it); at the limit the best plan found so far is reported with its
    /// proven gap. `inf` for none.
    #[arg(long, value_name = "SECONDS", default_value_t = symbiont_plan::DEFAULT_TIME_LIMIT_S)]
    pub time_limit: f64,
    /// Memory bound of the branch-and-bound tree, MB (it sets the node limit); at the bound
    /// the best plan found so far is reported with its proven gap.
    #[arg(long, value_name = "MB", default_value_t = symbiont_plan::DEFAULT_MEMORY_LIMIT_MB)]
    pub memory_limit: f64,
    /// Relative MIP gap at which to stop (0.01 = 1%; 0 asks for a proof of optimality).
    #[arg(long, default_value_t = 1e-3)]
    pub gap: f64,
    /// Threads for HiGHS.
    #[arg(long)]
    pub threads: Option<u32>,
    /// Minimum share of placed enterprises in designated parks, 0..=1 or a percentage ("60%").
    #[arg(long, value_name = "SHARE")]
    pub designated_share: Option<String>,
    /// Minimum share of each park's enterprises in its target sectors, 0..=1 or "N%".
    #[arg(long, value_name = "SHARE")]
    pub target_share: Option<String>,
    /// A sector target: at least N enterprises of SECTOR in PARK (repeatable).
    #[arg(long = "min", value_name = "PARK:SECTOR=N")]
    pub minimums: Vec<String>,
    /// Budget for the host's entry subsidies, US$.
    #[arg(long, value_name = "USD")]
    pub incentive_budget: Option<f64>,
    /// Objective weight of home gain.
    #[arg(long)]
    pub weight_home: Option<f64>,
    /// Objective weight of host gain.
    #[arg(long)]
    pub weight_host: Option<f64>,
    /// US$ of value per expected host job per period.
    #[arg(long)]
    pub weight_jobs: Option<f64>,
    /// Bonus, US$ per period, for a park holding a sector's whole chain.
    #[arg(long, value_name = "USD")]
    pub chain_bonus: Option<f64>,
    /// What-if: loosen a capacity and plan again, e.g. talent=+10%, plots=+20, eximbank-js=+5%.
    #[arg(long, value_name = "KEY=+N%")]
    pub relax: Vec<String>,
    /// Also compute the home-host Pareto front with this many points.
    #[arg(long, value_name = "POINTS")]
    pub pareto: Option<usize>,
    /// Print the allocation (one row per placed enterprise) as CSV on standard output.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Print everything as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Also write the plan as `plan.json` into this run folder, for `symbiont report`.
    #[arg(long, value_name = "RUN_DIR")]
    pub into: Option<PathBuf>,
    /// Write the MIP in MPS format to FILE (for HiGHS, CBC, SCIP, Gurobi...).
    #[arg(long, value_name = "FILE")]
    pub mps: Option<PathBuf>,
    /// Skip the bottleneck analysis (shadow prices).
    #[arg(long)]
    pub no_bottlenecks: bool,
}

fn share(flag: &str, s: &str) -> anyhow::Result<f64> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| anyhow::anyhow!("--{flag} `{s}`: expected a share such as 0.6 or 60%"))?;
    if !(0.0..=1.0).contains(&v) {
        anyhow::bail!("--{flag} `{s}`: a share must be between 0 and 1 (0% and 100%), got {v}");
    }
    Ok(v)
}

fn options(a: &Args) -> anyhow::Result<PlanOptions> {
    let mut o = match &a.options {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read plan options file {}", p.display()))?;
            PlanOptions::from_toml(&text, &p.display().to_string()).map_err(|e| {
                eprintln!("{e}");
                anyhow::anyhow!("{} is not a valid plan options file", p.display())
            })?
        }
        None => PlanOptions::default(),
    };
    if let Some(s) = &a.designated_share {
        o.designated_share = share("designated-share", s)?;
    }
    if let Some(s) = &a.target_share {
        o.target_share = share("target-share", s)?;
    }
    for m in &a.minimums {
        let bad = || {
            anyhow::anyhow!("--min `{m}`: expected PARK:SECTOR=N, e.g. saysettha:electronics=10")
        };
        let (ps, n) = m.split_once('=').ok_or_else(bad)?;
        let (park, sector) = ps.split_once(':').ok_or_else(bad)?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        o.minimums.push(MinimumSpec {
            park: park.trim().into(),
            sector: sector.trim().into(),
            count,
        });
    }
    if let Some(b) = a.incentive_budget {
        anyhow::ensure!(b.is_finite() && b >= 0.0, "--incentive-budget {b}: expected US$ >= 0");
        o.incentive_budget_usd = Some(b);
    }
    for (flag, v, slot) in [
        ("weight-home", a.weight_home, &mut o.weights.home),
        ("weight-host", a.weight_host, &mut o.weights.host),
        ("weight-jobs", a.weight_jobs, &mut o.weights.jobs),
        ("chain-bonus", a.chain_bonus, &mut o.economics.chain_bonus_usd),
    ] {
        if let Some(v) = v {
            anyhow::ensure!(v.is_finite() && v >= 0.0, "--{flag} {v}: expected a number >= 0");
            *slot = v;
        }
    }
    Ok(o)
}

#[derive(Debug, Serialize)]
struct JsonOut<'a> {
    scenario: String,
    enterprises: usize,
    seconds: f64,
    outcome: &'a PlanOutcome,
    bottlenecks: Option<&'a Bottlenecks>,
    what_if: Vec<WhatIf>,
    pareto: Option<Vec<ParetoPoint>>,
}

#[derive(Debug, Serialize)]
struct WhatIf {
    relax: Vec<String>,
    objective: Option<f64>,
    change: Option<f64>,
    placed: Option<usize>,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    // A wrong --into is refused before any work, not after it.
    if let Some(dir) = &a.into {
        crate::out::run_folder(dir)?;
    }
    // The one place this command reads the clock: the time limit covers the whole command
    // (the planner takes the elapsed time from this clock), and the solve time is reported.
    #[allow(clippy::disallowed_methods)]
    let started = std::time::Instant::now();
    let clock = symbiont_plan::Clock::new(move || started.elapsed().as_secs_f64());
    let scenario = crate::diag::load_scenario(a.scenario.as_deref())?;
    let opts = options(&a)?;
    anyhow::ensure!(
        a.gap.is_finite() && a.gap >= 0.0,
        "--gap {}: expected a relative gap >= 0",
        a.gap
    );
    anyhow::ensure!(
        a.time_limit > 0.0,
        "--time-limit {}: expected seconds > 0 (or `inf` for no limit)",
        a.time_limit
    );
    anyhow::ensure!(
        a.memory_limit.is_finite() && a.memory_limit > 0.0,
        "--memory-limit {}: expected MB > 0",
        a.memory_limit
    );
    let backend = match a.backend.as_deref() {
        Some("highs") => Backend::Highs,
        Some(_) => Backend::Microlp,
        None => Backend::best_available(),
    };
    if !backend.available() {
        anyhow::bail!(
            "this `symbiont` was built without HiGHS: rebuild with \
             `cargo build --release --features highs` (needs cmake and libclang), or use \
             `--backend microlp`"
        );
    }
    let settings = SolveSettings {
        backend,
        time_limit: Some(a.time_limit),
        gap: a.gap,
        threads: a.threads,
        memory_limit_mb: Some(a.memory_limit),
        clock: Some(clock.clone()),
        stage_end: None,
    };
    // Every stage gets an equal share of what is left when it starts.
    let mut stages = 1
        + usize::from(!a.no_bottlenecks)
        + usize::from(!a.relax.is_empty())
        + a.pareto.map_or(0, |n| n.max(2) + 2);
    symbiont_study::size::check_plan(&scenario, symbiont_study::size::available_memory())?;
    let population = symbiont_abm::population::generate(&scenario, scenario.study.seed);
    let inst = symbiont_plan::Instance::from_scenario(&scenario, &population, &opts)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = scenario.meta.name.clone();
    if let Some(path) = &a.mps {
        let built = symbiont_plan::model::build(&inst, true, None);
        write_file(path, built.model.to_mps(&name).as_bytes())?;
        eprintln!(
            "wrote {} ({} columns, {} integer, {} rows)",
            path.display(),
            built.model.vars.len(),
            built.model.integers(),
            built.model.rows.len()
        );
    }
    let solve_start = clock.now();
    let outcome =
        symbiont_plan::plan(&inst, &settings.share(stages)).map_err(|e| anyhow::anyhow!("{e}"))?;
    stages -= 1;
    let seconds = clock.now() - solve_start;
    let bottlenecks = match (&outcome, a.no_bottlenecks) {
        // Shadow prices of a heuristic plan would price the wrong assignment.
        (PlanOutcome::Planned(p), false)
            if p.termination == symbiont_plan::Termination::Heuristic =>
        {
            None
        }
        (PlanOutcome::Planned(p), false) => Some(
            symbiont_plan::bottlenecks(&inst, p, &settings.share(stages))
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        _ => None,
    };
    stages -= usize::from(!a.no_bottlenecks);
    let mut what_if = Vec::new();
    if !a.relax.is_empty() {
        let mut relaxed = inst.clone();
        for r in &a.relax {
            Relaxation::parse(r)
                .and_then(|x| x.apply(&mut relaxed))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let o = symbiont_plan::plan(&relaxed, &settings.share(stages))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let base = match &outcome {
            PlanOutcome::Planned(p) => Some(p.objective),
            PlanOutcome::Infeasible(_) => None,
        };
        let (objective, placed) = match &o {
            PlanOutcome::Planned(p) => (Some(p.objective), Some(p.placements.len())),
            PlanOutcome::Infeasible(_) => (None, None),
        };
        let change = base.zip(objective).map(|(b, x)| x - b);
        what_if.push(WhatIf { relax: a.relax.clone(), objective, change, placed });
    }
    // What is left goes to the Pareto front, which shares it among its points.
    let pareto = match a.pareto {
        Some(n) => {
            Some(symbiont_plan::pareto(&inst, &settings, n).map_err(|e| anyhow::anyhow!("{e}"))?)
        }
        None => None,
    };
    if let Some(dir) = &a.into {
        let path = write_report_part(dir, &outcome, bottlenecks.as_ref(), backend.word())?;
        eprintln!("wrote {} (run `symbiont report {}`)", path.display(), dir.display());
    }
    if a.json {
        return print_json(&JsonOut {
            scenario: name,
            enterprises: inst.enterprises.len(),
            seconds,
            outcome: &outcome,
            bottlenecks: bottlenecks.as_ref(),
            what_if,
            pareto,
        });
    }
    let plan = match &outcome {
        PlanOutcome::Planned(p) => p,
        PlanOutcome::Infeasible(ex) => {
            if ex.proven {
                println!(
                    "No plan meets the guidance and the capacities (solved by {}).",
                    backend.word()
                );
            } else {
                println!(
                    "No plan was found within the limits (time {} s, search tree {} MB), and \
                     none was proven impossible (solved by {}).",
                    amount(a.time_limit),
                    amount(a.memory_limit),
                    backend.word()
                );
            }
            if ex.minimal {
                println!("The smallest set of constraints to loosen:");
            } else {
                println!(
                    "Constraints to loosen (a limit stopped the search for the smallest set):"
                );
            }
            for s in ex.sentences() {
                println!("  - {s}");
            }
            if ex.proven {
                anyhow::bail!(
                    "the planning problem is infeasible (see the constraints to loosen above)"
                );
            }
            anyhow::bail!(
                "no plan found within the limits: loosen the constraints above, or give more \
                 --time-limit / --memory-limit"
            );
        }
    };
    if a.csv {
        return print_csv(&inst, plan);
    }
    print_plan(&inst, plan, seconds, &name);
    if backend == Backend::Microlp
        && matches!(
            plan.termination,
            symbiont_plan::Termination::TimeLimit
                | symbiont_plan::Termination::NodeLimit
                | symbiont_plan::Termination::Heuristic
        )
    {
        println!(
            "note: this instance is large for the pure-Rust backend; for speed build with HiGHS: \
             `cargo build --release --features highs` (needs cmake and libclang), then \
             `symbiont plan --backend highs`"
        );
    }
    if bottlenecks.is_none()
        && !a.no_bottlenecks
        && matches!(&outcome, PlanOutcome::Planned(p) if p.termination == symbiont_plan::Termination::Heuristic)
    {
        println!(
            "\nNo shadow prices: the plan is heuristic (no search ran), and the prices of the LP \
             with a heuristic assignment fixed would price the wrong assignment. A plan within \
             the gap gets them: try --gap 0.01, or the HiGHS backend."
        );
    }
    if let Some(b) = &bottlenecks {
        println!();
        let how = match b.method {
            symbiont_plan::DualMethod::SolverDuals => "solver duals",
            symbiont_plan::DualMethod::FiniteDifference => "finite differences",
        };
        println!("Bottlenecks (shadow prices of the LP with the assignment fixed; {how}):");
        if b.prices.is_empty() {
            println!("  no capacity or guidance constraint binds");
        }
        for (n, s) in b.sentences().iter().enumerate().take(10) {
            println!("  {}. {s}", n + 1);
        }
    }
    for w in &what_if {
        println!();
        match (w.objective, w.change) {
            (Some(o), Some(c)) => println!(
                "What if {}: objective US$ {} per period ({}{}), {} enterprises placed",
                w.relax.join(", "),
                num(o),
                if c >= 0.0 { "+" } else { "" },
                num(c),
                w.placed.unwrap_or(0)
            ),
            _ => println!("What if {}: still no feasible plan", w.relax.join(", ")),
        }
    }
    if let Some(front) = &pareto {
        println!();
        println!("Pareto front, home gain vs host gain (ε-constraint on host gain):");
        let mut t = table([
            "ε host ≥ (US$)",
            "home gain (US$)",
            "host gain (US$)",
            "placed",
            "gap ≤",
            "search",
        ]);
        for p in front {
            t.add_row([
                num(p.epsilon),
                num(p.home),
                num(p.host),
                p.placed.to_string(),
                if p.gap.is_finite() { format!("{:.2}%", p.gap * 100.0) } else { "-".into() },
                termination_word(p.termination).to_string(),
            ]);
        }
        println!("{t}");
    }
    Ok(())
}

/// How the search stopped, in words, naming the limit that stopped it.
fn status_words(plan: &Plan) -> String {
    use symbiont_plan::Termination;
    let l = &plan.limits;
    match plan.termination {
        Termination::Optimal => "optimal".to_string(),
        Termination::GapLimit if !plan.searched => "no branch and bound needed: \
             the rounded-LP plan is within the requested gap of the LP bound"
            .to_string(),
        Termination::GapLimit => "stopped within the requested gap".to_string(),
        Termination::TimeLimit => format!(
            "stopped by the time limit ({} s){}: the best plan found so far",
            l.time_limit_s.map_or("none".to_string(), amount),
            if l.lp_converged { "" } else { " before the LP relaxation was solved" }
        ),
        Termination::NodeLimit => format!(
            "stopped by the memory bound of the search tree ({} MB, {} nodes): the best plan \
             found so far",
            amount(l.memory_limit_mb),
            l.node_limit.map_or_else(|| l.nodes.to_string(), |n| n.to_string())
        ),
        Termination::Heuristic => format!(
            "no branch and bound ({} binaries exceed the pure-Rust backend's limit of {}): \
             the better of the greedy and the rounded-LP plan, gap proven by the LP bound",
            plan.integers,
            symbiont_plan::MICROLP_MAX_INTEGERS
        ),
    }
}

/// A short word for how a search stopped (the Pareto table's column).
fn termination_word(t: symbiont_plan::Termination) -> &'static str {
    use symbiont_plan::Termination;
    match t {
        Termination::Optimal => "optimal",
        Termination::GapLimit => "within gap",
        Termination::TimeLimit => "time limit",
        Termination::NodeLimit => "memory bound",
        Termination::Heuristic => "no search (size)",
    }
}

/// A limit as the user wrote it (30, 0.5, 1024).
fn amount(x: f64) -> String {
    format!("{x}")
}

/// The proven gap in words ("gap ≤ 0.3790%", or that there is no bound yet).
fn gap_words(gap: f64) -> String {
    if gap.is_finite() {
        format!("gap ≤ {:.4}%", gap * 100.0)
    } else {
        "gap not proven (the time limit came before any bound)".to_string()
    }
}

fn print_plan(inst: &symbiont_plan::Instance, plan: &Plan, seconds: f64, name: &str) {
    println!(
        "Plan for {name}: {} of {} enterprises placed. {} {} in {:.3} s: {}, {}.",
        plan.placements.len(),
        inst.enterprises.len(),
        if plan.searched { "Solved by" } else { "Planned with" },
        plan.backend.word(),
        seconds,
        status_words(plan),
        gap_words(plan.gap)
    );
    let l = &plan.limits;
    println!(
        "Limits: time {} for the whole command, search tree {} MB{}.",
        l.time_limit_s.map_or("unlimited".to_string(), |t| format!("{} s", amount(t))),
        amount(l.memory_limit_mb),
        l.node_limit
            .map_or(String::new(), |n| format!(" (node limit {n}, {} nodes solved)", l.nodes))
    );
    if let Some(note) = &plan.note {
        println!("Note: {note}.");
    }
    println!(
        "Model: {} columns ({} integer), {} rows; {} enterprise-park pairs pruned by the exact rule.",
        plan.columns, plan.integers, plan.rows, plan.pruned
    );
    println!();
    let mut header = vec![
        "park".to_string(),
        "desig.".into(),
        "firms".into(),
        "plots".into(),
        "workers / pool".into(),
    ];
    header.extend(inst.sectors.iter().cloned());
    header.push("complete chains".into());
    let mut t = table(header);
    for p in &plan.parks {
        let mut row = vec![
            p.name.clone(),
            if p.designated { "yes" } else { "no" }.to_string(),
            p.enterprises.to_string(),
            format!("{}/{}", p.enterprises, p.plots),
            format!("{} / {}", num(p.workers), num(p.labour_pool)),
        ];
        row.extend(p.by_sector.iter().map(|c| c.to_string()));
        row.push(if p.complete_chains.is_empty() {
            "-".into()
        } else {
            p.complete_chains.join(", ")
        });
        t.add_row(row);
    }
    println!("Allocation per park:\n{t}");
    let mut header = vec![
        "supplier".to_string(),
        "factor".into(),
        "supplied".into(),
        "capacity".into(),
        "unit cost (US$)".into(),
    ];
    header.extend(plan.parks.iter().map(|p| p.name.clone()));
    let mut t = table(header);
    for f in &plan.flows {
        let mut row = vec![
            f.supplier.clone(),
            format!("{} ({})", f.kind.word(), f.kind.unit()),
            num(f.amount),
            num(f.capacity),
            num(f.unit_cost),
        ];
        row.extend(f.to_park.iter().map(|x| num(*x)));
        t.add_row(row);
    }
    println!("\nFactor flows per period:\n{t}");
    let b = &plan.breakdown;
    let w = inst.weights;
    let mut t = table(["term", "weight", "US$ per period"]);
    t.add_row(["home gain (before factor costs)".to_string(), num(w.home), num(b.home_gain)]);
    t.add_row(["host gain".to_string(), num(w.host), num(b.host_gain)]);
    t.add_row(["host jobs (count)".to_string(), num(w.jobs), num(b.jobs)]);
    t.add_row(["chain-completeness bonus".to_string(), "1".into(), num(b.chain_bonus)]);
    t.add_row(["factor costs".to_string(), "-1".into(), num(b.factor_cost)]);
    t.add_row(["objective".to_string(), String::new(), num(b.objective)]);
    println!("\nObjective breakdown:\n{t}");
}

fn print_csv(inst: &symbiont_plan::Instance, plan: &Plan) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header = vec![
        "enterprise".to_string(),
        "park".into(),
        "sector".into(),
        "chain".into(),
        "home_gain_usd".into(),
        "host_gain_usd".into(),
        "jobs".into(),
    ];
    header.extend(inst.suppliers.iter().map(|s| format!("{}_{}", s.kind.word(), s.name)));
    w.write_record(&header)?;
    for p in &plan.placements {
        let e = &inst.enterprises[p.enterprise];
        let mut row = vec![
            p.name.clone(),
            inst.parks[p.park].name.clone(),
            inst.sectors[p.sector].clone(),
            e.chain.word().to_string(),
            format!("{:.2}", e.home[p.park]),
            format!("{:.2}", e.host[p.park]),
            format!("{:.3}", e.jobs[p.park]),
        ];
        let mut amounts = vec![0.0; inst.suppliers.len()];
        for &(k, x) in &p.supply {
            amounts[k] = x;
        }
        row.extend(amounts.iter().map(|x| format!("{x:.6}")));
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The plan as the report draws it (`DIR/plan.json`): parks, factor use against capacity,
/// bottlenecks, and for an infeasible problem the constraints to loosen.
fn write_report_part(
    dir: &std::path::Path,
    outcome: &PlanOutcome,
    bottlenecks: Option<&symbiont_plan::Bottlenecks>,
    backend: &str,
) -> anyhow::Result<PathBuf> {
    use symbiont_report::parts::{Bottleneck, PlanData, PlanFactor, PlanPark};
    crate::out::run_folder(dir)?;
    let data = match outcome {
        PlanOutcome::Planned(p) => PlanData {
            status: format!("{:?} by {backend}, gap bound {:.2}%", p.termination, p.gap * 100.0),
            objective: p.objective,
            parks: p
                .parks
                .iter()
                .map(|k| PlanPark {
                    name: k.name.clone(),
                    designated: k.designated,
                    enterprises: k.enterprises as u32,
                })
                .collect(),
            factors: p
                .flows
                .iter()
                .map(|f| PlanFactor {
                    supplier: f.supplier.clone(),
                    kind: f.kind.word().to_string(),
                    amount: f.amount,
                    capacity: f.capacity,
                    unit: f.kind.unit().to_string(),
                })
                .collect(),
            bottlenecks: bottlenecks
                .map(|b| {
                    b.prices
                        .iter()
                        .map(|x| Bottleneck {
                            constraint: x.constraint.clone(),
                            value: x.value,
                            unit: x.unit.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            notes: bottlenecks.map(|b| b.sentences()).unwrap_or_default(),
        },
        PlanOutcome::Infeasible(ex) => PlanData {
            status: if ex.proven { "infeasible" } else { "no plan found within the limits" }.into(),
            objective: 0.0,
            parks: Vec::new(),
            factors: Vec::new(),
            bottlenecks: Vec::new(),
            notes: ex.sentences(),
        },
    };
    let path = dir.join("plan.json");
    write_file(&path, serde_json::to_string_pretty(&data)?.as_bytes())?;
    Ok(path)
}
