//! Two sections drawn from tables `symbiont simulate` writes beside the flows: the network each
//! run formed (`network_structure.csv`, `structure.csv`, and the first run's `entities.csv` and
//! `ties.csv`), and the simulated goods flows against the observed trade (`trade.csv`). Each
//! section is built only when its table is in the run folder, so older folders still render.

use std::collections::{BTreeMap, HashMap};

use crate::build::{Block, Section, p, table};
use crate::figure::{BarSeries, BarValue, BarsFigure, Chart, Figure, fmt_num};
use crate::html::esc;
use crate::rundir::{RunData, StructureRow, TradeRow};

/// Below this cross-border reciprocity a run's network is a one-way street.
pub const ONE_WAY_BELOW: f64 = 0.2;
/// A two-way network is a *network* (not a hub) when multiplexity is at least this, ...
pub const MULTIPLEXITY_AT_LEAST: f64 = 0.5;
/// ... support ties at least this, ...
pub const SUPPORT_TIES_AT_LEAST: f64 = 0.25;
/// ... and the top share below this.
pub const TOP_SHARE_BELOW: f64 = 0.5;

/// The measures the class is decided on, with the threshold of each, in the order of the rule.
pub const DECIDING: [(&str, f64); 4] = [
    ("cross_border_reciprocity", ONE_WAY_BELOW),
    ("multiplexity", MULTIPLEXITY_AT_LEAST),
    ("support_ties", SUPPORT_TIES_AT_LEAST),
    ("top_share", TOP_SHARE_BELOW),
];

/// The classification rule in one sentence, with the thresholds the report draws.
pub fn rule() -> String {
    format!(
        "The rule: a run's network is a <strong>one-way street</strong> if cross-border \
         reciprocity is below {}; a <strong>network</strong> if multiplexity is at least {}, \
         support ties at least {} and the top share below {}; a <strong>hub</strong> otherwise. \
         The thresholds are round numbers, not fitted ones.",
        fmt_num(ONE_WAY_BELOW),
        fmt_num(MULTIPLEXITY_AT_LEAST),
        fmt_num(SUPPORT_TIES_AT_LEAST),
        fmt_num(TOP_SHARE_BELOW)
    )
}

