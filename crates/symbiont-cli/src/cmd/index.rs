//! `symbiont index --method entropy|topsis|coupling|synergy PANEL [--spec SPEC]`: index
//! construction on a panel (entity × year × indicator), with a table, `--csv` or `--json` output.
//!
//! This module only reads files, maps flags onto the library's option structs and prints; all
//! parsing of panel bytes and every formula live in `symbiont-indices`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use symbiont_indices::{
    AllZero, Bounds, Closure, CouplingFormula, Direction, EntropyOptions, GradeTable, IndexOptions,
    LagRule, Missing, Normalisation, Panel, PanelFormat, PanelSpec, Pooling, ReadOptions, RowKey,
    Standardisation, SynergyOptions, WeightPlacement, WeightSource, ZeroHandling, pipeline,
    read_csv, read_xlsx,
};

use crate::out::{num, print_json, table, write_file};

const AFTER_HELP: &str = "\
Examples:
  symbiont index --method coupling data/coupling_example.csv --formula modified
  symbiont index --method entropy --panel data/wdi_macro_long.csv \\
      --spec data/examples/indices/laos_economy.toml
  symbiont index --method coupling --panel data/wdi_macro_long.csv \\
      --spec data/examples/indices/laos_economy.toml --formula modified --json
  symbiont index --method synergy --panel data/wdi_macro_long.csv \\
      --spec data/examples/indices/laos_economy.toml --base chained --csv synergy.csv
  symbiont index --method topsis --panel panel.xlsx --sheet 2020 --cost debt --placement linear

The panel is a CSV (long: entity, year, indicator, value; wide: one column per indicator), a
World Bank WDI download as it comes, or an Excel .xlsx workbook. The spec (TOML) names the
subsystems, each indicator's direction (benefit or cost) and the method options; flags override
the spec. Without a spec, coupling treats each column as one subsystem index U, and entropy and
TOPSIS treat all indicators as one subsystem. See docs/indices.md.";

