//! From [`RunData`] to a [`Report`]: the sections, their charts and tables, in reading order.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::figure::{
    Arrow, BarSeries, BarValue, BarsFigure, Chart, Equilibrium, Figure, HBar, HBarsFigure,
    HistFigure, HistPanel, Line, LinesFigure, MatrixCell, MatrixFigure, NetEdge, NetNode,
    NetworkFigure, PhaseFigure, fmt_num,
};
use crate::html::esc;
use crate::network;
use crate::parts::{DynamicsData, NetworkData, PlanData};
use crate::rundir::{RunData, SymbiosisRow};

/// What the caller can tell the report that the run folder does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOptions {
    /// Readable labels of metric keys (e.g. `host_jobs` → "host jobs"); keys without one are
    /// shown with spaces for underscores.
    pub metric_labels: Vec<(String, String)>,
    /// The folder (relative to the HTML) the chart files go to, named in each caption.
    pub charts_dir: String,
}

/// A piece of a section: a chart, a row of charts, or HTML (tables, text).
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Charts(Vec<Chart>),
    Html(String),
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The stable id (the HTML anchor; tests look for it).
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A report, before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
    /// Parts the run folder lacks, with the command that adds each.
    pub absent: Vec<String>,
    pub charts_dir: String,
}

impl Report {
    /// Every chart, in order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.sections.iter().flat_map(|s| s.blocks.iter()).flat_map(|b| match b {
            Block::Charts(c) => c.as_slice(),
            Block::Html(_) => &[],
        })
    }
}

/// The id of every section a simulate run folder always has.
pub const CORE_SECTIONS: [&str; 6] =
    ["overview", "comparison", "symbiosis", "flows", "network", "methods"];

/// Build the report of a run folder.
pub fn build(run: &RunData, opts: &ReportOptions) -> Report {
    let ctx = Ctx { run, opts, modes: run.mode_ids() };
    let mut sections = vec![ctx.overview(), ctx.comparison()];
    if !run.ranking.is_empty() {
        sections.push(ctx.ranking());
    }
    let mut absent = Vec::new();
    sections.push(ctx.symbiosis());
    sections.push(ctx.flows());
    sections.push(ctx.network());
    match crate::structure::structure_section(run) {
        Some(s) => sections.push(s),
        None => absent.push(
            "the network each run formed (`network_structure.csv`, `structure.csv`, from \
             `symbiont simulate`; older run folders lack it)"
                .to_string(),
        ),
    }
    match crate::structure::trade_section(run) {
        Some(s) => sections.push(s),
        None => absent.push(
            "goods flows against the observed trade (`trade.csv`, from `symbiont simulate`; \
             older run folders lack it)"
                .to_string(),
        ),
    }
    if run.sensitivity.is_empty() {
        absent.push(
            "sensitivity of the key outcomes to the levers (`sensitivity.csv`, from `symbiont \
             simulate --sensitivity`)"
                .to_string(),
        );
    } else {
        sections.push(ctx.sensitivity());
    }
    match &run.dynamics {
        Some(d) => sections.push(dynamics_section(d)),
        None => absent
            .push("a dynamics fit (`dynamics.json`, from `symbiont dynamics fit`)".to_string()),
    }
    match &run.plan {
        Some(p) => sections.push(plan_section(p)),
        None => {
            absent.push("the planner's allocation (`plan.json`, from `symbiont plan`)".to_string())
        }
    }
    if run.indices.is_empty() {
        absent.push("index tables (`indices.csv`, from `symbiont index`)".to_string());
    } else {
        sections.push(ctx.indices());
    }
    sections.push(ctx.methods(&absent));
    let m = &run.manifest;
    let title = m["scenario"]["title"].as_str().unwrap_or("Symbiont study").to_string();
    let subtitle = format!(
        "{} runs per mode, {} modes, {} periods from {}, seed {}",
        m["runs_per_mode"],
        ctx.modes.len(),
        m["horizon_periods"],
        m["start_year"],
        m["seed"]
    );
    Report { title, subtitle, sections, absent, charts_dir: opts.charts_dir.clone() }
}

struct Ctx<'a> {
    run: &'a RunData,
    opts: &'a ReportOptions,
    modes: Vec<String>,
}

