//! Building, rendering and writing a whole report from fixture run folders.

use expect_test::expect;
use symbiont_report::build::{Block, CORE_SECTIONS};
use symbiont_report::{ReportOptions, build, read_run_dir, render, svg_outline, write_report};

use crate::support::{run_dir, structure_tables};

const DYNAMICS: &str = r#"{
  "time_label": "year", "mode": "asymmetric mutualism (1 gains more)", "method": "E1 difference regression",
  "series": [{"name": "home output (US$)", "observed": [[2000, 1.0], [2001, 1.2]], "fitted": [[2000, 1.05], [2001, 1.18]]}],
  "phase": {"x_label": "home", "y_label": "host", "x_range": [0, 2], "y_range": [0, 2],
            "field": [[0.5, 0.5, 0.1, 0.2], [1.5, 1.5, -0.1, -0.1]],
            "nullclines": [{"name": "home nullcline", "points": [[1, 0], [1, 2]]}],
            "equilibria": [{"label": "E4", "x": 1.2, "y": 1.1, "stable": true}]},
  "coefficients": [{"name": "σ12", "estimate": 0.3, "draws": [0.2, 0.25, 0.3, 0.35, 0.4]}],
  "mode_probabilities": [{"mode": "asymmetric_mutualism", "probability": 0.8}, {"mode": "commensalism", "probability": 0.2}]
}"#;

const PLAN: &str = r#"{"status": "optimal", "objective": 1.5e8,
  "parks": [{"name": "Saysettha", "designated": true, "enterprises": 12}, {"name": "Savan", "enterprises": 4}],
  "factors": [{"supplier": "bank", "kind": "capital", "amount": 5e8, "capacity": 1e9, "unit": "US$"}],
  "bottlenecks": [{"constraint": "plots in Saysettha", "value": 2.5e6, "unit": "plot"}],
  "notes": ["plots in Saysettha binds first"]}"#;

const INDICES: &str = "table,entity,year,index,value,grade
coupling,Laos,2019,D,0.41,on the verge of disorder
coupling,Laos,2020,D,0.47,barely coordinated
";

const SENSITIVITY: &str = "metric,unit,lever,lever_low,lever_high,outcome_low,outcome_high,baseline
host_jobs,jobs,credit line,0.5,2,80,160,100
host_jobs,jobs,one window,off,on,95,120,100
";

fn opts() -> ReportOptions {
    ReportOptions {
        metric_labels: vec![("host_jobs".into(), "host jobs".into())],
        charts_dir: "report-charts".into(),
    }
}

/// Every inline SVG of the page has something drawn besides its background and text.
fn assert_no_empty_chart(html: &str) {
    let mut rest = html;
    let mut n = 0;
    while let Some(i) = rest.find("<svg") {
        let end = rest[i..].find("</svg>").expect("closed svg") + i;
        let outline = svg_outline(&rest[i..end]);
        let drawn: usize = outline
            .lines()
            .filter_map(|l| l.split_once(": "))
            .filter(|(k, _)| ["polyline", "polygon", "circle", "path", "line"].contains(k))
            .map(|(_, v)| v.parse::<usize>().unwrap_or(0))
            .sum::<usize>()
            + outline
                .lines()
                .find(|l| l.starts_with("rect: "))
                .map_or(0, |l| l[6..].parse::<usize>().unwrap_or(0).saturating_sub(1));
        assert!(drawn > 0, "empty chart: {outline}");
        n += 1;
        rest = &rest[end..];
    }
    assert!(n > 0);
}

fn section_outline(report: &symbiont_report::Report) -> String {
    report
        .sections
        .iter()
        .map(|s| {
            let charts: Vec<&str> = s
                .blocks
                .iter()
                .flat_map(|b| match b {
                    Block::Charts(c) => c.iter().map(|c| c.id.as_str()).collect(),
                    Block::Html(_) => Vec::new(),
                })
                .collect();
            format!("{}: {}\n", s.id, charts.join(" "))
        })
        .collect()
}