/// The index to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Entropy weights within each subsystem, and subsystem scores.
    Entropy,
    /// TOPSIS closeness within each subsystem.
    Topsis,
    /// Coupling coordination degree C, T, D with grades and development type.
    Coupling,
    /// Composite-system synergy degree between years.
    Synergy,
}

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The index to compute.
    #[arg(long, value_enum)]
    pub method: Method,
    /// The panel file: .csv (long, wide or WDI download) or .xlsx.
    #[arg(value_name = "PANEL")]
    pub panel_file: Option<PathBuf>,
    /// The panel file (same as the positional PANEL).
    #[arg(long = "panel", value_name = "FILE", conflicts_with = "panel_file")]
    pub panel: Option<PathBuf>,
    /// Panel spec (TOML): subsystems, benefit/cost indicators, weights, targets, options.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,

    // --- reading the panel
    /// Layout: auto, long, wide or wdi.
    #[arg(long, value_name = "FORMAT", help_heading = "Panel")]
    pub format: Option<PanelFormat>,
    /// The worksheet of an .xlsx file (default: the first).
    #[arg(long, help_heading = "Panel")]
    pub sheet: Option<String>,
    /// Name of the entity column (detected when omitted).
    #[arg(long, value_name = "COLUMN", help_heading = "Panel")]
    pub entity_column: Option<String>,
    /// Name of the year column (detected when omitted).
    #[arg(long, value_name = "COLUMN", help_heading = "Panel")]
    pub year_column: Option<String>,
    /// Name of the indicator column of a long panel.
    #[arg(long, value_name = "COLUMN", help_heading = "Panel")]
    pub indicator_column: Option<String>,
    /// Name of the value column of a long panel.
    #[arg(long, value_name = "COLUMN", help_heading = "Panel")]
    pub value_column: Option<String>,
    /// Keep only these entities (comma-separated).
    #[arg(long, value_delimiter = ',', help_heading = "Panel")]
    pub entities: Vec<String>,
    /// Keep only these years, e.g. 2000-2016.
    #[arg(long, value_name = "FROM-TO", help_heading = "Panel")]
    pub years: Option<String>,
    /// Drop rows with a missing value instead of stopping.
    #[arg(long, help_heading = "Panel")]
    pub drop_incomplete: bool,
    /// Without a spec: benefit indicators (comma-separated; default all but --cost).
    #[arg(long, value_delimiter = ',', help_heading = "Panel")]
    pub benefit: Vec<String>,
    /// Without a spec: cost indicators (comma-separated).
    #[arg(long, value_delimiter = ',', help_heading = "Panel")]
    pub cost: Vec<String>,
    /// Coupling without a spec: the columns holding the subsystem indices U (default: all).
    #[arg(long, value_delimiter = ',', help_heading = "Panel")]
    pub columns: Vec<String>,

    // --- entropy
    /// min-max, max, sum or z-score[:SHIFT].
    #[arg(long, value_name = "HOW", help_heading = "Entropy")]
    pub standardise: Option<Standardisation>,
    /// Zeros before logs: none, shift:A (e.g. shift:0.01) or rescale:EPS (e.g. rescale:0.002).
    #[arg(long, value_name = "HOW", help_heading = "Entropy")]
    pub zero: Option<ZeroHandling>,
    /// Rows sharing one set of weights: global, per-year or per-entity.
    #[arg(long, value_name = "POOL", help_heading = "Entropy")]
    pub pooling: Option<Pooling>,
    /// Multiply scores by this (e.g. 100).
    #[arg(long, help_heading = "Entropy")]
    pub scale: Option<f64>,
    /// Rescale each subsystem's scores to [0, 1] before they become U.
    #[arg(long, help_heading = "Entropy")]
    pub rescale_scores: bool,

    // --- TOPSIS
    /// vector or min-max.
    #[arg(long, value_name = "HOW", help_heading = "TOPSIS")]
    pub normalise: Option<Normalisation>,
    /// squared (v = w·z) or linear (√Σ w (z − z*)²).
    #[arg(long, value_name = "WHERE", help_heading = "TOPSIS")]
    pub placement: Option<WeightPlacement>,
    /// Indicator weights: entropy, equal or given (from the spec).
    #[arg(long, value_name = "FROM", help_heading = "TOPSIS")]
    pub weights: Option<WeightSource>,

    // --- coupling
    /// normative, modified, or the legacy lost-coefficient, pairwise, liao:K.
    #[arg(long, value_name = "C", help_heading = "Coupling")]
    pub formula: Option<CouplingFormula>,
    /// Weights of T = Σ w U (comma-separated; default equal).
    #[arg(long, value_delimiter = ',', value_name = "W", help_heading = "Coupling")]
    pub t_weights: Vec<f64>,
    /// Interval closure of the grade tables: left [a,b) or right (a,b].
    #[arg(long, value_enum, help_heading = "Coupling")]
    pub closure: Option<ClosureArg>,
    /// Grading of C: stages (0,0.3],(0.3,0.5],... or bands [0,0.3),[0.3,0.6),...
    #[arg(long, value_enum, help_heading = "Coupling")]
    pub c_grades: Option<CGrades>,
    /// A subsystem lags when max U − U_i exceeds this (default 0.1).
    #[arg(long, value_name = "X", help_heading = "Coupling", conflicts_with = "lag_ratio")]
    pub lag_threshold: Option<f64>,
    /// A subsystem lags when max U / U_i exceeds this (the ratio rule).
    #[arg(long, value_name = "R", help_heading = "Coupling")]
    pub lag_ratio: Option<f64>,
    /// C when every U is 0: zero or undefined.
    #[arg(long, value_enum, help_heading = "Coupling")]
    pub all_zero: Option<AllZeroArg>,

    // --- synergy
    /// observed, expanded[:FRACTION] (default 0.1) or targets (from the spec).
    #[arg(long, value_name = "HOW", help_heading = "Synergy")]
    pub bounds: Option<Bounds>,
    /// Subsystem order degree: geometric or weighted.
    #[arg(long, value_name = "HOW", help_heading = "Synergy")]
    pub aggregation: Option<symbiont_indices::Aggregation>,
    /// fixed, fixed:YEAR or chained.
    #[arg(long, value_name = "BASE", help_heading = "Synergy")]
    pub base: Option<symbiont_indices::BaseMode>,
    /// Weights w_j of Π|Δu_j|^{w_j} (comma-separated; default 1/k).
    #[arg(long, value_delimiter = ',', value_name = "W", help_heading = "Synergy")]
    pub subsystem_weights: Vec<f64>,

    // --- output
    /// Write the result table as CSV to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub csv: Option<PathBuf>,
    /// Print the full report (with every option used) as JSON.
    #[arg(long, help_heading = "Output", conflicts_with = "csv")]
    pub json: bool,
    /// Also write the index tables with their grades as `indices.csv` into this run folder, for
    /// `symbiont report` (the tables of another method already there are kept).
    #[arg(long, value_name = "RUN_DIR", help_heading = "Output")]
    pub into: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ClosureArg {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CGrades {
    Stages,
    Bands,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AllZeroArg {
    Zero,
    Undefined,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    // A wrong --into is refused before any work, not after it.
    if let Some(dir) = &a.into {
        crate::out::run_folder(dir)?;
    }
    let mut spec = match &a.spec {
        Some(s) => {
            let text =
                std::fs::read_to_string(s).with_context(|| format!("reading {}", s.display()))?;
            Some(PanelSpec::from_toml(&text, &s.display().to_string())?)
        }
        None => None,
    };
    // The panel named on the command line wins; else the spec's `[panel] file`, which is
    // relative to the spec file.
    let from_spec =
        a.spec.as_ref().zip(spec.as_ref().and_then(|s| s.panel.file.as_ref())).map(
            |(spec_path, file)| spec_path.parent().unwrap_or_else(|| Path::new("")).join(file),
        );
    let Some(path) = a.panel.clone().or_else(|| a.panel_file.clone()).or(from_spec) else {
        bail!(
            "give the panel file, e.g. `symbiont index --method {} --panel data.csv`, or name it \
             in the spec as [panel] file = \"data.csv\"",
            method_name(a.method)
        );
    };
    let mut read = spec.as_ref().map_or_else(ReadOptions::default, PanelSpec::read_options);
    apply_read_flags(&a, &mut read);
    // Without a spec, --benefit/--columns limit what is read (and so what must parse); --cost
    // alone leaves every other indicator as a benefit one, so everything must be read.
    if spec.is_none() && (!a.benefit.is_empty() || !a.columns.is_empty()) {
        read.only = Some(a.benefit.iter().chain(&a.cost).chain(&a.columns).cloned().collect());
    }
    let panel = read_panel(&path, &read)?;
    if !panel.skipped_label_columns().is_empty() {
        eprintln!(
            "note: skipped text-only columns (labels, not indicators): {}",
            panel.skipped_label_columns().join(", ")
        );
    }
    let mut options = spec.as_ref().map(|s| s.options.clone()).unwrap_or_default();
    apply_option_flags(&a, &mut options)?;
    let source = path.display().to_string();

    if a.method == Method::Coupling && spec.is_none() {
        let cols =
            if a.columns.is_empty() { panel.indicators().to_vec() } else { a.columns.clone() };
        let panel = filter_rows(&a, &panel)?;
        let missing = if a.drop_incomplete { Missing::Drop } else { Missing::Error };
        let report = pipeline::coupling_direct(&panel, &cols, &options.coupling, missing)
            .with_context(|| format!("coupling coordination of {source}"))?;
        return print_coupling(&a, &report);
    }
    let spec = match spec.take() {
        Some(mut s) => {
            s.options = options;
            apply_row_flags(&a, &mut s)?;
            s
        }
        None => {
            if a.method == Method::Synergy {
                bail!(
                    "the synergy degree compares subsystems: give --spec FILE with two or more \
                     [[subsystem]] groups (see docs/indices.md)"
                );
            }
            let all = if a.benefit.is_empty() {
                panel.indicators().iter().filter(|i| !a.cost.contains(i)).cloned().collect()
            } else {
                a.benefit.clone()
            };
            let mut inds: Vec<(String, Direction)> =
                all.into_iter().map(|i| (i, Direction::Benefit)).collect();
            inds.extend(a.cost.iter().map(|i| (i.clone(), Direction::Cost)));
            let mut s = PanelSpec::single("index", inds);
            s.options = options;
            apply_row_flags(&a, &mut s)?;
            s
        }
    };
    let prepared = pipeline::prepare(&panel, &spec).with_context(|| format!("panel {source}"))?;
    if !prepared.dropped.is_empty() {
        let list: Vec<String> = prepared.dropped.iter().map(ToString::to_string).collect();
        eprintln!("note: dropped {} incomplete rows: {}", list.len(), list.join(", "));
    }
    let o = &spec.options;
    let what = format!("{} index of {source}", method_name(a.method));
    match a.method {
        Method::Entropy => {
            let r = pipeline::entropy(&prepared, &o.entropy).with_context(|| what.clone())?;
            print_entropy(&a, &r)
        }
        Method::Topsis => {
            let r =
                pipeline::topsis(&prepared, &o.topsis, &o.entropy).with_context(|| what.clone())?;
            print_topsis(&a, &r)
        }
        Method::Coupling => {
            let r = pipeline::coupling(&prepared, &o.coupling, &o.entropy)
                .with_context(|| what.clone())?;
            print_coupling(&a, &r)
        }
        Method::Synergy => {
            let r = pipeline::synergy(&prepared, &o.synergy, &o.entropy)
                .with_context(|| what.clone())?;
            print_synergy(&a, &r)
        }
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Entropy => "entropy",
        Method::Topsis => "topsis",
        Method::Coupling => "coupling",
        Method::Synergy => "synergy",
    }
}

fn read_panel(path: &Path, o: &ReadOptions) -> anyhow::Result<Panel> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let panel = if matches!(ext.as_str(), "xlsx" | "xlsm") {
        read_xlsx(&bytes, &name, o)?
    } else {
        read_csv(&bytes, &name, o)?
    };
    Ok(panel)
}

fn apply_read_flags(a: &Args, r: &mut ReadOptions) {
    if let Some(f) = a.format {
        r.format = f;
    }
    let set = |dst: &mut Option<String>, src: &Option<String>| {
        if src.is_some() {
            dst.clone_from(src);
        }
    };
    set(&mut r.sheet, &a.sheet);
    set(&mut r.entity, &a.entity_column);
    set(&mut r.year, &a.year_column);
    set(&mut r.indicator, &a.indicator_column);
    set(&mut r.value, &a.value_column);
}

fn parse_years(s: &str) -> anyhow::Result<(i32, i32)> {
    let parse = |x: &str| x.trim().parse::<i32>().ok();
    let range = match s.split_once('-') {
        Some((a, b)) => parse(a).zip(parse(b)),
        None => parse(s).map(|y| (y, y)),
    };
    match range {
        Some((a, b)) if a <= b => Ok((a, b)),
        _ => bail!("--years {s}: expected FROM-TO with FROM ≤ TO, e.g. 2000-2016"),
    }
}

fn apply_row_flags(a: &Args, s: &mut PanelSpec) -> anyhow::Result<()> {
    if !a.entities.is_empty() {
        s.panel.entities = Some(a.entities.clone());
    }
    if let Some(y) = &a.years {
        let (from, to) = parse_years(y)?;
        s.panel.years = Some([from, to]);
    }
    if a.drop_incomplete {
        s.panel.missing = Missing::Drop;
    }
    Ok(())
}

fn filter_rows(a: &Args, p: &Panel) -> anyhow::Result<Panel> {
    let years = a.years.as_deref().map(parse_years).transpose()?;
    let entities = (!a.entities.is_empty()).then_some(a.entities.as_slice());
    Ok(p.filter(entities, years))
}

fn apply_option_flags(a: &Args, o: &mut IndexOptions) -> anyhow::Result<()> {
    let e = &mut o.entropy;
    if let Some(s) = a.standardise {
        e.standardisation = s;
    }
    if let Some(z) = a.zero {
        e.zero = z;
    }
    if let Some(p) = a.pooling {
        e.pooling = p;
    }
    if let Some(s) = a.scale {
        e.scale = s;
    }
    e.rescale_scores |= a.rescale_scores;
    let t = &mut o.topsis;
    if let Some(n) = a.normalise {
        t.normalisation = n;
    }
    if let Some(p) = a.placement {
        t.placement = p;
    }
    if let Some(w) = a.weights {
        t.weights = w;
        o.synergy.weights = w;
    }
    let c = &mut o.coupling;
    if let Some(f) = a.formula {
        c.formula = f;
    }
    if !a.t_weights.is_empty() {
        c.weights = Some(a.t_weights.clone());
    }
    if let Some(g) = a.c_grades {
        c.c_grades = match g {
            CGrades::Stages => GradeTable::coupling_stages(),
            CGrades::Bands => GradeTable::coupling_bands(),
        };
    }
    if let Some(cl) = a.closure {
        let cl = match cl {
            ClosureArg::Left => Closure::Left,
            ClosureArg::Right => Closure::Right,
        };
        c.d_grades.closure = cl;
        c.c_grades.closure = cl;
        o.synergy.grades.closure = cl;
    }
    if let Some(x) = a.lag_threshold {
        c.lag = LagRule::Difference { threshold: x };
    }
    if let Some(r) = a.lag_ratio {
        c.lag = LagRule::Ratio { ratio: r };
    }
    if let Some(z) = a.all_zero {
        c.all_zero = match z {
            AllZeroArg::Zero => AllZero::Zero,
            AllZeroArg::Undefined => AllZero::Undefined,
        };
    }
    let s: &mut SynergyOptions = &mut o.synergy;
    if let Some(b) = a.bounds {
        s.bounds = b;
    }
    if let Some(g) = a.aggregation {
        s.aggregation = g;
    }
    if let Some(b) = a.base {
        s.base = b;
    }
    if !a.subsystem_weights.is_empty() {
        s.subsystem_weights = Some(a.subsystem_weights.clone());
    }
    Ok(())
}

/// One output table: a header, numbers formatted for people, and full precision for CSV.
struct Out {
    header: Vec<String>,
    shown: Vec<Vec<String>>,
    exact: Vec<Vec<String>>,
}

impl Out {
    fn new(header: Vec<String>) -> Self {
        Self { header, shown: Vec::new(), exact: Vec::new() }
    }

    fn push(&mut self, cells: Vec<Val>) {
        self.shown.push(cells.iter().map(Val::shown).collect());
        self.exact.push(cells.iter().map(Val::exact).collect());
    }

    fn print(&self) {
        let mut t = table(self.header.clone());
        for r in &self.shown {
            t.add_row(r.clone());
        }
        println!("{t}");
    }

    fn csv(&self, path: &Path) -> anyhow::Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header)?;
        for r in &self.exact {
            w.write_record(r)?;
        }
        let bytes = w.into_inner().context("writing CSV")?;
        if path.as_os_str() == "-" {
            use std::io::Write;
            std::io::stdout().lock().write_all(&bytes)?;
            Ok(())
        } else {
            write_file(path, &bytes)
        }
    }
}

