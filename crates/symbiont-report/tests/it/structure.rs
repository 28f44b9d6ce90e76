//! The network the runs formed and the goods flows against the observed trade: the two
//! sections drawn from `network_structure.csv`, `structure.csv`, `trade.csv`, `entities.csv` and
//! `ties.csv`, their absence in older run folders, and the errors of a bad table.

use expect_test::{Expect, expect};
use symbiont_report::{ReportOptions, build, read_run_dir, render, svg_outline};

use crate::support::{TRADE_UNOBSERVED, run_dir, structure_tables};

fn opts() -> ReportOptions {
    ReportOptions { metric_labels: Vec::new(), charts_dir: "report-charts".into() }
}

/// The readable text of one section of the page: one line per paragraph, heading and table row
/// (cells separated by `|`), charts left out but their captions kept.
fn section_text(html: &str, id: &str) -> String {
    let start = html.find(&format!("<section id=\"{id}\"")).expect("section in the page");
    let end = html[start..].find("</section>").expect("closed section") + start;
    let mut s = html[start..end].to_string();
    while let Some(i) = s.find("<svg") {
        let j = s[i..].find("</svg>").expect("closed svg") + i + "</svg>".len();
        s.replace_range(i..j, "");
    }
    for (tag, with) in [
        ("</tr>", "\n"),
        ("</th>", " | "),
        ("</td>", " | "),
        ("<br>", " / "),
        ("</p>", "\n"),
        ("</h2>", "\n"),
        ("</h3>", "\n"),
        ("</figcaption>", "\n"),
        ("</thead>", ""),
    ] {
        s = s.replace(tag, with);
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .lines()
        .map(|l| l.trim().trim_end_matches('|').trim_end())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn check_text(html: &str, id: &str, want: Expect) {
    want.assert_eq(&section_text(html, id));
}

#[test]
fn the_structure_and_trade_tables_render_their_sections() {
    let dir = run_dir("structure-full", &structure_tables());
    let data = read_run_dir(&dir).expect("reads");
    assert_eq!(data.structure.len(), 30);
    assert_eq!(
        data.structure_runs[1].reason,
        "cross_border_reciprocity 0.250 >= 0.2, but support_ties 0.000 < 0.25"
    );
    assert!(data.structure[12].p025.is_nan() && data.structure[27].p975.is_nan());
    let report = build(&data, &opts());
    let ids: Vec<&str> = report.sections.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "overview",
            "comparison",
            "symbiosis",
            "flows",
            "network",
            "structure",
            "trade",
            "methods"
        ]
    );
    let rendered = render(&report).expect("renders");
    let html = &rendered.html;
    assert!(!html.contains("NaN"));
    check_text(
        html,
        "structure",
        expect![[r#"
            The network the runs formed
            Each run forms a network of entities (enterprises, parks, the one window, banks and the other units) and the ties between them; the study measures it and classifies every run. The rule: a run's network is a one-way street if cross-border reciprocity is below 0.2; a network if multiplexity is at least 0.5, support ties at least 0.25 and the top share below 0.5; a hub otherwise. The thresholds are round numbers, not fitted ones. The collaboration network section above draws the mean flows between unit kinds and, unless network.json replaces it, classifies them by a simpler rule of its own, so the two classes can differ. Definitions: docs/network.md.
            Class per mode
            mode | class (share of runs) | first run: class and why
            alone | hub in 50% of runs / one-way street 50% | one-way street (run 0): cross_border_reciprocity 0.120 < 0.2
            net | network in 100% of runs | network (run 0): multiplexity 0.750 >= 0.5, support_ties 0.500 >= 0.25, top_share 0.350 < 0.5
            The measures that decide the class, against their thresholds. Data: report-charts/structure-thresholds.csv
            Structure measures
            Median over runs; runs: 2.5% to 97.5% of the runs.
            measure | alone | net
            entities | 12 / runs 11–13 | 15 / runs 14–16
            ties | 20 / runs 18–22 | 60 / runs 55–66
            density | 0.15 / runs 0.14–0.17 | 0.29 / runs 0.26–0.31
            reciprocity | 0.1 / runs 0.05–0.2 | 0.55 / runs 0.5–0.6
            cross border share | 0.6 / runs 0.5–0.7 | 0.4 / runs 0.35–0.45
            cross border reciprocity | 0.12 / runs 0.08–0.25 | 0.45 / runs 0.4–0.5
            centralization | 0.8 / runs 0.7–0.9 | 0.3 / runs 0.2–0.4
            top share | 0.7 / runs 0.6–0.8 | 0.35 / runs 0.3–0.4
            multiplexity | 0.1 / runs 0–0.2 | 0.75 / runs 0.6–0.9
            support ties | 0 / runs 0–0.1 | 0.5 / runs 0.4–0.6
            communities | 2 / runs 1–3 | 3 / runs 3–4
            modularity | 0.2 / runs 0.1–0.3 | 0.35 / runs 0.3–0.4
            Ties of each mode's first run, by kind
            From ties.csv and entities.csv: the number of ties of each kind and factor. A row of ties.csv is one tie of a kind, factor and period; the ties measure above counts the pairs of entities with any tie, so it can be smaller.
            kind (factor) | alone | net
            coordination (information) | – | 1 / 0 cross-border
            loan (capital) | 1 / 0 cross-border | –
            placement (land) | – | 1 / 1 cross-border
            shipment (goods) | 1 / 1 cross-border | 2 / 2 cross-border
            all ties | 2 / 1 cross-border | 4 / 3 cross-border
            entities (home · host) | 2 · 1 | 1 · 3
        "#]],
    );
    check_text(
        html,
        "trade",
        expect![[r#"
            Goods flows against the observed trade
            The goods the home side sends to the host side (the host's imports from it) and those that come back (its exports to it), in US$ per year: simulated, as the mean over the horizon and the runs; observed, as the mean of the host region's trade series over its years inside the horizon, times the share of the home country's trade the scenario stands for (study.home_trade_share).
            Goods per year, simulated and observed (US$)
            mode | direction | simulated | observed | simulated / observed
            alone | home → host | 2M | 8M / 2013–2015 (3 years) | 0.25
            alone | host → home | 500k | 3M / 2013–2015 (3 years) | 0.17
            net | home → host | 6M | 8M / 2013–2015 (3 years) | 0.75
            net | host → home | 9M | 3M / 2013–2015 (3 years) | 3.00
            Which way is larger
            mode | simulated | observed | simulated vs observed
            alone | home → host larger (×4) | home → host larger (×2.67) | same way
            net | host → home larger (×1.5) | home → host larger (×2.67) | opposite ways
            Goods across the border, simulated and observed. Data: report-charts/trade.csv
        "#]],
    );
    let csv = |id: &str| {
        rendered.charts.iter().find(|c| c.id == id).map(|c| c.csv.clone()).expect("chart drawn")
    };
    expect![[r#"
        group,series,"median over runs (share, 0..1)",low,high,threshold
        cross border reciprocity,alone,0.12,0.08,0.25,0.2
        multiplexity,alone,0.1,0,0.2,0.5
        support ties,alone,0,0,0.1,0.25
        top share,alone,0.7,0.6,0.8,0.5
        cross border reciprocity,net,0.45,0.4,0.5,0.2
        multiplexity,net,0.75,0.6,0.9,0.5
        support ties,net,0.5,0.4,0.6,0.25
        top share,net,0.35,0.3,0.4,0.5
    "#]]
    .assert_eq(&csv("structure-thresholds"));
    expect![[r#"
        group,series,goods (US$ per year),low,high
        observed,home → host (host's imports),8000000,,
        alone,home → host (host's imports),2000000,,
        net,home → host (host's imports),6000000,,
        observed,host → home (host's exports),3000000,,
        alone,host → home (host's exports),500000,,
        net,host → home (host's exports),9000000,,
    "#]]
    .assert_eq(&csv("trade"));
    // The thresholds are drawn on the chart, each value under its group.
    let svg = &rendered.charts.iter().find(|c| c.id == "structure-thresholds").expect("drawn").svg;
    let outline = svg_outline(svg);
    let texts = outline.lines().last().unwrap_or_default();
    for t in ["| threshold 0.2 |", "| threshold 0.5 |", "| threshold 0.25 |", "| threshold |"] {
        assert!(texts.contains(t), "{t} not in {texts}");
    }
}

#[test]
fn without_observed_trade_the_section_says_so() {
    let dir = run_dir("structure-unobserved", &[("trade.csv", TRADE_UNOBSERVED)]);
    let rendered = render(&build(&read_run_dir(&dir).expect("reads"), &opts())).expect("renders");
    assert!(!rendered.html.contains("NaN"));
    check_text(
        &rendered.html,
        "trade",
        expect![[r#"
            Goods flows against the observed trade
            The goods the home side sends to the host side (the host's imports from it) and those that come back (its exports to it), in US$ per year: simulated, as the mean over the horizon and the runs; observed, as the mean of the host region's trade series over its years inside the horizon, times the share of the home country's trade the scenario stands for (study.home_trade_share).
            No observed figure to compare with: the scenario has no observed trade series for these directions inside the horizon. Only the simulated flows are shown.
            Goods per year, simulated and observed (US$)
            mode | direction | simulated | observed | simulated / observed
            alone | home → host | 2M | no observed figure | –
            alone | host → home | 500k | no observed figure | –
            net | home → host | 6M | no observed figure | –
            net | host → home | 9M | no observed figure | –
            Which way is larger
            mode | simulated | observed | simulated vs observed
            alone | home → host larger (×4) | no observed figure | –
            net | host → home larger (×1.5) | no observed figure | –
            Goods across the border, simulated and observed. Data: report-charts/trade.csv
        "#]],
    );
}

#[test]
fn a_folder_without_the_tables_has_neither_section() {
    let dir = run_dir("structure-none", &[]);
    let report = build(&read_run_dir(&dir).expect("reads"), &opts());
    assert!(report.sections.iter().all(|s| s.id != "structure" && s.id != "trade"));
    let absent = report.absent.join("\n");
    assert!(
        absent.contains("`network_structure.csv`") && absent.contains("`trade.csv`"),
        "{absent}"
    );
    // The ties alone (without the structure table) do not make a section either.
    let dir = run_dir("structure-ties-only", &[("ties.csv", crate::support::TIES)]);
    let report = build(&read_run_dir(&dir).expect("reads"), &opts());
    assert!(report.sections.iter().all(|s| s.id != "structure"));
}

fn error_of(name: &str, file: &str, text: &str) -> String {
    let dir = run_dir(name, &[(file, text)]);
    let err = read_run_dir(&dir).expect_err("must fail");
    err.to_string().replace(&dir.display().to_string(), "RUN")
}

#[test]
fn a_bad_number_names_file_line_and_column() {
    let bad = "mode,measure,median,p025,p975\nnet,ties,60,55,66\nnet,density,lots,0.26,0.31\n";
    expect!["RUN/network_structure.csv: line 3, column `median`: invalid float literal; expected a number"]
        .assert_eq(&error_of("bad-structure", "network_structure.csv", bad));
    let bad = "mode,measure,median,p025,p975\nnet,class: hub,1,x,\n";
    expect![
        "RUN/network_structure.csv: line 2, column `p025`: invalid float literal; expected a number"
    ]
    .assert_eq(&error_of("bad-structure-range", "network_structure.csv", bad));
    let bad = "mode,run,class,reason,entities,ties\nnet,0,hub,why,12,20\nnet,1,hub,why,12,many\n";
    expect![[r#"RUN/structure.csv: line 3, column `ties`: "many" is not a number"#]]
        .assert_eq(&error_of("bad-runs", "structure.csv", bad));
    let bad = "mode,class,reason\nnet,hub,why\n";
    expect!["RUN/structure.csv: line 1, column `run`: missing column; expected mode,run,class,reason and the measures"]
        .assert_eq(&error_of("bad-runs-header", "structure.csv", bad));
    let bad = "mode,direction,simulated_usd_per_year,observed_usd_per_year,observed_years,ratio\nnet,home_to_host,6e6,8e6,2013,0.75\nnet,host_to_home,9 M,3e6,2013,3\n";
    expect!["RUN/trade.csv: line 3, column `simulated_usd_per_year`: invalid float literal; expected a number"]
        .assert_eq(&error_of("bad-trade", "trade.csv", bad));
    let bad = "mode,run,source,target,kind,factor,weight,period\nnet,0,a,1,loan,capital,1,0\n";
    expect!["RUN/ties.csv: line 2, column `source`: invalid digit found in string; expected a whole number"]
        .assert_eq(&error_of("bad-ties", "ties.csv", bad));
}