pub(crate) fn table(head: &[String], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{h}</th>");
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let _ = write!(s, "<{tag}>{c}</{}>", &tag[..2]);
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

pub(crate) fn p(text: &str) -> Block {
    Block::Html(format!("<p>{text}</p>"))
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// The short name of a symbiosis mode key, for matrix cells.
fn mode_short(key: &str) -> String {
    match key {
        "symmetric_mutualism" => "sym. mutualism".to_string(),
        "asymmetric_mutualism" => "asym. mutualism".to_string(),
        k => k.replace('_', " "),
    }
}

/// "asymmetric mutualism (1 gains more)" → "a gains more" (units 1 and 2 are a and b).
fn mode_detail(detail: &str) -> String {
    let inner = detail.split_once('(').map(|(_, r)| r.trim_end_matches(')')).unwrap_or("");
    inner.replacen("1 ", "a ", 1).replacen("2 ", "b ", 1)
}

impl Ctx<'_> {
    /// The modes over a calibration's posterior: who ranks first how often, and the regret.
    fn ranking(&self) -> Section {
        let r = &self.run.ranking;
        let mut modes: Vec<&str> = Vec::new();
        let mut metrics: Vec<&str> = Vec::new();
        for row in r {
            if !modes.contains(&row.mode.as_str()) {
                modes.push(&row.mode);
            }
            if !metrics.contains(&row.metric.as_str()) {
                metrics.push(&row.metric);
            }
        }
        let cell = |m: &str, mode: &str| r.iter().find(|x| x.metric == m && x.mode == mode);
        let series = modes
            .iter()
            .map(|mode| BarSeries {
                name: mode.to_string(),
                values: metrics
                    .iter()
                    .map(|m| BarValue {
                        value: cell(m, mode).map_or(f64::NAN, |x| x.p_first),
                        low: None,
                        high: None,
                    })
                    .collect(),
            })
            .collect();
        let chart = Chart::new(
            "posterior-ranking",
            "Probability that each mode ranks first, per outcome, over the posterior draws",
            Figure::Bars(BarsFigure {
                y_label: "P(ranks first)".into(),
                groups: metrics.iter().map(|m| self.label(m)).collect(),
                series,
                color_by_group: false,
                note: "ties share the first place".into(),
                thresholds: Vec::new(),
            }),
        );
        let mut head = vec!["outcome (P first / expected regret)".to_string()];
        head.extend(modes.iter().map(|m| esc(m)));
        let rows: Vec<Vec<String>> = metrics
            .iter()
            .map(|m| {
                let mut line = vec![esc(&self.label(m))];
                for mode in &modes {
                    line.push(cell(m, mode).map_or(String::new(), |x| {
                        format!("{:.2} / {}", x.p_first, fmt_num(x.expected_regret))
                    }));
                }
                line
            })
            .collect();
        let runs = r.first().map_or(0, |x| x.runs);
        Section {
            id: "posterior-ranking",
            title: "The modes over the calibration's posterior".into(),
            blocks: vec![
                p(&format!(
                    "Each of the {runs} runs simulates one draw of the calibration's posterior, the same draw for every mode (draws.csv). Per outcome at the horizon: the share of runs in which each mode ranks first (higher is better, lower for the time to operate; ties share the place), and its expected regret, the mean shortfall from the run's best mode in the outcome's unit."
                )),
                Block::Charts(vec![chart]),
                Block::Html(table(&head, &rows)),
            ],
        }
    }

    fn label(&self, key: &str) -> String {
        self.opts
            .metric_labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| key.replace('_', " "))
    }

    fn metrics(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for r in &self.run.summary {
            if !out.iter().any(|(k, _)| *k == r.metric) {
                out.push((r.metric.clone(), r.unit.clone()));
            }
        }
        out
    }

    fn overview(&self) -> Section {
        let m = &self.run.manifest;
        let s = &m["scenario"];
        let mut blocks = Vec::new();
        let facts = vec![
            vec![
                "scenario".into(),
                esc(&format!(
                    "{} ({})",
                    s["title"].as_str().unwrap_or("?"),
                    s["name"].as_str().unwrap_or("?")
                )),
            ],
            vec!["source".into(), esc(s["origin"].as_str().unwrap_or("?"))],
            vec![
                "scenario SHA-256".into(),
                format!("<code>{}</code>", esc(s["sha256"].as_str().unwrap_or("?"))),
            ],
            vec![
                "horizon".into(),
                format!(
                    "{} periods of {} days from {}",
                    m["horizon_periods"],
                    m["period_days"].as_f64().map_or_else(|| "?".to_string(), fmt_num),
                    m["start_year"]
                ),
            ],
            vec![
                "Monte Carlo".into(),
                format!("{} runs per mode, master seed {}", m["runs_per_mode"], m["seed"]),
            ],
        ];
        blocks.push(Block::Html(table(&["".into(), "".into()], &facts)));
        let rows: Vec<Vec<String>> = self
            .modes
            .iter()
            .map(|id| vec![format!("<code>{}</code>", esc(id)), esc(&self.run.mode_name(id))])
            .collect();
        blocks.push(Block::Html(format!(
            "<h3>Modes compared</h3>{}",
            table(&["id".into(), "mode of organisation".into()], &rows)
        )));
        // Key results: the table behind the end-state bars.
        let mut head = vec!["outcome (unit)".to_string()];
        head.extend(self.modes.iter().map(|m| format!("<code>{}</code>", esc(m))));
        let mut rows = Vec::new();
        for (key, unit) in self.metrics() {
            let mut row = vec![format!("{} ({})", esc(&self.label(&key)), esc(&unit))];
            for mode in &self.modes {
                let cell =
                    self.run.summary.iter().find(|r| r.metric == key && &r.mode == mode).map(|r| {
                        format!(
                            "{}<br><small>CI {}–{} · runs {}–{}</small>",
                            fmt_num(r.mean),
                            fmt_num(r.ci95_low),
                            fmt_num(r.ci95_high),
                            fmt_num(r.p2_5),
                            fmt_num(r.p97_5)
                        )
                    });
                row.push(cell.unwrap_or_else(|| "–".into()));
            }
            rows.push(row);
        }
        blocks.push(Block::Html(format!(
            "<h3>Key results at the end of the horizon</h3><p class=\"note\">Mean across runs; CI: 95% confidence \
             interval of the mean; runs: 2.5% to 97.5% of the runs.</p>{}",
            table(&head, &rows)
        )));
        Section { id: "overview", title: "The scenario at a glance".into(), blocks }
    }

    fn comparison(&self) -> Section {
        let mut blocks = vec![p(
            "Each outcome over time in every mode (left) and at the end of the horizon (right).",
        )];
        let end_year = self.run.series.iter().map(|r| r.year).max();
        for (key, unit) in self.metrics() {
            let label = self.label(&key);
            let lines: Vec<Line> = self
                .modes
                .iter()
                .map(|mode| {
                    let rows: Vec<_> = self
                        .run
                        .series
                        .iter()
                        .filter(|r| r.metric == key && &r.mode == mode)
                        .collect();
                    Line {
                        name: mode.clone(),
                        points: rows.iter().map(|r| (f64::from(r.year), r.mean)).collect(),
                        band: rows
                            .iter()
                            .map(|r| (f64::from(r.year), r.ci95_low, r.ci95_high))
                            .collect(),
                        markers: false,
                    }
                })
                .collect();
            let series = Chart::new(
                format!("series-{}", slug(&key)),
                format!("{label}, per year"),
                Figure::Lines(LinesFigure {
                    x_label: "year".into(),
                    y_label: format!("{label} ({unit})"),
                    lines,
                }),
            );
            let values: Vec<BarValue> = self
                .modes
                .iter()
                .map(|mode| {
                    match self.run.summary.iter().find(|r| r.metric == key && &r.mode == mode) {
                        Some(r) => BarValue {
                            value: r.mean,
                            low: Some(r.ci95_low),
                            high: Some(r.ci95_high),
                        },
                        None => BarValue { value: f64::NAN, low: None, high: None },
                    }
                })
                .collect();
            let end = Chart::new(
                format!("end-{}", slug(&key)),
                format!(
                    "{label}, end of horizon{}",
                    end_year.map(|y| format!(" ({y})")).unwrap_or_default()
                ),
                Figure::Bars(BarsFigure {
                    y_label: format!("{label} ({unit})"),
                    groups: self.modes.clone(),
                    series: vec![BarSeries { name: "mean".into(), values }],
                    color_by_group: true,
                    note: "bar: mean across runs; whisker: 95% confidence interval of the mean"
                        .into(),
                    thresholds: Vec::new(),
                }),
            );
            blocks.push(Block::Charts(
                vec![series, end].into_iter().filter(|c| !c.is_empty()).collect(),
            ));
        }
        Section { id: "comparison", title: "Modes compared".into(), blocks }
    }

    fn symbiosis(&self) -> Section {
        let mut blocks = vec![p(
            "The symbiosis mode between each pair of unit kinds, measured from the benefit streams of \
             every run (micro), and from a Lotka-Volterra fit of home and host output (macro). \
             In each pair, a is the first unit and b the second.",
        )];
        for (scale, title) in [
            ("micro", "Symbiosis per pair of unit kinds (micro)"),
            ("macro", "Symbiosis of home and host output (macro)"),
        ] {
            let rows: Vec<&SymbiosisRow> =
                self.run.symbiosis.iter().filter(|r| r.scale == scale).collect();
            if rows.is_empty() {
                continue;
            }
            let mut pairs: Vec<(String, String)> = Vec::new();
            for r in &rows {
                if !pairs.iter().any(|(a, b)| *a == r.a && *b == r.b) {
                    pairs.push((r.a.clone(), r.b.clone()));
                }
            }
            let mut legend_keys: Vec<String> = Vec::new();
            let cells: Vec<Vec<Option<MatrixCell>>> = pairs
                .iter()
                .map(|(a, b)| {
                    self.modes
                        .iter()
                        .map(|mode| {
                            let best = rows
                                .iter()
                                .filter(|r| &r.a == a && &r.b == b && &r.mode == mode)
                                .max_by(|x, y| x.share_of_runs.total_cmp(&y.share_of_runs))?;
                            if !legend_keys.contains(&best.symbiosis_mode) {
                                legend_keys.push(best.symbiosis_mode.clone());
                            }
                            Some(MatrixCell {
                                key: best.symbiosis_mode.clone(),
                                text: mode_short(&best.symbiosis_mode),
                                detail: mode_detail(&best.detail),
                                share: best.share_of_runs,
                            })
                        })
                        .collect()
                })
                .collect();
            let names: Vec<String> = pairs
                .iter()
                .map(|(a, b)| {
                    if scale == "macro" {
                        "home output – host output".to_string()
                    } else {
                        format!("{a} – {b}")
                    }
                })
                .collect();
            let legend = legend_keys.iter().map(|k| (k.clone(), k.replace('_', " "))).collect();
            let chart = Chart::new(
                format!("symbiosis-{scale}"),
                title,
                Figure::Matrix(MatrixFigure {
                    rows: names,
                    cols: self.modes.clone(),
                    cells,
                    legend,
                }),
            );
            blocks.push(Block::Charts(vec![chart]));
            if scale == "micro" {
                let mut head = vec!["pair (a – b)".to_string()];
                head.extend(self.modes.iter().map(|m| format!("<code>{}</code>", esc(m))));
                let body: Vec<Vec<String>> = pairs
                    .iter()
                    .map(|(a, b)| {
                        let mut row = vec![esc(&format!("{a} – {b}"))];
                        for mode in &self.modes {
                            let r = rows.iter().find(|r| &r.a == a && &r.b == b && &r.mode == mode);
                            row.push(r.map_or("–".into(), |r| {
                                format!(
                                    "a {} · b {}",
                                    fmt_num(r.mean_benefit_a),
                                    fmt_num(r.mean_benefit_b)
                                )
                            }));
                        }
                        row
                    })
                    .collect();
                blocks.push(Block::Html(format!(
                    "<h3>Mean benefit per run over the horizon (US$), to a and to b</h3>{}",
                    table(&head, &body)
                )));
            }
        }
        if blocks.len() == 1 {
            blocks.push(p("This run folder has no <code>symbiosis.csv</code>."));
        }
        Section { id: "symbiosis", title: "Symbiosis modes".into(), blocks }
    }

    fn factors(&self) -> Vec<String> {
        let Some(fl) = &self.run.flows else { return Vec::new() };
        network::factor_order(fl.totals.keys().map(|k| k.1.clone()))
    }

    fn flows(&self) -> Section {
        let mut blocks = vec![p(
            "Factor flows across the border, summed over the horizon and averaged over runs: what goes \
             out (home → host) and what comes back (host → home), by factor.",
        )];
        let Some(fl) = &self.run.flows else {
            blocks.push(p("This run folder has no <code>flows.csv</code>."));
            return Section { id: "flows", title: "Flows by factor and direction".into(), blocks };
        };
        let dir = |s: &str, t: &str| match (network::side(s), network::side(t)) {
            (Some("home"), Some("host")) => "home → host",
            (Some("host"), Some("home")) => "host → home",
            (Some("home"), _) => "within home",
            _ => "within host",
        };
        let mut sums: BTreeMap<(String, String, &str), f64> = BTreeMap::new();
        for mode in &self.modes {
            for (f, s, t, v) in fl.per_run(mode) {
                *sums.entry((mode.clone(), f.to_string(), dir(s, t))).or_insert(0.0) += v;
            }
        }
        let mut charts = Vec::new();
        let mut rows = Vec::new();
        for factor in self.factors() {
            let unit = network::factor_unit(&factor);
            let series: Vec<BarSeries> = ["home → host", "host → home"]
                .iter()
                .map(|d| BarSeries {
                    name: d.to_string(),
                    values: self
                        .modes
                        .iter()
                        .map(|m| BarValue {
                            value: sums
                                .get(&(m.clone(), factor.clone(), *d))
                                .copied()
                                .unwrap_or(0.0),
                            low: None,
                            high: None,
                        })
                        .collect(),
                })
                .collect();
            charts.push(Chart::new(
                format!("flows-{}", slug(&factor)),
                format!("{factor} across the border"),
                Figure::Bars(BarsFigure {
                    y_label: format!("{factor} per run, whole horizon ({unit})"),
                    groups: self.modes.clone(),
                    series,
                    color_by_group: false,
                    note: String::new(),
                    thresholds: Vec::new(),
                }),
            ));
            for d in ["home → host", "host → home", "within home", "within host"] {
                let mut row = vec![esc(&factor), d.to_string()];
                let mut any = false;
                for m in &self.modes {
                    let v = sums.get(&(m.clone(), factor.clone(), d)).copied();
                    any |= v.is_some();
                    row.push(v.map_or("–".into(), fmt_num));
                }
                if any {
                    row[0] = format!("{} ({unit})", esc(&factor));
                    rows.push(row);
                }
            }
        }
        let charts: Vec<Chart> = charts.into_iter().filter(|c| !c.is_empty()).collect();
        for pair in charts.chunks(2) {
            blocks.push(Block::Charts(pair.to_vec()));
        }
        let mut head = vec!["factor (unit)".to_string(), "direction".to_string()];
        head.extend(self.modes.iter().map(|m| format!("<code>{}</code>", esc(m))));
        blocks.push(Block::Html(format!(
            "<h3>Mean per run, whole horizon</h3>{}",
            table(&head, &rows)
        )));
        Section { id: "flows", title: "Flows by factor and direction".into(), blocks }
    }

    fn network(&self) -> Section {
        let title = "The collaboration network".to_string();
        let thresholds = format!(
            "Class: two-way index below {} is a one-way street; otherwise a concentration of at least {} is a hub, \
             and below that a network.",
            network::ONE_WAY_BELOW,
            network::HUB_AT_LEAST
        );
        if let Some(n) = &self.run.network {
            return Section { id: "network", title, blocks: network_file_blocks(n, &thresholds) };
        }
        let mut blocks = vec![p(&format!(
            "The flows between unit kinds (home side left, host side right; edge colour: factor), and the \
             structure class computed simply from the two-way index of cross-border flows and the \
             concentration of throughput. {thresholds} <code>symbiont network RUN_DIR</code> gives the full metrics."
        ))];
        let Some(fl) = &self.run.flows else {
            blocks.push(p("This run folder has no <code>flows.csv</code>."));
            return Section { id: "network", title, blocks };
        };
        let factors = self.factors();
        let mut rows = Vec::new();
        let mut charts = Vec::new();
        for mode in &self.modes {
            let flows = fl.per_run(mode);
            let st = network::structure(&flows);
            rows.push(vec![
                format!("<code>{}</code>", esc(mode)),
                format!("{:.3}", st.two_way_index),
                format!("{:.3}", st.concentration),
                format!("<strong>{}</strong>", st.class),
            ]);
            charts.push(Chart::new(
                format!("network-{}", slug(mode)),
                format!(
                    "{mode}: {} (two-way {:.2}, concentration {:.2})",
                    st.class, st.two_way_index, st.concentration
                ),
                Figure::Network(network::figure(&flows, &factors)),
            ));
        }
        blocks.push(Block::Html(table(
            &[
                "mode".into(),
                "two-way index".into(),
                "concentration".into(),
                "structure class".into(),
            ],
            &rows,
        )));
        let charts: Vec<Chart> = charts.into_iter().filter(|c| !c.is_empty()).collect();
        for pair in charts.chunks(2) {
            blocks.push(Block::Charts(pair.to_vec()));
        }
        Section { id: "network", title, blocks }
    }

    fn sensitivity(&self) -> Section {
        // `symbiont simulate --sensitivity` swaps levers from one mode into another; it says
        // which in the manifest.
        let swap = &self.run.manifest["invocation"]["sensitivity"];
        let modes = swap["base"].as_str().zip(swap["alt"].as_str());
        let intro = match modes {
            Some((base, alt)) => format!(
                "How much each key outcome moves when one lever of the {} mode is set to its value \
                 in the {} mode, the other levers kept ({} runs per setting, the same seeds in \
                 every setting); the vertical line is the {} mode itself. Labels read \
                 lever ({} value → {} value). <code>sensitivity.csv</code> also has the 95% CI \
                 of each change.",
                esc(&self.run.mode_name(base)),
                esc(&self.run.mode_name(alt)),
                swap["runs"],
                esc(&self.run.mode_name(base)),
                esc(base),
                esc(alt)
            ),
            None => "How much each key outcome moves when one lever goes from its low to its high \
                     value, the others held at the baseline; the vertical line is the baseline."
                .to_string(),
        };
        let mut blocks = vec![p(&intro)];
        let mut metrics: Vec<(String, String)> = Vec::new();
        for r in &self.run.sensitivity {
            if !metrics.iter().any(|(m, _)| *m == r.metric) {
                metrics.push((r.metric.clone(), r.unit.clone()));
            }
        }
        let mut charts = Vec::new();
        for (metric, unit) in metrics {
            let mut rows: Vec<_> =
                self.run.sensitivity.iter().filter(|r| r.metric == metric).collect();
            rows.sort_by(|a, b| {
                (b.outcome_high - b.outcome_low)
                    .abs()
                    .total_cmp(&(a.outcome_high - a.outcome_low).abs())
            });
            let base = rows.first().map_or(0.0, |r| r.baseline);
            // A one-sided swap (the low value is the baseline itself) draws one bar per lever.
            let one_sided = rows.iter().all(|r| r.outcome_low == r.baseline);
            let (low_name, high_name) = match (one_sided, modes) {
                (true, Some((_, alt))) => (String::new(), format!("lever set to its {alt} value")),
                (true, None) => (String::new(), "lever at its second value".to_string()),
                (false, _) => {
                    ("lever at its low value".to_string(), "lever at its high value".to_string())
                }
            };
            let label = self.label(&metric);
            charts.push(Chart::new(
                format!("sensitivity-{}", slug(&metric)),
                format!("Sensitivity of {label}"),
                Figure::HBars(HBarsFigure {
                    x_label: format!("{label} ({unit})"),
                    base,
                    low_name,
                    high_name,
                    bars: rows
                        .iter()
                        .map(|r| HBar {
                            label: format!("{} ({} → {})", r.lever, r.lever_low, r.lever_high),
                            low: r.outcome_low,
                            high: r.outcome_high,
                        })
                        .collect(),
                }),
            ));
        }
        for pair in charts.chunks(2) {
            blocks.push(Block::Charts(pair.to_vec()));
        }
        Section { id: "sensitivity", title: "Sensitivity to the main levers".into(), blocks }
    }

    fn indices(&self) -> Section {
        let mut blocks = Vec::new();
        let mut tables: Vec<String> = Vec::new();
        for r in &self.run.indices {
            if !tables.contains(&r.table) {
                tables.push(r.table.clone());
            }
        }
        for t in tables {
            let rows: Vec<_> = self.run.indices.iter().filter(|r| r.table == t).collect();
            let mut keys: Vec<(String, String)> = Vec::new();
            for r in &rows {
                let k = (r.entity.clone(), r.index.clone());
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            if rows.iter().any(|r| r.year.is_some()) {
                let lines = keys
                    .iter()
                    .map(|(ent, idx)| {
                        let mut pts: Vec<(f64, f64)> = rows
                            .iter()
                            .filter(|r| &r.entity == ent && &r.index == idx)
                            .filter_map(|r| r.year.map(|y| (f64::from(y), r.value)))
                            .collect();
                        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                        Line::new(
                            if ent.is_empty() { idx.clone() } else { format!("{ent} {idx}") },
                            pts,
                        )
                    })
                    .collect();
                let c = Chart::new(
                    format!("index-{}", slug(&t)),
                    format!("{t} index by year"),
                    Figure::Lines(LinesFigure {
                        x_label: "year".into(),
                        y_label: format!("{t} (index value)"),
                        lines,
                    }),
                );
                if !c.is_empty() {
                    blocks.push(Block::Charts(vec![c]));
                }
            }
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        esc(&r.entity),
                        r.year.map_or("–".into(), |y| y.to_string()),
                        esc(&r.index),
                        if r.value.is_finite() { format!("{:.4}", r.value) } else { "–".into() },
                        if r.grade.is_empty() { "–".into() } else { esc(&r.grade) },
                    ]
                })
                .collect();
            blocks.push(Block::Html(format!(
                "<h3>{}</h3>{}",
                esc(&t),
                table(
                    &[
                        "entity".into(),
                        "year".into(),
                        "index".into(),
                        "value".into(),
                        "grade".into()
                    ],
                    &body
                )
            )));
        }
        Section { id: "indices", title: "Index tables and grades".into(), blocks }
    }

    fn methods(&self, absent: &[String]) -> Section {
        let m = &self.run.manifest;
        let mut blocks = Vec::new();
        let inv = &m["invocation"];
        let mut cmd = format!("symbiont {}", inv["command"].as_str().unwrap_or("simulate"));
        let origin = m["scenario"]["origin"].as_str().unwrap_or("");
        if !origin.starts_with('<') && !origin.is_empty() {
            let _ = write!(cmd, " {origin}");
        }
        for key in ["runs", "seed", "horizon", "format"] {
            if let Some(v) = inv.get(key).filter(|v| !v.is_null()) {
                let v = v.as_str().map(String::from).unwrap_or_else(|| v.to_string());
                let _ = write!(cmd, " --{key} {v}");
            }
        }
        if !self.modes.is_empty() {
            let _ = write!(cmd, " --modes {}", self.modes.join(","));
        }
        blocks.push(Block::Html(format!(
            "<h3>To reproduce</h3><pre>{}</pre><p>Symbiont {} · scenario SHA-256 <code>{}</code>. {}</p>",
            esc(&cmd),
            esc(m["symbiont_version"].as_str().unwrap_or("?")),
            esc(m["scenario"]["sha256"].as_str().unwrap_or("?")),
            esc(m["seeding"].as_str().unwrap_or(""))
        )));
        let mut rows = Vec::new();
        if let Some(opts) = m["options"].as_object() {
            for (k, v) in opts {
                if k == "params" {
                    continue;
                }
                rows.push(vec![
                    esc(k),
                    esc(&v.as_str().map(String::from).unwrap_or_else(|| v.to_string())),
                ]);
            }
        }
        let t = &m["timing"];
        rows.push(vec![
            "timing".into(),
            format!(
                "{} runs in {:.2} s on {} thread(s)",
                t["runs"],
                t["elapsed_s"].as_f64().unwrap_or(0.0),
                m["threads"]
            ),
        ]);
        blocks.push(Block::Html(format!(
            "<h3>Options</h3>{}",
            table(&["option".into(), "value".into()], &rows)
        )));
        let levers: Vec<Vec<String>> = m["modes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        vec![
                            format!("<code>{}</code>", esc(x["id"].as_str().unwrap_or("?"))),
                            format!(
                                "<code class=\"wrap\">{}</code>",
                                esc(&levers_text(&x["levers"]))
                            ),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default();
        blocks.push(Block::Html(format!(
            "<h3>Levers of each mode</h3>{}",
            table(&["mode".into(), "levers".into()], &levers)
        )));
        if let Some(params) = m["options"]["params"].as_str() {
            blocks.push(Block::Html(format!(
                "<h3>Model parameters</h3><p><code class=\"wrap\">{}</code></p>",
                esc(params)
            )));
        }
        blocks.push(p(
            "Assumptions of the statistics: runs of different modes share random numbers (common random \
             numbers), so differences between modes are paired; bands and whiskers are 95% confidence \
             intervals of the mean (Student t over runs); the symbiosis mode of a pair is classified in each run \
             and the share of runs is reported. See docs/model.md for every mechanism and default.",
        ));
        if let Some(d) = &self.run.dynamics
            && !d.method.is_empty()
        {
            blocks.push(p(&format!("Dynamics fit: {}", esc(&d.method))));
        }
        if !absent.is_empty() {
            let items: String =
                absent.iter().map(|a| format!("<li>{}</li>", md_code(&esc(a)))).collect();
            blocks.push(Block::Html(format!("<h3>Not in this run folder</h3><ul>{items}</ul>")));
        }
        let files: Vec<String> = m["files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str())
                    .map(|f| format!("<code>{}</code>", esc(f)))
                    .collect()
            })
            .unwrap_or_default();
        blocks.push(Block::Html(format!(
            "<h3>Files</h3><p>Run folder: {}. Every chart's data is in <code>{}/</code> beside this report, as CSV \
             with the chart's id as its name.</p>",
            files.join(", "),
            esc(&self.opts.charts_dir)
        )));
        Section { id: "methods", title: "Methods and assumptions".into(), blocks }
    }
}

