//! `symbiont dynamics`: fit Lotka-Volterra symbiosis models to annual series, simulate model
//! files, classify modes from given coefficients. Reading files and printing live here; the
//! numerics are in `symbiont-dynamics`.

use std::path::{Path, PathBuf};
use symbiont_server::results::{equilibria_json, fit_json, options_line};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use symbiont_dynamics::{
    BootstrapKind, BootstrapOptions, CapacityRule, ClassifyOptions, Coef, DegreeEstimator,
    Equilibria, Estimator, Fit, FitOptions, Form, GrowthRate, InitialValues, Lv, ModelSpec,
    ResidualScale, Series, SimEnd, SimOptions, SymbiosisMode, SymmetryTol, Timing, ZeroRule,
    equilibria, simulate,
};

use crate::out::{num, print_json, table, write_file};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fit an LV symbiosis model to annual series in a CSV (wide or WDI long layout).
    ///
    /// Wide: a `year` column and one column per series (`--units lao_gdp_usd,chn_gdp_usd`).
    /// Long (WDI): columns country_code, year, indicator_code, value
    /// (`--units LAO:NY.GDP.MKTP.CD,CHN:NY.GDP.MKTP.CD`).
    Fit(FitArgs),
    /// Simulate a model file (TOML; see docs/dynamics.md) and print or write trajectories.
    Simulate(SimArgs),
    /// Classify the symbiosis mode from given coefficients, with equilibria when r and N are given.
    Classify(ClassifyArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EstimatorArg {
    /// Difference regression of growth rates on levels.
    E1,
    /// Trajectory least squares (Levenberg-Marquardt), started from E1.
    E2,
    /// Fixed capacities, then regression for σ.
    E4,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormArg {
    F1,
    F2,
    F3,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GrowthArg {
    Simple,
    Log,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TimingArg {
    Lag,
    Midpoint,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ResidualArg {
    Raw,
    Log,
    Standardised,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InitialArg {
    Free,
    Fixed,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DegreeArg {
    PeriodRatio,
    LogLog,
    Quadratic,
    Partial,
}

/// Mode classification options shared by `fit` and `classify`.
#[derive(Debug, Args)]
struct ClassifyFlags {
    /// Zero band: |σ| ≤ EPS counts as 0.
    #[arg(long, default_value_t = 0.05, value_name = "EPS", conflicts_with = "zero_p")]
    zero_band: f64,
    /// Use the p-value rule instead: a coefficient counts as 0 when p > ALPHA.
    #[arg(long, value_name = "ALPHA")]
    zero_p: Option<f64>,
    /// Symmetry tolerance for mutualism: `rel:0.1` (|σ12−σ21| ≤ 0.1·max) or `abs:0.05`.
    #[arg(long, default_value = "rel:0.1", value_name = "abs:T|rel:T")]
    symmetry: String,
}

impl ClassifyFlags {
    fn options(&self) -> anyhow::Result<ClassifyOptions> {
        let zero = match self.zero_p {
            Some(a) => ZeroRule::PValue(a),
            None => ZeroRule::Band(self.zero_band),
        };
        let symmetry = match self.symmetry.split_once(':') {
            Some(("abs", v)) => SymmetryTol::Absolute(parse_f(v, "--symmetry")?),
            Some(("rel", v)) => SymmetryTol::Relative(parse_f(v, "--symmetry")?),
            _ => bail!("--symmetry must be abs:T or rel:T, got {:?}", self.symmetry),
        };
        Ok(ClassifyOptions { zero, symmetry })
    }
}

fn parse_f(s: &str, flag: &str) -> anyhow::Result<f64> {
    s.trim().parse::<f64>().with_context(|| format!("{flag}: expected a number, got {s:?}"))
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The data file (CSV).
    data: PathBuf,
    /// Series to fit, comma-separated (two or more). Wide: column names. Long: COUNTRY:INDICATOR.
    #[arg(long, value_delimiter = ',', required = true)]
    units: Vec<String>,
    /// First year to use.
    #[arg(long)]
    from: Option<i64>,
    /// Last year to use.
    #[arg(long)]
    to: Option<i64>,
    /// Estimator.
    #[arg(long, value_enum, default_value = "e1")]
    estimator: EstimatorArg,
    /// Model form: F1 and F2 estimate every coefficient; F3 has no self-limitation.
    #[arg(long, value_enum, default_value = "f1")]
    form: FormArg,
    /// Growth-rate definition for E1/E4.
    #[arg(long, value_enum, default_value = "simple")]
    growth: GrowthArg,
    /// Regressor timing for E1/E4.
    #[arg(long, value_enum, default_value = "lag")]
    timing: TimingArg,
    /// Residual scale for E2.
    #[arg(long, value_enum, default_value = "log")]
    residual: ResidualArg,
    /// Initial values for E2: estimated, or fixed to the first observation.
    #[arg(long, value_enum, default_value = "free")]
    initial: InitialArg,
    /// Capacities for E4: `logistic` or `max:FACTOR`.
    #[arg(long, default_value = "logistic")]
    capacity: String,
    #[command(flatten)]
    classify: ClassifyFlags,
    /// Leave a pair unclassified when either coefficient's p-value exceeds ALPHA.
    #[arg(long, value_name = "ALPHA")]
    require_significance: Option<f64>,
    /// Bootstrap: `residual` or `block:LEN` (moving blocks of LEN years).
    #[arg(long)]
    bootstrap: Option<String>,
    /// Bootstrap draws.
    #[arg(long, default_value_t = 200)]
    draws: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Confidence level of intervals.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// ODE relative tolerance (E2).
    #[arg(long, default_value_t = 1e-9)]
    rtol: f64,
    /// ODE absolute tolerance (E2).
    #[arg(long, default_value_t = 1e-11)]
    atol: f64,
    /// Also report Yuan's symbiosis degree δ and share θ with this estimator.
    #[arg(long, value_enum)]
    degree: Option<DegreeArg>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Also write the fit as `dynamics.json` into this run folder, for `symbiont report`
    /// (observed vs fitted series, the phase portrait, mode probabilities).
    #[arg(long, value_name = "RUN_DIR")]
    into: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The model file (TOML).
    model: PathBuf,
    /// Write the trajectory as CSV to this file (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// σ matrix, rows separated by `;`, entries by `,` (diagonal 0): `0,0.4;0.3,0`.
    #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["s12", "s21"])]
    sigma: Option<String>,
    /// σ12: effect of unit 2 on unit 1.
    #[arg(long, allow_hyphen_values = true, requires = "s21")]
    s12: Option<f64>,
    /// σ21: effect of unit 1 on unit 2.
    #[arg(long, allow_hyphen_values = true, requires = "s12")]
    s21: Option<f64>,
    /// p-values of the off-diagonal entries in the same layout as --sigma (for --zero-p).
    #[arg(long)]
    p: Option<String>,
    /// Growth rates r (comma-separated) to also compute equilibria and stability.
    #[arg(long, value_delimiter = ',', requires = "capacity", allow_hyphen_values = true)]
    r: Option<Vec<f64>>,
    /// Capacities N (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "r")]
    capacity: Option<Vec<f64>>,
    /// Unit names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    names: Option<Vec<String>>,
    #[command(flatten)]
    classify: ClassifyFlags,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

pub fn run(c: Command) -> anyhow::Result<()> {
    match c {
        Command::Fit(a) => run_fit(a),
        Command::Simulate(a) => run_simulate(a),
        Command::Classify(a) => run_classify(a),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading data

/// A CSV cell's location for messages: data row (1 = first line after the header, as a
/// spreadsheet shows it: line = row + 1) and column name.
fn at(path: &Path, line: u64, col: &str) -> String {
    format!("{}: line {line}, column {col}", path.display())
}

/// Per series: year → (value, line).
type Columns = symbiont_dynamics::data::Columns;

/// Read the series from a CSV file; the checks (and their located errors) are the library's.
fn read_columns(path: &Path, units: &[String]) -> anyhow::Result<Columns> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read data file {}", path.display()))?;
    Ok(symbiont_dynamics::data::read_csv(&bytes, &path.display().to_string(), units)?)
}

/// Select the year range and check it: every year present for every series, positive values
/// where logs are taken, enough points.
fn to_series(
    path: &Path,
    units: &[String],
    cols: &Columns,
    from: Option<i64>,
    to: Option<i64>,
    need_positive: Option<&str>,
    n_params: usize,
) -> anyhow::Result<Series> {
    // Default range: the years every series covers.
    let lo = cols.iter().map(|c| *c.keys().next().expect("nonempty")).max().expect("units");
    let hi = cols.iter().map(|c| *c.keys().last().expect("nonempty")).min().expect("units");
    let from = from.unwrap_or(lo);
    let to = to.unwrap_or(hi);
    if from > to {
        bail!("the year range {from}–{to} is empty (the series overlap in {lo}–{hi})");
    }
    for (k, c) in cols.iter().enumerate() {
        for y in from..=to {
            if !c.contains_key(&y) {
                let (a, b) =
                    (c.keys().next().expect("nonempty"), c.keys().last().expect("nonempty"));
                bail!(
                    "{}: series {} has no value for {y} (it has data in {a}–{b} with gaps); \
                     choose years with --from/--to where every series is complete",
                    path.display(),
                    units[k]
                );
            }
            if let Some(why) = need_positive {
                let (v, line) = c[&y];
                if v <= 0.0 {
                    bail!("{}: value {v} in {y} must be > 0 ({why})", at(path, line, &units[k]));
                }
            }
        }
    }
    let m = (to - from + 1) as usize;
    let nobs = m * units.len();
    if nobs <= n_params || m < 4 {
        bail!(
            "{}: {m} years ({from}–{to}) × {} series = {nobs} observations for {n_params} \
             parameters; use a longer range",
            path.display(),
            units.len()
        );
    }
    let t: Vec<f64> = (from..=to).map(|y| y as f64).collect();
    let x = cols.iter().map(|c| (from..=to).map(|y| c[&y].0).collect()).collect();
    Series::new(units.to_vec(), t, x).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// fit

fn fit_options(a: &FitArgs) -> anyhow::Result<FitOptions> {
    let capacity = match a.capacity.split_once(':') {
        None if a.capacity == "logistic" => CapacityRule::Logistic,
        Some(("max", f)) => CapacityRule::MaxTimes(parse_f(f, "--capacity")?),
        _ => bail!("--capacity must be `logistic` or `max:FACTOR`, got {:?}", a.capacity),
    };
    let bootstrap = match a.bootstrap.as_deref() {
        None => None,
        Some(b) => {
            let kind = match b.split_once(':') {
                None if b == "residual" => BootstrapKind::Residual,
                Some(("block", l)) => BootstrapKind::MovingBlock {
                    block: l
                        .parse()
                        .with_context(|| format!("--bootstrap block:LEN, got {b:?}"))?,
                },
                _ => bail!("--bootstrap must be `residual` or `block:LEN`, got {b:?}"),
            };
            Some(BootstrapOptions { kind, draws: a.draws, seed: a.seed })
        }
    };
    if !(a.level > 0.0 && a.level < 1.0) {
        bail!("--level must be between 0 and 1, got {}", a.level);
    }
    Ok(FitOptions {
        estimator: match a.estimator {
            EstimatorArg::E1 => Estimator::E1,
            EstimatorArg::E2 => Estimator::E2,
            EstimatorArg::E4 => Estimator::E4,
        },
        form: match a.form {
            FormArg::F1 => Form::F1,
            FormArg::F2 => Form::F2,
            FormArg::F3 => Form::F3,
        },
        growth: match a.growth {
            GrowthArg::Simple => GrowthRate::Simple,
            GrowthArg::Log => GrowthRate::Log,
        },
        timing: match a.timing {
            TimingArg::Lag => Timing::Lag,
            TimingArg::Midpoint => Timing::Midpoint,
        },
        residual: match a.residual {
            ResidualArg::Raw => ResidualScale::Raw,
            ResidualArg::Log => ResidualScale::Log,
            ResidualArg::Standardised => ResidualScale::Standardised,
        },
        initial: match a.initial {
            InitialArg::Free => InitialValues::Free,
            InitialArg::Fixed => InitialValues::Fixed,
        },
        capacity,
        tol: symbiont_dynamics::ode::Tolerances { rtol: a.rtol, atol: a.atol, max_steps: 100_000 },
        classify: a.classify.options()?,
        require_significance: a.require_significance,
        bootstrap,
        level: a.level,
    })
}

fn mode_text(m: SymbiosisMode, names: &[String], i: usize, j: usize) -> String {
    symbiont_dynamics::mode_label(m, &names[i], &names[j])
}

fn opt(x: Option<f64>) -> String {
    x.map_or("–".into(), num)
}

/// A p-value: below double precision's resolution of 1 − F(t) it is not "0".
fn pval(p: f64) -> String {
    if p < 1e-15 { "<1e-15".into() } else { num(p) }
}

fn interval(x: Option<(f64, f64)>) -> String {
    x.map_or("–".into(), |(a, b)| format!("[{}, {}]", num(a), num(b)))
}

fn print_equilibria(e: &Equilibria, names: &[String]) {
    let mut t = table(["present", "state", "feasible", "stability", "type", "eigenvalues"]);
    for p in &e.points {
        let present = if p.support.is_empty() {
            "none".to_string()
        } else {
            p.support.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(" + ")
        };
        let ev = p
            .eigenvalues
            .iter()
            .map(|(re, im)| {
                if *im == 0.0 {
                    num(*re)
                } else {
                    format!("{}{}{}i", num(*re), if *im < 0.0 { "−" } else { "+" }, num(im.abs()))
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        t.add_row([
            present,
            p.x.iter().map(|v| num(*v)).collect::<Vec<_>>().join(", "),
            if p.feasible { "yes" } else { "no" }.to_string(),
            format!("{:?}", p.stability).to_lowercase(),
            format!("{:?}", p.kind).to_lowercase(),
            ev,
        ]);
    }
    println!("{t}");
    for s in &e.degenerate {
        let who: Vec<&str> = s.iter().map(|&i| names[i].as_str()).collect();
        println!(
            "  with only {{{}}} present the equilibria are not isolated (singular system): no single point",
            who.join(", ")
        );
    }
}

fn run_fit(a: FitArgs) -> anyhow::Result<()> {
    // A wrong --into is refused before any work, not after it.
    if let Some(dir) = &a.into {
        crate::out::run_folder(dir)?;
    }
    if a.units.len() < 2 {
        bail!("--units needs at least two series, got {}", a.units.len());
    }
    let opts = fit_options(&a)?;
    let n = a.units.len();
    let need_positive = match (opts.estimator, opts.growth) {
        (Estimator::E2, _) => Some("the trajectory fit works on logs of the series"),
        (_, GrowthRate::Log) => Some("log growth rates take the log of each value"),
        _ => None,
    };
    let n_params = match opts.form {
        Form::F3 => n * n,
        _ => n + n * n,
    } + if opts.estimator == Estimator::E2 && opts.initial == InitialValues::Free {
        n
    } else {
        0
    };
    let cols = read_columns(&a.data, &a.units)?;
    let s = to_series(&a.data, &a.units, &cols, a.from, a.to, need_positive, n_params)?;
    let f = symbiont_dynamics::fit(&s, &opts).map_err(|e| {
        anyhow::anyhow!("{} ({}–{}): {e}", a.data.display(), s.t[0], s.t[s.len() - 1])
    })?;
    let mut degrees = Vec::new();
    let mut degree_rows = Vec::new();
    let mut symmetric_lines: Vec<String> = Vec::new();
    if let Some(d) = a.degree {
        let est = match d {
            DegreeArg::PeriodRatio => DegreeEstimator::PeriodRatio,
            DegreeArg::LogLog => DegreeEstimator::LogLog,
            DegreeArg::Quadratic => DegreeEstimator::Quadratic,
            DegreeArg::Partial => DegreeEstimator::Partial,
        };
        for i in 0..n {
            for j in i + 1..n {
                match symbiont_dynamics::degree(&s.x[i], &s.x[j], est, &opts.classify) {
                    Ok(dg) => {
                        // Symmetric points come from the fitted curves of the quadratic estimator.
                        let points = if est == DegreeEstimator::Quadratic {
                            symbiont_dynamics::symmetric_points(&s.x[i], &s.x[j])
                                .unwrap_or_default()
                        } else {
                            Vec::new()
                        };
                        let first_year = s.t[0];
                        let pts: Vec<Value> = points
                            .iter()
                            .map(|p| json!({"year": first_year + p.position, "z_i": p.z.0, "z_j": p.z.1, "delta": p.delta}))
                            .collect();
                        for p in &points {
                            symmetric_lines.push(format!(
                                "symmetric point of {} ~ {}: δ_ij = δ_ji = {} near {:.1} ({} = {}, {} = {})",
                                s.names[i],
                                s.names[j],
                                num(p.delta),
                                first_year + p.position,
                                s.names[i],
                                num(p.z.0),
                                s.names[j],
                                num(p.z.1)
                            ));
                        }
                        degrees.push(json!({
                            "i": s.names[i], "j": s.names[j], "estimator": format!("{est:?}"),
                            "delta_ij": dg.d12, "delta_ji": dg.d21,
                            "theta_i": dg.theta.0, "theta_j": dg.theta.1,
                            "theta_note": "allocation share θ as applied papers attribute it to Yuan (1998); not verified against the primary source",
                            "mode": dg.mode.key(), "warning": dg.warning,
                            "symmetric_points": pts,
                        }));
                        degree_rows.push((i, j, Ok(dg)));
                    }
                    Err(e) => {
                        degrees.push(
                            json!({"i": s.names[i], "j": s.names[j], "error": e.to_string()}),
                        );
                        degree_rows.push((i, j, Err(e)));
                    }
                }
            }
        }
    }
    if let Some(dir) = &a.into {
        let path = write_report_part(dir, &s, &f)?;
        eprintln!("wrote {} (run `symbiont report {}`)", path.display(), dir.display());
    }
    if a.json {
        return print_json(&fit_json(&f, &degrees));
    }
    let names = &f.names;
    println!(
        "Symbiosis dynamics fit: {} on {} ({}–{}, {} years)",
        names.join(", "),
        a.data.display(),
        s.t[0],
        s.t[s.len() - 1],
        s.len()
    );
    println!("options: {}", options_line(&f.options));
    if let Some(c) = f.converged {
        println!("converged: {}", if c { "yes" } else { "NO" });
    }
    let mut t = table([
        "form",
        "parameter",
        "estimate",
        "s.e.",
        "p",
        &format!("{}% CI", f.options.level * 100.0),
        "bootstrap CI",
    ]);
    for p in &f.params {
        t.add_row([
            p.group.to_string(),
            p.name.clone(),
            num(p.estimate),
            opt(p.se),
            p.p.map_or("–".into(), pval),
            interval(p.ci),
            interval(p.boot_ci),
        ]);
    }
    println!(
        "\nCoefficients (units: {})\n{t}",
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{} = {n}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let eff = if f.effects_are_sigma { "σ" } else { "scaled a" };
    let mut t = table([
        "pair",
        &format!("{eff} of j on i"),
        &format!("{eff} of i on j"),
        "mode",
        "共生模式",
        "probability",
    ]);
    for m in &f.modes {
        let prob = if m.probability.is_empty() {
            "–".to_string()
        } else {
            m.probability
                .iter()
                .take(3)
                .map(|(x, p)| format!("{} {:.0}%", mode_text(*x, names, m.i, m.j), p * 100.0))
                .collect::<Vec<_>>()
                .join("; ")
        };
        t.add_row([
            format!("{} ~ {}", names[m.i], names[m.j]),
            format!(
                "{}{}",
                num(m.e_ij.value),
                m.e_ij.p.map_or(String::new(), |p| format!(" (p {})", pval(p)))
            ),
            format!(
                "{}{}",
                num(m.e_ji.value),
                m.e_ji.p.map_or(String::new(), |p| format!(" (p {})", pval(p)))
            ),
            m.mode.map_or_else(
                || m.unclassified.clone().unwrap_or_default(),
                |x| mode_text(x, names, m.i, m.j),
            ),
            m.mode.map_or("–", |x| x.chinese()).to_string(),
            prob,
        ]);
    }
    println!("\nModes\n{t}");
    println!("\nEquilibria and local stability");
    print_equilibria(&f.equilibria, names);
    let g = &f.gof;
    println!(
        "\nFit ({}): R² {}, RMSE {}, AIC {}, {} observations, {} parameters",
        g.space,
        g.r2.iter()
            .zip(names)
            .map(|(r, n)| format!("{n} {}", num(*r)))
            .collect::<Vec<_>>()
            .join(", "),
        num(g.rmse),
        num(g.aic),
        g.n_obs,
        g.n_params
    );
    if f.draws > 0 {
        println!("bootstrap: {} of {} draws usable", f.draws_ok, f.draws);
    }
    if !degree_rows.is_empty() {
        let mut t = table(["pair", "δ_ij", "δ_ji", "θ_i", "θ_j", "mode from δ"]);
        let mut warn = None;
        for (i, j, r) in &degree_rows {
            match r {
                Ok(d) => {
                    warn = d.warning;
                    t.add_row([
                        format!("{} ~ {}", names[*i], names[*j]),
                        num(d.d12),
                        num(d.d21),
                        num(d.theta.0),
                        num(d.theta.1),
                        mode_text(d.mode, names, *i, *j),
                    ]);
                }
                Err(e) => {
                    t.add_row([
                        format!("{} ~ {}", names[*i], names[*j]),
                        e.to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
            }
        }
        println!(
            "\nSymbiosis degree (Yuan) — θ is the share formula of applied papers, not verified against the primary source\n{t}"
        );
        if let Some(w) = warn {
            println!("warning: {w}");
        }
        for line in &symmetric_lines {
            println!("{line}");
        }
    }
    for note in &f.notes {
        println!("note: {note}");
    }
    for d in &f.dropped {
        println!("dropped: {d}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// simulate

fn run_simulate(a: SimArgs) -> anyhow::Result<()> {
    let src = std::fs::read_to_string(&a.model)
        .with_context(|| format!("cannot read model file {}", a.model.display()))?;
    let spec = ModelSpec::parse(&src).map_err(|e| {
        let lines: Vec<String> =
            e.0.iter()
                .map(|p| format!("{}:{}:{}: {}", a.model.display(), p.line, p.col, p.message))
                .collect();
        anyhow::anyhow!(
            "{} is not a valid model ({} problem{}):\n{}",
            a.model.display(),
            lines.len(),
            if lines.len() == 1 { "" } else { "s" },
            lines.join("\n")
        )
    })?;
    let times = spec.times();
    let opts = SimOptions { tol: spec.tol, blowup_factor: spec.blowup_factor };
    let tr = simulate(&spec.lv, &spec.x0, 0.0, &times, &opts);
    let eq = equilibria(&spec.lv);
    let explain = tr.outcome.explain(&spec.names);
    if let Some(path) = &a.csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["t".to_string()];
        header.extend(spec.names.iter().cloned());
        w.write_record(&header)?;
        for (t, x) in tr.t.iter().zip(&tr.x) {
            let mut row = vec![t.to_string()];
            row.extend(x.iter().map(|v| v.to_string()));
            w.write_record(&row)?;
        }
        let bytes = w.into_inner().context("writing CSV")?;
        if path.as_os_str() == "-" {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        } else {
            write_file(path, &bytes)?;
            eprintln!("wrote {} rows to {}", tr.t.len(), path.display());
        }
        if !matches!(tr.outcome, SimEnd::Completed) {
            eprintln!("note: {explain}");
        }
        return Ok(());
    }
    if a.json {
        return print_json(&json!({
            "units": spec.names,
            "outcome": match &tr.outcome {
                SimEnd::Completed => json!({"kind": "completed"}),
                SimEnd::UnboundedGrowth { t, unit, value } => json!({"kind": "unbounded_growth", "t": t, "unit": spec.names[*unit], "value": value}),
                SimEnd::Failed(e) => json!({"kind": "failed", "reason": e.to_string()}),
            },
            "explanation": explain,
            "t": tr.t,
            "x": tr.x,
            "equilibria": equilibria_json(&eq, &spec.names),
        }));
    }
    println!("{} units, {} rows; outcome: {explain}", spec.names.len(), tr.t.len());
    let mut header = vec!["t".to_string()];
    header.extend(spec.names.iter().cloned());
    let mut t = table(header);
    // A readable table: at most ~25 rows; --csv writes them all.
    let step = tr.t.len().div_ceil(25).max(1);
    for (k, (tk, x)) in tr.t.iter().zip(&tr.x).enumerate() {
        if k % step == 0 || k + 1 == tr.t.len() {
            let mut row = vec![num(*tk)];
            row.extend(x.iter().map(|v| num(*v)));
            t.add_row(row);
        }
    }
    println!("{t}");
    if step > 1 {
        println!("(every {step}th row shown; --csv FILE writes all {})", tr.t.len());
    }
    println!("\nEquilibria and local stability");
    print_equilibria(&eq, &spec.names);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// classify

fn parse_matrix(s: &str, flag: &str) -> anyhow::Result<(usize, Vec<f64>)> {
    let rows: Vec<Vec<f64>> = s
        .split(';')
        .map(|r| r.split(',').map(|v| parse_f(v, flag)).collect::<anyhow::Result<Vec<f64>>>())
        .collect::<anyhow::Result<_>>()?;
    let n = rows.len();
    if n < 2 || rows.iter().any(|r| r.len() != n) {
        bail!(
            "{flag} must be a square matrix of at least 2×2: rows separated by `;`, entries by `,`"
        );
    }
    Ok((n, rows.into_iter().flatten().collect()))
}

fn run_classify(a: ClassifyArgs) -> anyhow::Result<()> {
    let copts = a.classify.options()?;
    let (n, sigma) = match (&a.sigma, a.s12, a.s21) {
        (Some(m), _, _) => parse_matrix(m, "--sigma")?,
        (None, Some(s12), Some(s21)) => (2, vec![0.0, s12, s21, 0.0]),
        _ => bail!("give --sigma MATRIX or both --s12 and --s21"),
    };
    for i in 0..n {
        if sigma[i * n + i] != 0.0 {
            bail!(
                "--sigma: the diagonal entry ({}, {}) must be 0, got {}",
                i + 1,
                i + 1,
                sigma[i * n + i]
            );
        }
    }
    let pv = match &a.p {
        Some(p) => {
            let (m, v) = parse_matrix(p, "--p")?;
            if m != n {
                bail!("--p must have the shape of σ ({n}×{n})");
            }
            Some(v)
        }
        None => None,
    };
    let names: Vec<String> =
        a.names.clone().unwrap_or_else(|| (1..=n).map(|i| i.to_string()).collect());
    if names.len() != n {
        bail!("--names needs {n} names, got {}", names.len());
    }
    let coef: Vec<Coef> =
        (0..n * n).map(|k| Coef { value: sigma[k], p: pv.as_ref().map(|p| p[k]) }).collect();
    let modes = copts.classify_matrix(n, &coef);
    let eq = match (&a.r, &a.capacity) {
        (Some(r), Some(c)) => {
            if n > 16 {
                bail!("equilibria are enumerated over all 2^n supports; at most 16 units, got {n}");
            }
            if r.len() != n || c.len() != n {
                bail!("--r and --capacity need {n} values each");
            }
            let f1 = symbiont_dynamics::F1 {
                r: r.clone(),
                capacity: c.clone(),
                sigma: sigma.clone(),
                kinds: vec![Default::default(); n],
            };
            let lv = Lv::from_f1(&f1, Default::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
            Some(equilibria(&lv))
        }
        _ => None,
    };
    let unbounded = (n == 2 && sigma[1] > 0.0 && sigma[2] > 0.0 && sigma[1] * sigma[2] >= 1.0)
        .then(|| {
            format!(
                "σ12·σ21 = {} ≥ 1: mutualism without a finite equilibrium; growth is unbounded",
                num(sigma[1] * sigma[2])
            )
        });
    if a.json {
        let mut pairs = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let m = modes[i * n + j].expect("off-diagonal");
                pairs.push(json!({"i": names[i], "j": names[j], "sigma_ij": sigma[i * n + j], "sigma_ji": sigma[j * n + i], "mode": m.key(), "label": mode_text(m, &names, i, j), "chinese": m.chinese()}));
            }
        }
        return print_json(&json!({
            "units": names, "pairs": pairs,
            "matrix": (0..n).map(|i| (0..n).map(|j| modes[i * n + j].map(|m| m.key())).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "equilibria": eq.as_ref().map(|e| equilibria_json(e, &names)),
            "warning": unbounded,
        }));
    }
    let mut t = table(["pair", "σ_ij (j on i)", "σ_ji (i on j)", "mode", "共生模式"]);
    for i in 0..n {
        for j in i + 1..n {
            let m = modes[i * n + j].expect("off-diagonal");
            t.add_row([
                format!("{} ~ {}", names[i], names[j]),
                num(sigma[i * n + j]),
                num(sigma[j * n + i]),
                mode_text(m, &names, i, j),
                m.chinese().to_string(),
            ]);
        }
    }
    println!("{t}");
    if n > 2 {
        let mut header = vec!["mode of (row, column)".to_string()];
        header.extend(names.iter().cloned());
        let mut mt = table(header);
        for i in 0..n {
            let mut row = vec![names[i].clone()];
            row.extend(
                (0..n).map(|j| modes[i * n + j].map_or("–".into(), |m| m.key().to_string())),
            );
            mt.add_row(row);
        }
        println!("\n{mt}");
    }
    if let Some(w) = unbounded {
        println!("warning: {w}");
    }
    if let Some(e) = eq {
        println!("\nEquilibria and local stability");
        print_equilibria(&e, &names);
    }
    Ok(())
}

/// The fit as the report draws it: observed and fitted series, the phase plane of a two-unit
/// fit (vector field, nullclines, the fitted path, equilibria marked stable or not), the
/// bootstrap draws of the coefficients that decide the mode of the first pair (see
/// [`report_coefficients`]) and the bootstrap mode probabilities. Written as `DIR/dynamics.json`.
fn write_report_part(dir: &Path, s: &Series, f: &Fit) -> anyhow::Result<PathBuf> {
    use symbiont_dynamics::Stability;
    use symbiont_report::parts::{
        DynamicsData, EquilibriumData, FitSeries, ModeProbability, PhaseData, Points,
    };
    crate::out::run_folder(dir)?;
    let n = s.names.len();
    let (t0, t1) = (s.t[0], s.t[s.len() - 1]);
    let x0: Vec<f64> = f.x0.clone().unwrap_or_else(|| (0..n).map(|i| s.x[i][0]).collect());
    let steps = 200;
    let grid: Vec<f64> = (0..=steps).map(|k| t0 + (t1 - t0) * k as f64 / steps as f64).collect();
    let tr = symbiont_dynamics::simulate(&f.lv, &x0, t0, &grid, &Default::default());
    let series = (0..n)
        .map(|i| FitSeries {
            name: s.names[i].clone(),
            observed: s.t.iter().zip(&s.x[i]).map(|(&t, &x)| (t, x)).collect(),
            fitted: tr.t.iter().zip(&tr.x).map(|(&t, x)| (t, x[i])).collect(),
        })
        .collect();
    let phase = (n == 2).then(|| {
        let max = |i: usize| {
            let obs = s.x[i].iter().copied().fold(0.0_f64, f64::max);
            let fit = tr.x.iter().map(|x| x[i]).fold(0.0_f64, f64::max);
            let eq = f
                .equilibria
                .points
                .iter()
                .filter(|e| e.feasible)
                .map(|e| e.x[i])
                .fold(0.0_f64, f64::max);
            obs.max(fit).max(eq) * 1.25
        };
        let (xm, ym) = (max(0), max(1));
        let rhs = |x: f64, y: f64| {
            (
                x * (f.lv.r[0] + f.lv.a(0, 0) * x + f.lv.a(0, 1) * y),
                y * (f.lv.r[1] + f.lv.a(1, 0) * x + f.lv.a(1, 1) * y),
            )
        };
        let k = 15;
        let mut field = Vec::new();
        for a in 1..=k {
            for b in 1..=k {
                let (x, y) = (xm * a as f64 / (k + 1) as f64, ym * b as f64 / (k + 1) as f64);
                let (dx, dy) = rhs(x, y);
                field.push((x, y, dx, dy));
            }
        }
        // Non-trivial nullclines: r_i + a_i1 x + a_i2 y = 0, drawn inside the window.
        let line = |i: usize, name: &str| {
            let (r, ax, ay) = (f.lv.r[i], f.lv.a(i, 0), f.lv.a(i, 1));
            let points: Vec<(f64, f64)> = (0..=100)
                .filter_map(|k| {
                    if ay != 0.0 {
                        let x = xm * k as f64 / 100.0;
                        let y = -(r + ax * x) / ay;
                        (0.0..=ym).contains(&y).then_some((x, y))
                    } else if ax != 0.0 {
                        let y = ym * k as f64 / 100.0;
                        let x = -r / ax;
                        (0.0..=xm).contains(&x).then_some((x, y))
                    } else {
                        None
                    }
                })
                .collect();
            Points { name: name.to_string(), points }
        };
        let nullclines: Vec<Points> = [
            line(0, &format!("d{}/dt = 0", s.names[0])),
            line(1, &format!("d{}/dt = 0", s.names[1])),
        ]
        .into_iter()
        .filter(|p| p.points.len() >= 2)
        .collect();
        let equilibria = f
            .equilibria
            .points
            .iter()
            .filter(|e| e.feasible && e.x[0] <= xm && e.x[1] <= ym)
            .map(|e| EquilibriumData {
                label: format!("{:?} {:?}", e.stability, e.kind).to_lowercase(),
                x: e.x[0],
                y: e.x[1],
                stable: e.stability == Stability::Stable,
            })
            .collect();
        PhaseData {
            x_label: s.names[0].clone(),
            y_label: s.names[1].clone(),
            x_range: (0.0, xm),
            y_range: (0.0, ym),
            field,
            nullclines,
            trajectories: vec![Points {
                name: "fitted path".into(),
                points: tr.x.iter().map(|x| (x[0], x[1])).collect(),
            }],
            equilibria,
        }
    });
    let pair = f.pair(0, 1);
    let data = DynamicsData {
        time_label: "year".into(),
        mode: pair
            .and_then(|p| p.mode)
            .map(|m| m.to_string())
            .unwrap_or_else(|| "not classified".into()),
        method: format!(
            "estimator {:?}, form {:?}, growth {:?}, timing {:?}, residual {:?}; {} bootstrap draws usable of {}",
            f.options.estimator,
            f.options.form,
            f.options.growth,
            f.options.timing,
            f.options.residual,
            f.draws_ok,
            f.draws
        ),
        series,
        phase,
        coefficients: report_coefficients(f),
        mode_probabilities: pair
            .map(|p| {
                p.probability
                    .iter()
                    .map(|(m, q)| ModeProbability { mode: m.to_string(), probability: *q })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let path = dir.join("dynamics.json");
    crate::out::write_file(&path, serde_json::to_string_pretty(&data)?.as_bytes())?;
    Ok(path)
}

/// The coefficients whose bootstrap distribution the report draws: those that decide the mode
/// of the first pair, with its growth rates. F3 fits give α, β, γ, δ; fits with finite
/// capacities σ12, σ21, r1, r2; the others a12, a21, r1, r2. Only coefficients with draws (a
/// fit with `--bootstrap N`) are kept, so a fit without a bootstrap has none.
fn report_coefficients(f: &Fit) -> Vec<symbiont_report::parts::CoefficientDraws> {
    let has = |name: &str| {
        f.params.iter().zip(&f.draws_by_param).any(|(p, d)| p.name == name && !d.is_empty())
    };
    let wanted: [&str; 4] = if has("alpha") {
        ["alpha", "beta", "gamma", "delta"]
    } else if has("sigma[1,2]") {
        ["sigma[1,2]", "sigma[2,1]", "r[1]", "r[2]"]
    } else {
        ["a[1,2]", "a[2,1]", "r[1]", "r[2]"]
    };
    wanted
        .iter()
        .filter_map(|name| {
            f.params.iter().zip(&f.draws_by_param).find(|(p, d)| p.name == *name && !d.is_empty())
        })
        .map(|(p, d)| symbiont_report::parts::CoefficientDraws {
            name: p.name.clone(),
            estimate: p.estimate,
            draws: d.clone(),
        })
        .collect()
}