enum Val {
    Text(String),
    Num(f64),
    /// A value that may not apply (a weight of a geometric mean): "–" when absent.
    Maybe(Option<f64>),
    /// A value that can be undefined (C and D when every U is 0 and that is asked for).
    Undef(Option<f64>),
}

impl Val {
    fn shown(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Num(x) => num(*x),
            Val::Maybe(x) => x.map_or("–".into(), num),
            Val::Undef(x) => x.map_or("undefined".into(), num),
        }
    }

    fn exact(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Num(x) => x.to_string(),
            Val::Maybe(x) | Val::Undef(x) => x.map_or(String::new(), |x| x.to_string()),
        }
    }
}

fn key_cells(k: &RowKey) -> Vec<Val> {
    vec![Val::Text(k.entity.clone()), Val::Text(k.year.map_or(String::new(), |y| y.to_string()))]
}

fn key_header() -> Vec<String> {
    vec!["entity".into(), "year".into()]
}

/// Print the main table (or write it as CSV) after a header of options.
fn emit(a: &Args, options: &str, pre: &[&Out], main: &Out) -> anyhow::Result<()> {
    match &a.csv {
        Some(path) => main.csv(path),
        None => {
            println!("{options}");
            for t in pre {
                t.print();
            }
            main.print();
            Ok(())
        }
    }
}