/// The modes of `present` in manifest order, then any the manifest does not name, in order of
/// appearance.
fn ordered_modes<'a>(run: &RunData, present: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for m in present {
        if !seen.iter().any(|s| s == m) {
            seen.push(m.to_string());
        }
    }
    let mut out: Vec<String> = run.mode_ids().into_iter().filter(|m| seen.contains(m)).collect();
    for m in seen {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

fn percent(share: f64) -> String {
    if share.is_finite() { format!("{:.0}%", 100.0 * share) } else { "–".into() }
}

/// "median<br><small>runs low–high</small>", without the range when it is not there.
fn median_cell(r: &StructureRow) -> String {
    if r.p025.is_finite() && r.p975.is_finite() {
        format!(
            "{}<br><small>runs {}–{}</small>",
            fmt_num(r.median),
            fmt_num(r.p025),
            fmt_num(r.p975)
        )
    } else {
        fmt_num(r.median)
    }
}

/// The section "The network the runs formed", when the folder has `network_structure.csv`.
pub fn structure_section(run: &RunData) -> Option<Section> {
    if run.structure.is_empty() {
        return None;
    }
    let modes = ordered_modes(run, run.structure.iter().map(|r| r.mode.as_str()));
    let mut blocks = vec![p(&format!(
        "Each run forms a network of entities (enterprises, parks, the one window, banks and \
         the other units) and the ties between them; the study measures it and classifies \
         every run. {} The collaboration network section above draws the mean flows between \
         unit kinds and, unless <code>network.json</code> replaces it, classifies them by a \
         simpler rule of its own, so the two classes can differ. Definitions: \
         docs/network.md.",
        rule()
    ))];

    // The class of each mode, with the share of runs, and the reason of its first run.
    let rows: Vec<Vec<String>> = modes
        .iter()
        .map(|mode| {
            let mut classes: Vec<(&str, f64)> = run
                .structure
                .iter()
                .filter(|r| &r.mode == mode)
                .filter_map(|r| Some((r.class()?, r.median)))
                .collect();
            classes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            let mut cell = match classes.first() {
                Some((c, share)) => {
                    format!("<strong>{}</strong> in {} of runs", esc(c), percent(*share))
                }
                None => "–".to_string(),
            };
            let others: Vec<String> = classes
                .iter()
                .skip(1)
                .filter(|(_, s)| *s > 0.0)
                .map(|(c, s)| format!("{} {}", esc(c), percent(*s)))
                .collect();
            if !others.is_empty() {
                cell.push_str(&format!("<br><small>{}</small>", others.join(" · ")));
            }
            let first = run
                .structure_runs
                .iter()
                .filter(|r| &r.mode == mode)
                .min_by_key(|r| r.run)
                .map_or("–".to_string(), |r| {
                    format!("{} (run {}): {}", esc(&r.class), r.run, esc(&r.reason))
                });
            vec![code(mode), cell, first]
        })
        .collect();
    blocks.push(Block::Html(format!(
        "<h3>Class per mode</h3>{}",
        table(
            &["mode".into(), "class (share of runs)".into(), "first run: class and why".into()],
            &rows
        )
    )));

    // The four deciding measures against their thresholds.
    let find = |mode: &str, measure: &str| {
        run.structure.iter().find(|r| r.mode == mode && r.measure == measure && r.class().is_none())
    };
    let series: Vec<BarSeries> = modes
        .iter()
        .map(|mode| BarSeries {
            name: mode.clone(),
            values: DECIDING
                .iter()
                .map(|(m, _)| match find(mode, m) {
                    Some(r) => BarValue {
                        value: r.median,
                        low: Some(r.p025).filter(|v| v.is_finite()),
                        high: Some(r.p975).filter(|v| v.is_finite()),
                    },
                    None => BarValue { value: f64::NAN, low: None, high: None },
                })
                .collect(),
        })
        .collect();
    let chart = Chart::new(
        "structure-thresholds",
        "The measures that decide the class, against their thresholds",
        Figure::Bars(BarsFigure {
            y_label: "median over runs (share, 0..1)".into(),
            groups: DECIDING.iter().map(|(m, _)| m.replace('_', " ")).collect(),
            series,
            color_by_group: false,
            note: "bar: median over runs; whisker: 2.5–97.5% of runs; dashed: class threshold"
                .into(),
            thresholds: DECIDING.iter().map(|(_, t)| *t).collect(),
        }),
    );
    if !chart.is_empty() {
        blocks.push(Block::Charts(vec![chart]));
    }

    // Every measure: median and the range of the runs.
    let mut measures: Vec<&str> = Vec::new();
    for r in run.structure.iter().filter(|r| r.class().is_none()) {
        if !measures.contains(&r.measure.as_str()) {
            measures.push(&r.measure);
        }
    }
    let mut head = vec!["measure".to_string()];
    head.extend(modes.iter().map(|m| code(m)));
    let body: Vec<Vec<String>> = measures
        .iter()
        .map(|measure| {
            let mut row = vec![esc(&measure.replace('_', " "))];
            row.extend(
                modes.iter().map(|mode| find(mode, measure).map_or("–".into(), median_cell)),
            );
            row
        })
        .collect();
    blocks.push(Block::Html(format!(
        "<h3>Structure measures</h3><p class=\"note\">Median over runs; runs: 2.5% to 97.5% of \
         the runs.</p>{}",
        table(&head, &body)
    )));
    if let Some(b) = ties_block(run, &modes) {
        blocks.push(b);
    }
    Some(Section { id: "structure", title: "The network the runs formed".into(), blocks })
}

/// Per mode: (ties, of which cross the border).
type TieCounts<'a> = BTreeMap<&'a str, (u32, u32)>;

/// Ties of each mode's first run by kind and factor, with how many cross the border (when
/// `entities.csv` gives the sides).
fn ties_block(run: &RunData, modes: &[String]) -> Option<Block> {
    if run.ties.is_empty() {
        return None;
    }
    // The first run of each mode in the table (the study writes only that one).
    let first: BTreeMap<&str, u32> = run.ties.iter().fold(BTreeMap::new(), |mut acc, t| {
        let r = acc.entry(t.mode.as_str()).or_insert(t.run);
        *r = (*r).min(t.run);
        acc
    });
    let sides: HashMap<(&str, u32, u32), &str> =
        run.entities.iter().map(|e| ((e.mode.as_str(), e.run, e.id), e.side.as_str())).collect();
    let side = |mode: &str, run_no: u32, id: u32| sides.get(&(mode, run_no, id)).copied();
    let mut counts: BTreeMap<(&str, &str), TieCounts<'_>> = BTreeMap::new();
    for t in &run.ties {
        if first.get(t.mode.as_str()) != Some(&t.run) {
            continue;
        }
        let c = counts
            .entry((t.kind.as_str(), t.factor.as_str()))
            .or_default()
            .entry(t.mode.as_str())
            .or_insert((0, 0));
        c.0 += 1;
        if let (Some(a), Some(b)) = (side(&t.mode, t.run, t.source), side(&t.mode, t.run, t.target))
            && a != b
        {
            c.1 += 1;
        }
    }
    let sides_known = !run.entities.is_empty();
    let cell = |c: Option<&(u32, u32)>| match c {
        None => "–".to_string(),
        Some((n, x)) if sides_known => format!("{n}<br><small>{x} cross-border</small>"),
        Some((n, _)) => n.to_string(),
    };
    let mut head = vec!["kind (factor)".to_string()];
    head.extend(modes.iter().map(|m| code(m)));
    let mut rows: Vec<Vec<String>> = counts
        .iter()
        .map(|((kind, factor), by_mode)| {
            let mut row = vec![format!("{} ({})", esc(kind), esc(factor))];
            row.extend(modes.iter().map(|m| cell(by_mode.get(m.as_str()))));
            row
        })
        .collect();
    let mut total = vec!["<strong>all ties</strong>".to_string()];
    let mut entities = vec!["entities (home · host)".to_string()];
    for m in modes {
        let sum = counts
            .values()
            .filter_map(|b| b.get(m.as_str()))
            .fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1));
        total.push(if first.contains_key(m.as_str()) { cell(Some(&sum)) } else { "–".into() });
        let run_no = first.get(m.as_str()).copied();
        let of = |s: &str| {
            run.entities
                .iter()
                .filter(|e| &e.mode == m && Some(e.run) == run_no && e.side == s)
                .count()
        };
        entities.push(if sides_known && run_no.is_some() {
            format!("{} · {}", of("home"), of("host"))
        } else {
            "–".into()
        });
    }
    rows.push(total);
    if sides_known {
        rows.push(entities);
    }
    Some(Block::Html(format!(
        "<h3>Ties of each mode's first run, by kind</h3><p class=\"note\">From \
         <code>ties.csv</code>{}: the number of ties of each kind and factor. A row of \
         <code>ties.csv</code> is one tie of a kind, factor and period; the <em>ties</em> measure \
         above counts the pairs of entities with any tie, so it can be smaller.</p>{}",
        if sides_known { " and <code>entities.csv</code>" } else { "" },
        table(&head, &rows)
    )))
}