/// `a` in backticks → `<code>a</code>` (for the short notes above).
fn md_code(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn network_file_blocks(n: &NetworkData, thresholds: &str) -> Vec<Block> {
    let labels: Vec<&str> = n.nodes.iter().map(|x| x.label.as_str()).collect();
    let index = |l: &str| labels.iter().position(|x| *x == l);
    let factors = network::factor_order(n.edges.iter().map(|x| x.factor.clone()));
    let fig = NetworkFigure {
        nodes: n
            .nodes
            .iter()
            .map(|x| NetNode { label: x.label.clone(), column: usize::from(x.side != "home") })
            .collect(),
        edges: n
            .edges
            .iter()
            .filter_map(|x| {
                Some(NetEdge {
                    source: index(&x.source)?,
                    target: index(&x.target)?,
                    factor: x.factor.clone(),
                    weight: x.weight,
                    unit: x.unit.clone(),
                })
            })
            .collect(),
        factors,
        column_names: ["home".into(), "host".into()],
    };
    let mut blocks = vec![p(&format!(
        "Structure class <strong>{}</strong> (two-way index {:.3}, centralization {:.3}), from <code>network.json</code>. {}",
        esc(&n.class),
        n.two_way_index,
        n.centralization,
        esc(&n.note)
    ))];
    let _ = thresholds;
    let c = Chart::new("network", format!("The network: {}", n.class), Figure::Network(fig));
    if !c.is_empty() {
        blocks.push(Block::Charts(vec![c]));
    }
    blocks
}

fn dynamics_section(d: &DynamicsData) -> Section {
    let mut blocks = Vec::new();
    if !d.mode.is_empty() {
        blocks.push(p(&format!("Classified symbiosis mode: <strong>{}</strong>.", esc(&d.mode))));
    }
    let mut charts = Vec::new();
    for (i, s) in d.series.iter().enumerate() {
        charts.push(Chart::new(
            format!("fit-{i}"),
            format!("{}: observed and fitted", s.name),
            Figure::Lines(LinesFigure {
                x_label: d.time_label.clone(),
                y_label: s.name.clone(),
                lines: vec![
                    Line {
                        name: "observed".into(),
                        points: s.observed.clone(),
                        band: Vec::new(),
                        markers: true,
                    },
                    Line::new("fitted", s.fitted.clone()),
                ],
            }),
        ));
    }
    if let Some(ph) = &d.phase {
        charts.push(Chart::new(
            "phase",
            "Phase portrait",
            Figure::Phase(PhaseFigure {
                x_label: ph.x_label.clone(),
                y_label: ph.y_label.clone(),
                x_range: ph.x_range,
                y_range: ph.y_range,
                field: ph.field.iter().map(|&(x, y, dx, dy)| Arrow { x, y, dx, dy }).collect(),
                nullclines: ph
                    .nullclines
                    .iter()
                    .map(|l| Line::new(l.name.clone(), l.points.clone()))
                    .collect(),
                trajectories: ph
                    .trajectories
                    .iter()
                    .map(|l| Line::new(l.name.clone(), l.points.clone()))
                    .collect(),
                equilibria: ph
                    .equilibria
                    .iter()
                    .map(|q| Equilibrium {
                        label: q.label.clone(),
                        x: q.x,
                        y: q.y,
                        stable: q.stable,
                    })
                    .collect(),
            }),
        ));
    }
    if !d.coefficients.is_empty() {
        charts.push(Chart::new(
            "bootstrap",
            "Bootstrap distribution of the coefficients",
            Figure::Hist(HistFigure {
                panels: d
                    .coefficients
                    .iter()
                    .map(|c| HistPanel {
                        name: c.name.clone(),
                        draws: c.draws.clone(),
                        estimate: c.estimate,
                    })
                    .collect(),
            }),
        ));
    }
    if !d.mode_probabilities.is_empty() {
        charts.push(Chart::new(
            "mode-probabilities",
            "Symbiosis mode across bootstrap draws",
            Figure::Bars(BarsFigure {
                y_label: "probability (share of draws)".into(),
                groups: d.mode_probabilities.iter().map(|m| m.mode.replace('_', " ")).collect(),
                series: vec![BarSeries {
                    name: "probability".into(),
                    values: d
                        .mode_probabilities
                        .iter()
                        .map(|m| BarValue { value: m.probability, low: None, high: None })
                        .collect(),
                }],
                color_by_group: true,
                note: String::new(),
                thresholds: Vec::new(),
            }),
        ));
    }
    let charts: Vec<Chart> = charts.into_iter().filter(|c| !c.is_empty()).collect();
    for pair in charts.chunks(2) {
        blocks.push(Block::Charts(pair.to_vec()));
    }
    Section { id: "dynamics", title: "Symbiosis dynamics fit".into(), blocks }
}

fn plan_section(pl: &PlanData) -> Section {
    let mut blocks = vec![p(&format!(
        "Solver status: <strong>{}</strong>; objective US$ {} per period.",
        esc(&pl.status),
        fmt_num(pl.objective)
    ))];
    let mut charts = Vec::new();
    charts.push(Chart::new(
        "plan-parks",
        "Enterprises placed per park",
        Figure::Bars(BarsFigure {
            y_label: "enterprises (firms)".into(),
            groups: pl
                .parks
                .iter()
                .map(|x| if x.designated { format!("{}*", x.name) } else { x.name.clone() })
                .collect(),
            series: vec![BarSeries {
                name: "enterprises".into(),
                values: pl
                    .parks
                    .iter()
                    .map(|x| BarValue { value: f64::from(x.enterprises), low: None, high: None })
                    .collect(),
            }],
            color_by_group: true,
            note: "* designated park".into(),
            thresholds: Vec::new(),
        }),
    ));
    if !pl.bottlenecks.is_empty() {
        charts.push(Chart::new(
            "plan-bottlenecks",
            "Bottlenecks: shadow prices of binding constraints",
            Figure::HBars(HBarsFigure {
                x_label: "US$ per period per one more unit".into(),
                base: 0.0,
                low_name: String::new(),
                high_name: "shadow price".into(),
                bars: pl
                    .bottlenecks
                    .iter()
                    .map(|b| HBar {
                        label: format!("{} (per {})", b.constraint, b.unit),
                        low: 0.0,
                        high: b.value,
                    })
                    .collect(),
            }),
        ));
    }
    let charts: Vec<Chart> = charts.into_iter().filter(|c| !c.is_empty()).collect();
    blocks.push(Block::Charts(charts));
    if !pl.factors.is_empty() {
        let rows: Vec<Vec<String>> = pl
            .factors
            .iter()
            .map(|f| {
                let used = if f.capacity > 0.0 {
                    format!("{:.0}%", 100.0 * f.amount / f.capacity)
                } else {
                    "–".into()
                };
                vec![
                    esc(&f.supplier),
                    esc(&f.kind),
                    format!("{} {}", fmt_num(f.amount), esc(&f.unit)),
                    format!("{} {}", fmt_num(f.capacity), esc(&f.unit)),
                    used,
                ]
            })
            .collect();
        blocks.push(Block::Html(format!(
            "<h3>Factor suppliers</h3>{}",
            table(
                &[
                    "supplier".into(),
                    "factor".into(),
                    "allocated".into(),
                    "capacity".into(),
                    "used".into()
                ],
                &rows
            )
        )));
    }
    if !pl.notes.is_empty() {
        let items: String = pl.notes.iter().map(|n| format!("<li>{}</li>", esc(n))).collect();
        blocks.push(Block::Html(format!("<ul>{items}</ul>")));
    }
    Section { id: "plan", title: "The planner's allocation and bottlenecks".into(), blocks }
}

/// A mode's levers from `manifest.json`: `key = value` pairs (older folders kept one string).
fn levers_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k} = {s}"),
                other => format!("{k} = {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}