fn describe_entropy(o: &EntropyOptions) -> String {
    let std = match o.standardisation {
        Standardisation::MinMax => "min-max".to_string(),
        Standardisation::MaxRatio => "x/max".to_string(),
        Standardisation::Share => "x/Σx".to_string(),
        Standardisation::ZScore { shift } => format!("z-score + {shift}"),
    };
    let zero = match o.zero {
        ZeroHandling::ZeroLogZero => "0·ln0 := 0".to_string(),
        ZeroHandling::Shift { a } => format!("x' + {a}"),
        ZeroHandling::Rescale { eps } => format!("rescaled into [{eps}, {}]", 1.0 - eps),
    };
    let pool = match o.pooling {
        Pooling::Global => "global (all rows pooled)",
        Pooling::PerYear => "per year",
        Pooling::PerEntity => "per entity",
    };
    format!(
        "entropy: standardisation {std}; zeros {zero}; pooling {pool}; scale {}{}",
        o.scale,
        if o.rescale_scores { "; scores rescaled to [0, 1]" } else { "" }
    )
}

fn weights_out(tables: &[pipeline::WeightTable]) -> Out {
    let mut out = Out::new(
        ["subsystem", "pool", "indicator", "direction", "entropy e", "d = 1 − e", "weight"]
            .map(String::from)
            .to_vec(),
    );
    for t in tables {
        for i in &t.indicators {
            out.push(vec![
                Val::Text(t.subsystem.clone()),
                Val::Text(t.pool.clone()),
                Val::Text(i.name.clone()),
                Val::Text(dir(i.direction).into()),
                Val::Maybe(i.entropy),
                Val::Maybe(i.divergence),
                Val::Num(i.weight),
            ]);
        }
    }
    out
}