/// The readable name of a trade direction.
fn direction_label(d: &str) -> String {
    match d {
        "home_to_host" => "home → host".to_string(),
        "host_to_home" => "host → home".to_string(),
        other => other.replace('_', " "),
    }
}

/// Which way is larger of (home → host, host → home), and by how much.
fn imbalance(out: f64, back: f64) -> String {
    if !(out.is_finite() && back.is_finite()) {
        return "–".to_string();
    }
    let (hi, lo) = (out.max(back), out.min(back));
    if hi <= 0.0 {
        return "no goods either way".to_string();
    }
    let way = if out >= back { "home → host" } else { "host → home" };
    if lo <= 0.0 {
        return format!("only {way}");
    }
    let x = hi / lo;
    if x < 1.005 {
        format!("about equal (×{x:.2})")
    } else {
        format!("{way} larger (×{})", fmt_num(x))
    }
}

/// The sign of the imbalance: +1 home → host larger, -1 host → home, 0 equal or unknown.
fn way(out: f64, back: f64) -> i8 {
    if !(out.is_finite() && back.is_finite()) || out == back {
        0
    } else if out > back {
        1
    } else {
        -1
    }
}

/// "2013–2018 (4 years)" from "2013,2015,2016,2018".
fn years_text(years: &str) -> String {
    let ys: Vec<&str> = years.split(',').map(str::trim).filter(|y| !y.is_empty()).collect();
    match ys.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, .., last] => format!("{first}–{last} ({} years)", ys.len()),
    }
}