#[test]
fn a_simulate_folder_gives_the_core_sections() {
    let dir = run_dir("report-core", &[]);
    let data = read_run_dir(&dir).expect("reads");
    let report = build(&data, &opts());
    expect![[r#"
        overview: 
        comparison: series-host-jobs end-host-jobs series-survival end-survival
        symbiosis: symbiosis-micro symbiosis-macro
        flows: flows-capital flows-profit flows-talent
        network: network-alone network-net
        methods: 
    "#]]
    .assert_eq(&section_outline(&report));
    for id in CORE_SECTIONS {
        assert!(report.sections.iter().any(|s| s.id == id), "{id}");
    }
    assert_eq!(report.absent.len(), 6);
    let rendered = render(&report).expect("renders");
    let html = &rendered.html;
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "external reference in the page"
    );
    assert!(!html.contains("<script") && !html.contains("<link"));
    assert!(html.contains("@font-face") && html.contains("data:font/ttf;base64,"));
    assert!(html.contains("break-inside: avoid"));
    // Text from the manifest is escaped.
    assert!(html.contains("Tiny &lt;test&gt; scenario"));
    assert!(!html.contains("NaN"));
    assert_no_empty_chart(html);
}

#[test]
fn optional_parts_add_their_sections() {
    let mut parts = vec![
        ("dynamics.json", DYNAMICS),
        ("plan.json", PLAN),
        ("indices.csv", INDICES),
        ("sensitivity.csv", SENSITIVITY),
    ];
    parts.extend(structure_tables());
    let dir = run_dir("report-full", &parts);
    let data = read_run_dir(&dir).expect("reads");
    let report = build(&data, &opts());
    expect![[r#"
        overview: 
        comparison: series-host-jobs end-host-jobs series-survival end-survival
        symbiosis: symbiosis-micro symbiosis-macro
        flows: flows-capital flows-profit flows-talent
        network: network-alone network-net
        structure: structure-thresholds
        trade: trade
        sensitivity: sensitivity-host-jobs
        dynamics: fit-0 phase bootstrap mode-probabilities
        plan: plan-parks plan-bottlenecks
        indices: index-coupling
        methods: 
    "#]]
    .assert_eq(&section_outline(&report));
    assert!(report.absent.is_empty());
    let rendered = render(&report).expect("renders");
    assert_no_empty_chart(&rendered.html);
    assert!(rendered.html.contains("barely coordinated"));
    assert!(rendered.html.contains("plots in Saysettha binds first"));
}

#[test]
fn a_network_file_replaces_the_simple_view() {
    let net = r#"{"nodes": [{"label": "home:enterprise", "side": "home"}, {"label": "host:park", "side": "host"}],
        "edges": [{"source": "home:enterprise", "target": "host:park", "factor": "capital", "weight": 5.0, "unit": "US$"}],
        "class": "one-way street", "two_way_index": 0.0, "centralization": 0.0}"#;
    let dir = run_dir("report-network", &[("network.json", net)]);
    let report = build(&read_run_dir(&dir).expect("reads"), &opts());
    let outline = section_outline(&report);
    assert!(outline.contains("network: network\n"), "{outline}");
}

#[test]
fn writing_puts_svg_and_csv_beside_the_page() {
    let dir = run_dir("report-write", &[]);
    let report = build(&read_run_dir(&dir).expect("reads"), &opts());
    let rendered = render(&report).expect("renders");
    let out = dir.join("report.html");
    let files = write_report(&report, &rendered, &out, true).expect("writes");
    let charts = report.charts().count();
    assert_eq!(files.len(), 1 + 3 * charts);
    for c in report.charts() {
        let csv = std::fs::read_to_string(dir.join("report-charts").join(format!("{}.csv", c.id)))
            .expect("csv");
        assert!(csv.lines().count() > 1, "{} has no data rows", c.id);
        // Every row has as many fields as the header, so any tool reads it as a table.
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        let width = rdr.headers().expect("header").len();
        for rec in rdr.records() {
            assert_eq!(rec.expect("row").len(), width, "{}", c.id);
        }
        assert!(dir.join("report-charts").join(format!("{}.png", c.id)).is_file());
    }
    let csv = std::fs::read_to_string(dir.join("report-charts/end-host-jobs.csv")).expect("csv");
    expect![[r#"
        group,series,host jobs (jobs),low,high
        alone,mean,100,90,110
        net,mean,250,230,270
    "#]]
    .assert_eq(&csv);
}