fn dir(d: Direction) -> &'static str {
    match d {
        Direction::Benefit => "benefit",
        Direction::Cost => "cost",
    }
}

fn print_entropy(a: &Args, r: &pipeline::EntropyReport) -> anyhow::Result<()> {
    write_into(a, &entropy_rows(r))?;
    if a.json {
        return print_json(r);
    }
    let weights = weights_out(&r.weights);
    let mut header = key_header();
    header.extend(r.subsystems.iter().map(|s| format!("{s} score")));
    let mut out = Out::new(header);
    for (k, s) in r.rows.iter().zip(&r.scores) {
        let mut cells = key_cells(k);
        cells.extend(s.iter().map(|x| Val::Num(*x)));
        out.push(cells);
    }
    emit(a, &describe_entropy(&r.options), &[&weights], &out)
}

fn print_topsis(a: &Args, r: &pipeline::TopsisReport) -> anyhow::Result<()> {
    write_into(a, &topsis_rows(r))?;
    if a.json {
        return print_json(r);
    }
    let o = &r.options;
    let mut desc = format!(
        "topsis: normalisation {}; weights {} ({})",
        match o.normalisation {
            Normalisation::Vector => "vector",
            Normalisation::MinMax => "min-max",
        },
        match o.placement {
            WeightPlacement::Squared => "squared, v = w·z",
            WeightPlacement::Linear => "linear, √Σ w (z − z*)²",
        },
        match o.weights {
            WeightSource::Entropy => "entropy",
            WeightSource::Equal => "equal",
            WeightSource::Given => "given in the spec",
        }
    );
    if let Some(e) = &r.entropy {
        desc = format!("{desc}\n{}", describe_entropy(e));
    }
    let weights = weights_out(&r.weights);
    let mut header = key_header();
    for s in &r.subsystems {
        header.extend([
            format!("{s} D+"),
            format!("{s} D−"),
            format!("{s} closeness"),
            format!("{s} rank"),
        ]);
    }
    let mut out = Out::new(header);
    for (i, k) in r.rows.iter().enumerate() {
        let mut cells = key_cells(k);
        for t in &r.results {
            cells.extend([
                Val::Num(t.d_plus[i]),
                Val::Num(t.d_minus[i]),
                Val::Num(t.closeness[i]),
                Val::Text(t.rank[i].to_string()),
            ]);
        }
        out.push(cells);
    }
    emit(a, &desc, &[&weights], &out)
}