/// The section "Goods flows against the observed trade", when the folder has `trade.csv`.
pub fn trade_section(run: &RunData) -> Option<Section> {
    if run.trade.is_empty() {
        return None;
    }
    let modes = ordered_modes(run, run.trade.iter().map(|r| r.mode.as_str()));
    let get = |mode: &str, dir: &str| -> Option<&TradeRow> {
        run.trade.iter().find(|r| r.mode == mode && r.direction == dir)
    };
    let value = |mode: &str, dir: &str, observed: bool| {
        get(mode, dir).map_or(f64::NAN, |r| {
            if observed { r.observed_usd_per_year } else { r.simulated_usd_per_year }
        })
    };
    let any_observed = run.trade.iter().any(|r| r.observed_usd_per_year.is_finite());
    let series_without_share =
        !any_observed && run.trade.iter().any(|r| !r.observed_years.trim().is_empty());
    let mut blocks = vec![p(
        "The goods the home side sends to the host side (the host's imports from it) and those \
         that come back (its exports to it), in US$ per year: simulated, as the mean over the \
         horizon and the runs; observed, as the mean of the host region's trade series over its \
         years inside the horizon, times the share of the home country's trade the scenario \
         stands for (<code>study.home_trade_share</code>).",
    )];
    if !any_observed {
        blocks.push(p(if series_without_share {
            "<strong>No observed figure to compare with:</strong> the scenario has observed \
             trade series, but no <code>study.home_trade_share</code> to scale them to the \
             firms it simulates. Only the simulated flows are shown."
        } else {
            "<strong>No observed figure to compare with:</strong> the scenario has no observed \
             trade series for these directions inside the horizon. Only the simulated flows \
             are shown."
        }));
    }
    let mut rows = Vec::new();
    for mode in &modes {
        for dir in ["home_to_host", "host_to_home"] {
            let Some(r) = get(mode, dir) else { continue };
            let observed = if r.observed_usd_per_year.is_finite() {
                let years = years_text(&r.observed_years);
                if years.is_empty() {
                    fmt_num(r.observed_usd_per_year)
                } else {
                    format!("{}<br><small>{}</small>", fmt_num(r.observed_usd_per_year), years)
                }
            } else {
                "no observed figure".to_string()
            };
            let ratio =
                if r.ratio.is_finite() { format!("{:.2}", r.ratio) } else { "–".to_string() };
            rows.push(vec![
                code(mode),
                direction_label(dir),
                fmt_num(r.simulated_usd_per_year),
                observed,
                ratio,
            ]);
        }
    }
    blocks.push(Block::Html(format!(
        "<h3>Goods per year, simulated and observed (US$)</h3>{}",
        table(
            &[
                "mode".into(),
                "direction".into(),
                "simulated".into(),
                "observed".into(),
                "simulated / observed".into()
            ],
            &rows
        )
    )));
    let rows: Vec<Vec<String>> = modes
        .iter()
        .map(|mode| {
            let (so, sb) = (value(mode, "home_to_host", false), value(mode, "host_to_home", false));
            let (oo, ob) = (value(mode, "home_to_host", true), value(mode, "host_to_home", true));
            let observed = if oo.is_finite() && ob.is_finite() {
                imbalance(oo, ob)
            } else {
                "no observed figure".into()
            };
            let agree = match (way(so, sb), way(oo, ob)) {
                (0, _) | (_, 0) => "–",
                (a, b) if a == b => "same way",
                _ => "opposite ways",
            };
            vec![code(mode), imbalance(so, sb), observed, agree.to_string()]
        })
        .collect();
    blocks.push(Block::Html(format!(
        "<h3>Which way is larger</h3>{}",
        table(
            &["mode".into(), "simulated".into(), "observed".into(), "simulated vs observed".into()],
            &rows
        )
    )));

    // Bars: one group per mode, plus the observed figures (one group when every mode has the
    // same, as the study writes them; else one beside each mode).
    let pair = |mode: &str, observed: bool| {
        (value(mode, "home_to_host", observed), value(mode, "host_to_home", observed))
    };
    let observed_pairs: Vec<(f64, f64)> = modes.iter().map(|m| pair(m, true)).collect();
    let same = |a: f64, b: f64| (a.is_nan() && b.is_nan()) || a == b;
    let one_observed =
        observed_pairs.windows(2).all(|w| same(w[0].0, w[1].0) && same(w[0].1, w[1].1));
    let mut groups: Vec<(String, (f64, f64))> = Vec::new();
    if any_observed && one_observed {
        groups.push(("observed".to_string(), observed_pairs[0]));
    }
    for (mode, obs) in modes.iter().zip(&observed_pairs) {
        groups.push((mode.clone(), pair(mode, false)));
        if any_observed && !one_observed && (obs.0.is_finite() || obs.1.is_finite()) {
            groups.push((format!("observed ({mode})"), *obs));
        }
    }
    let bar = |v: f64| BarValue { value: v, low: None, high: None };
    let mut lists: Vec<&str> = run
        .trade
        .iter()
        .filter(|r| r.observed_usd_per_year.is_finite())
        .map(|r| r.observed_years.as_str())
        .collect();
    lists.sort_unstable();
    lists.dedup();
    let all_years: Vec<i64> =
        lists.iter().flat_map(|l| l.split(',')).filter_map(|y| y.trim().parse().ok()).collect();
    let note = match (any_observed, lists.as_slice()) {
        (false, _) => "simulated only: the scenario has no observed figure".to_string(),
        (true, [one]) if !one.trim().is_empty() => format!(
            "simulated: mean over horizon and runs; observed: mean over {}",
            years_text(one)
        ),
        (true, _) => match (all_years.iter().min(), all_years.iter().max()) {
            (Some(a), Some(b)) => format!(
                "simulated: mean over horizon and runs; observed: mean of the years with a \
                 figure in {a}–{b}"
            ),
            _ => "simulated: mean over horizon and runs; observed: the scaled series".to_string(),
        },
    };
    let chart = Chart::new(
        "trade",
        "Goods across the border, simulated and observed",
        Figure::Bars(BarsFigure {
            y_label: "goods (US$ per year)".into(),
            groups: groups.iter().map(|g| g.0.clone()).collect(),
            series: vec![
                BarSeries {
                    name: "home → host (host's imports)".into(),
                    values: groups.iter().map(|g| bar(g.1.0)).collect(),
                },
                BarSeries {
                    name: "host → home (host's exports)".into(),
                    values: groups.iter().map(|g| bar(g.1.1)).collect(),
                },
            ],
            color_by_group: false,
            note,
            thresholds: Vec::new(),
        }),
    );
    if !chart.is_empty() {
        blocks.push(Block::Charts(vec![chart]));
    }
    Some(Section { id: "trade", title: "Goods flows against the observed trade".into(), blocks })
}