fn grade_text(g: &Option<symbiont_indices::Grade>) -> String {
    g.as_ref().map_or("(outside the table)".into(), ToString::to_string)
}

fn closure_text(t: &GradeTable) -> &'static str {
    match t.closure {
        Closure::Left => "[a, b)",
        Closure::Right => "(a, b]",
    }
}

fn print_coupling(a: &Args, r: &pipeline::CouplingReport) -> anyhow::Result<()> {
    if r.legacy {
        eprintln!(
            "note: {} is a LEGACY coupling formula, kept only to replicate papers; prefer \
             --formula normative or modified (Wang Shujia et al. 2021)",
            r.options.formula.label()
        );
    }
    write_into(a, &coupling_rows(r))?;
    if a.json {
        return print_json(r);
    }
    let o = &r.options;
    let lag = match o.lag {
        LagRule::Difference { threshold } => format!("max U − U_i > {threshold}"),
        LagRule::Ratio { ratio } => format!("max U / U_i > {ratio}"),
    };
    let mut desc = format!(
        "coupling: C {}; T weights {}; D grades {} {}; C grades {} {}; lagging when {lag}; all U = 0 gives {}",
        o.formula.label(),
        o.weights.as_ref().map_or("equal".into(), |w| format!("{w:?}")),
        o.d_grades.name,
        closure_text(&o.d_grades),
        o.c_grades.name,
        closure_text(&o.c_grades),
        match o.all_zero {
            AllZero::Zero => "C = 0",
            AllZero::Undefined => "undefined",
        }
    );
    let pre = r.entropy.as_ref().map(|e| {
        desc = format!("{desc}\nU from {}", describe_entropy(&e.options));
        weights_out(&e.weights)
    });
    let mut header = key_header();
    header.extend(r.subsystems.iter().map(|s| format!("U {s}")));
    header.extend(["C", "T", "D", "D grade", "C grade", "development"].map(String::from));
    let csv = a.csv.is_some();
    if csv {
        // Machine-readable: the English and the Chinese grade in columns of their own.
        header.truncate(header.len() - 3);
        header.extend(
            ["D grade", "D grade (zh)", "C grade", "C grade (zh)", "development"].map(String::from),
        );
    }
    let mut out = Out::new(header);
    for row in &r.rows {
        let c = &row.coordination;
        let mut cells = key_cells(&row.key);
        cells.extend(row.u.iter().map(|x| Val::Num(*x)));
        cells.extend([Val::Undef(c.c), Val::Num(c.t), Val::Undef(c.d)]);
        let dev = if c.lagging.is_empty() {
            "synchronous (同步发展)".to_string()
        } else {
            let names: Vec<&str> = c.lagging.iter().map(|&i| r.subsystems[i].as_str()).collect();
            format!("{} lagging ({}滞后)", names.join(", "), names.join("、"))
        };
        if csv {
            let split = |g: &Option<symbiont_indices::Grade>| match g {
                Some(g) => [Val::Text(g.en.clone()), Val::Text(g.zh.clone())],
                None => [Val::Text(String::new()), Val::Text(String::new())],
            };
            cells.extend(split(&c.d_grade));
            cells.extend(split(&c.c_grade));
        } else {
            cells.extend([Val::Text(grade_text(&c.d_grade)), Val::Text(grade_text(&c.c_grade))]);
        }
        cells.push(Val::Text(dev));
        out.push(cells);
    }
    emit(a, &desc, pre.as_ref().as_slice(), &out)
}

fn print_synergy(a: &Args, r: &pipeline::SynergyReport) -> anyhow::Result<()> {
    write_into(a, &synergy_rows(r))?;
    if a.json {
        return print_json(r);
    }
    let o = &r.options;
    let desc = format!(
        "synergy: bounds {}; subsystem order {}; base {}; subsystem weights {}; grades {} {}",
        match o.bounds {
            Bounds::Observed => "observed min/max".to_string(),
            Bounds::Expanded { fraction } =>
                format!("observed, expanded outward by {}%", fraction * 100.0),
            Bounds::Targets => "targets from the spec".to_string(),
        },
        match o.aggregation {
            symbiont_indices::Aggregation::Geometric => "geometric mean".to_string(),
            symbiont_indices::Aggregation::Weighted =>
                format!("weighted ({:?} weights)", o.weights).to_lowercase(),
        },
        match o.base {
            symbiont_indices::BaseMode::Fixed { year: None } => "fixed (first year)".to_string(),
            symbiont_indices::BaseMode::Fixed { year: Some(y) } => format!("fixed ({y})"),
            symbiont_indices::BaseMode::Chained => "chained (year on year)".to_string(),
        },
        o.subsystem_weights.as_ref().map_or("equal".into(), |w| format!("{w:?}")),
        o.grades.name,
        closure_text(&o.grades),
    );
    let mut params = Out::new(
        ["subsystem", "order parameter", "direction", "lower β", "upper α", "weight λ"]
            .map(String::from)
            .to_vec(),
    );
    for p in &r.parameters {
        params.push(vec![
            Val::Text(p.subsystem.clone()),
            Val::Text(p.name.clone()),
            Val::Text(dir(p.direction).into()),
            Val::Num(p.lower),
            Val::Num(p.upper),
            Val::Maybe(p.weight),
        ]);
    }
    let mut order_header = key_header();
    order_header.extend(r.subsystems.iter().map(|s| format!("order u {s}")));
    let mut order = Out::new(order_header);
    for (k, u) in r.rows.iter().zip(&r.order) {
        let mut cells = key_cells(k);
        cells.extend(u.iter().map(|x| Val::Num(*x)));
        order.push(cells);
    }
    let mut header: Vec<String> = ["entity", "base year", "year"].map(String::from).to_vec();
    header.extend(r.subsystems.iter().map(|s| format!("Δu {s}")));
    header.extend(["θ", "synergy C", "grade"].map(String::from));
    let csv = a.csv.is_some();
    if csv {
        header.push("grade (zh)".into());
    }
    let mut out = Out::new(header);
    for s in &r.steps {
        let mut cells = vec![
            Val::Text(s.entity.clone()),
            Val::Text(s.base_year.to_string()),
            Val::Text(s.year.to_string()),
        ];
        cells.extend(s.step.delta.iter().map(|d| Val::Num(*d)));
        cells.extend([Val::Num(s.step.theta), Val::Num(s.step.c)]);
        if csv {
            cells.push(Val::Text(s.grade.as_ref().map_or(String::new(), |g| g.en.clone())));
            cells.push(Val::Text(s.grade.as_ref().map_or(String::new(), |g| g.zh.clone())));
        } else {
            cells.push(Val::Text(grade_text(&s.grade)));
        }
        out.push(cells);
    }
    emit(a, &desc, &[&params, &order], &out)
}

/// One row of `indices.csv`: `table,entity,year,index,value,grade` (see docs/report.md).
struct IndexRow {
    table: &'static str,
    entity: String,
    year: Option<i32>,
    index: String,
    value: f64,
    grade: String,
}

const INDICES_HEADER: [&str; 6] = ["table", "entity", "year", "index", "value", "grade"];

impl IndexRow {
    fn new(table: &'static str, key: &RowKey, index: String, value: f64, grade: String) -> Self {
        IndexRow { table, entity: key.entity.clone(), year: key.year, index, value, grade }
    }
}

/// Entropy weights as a table without years: entity = subsystem (and pool), index = indicator.
fn weight_rows(table: &'static str, tables: &[pipeline::WeightTable]) -> Vec<IndexRow> {
    tables
        .iter()
        .flat_map(|t| {
            let entity = if t.pool == "all rows" {
                t.subsystem.clone()
            } else {
                format!("{} ({})", t.subsystem, t.pool)
            };
            t.indicators.iter().map(move |i| IndexRow {
                table,
                entity: entity.clone(),
                year: None,
                index: format!("weight of {} ({})", i.name, dir(i.direction)),
                value: i.weight,
                grade: String::new(),
            })
        })
        .collect()
}

fn entropy_rows(r: &pipeline::EntropyReport) -> Vec<IndexRow> {
    let mut out = Vec::new();
    for (k, sc) in r.rows.iter().zip(&r.scores) {
        for (s, v) in r.subsystems.iter().zip(sc) {
            out.push(IndexRow::new("entropy score", k, format!("{s} score"), *v, String::new()));
        }
    }
    out.extend(weight_rows("entropy weights", &r.weights));
    out
}

fn topsis_rows(r: &pipeline::TopsisReport) -> Vec<IndexRow> {
    let mut out = Vec::new();
    for (i, k) in r.rows.iter().enumerate() {
        for (s, t) in r.subsystems.iter().zip(&r.results) {
            let grade = format!("rank {} of {}", t.rank[i], r.rows.len());
            out.push(IndexRow::new(
                "TOPSIS closeness",
                k,
                format!("{s} closeness"),
                t.closeness[i],
                grade,
            ));
        }
    }
    out.extend(weight_rows("TOPSIS weights", &r.weights));
    out
}

fn coupling_rows(r: &pipeline::CouplingReport) -> Vec<IndexRow> {
    let grade =
        |g: &Option<symbiont_indices::Grade>| g.as_ref().map_or(String::new(), ToString::to_string);
    let mut out = Vec::new();
    for row in &r.rows {
        let c = &row.coordination;
        for (s, u) in r.subsystems.iter().zip(&row.u) {
            out.push(IndexRow::new(
                "coupling coordination",
                &row.key,
                format!("U {s}"),
                *u,
                String::new(),
            ));
        }
        // An undefined C or D (every U is 0, when that is asked for) has no row.
        if let Some(v) = c.c {
            out.push(IndexRow::new(
                "coupling coordination",
                &row.key,
                "C".into(),
                v,
                grade(&c.c_grade),
            ));
        }
        out.push(IndexRow::new("coupling coordination", &row.key, "T".into(), c.t, String::new()));
        if let Some(v) = c.d {
            let dev = if c.lagging.is_empty() {
                "synchronous".to_string()
            } else {
                let names: Vec<&str> =
                    c.lagging.iter().map(|&i| r.subsystems[i].as_str()).collect();
                format!("{} lagging", names.join(", "))
            };
            let g = grade(&c.d_grade);
            let g = if g.is_empty() { dev } else { format!("{g}; {dev}") };
            out.push(IndexRow::new("coupling coordination", &row.key, "D".into(), v, g));
        }
    }
    out
}

fn synergy_rows(r: &pipeline::SynergyReport) -> Vec<IndexRow> {
    let mut out = Vec::new();
    for (k, u) in r.rows.iter().zip(&r.order) {
        for (s, v) in r.subsystems.iter().zip(u) {
            out.push(IndexRow::new(
                "synergy order degree",
                k,
                format!("order u {s}"),
                *v,
                String::new(),
            ));
        }
    }
    for st in &r.steps {
        let grade = st.grade.as_ref().map_or(String::new(), ToString::to_string);
        out.push(IndexRow {
            table: "synergy degree",
            entity: st.entity.clone(),
            year: Some(st.year),
            index: "synergy C".into(),
            value: st.step.c,
            grade,
        });
    }
    out
}

/// With `--into RUN_DIR`, write `rows` as `RUN_DIR/indices.csv`. Rows of other tables already
/// in the file (another method's) are kept, so that one report can show several methods;
/// rows of the tables written now are replaced. Non-finite values are left out.
fn write_into(a: &Args, rows: &[IndexRow]) -> anyhow::Result<()> {
    let Some(dir) = &a.into else { return Ok(()) };
    crate::out::run_folder(dir)?;
    let path = dir.join("indices.csv");
    let mut kept: Vec<csv::StringRecord> = Vec::new();
    if path.is_file() {
        let mut rdr =
            csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
        let header = rdr.headers().with_context(|| format!("reading {}", path.display()))?.clone();
        if header.iter().ne(INDICES_HEADER) {
            bail!(
                "{}: expected the columns {}; move the file away or fix it",
                path.display(),
                INDICES_HEADER.join(",")
            );
        }
        let tables: Vec<&str> = rows.iter().map(|r| r.table).collect();
        for rec in rdr.records() {
            let rec = rec.with_context(|| format!("reading {}", path.display()))?;
            if !tables.contains(&rec.get(0).unwrap_or("")) {
                kept.push(rec);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(INDICES_HEADER)?;
    for rec in &kept {
        w.write_record(rec)?;
    }
    let mut n = 0;
    for r in rows.iter().filter(|r| r.value.is_finite()) {
        w.write_record([
            r.table.to_string(),
            r.entity.clone(),
            r.year.map_or(String::new(), |y| y.to_string()),
            r.index.clone(),
            r.value.to_string(),
            r.grade.clone(),
        ])?;
        n += 1;
    }
    let bytes = w.into_inner().context("writing CSV")?;
    write_file(&path, &bytes)?;
    eprintln!(
        "wrote {n} rows to {}{} (run `symbiont report {}`)",
        path.display(),
        if kept.is_empty() {
            String::new()
        } else {
            format!(", kept {} rows of other tables", kept.len())
        },
        dir.display()
    );
    Ok(())
}
