//! Golden tests of the SVG structure of each chart type, from fixed data: the element counts
//! and every text (title, legend, axis labels with units, ticks), plus the CSV beside it.

use expect_test::{Expect, expect};
use symbiont_report::figure::{
    Arrow, BarSeries, BarValue, BarsFigure, Chart, Equilibrium, Figure, HBar, HBarsFigure,
    HistFigure, HistPanel, Line, LinesFigure, MatrixCell, MatrixFigure, NetEdge, NetNode,
    NetworkFigure, PhaseFigure, fmt_num,
};
use symbiont_report::svg_outline;

fn check(chart: Chart, expect: Expect) {
    let svg = chart.svg().expect("the chart draws");
    assert!(!chart.is_empty());
    let actual = format!("{}--- csv\n{}", svg_outline(&svg), chart.csv());
    expect.assert_eq(&actual);
}

#[test]
fn lines_with_bands() {
    let line = |name: &str, k: f64| Line {
        name: name.into(),
        points: vec![(2013.0, k), (2014.0, 2.0 * k), (2015.0, 3.0 * k)],
        band: vec![
            (2013.0, k - 1.0, k + 1.0),
            (2014.0, 2.0 * k - 1.0, 2.0 * k + 1.0),
            (2015.0, 3.0 * k - 1.0, 3.0 * k + 1.0),
        ],
        markers: false,
    };
    let chart = Chart::new(
        "series-jobs",
        "host jobs, per year",
        Figure::Lines(LinesFigure {
            x_label: "year".into(),
            y_label: "host jobs (jobs)".into(),
            lines: vec![line("alone", 10.0), line("network", 20.0)],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 1
        text: 16
        polyline: 16
        line: 10
        polygon: 2
        texts: host jobs, per year | lines: mean across runs; shaded: 95% confidence band of the mean | alone | network | host jobs (jobs) | year | 0 | 10 | 20 | 30 | 40 | 50 | 60 | 2013 | 2014 | 2015
        --- csv
        series,year,host jobs (jobs),band_low,band_high
        alone,2013,10,9,11
        alone,2014,20,19,21
        alone,2015,30,29,31
        network,2013,20,19,21
        network,2014,40,39,41
        network,2015,60,59,61
    "#]],
    );
}

#[test]
fn observed_dots_and_fitted_line() {
    let chart = Chart::new(
        "fit-0",
        "Lao GDP: observed and fitted",
        Figure::Lines(LinesFigure {
            x_label: "year".into(),
            y_label: "Lao GDP (US$)".into(),
            lines: vec![
                Line {
                    name: "observed".into(),
                    points: vec![(2000.0, 1.7e9), (2001.0, 1.8e9)],
                    band: vec![],
                    markers: true,
                },
                Line::new("fitted", vec![(2000.0, 1.72e9), (2001.0, 1.79e9)]),
            ],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 1
        text: 18
        circle: 3
        polyline: 17
        line: 13
        texts: Lao GDP: observed and fitted | observed | fitted | Lao GDP (US$) | year | 1.7bn | 1.71bn | 1.72bn | 1.73bn | 1.74bn | 1.75bn | 1.76bn | 1.77bn | 1.78bn | 1.79bn | 1.8bn | 2000 | 2001
        --- csv
        series,year,Lao GDP (US$),band_low,band_high
        observed,2000,1700000000,,
        observed,2001,1800000000,,
        fitted,2000,1720000000,,
        fitted,2001,1790000000,,
    "#]],
    );
}

#[test]
fn bars_with_intervals() {
    let v = |value: f64, half: f64| BarValue {
        value,
        low: Some(value - half),
        high: Some(value + half),
    };
    let chart = Chart::new(
        "end-jobs",
        "host jobs, end of horizon (2015)",
        Figure::Bars(BarsFigure {
            y_label: "host jobs (jobs)".into(),
            groups: vec!["alone".into(), "network".into()],
            series: vec![BarSeries {
                name: "mean".into(),
                values: vec![v(100.0, 10.0), v(250.0, 20.0)],
            }],
            color_by_group: true,
            note: "bar: mean; whisker: 95% CI".into(),
            thresholds: Vec::new(),
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 3
        text: 21
        line: 6
        polyline: 24
        texts: host jobs, end of horizon (2015) | bar: mean; whisker: 95% CI | host jobs (jobs) | 0 | 50 | 100 | 150 | 200 | 250 |  |  |  |  |  |  |  |  |  |  | alone | network
        --- csv
        group,series,host jobs (jobs),low,high
        alone,mean,100,90,110
        network,mean,250,230,270
    "#]],
    );
}

#[test]
fn grouped_bars_by_direction() {
    let b = |value: f64| BarValue { value, low: None, high: None };
    let chart = Chart::new(
        "flows-capital",
        "capital across the border",
        Figure::Bars(BarsFigure {
            y_label: "capital per run (US$)".into(),
            groups: vec!["alone".into(), "network".into()],
            series: vec![
                BarSeries { name: "home → host".into(), values: vec![b(200.0), b(100.0)] },
                BarSeries { name: "host → home".into(), values: vec![b(5.0), b(40.0)] },
            ],
            color_by_group: false,
            note: String::new(),
            thresholds: Vec::new(),
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 7
        text: 27
        line: 11
        polyline: 23
        texts: capital across the border | home → host | host → home | capital per run (US$) | 0 | 20 | 40 | 60 | 80 | 100 | 120 | 140 | 160 | 180 | 200 |  |  |  |  |  |  |  |  |  |  | alone | network
        --- csv
        group,series,capital per run (US$),low,high
        alone,home → host,200,,
        network,home → host,100,,
        alone,host → home,5,,
        network,host → home,40,,
    "#]],
    );
}

#[test]
fn bars_with_thresholds() {
    let b = |value: f64, low: f64, high: f64| BarValue { value, low: Some(low), high: Some(high) };
    let chart = Chart::new(
        "structure-thresholds",
        "measures against thresholds",
        Figure::Bars(BarsFigure {
            y_label: "median over runs (share, 0..1)".into(),
            groups: vec!["cross border reciprocity".into(), "support ties".into(), "other".into()],
            series: vec![
                BarSeries {
                    name: "alone".into(),
                    values: vec![b(0.1, 0.05, 0.15), b(0.05, 0.0, 0.1), b(0.3, 0.25, 0.35)],
                },
                BarSeries {
                    name: "network".into(),
                    values: vec![b(0.4, 0.35, 0.45), b(0.5, 0.4, 0.6), b(0.2, 0.1, 0.3)],
                },
            ],
            color_by_group: false,
            note: "dashed: class threshold".into(),
            // A NaN threshold draws none for its group.
            thresholds: vec![0.2, 0.25, f64::NAN],
        }),
    );
    check(
        chart,
        expect![[r#"
            svg: 1
            rect: 9
            text: 25
            polyline: 77
            line: 7
            texts: measures against thresholds | dashed: class threshold | alone | network | threshold | median over runs (share, 0..1) | 0 | 0.1 | 0.2 | 0.3 | 0.4 | 0.5 | 0.6 |  |  |  |  |  |  |  | cross border reciprocity | support ties | other | threshold 0.2 | threshold 0.25
            --- csv
            group,series,"median over runs (share, 0..1)",low,high,threshold
            cross border reciprocity,alone,0.1,0.05,0.15,0.2
            support ties,alone,0.05,0,0.1,0.25
            other,alone,0.3,0.25,0.35,
            cross border reciprocity,network,0.4,0.35,0.45,0.2
            support ties,network,0.5,0.4,0.6,0.25
            other,network,0.2,0.1,0.3,
        "#]],
    );
}

#[test]
fn tornado() {
    let chart = Chart::new(
        "sensitivity-jobs",
        "Sensitivity of host jobs",
        Figure::HBars(HBarsFigure {
            x_label: "host jobs (jobs)".into(),
            base: 100.0,
            low_name: "low".into(),
            high_name: "high".into(),
            bars: vec![
                HBar { label: "credit line (0.5 → 2)".into(), low: 60.0, high: 150.0 },
                HBar { label: "one window (off → on)".into(), low: 90.0, high: 120.0 },
            ],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 7
        text: 26
        line: 10
        polyline: 23
        texts: Sensitivity of host jobs | low | high | host jobs (jobs) |  |  |  |  |  |  |  |  |  |  | 60 | 70 | 80 | 90 | 100 | 110 | 120 | 130 | 140 | 150 | credit line (0.5 → 2) | one window (off → on)
        --- csv
        label,low,high,base,unit
        credit line (0.5 → 2),60,150,100,host jobs (jobs)
        one window (off → on),90,120,100,host jobs (jobs)
    "#]],
    );
}

#[test]
fn symbiosis_matrix() {
    let cell = |key: &str, text: &str, detail: &str, share: f64| {
        Some(MatrixCell { key: key.into(), text: text.into(), detail: detail.into(), share })
    };
    let chart = Chart::new(
        "symbiosis-micro",
        "Symbiosis per pair",
        Figure::Matrix(MatrixFigure {
            rows: vec![
                "home:enterprise – host:host_firm".into(),
                "home:enterprise – host:park".into(),
            ],
            cols: vec!["alone".into(), "network".into()],
            cells: vec![
                vec![
                    cell("commensalism", "commensalism", "a gains", 0.5),
                    cell("symmetric_mutualism", "sym. mutualism", "", 1.0),
                ],
                vec![cell("parasitism", "parasitism", "b gains", 0.9), None],
            ],
            legend: vec![
                ("commensalism".into(), "commensalism".into()),
                ("symmetric_mutualism".into(), "symmetric mutualism".into()),
                ("parasitism".into(), "parasitism".into()),
            ],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 7
        text: 15
        texts: Symbiosis per pair | cell: the mode found most often across runs, with the share of runs | commensalism | symmetric mutualism | parasitism | alone | network | home:enterprise – host:host_firm | commensalism | a gains · 50% | sym. mutualism | 100% of runs | home:enterprise – host:park | parasitism | b gains · 90%
        --- csv
        row,column,key,text,detail,share
        home:enterprise – host:host_firm,alone,commensalism,commensalism,a gains,0.5
        home:enterprise – host:host_firm,network,symmetric_mutualism,sym. mutualism,,1
        home:enterprise – host:park,alone,parasitism,parasitism,b gains,0.9
    "#]],
    );
}

#[test]
fn network_on_two_columns() {
    let chart = Chart::new(
        "network-net",
        "net: network",
        Figure::Network(NetworkFigure {
            nodes: vec![
                NetNode { label: "home:enterprise".into(), column: 0 },
                NetNode { label: "host:enterprise".into(), column: 1 },
                NetNode { label: "host:host_firm".into(), column: 1 },
            ],
            edges: vec![
                NetEdge {
                    source: 0,
                    target: 1,
                    factor: "capital".into(),
                    weight: 100.0,
                    unit: "US$".into(),
                },
                NetEdge {
                    source: 1,
                    target: 0,
                    factor: "profit".into(),
                    weight: 40.0,
                    unit: "US$".into(),
                },
                NetEdge {
                    source: 1,
                    target: 2,
                    factor: "capital".into(),
                    weight: 20.0,
                    unit: "US$".into(),
                },
            ],
            factors: vec!["capital".into(), "profit".into()],
            column_names: ["home".into(), "host".into()],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 1
        text: 9
        polyline: 5
        polygon: 3
        circle: 6
        texts: net: network | edge width: mean flow per run, relative to the largest flow of the same factor | capital | profit | home | host | home:enterprise | host:enterprise | host:host_firm
        --- csv
        source,target,factor,weight,unit
        home:enterprise,host:enterprise,capital,100,US$
        host:enterprise,home:enterprise,profit,40,US$
        host:enterprise,host:host_firm,capital,20,US$
    "#]],
    );
}

#[test]
fn phase_portrait() {
    let field = (0..3)
        .flat_map(|i| (0..3).map(move |j| (f64::from(i) * 5.0, f64::from(j) * 5.0)))
        .map(|(x, y)| Arrow { x, y, dx: x * (1.0 - x / 10.0), dy: y * (1.0 - y / 8.0) })
        .collect();
    let chart = Chart::new(
        "phase",
        "Phase portrait",
        Figure::Phase(PhaseFigure {
            x_label: "home output (US$ bn)".into(),
            y_label: "host output (US$ bn)".into(),
            x_range: (0.0, 12.0),
            y_range: (0.0, 10.0),
            field,
            nullclines: vec![
                Line::new("home nullcline", vec![(10.0, 0.0), (10.0, 10.0)]),
                Line::new("host nullcline", vec![(0.0, 8.0), (12.0, 8.0)]),
            ],
            trajectories: vec![Line::new("fitted path", vec![(1.0, 1.0), (5.0, 4.0), (9.0, 7.5)])],
            equilibria: vec![
                Equilibrium { label: "E1".into(), x: 0.0, y: 0.0, stable: false },
                Equilibrium { label: "E4".into(), x: 10.0, y: 8.0, stable: true },
            ],
        }),
    );
    check(
        chart,
        expect![[r#"
        svg: 1
        rect: 1
        text: 29
        polyline: 41
        circle: 5
        line: 18
        texts: Phase portrait | direction field | home nullcline | host nullcline | fitted path | stable equilibrium | unstable equilibrium | host output (US$ bn) | home output (US$ bn) | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 0 | 2 | 4 | 6 | 8 | 10 | 12 | E1 | E4
        --- csv
        layer,name,x,y,dx,dy,stable
        field,,0,0,0,0,
        field,,0,5,0,1.875,
        field,,0,10,0,-2.5,
        field,,5,0,2.5,0,
        field,,5,5,2.5,1.875,
        field,,5,10,2.5,-2.5,
        field,,10,0,0,0,
        field,,10,5,0,1.875,
        field,,10,10,0,-2.5,
        nullcline,home nullcline,10,0,,,
        nullcline,home nullcline,10,10,,,
        nullcline,host nullcline,0,8,,,
        nullcline,host nullcline,12,8,,,
        trajectory,fitted path,1,1,,,
        trajectory,fitted path,5,4,,,
        trajectory,fitted path,9,7.5,,,
        equilibrium,E1,0,0,,,false
        equilibrium,E4,10,8,,,true
    "#]],
    );
}

#[test]
fn bootstrap_histograms() {
    let draws = |c: f64| (0..40).map(|i| c + (f64::from(i) - 20.0) / 100.0).collect();
    let chart = Chart::new(
        "bootstrap",
        "Bootstrap distribution of the coefficients",
        Figure::Hist(HistFigure {
            panels: vec![
                HistPanel { name: "σ12".into(), draws: draws(0.3), estimate: 0.3 },
                HistPanel { name: "σ21".into(), draws: draws(-0.2), estimate: -0.2 },
            ],
        }),
    );
    check(
        chart,
        expect![[r#"
            svg: 1
            rect: 14
            text: 21
            polyline: 25
            line: 8
            texts: Bootstrap distribution of the coefficients | bootstrap draws | point estimate | 2.5% and 97.5% of draws | draws | σ12 | 0 | 2 | 4 | 6 | 0.2 | 0.4 | draws | σ21 | 0 | 2 | 4 | 6 | -0.4 | -0.2 | 0
            --- csv
            coefficient,draw,value,estimate
            σ12,0,0.09999999999999998,0.3
            σ12,1,0.10999999999999999,0.3
            σ12,2,0.12,0.3
            σ12,3,0.12999999999999998,0.3
            σ12,4,0.13999999999999999,0.3
            σ12,5,0.15,0.3
            σ12,6,0.15999999999999998,0.3
            σ12,7,0.16999999999999998,0.3
            σ12,8,0.18,0.3
            σ12,9,0.19,0.3
            σ12,10,0.19999999999999998,0.3
            σ12,11,0.21,0.3
            σ12,12,0.21999999999999997,0.3
            σ12,13,0.22999999999999998,0.3
            σ12,14,0.24,0.3
            σ12,15,0.25,0.3
            σ12,16,0.26,0.3
            σ12,17,0.27,0.3
            σ12,18,0.27999999999999997,0.3
            σ12,19,0.29,0.3
            σ12,20,0.3,0.3
            σ12,21,0.31,0.3
            σ12,22,0.32,0.3
            σ12,23,0.32999999999999996,0.3
            σ12,24,0.33999999999999997,0.3
            σ12,25,0.35,0.3
            σ12,26,0.36,0.3
            σ12,27,0.37,0.3
            σ12,28,0.38,0.3
            σ12,29,0.39,0.3
            σ12,30,0.4,0.3
            σ12,31,0.41,0.3
            σ12,32,0.42,0.3
            σ12,33,0.43,0.3
            σ12,34,0.44,0.3
            σ12,35,0.44999999999999996,0.3
            σ12,36,0.45999999999999996,0.3
            σ12,37,0.47,0.3
            σ12,38,0.48,0.3
            σ12,39,0.49,0.3
            σ21,0,-0.4,-0.2
            σ21,1,-0.39,-0.2
            σ21,2,-0.38,-0.2
            σ21,3,-0.37,-0.2
            σ21,4,-0.36,-0.2
            σ21,5,-0.35,-0.2
            σ21,6,-0.34,-0.2
            σ21,7,-0.33,-0.2
            σ21,8,-0.32,-0.2
            σ21,9,-0.31,-0.2
            σ21,10,-0.30000000000000004,-0.2
            σ21,11,-0.29000000000000004,-0.2
            σ21,12,-0.28,-0.2
            σ21,13,-0.27,-0.2
            σ21,14,-0.26,-0.2
            σ21,15,-0.25,-0.2
            σ21,16,-0.24000000000000002,-0.2
            σ21,17,-0.23,-0.2
            σ21,18,-0.22,-0.2
            σ21,19,-0.21000000000000002,-0.2
            σ21,20,-0.2,-0.2
            σ21,21,-0.19,-0.2
            σ21,22,-0.18000000000000002,-0.2
            σ21,23,-0.17,-0.2
            σ21,24,-0.16,-0.2
            σ21,25,-0.15000000000000002,-0.2
            σ21,26,-0.14,-0.2
            σ21,27,-0.13,-0.2
            σ21,28,-0.12000000000000001,-0.2
            σ21,29,-0.11000000000000001,-0.2
            σ21,30,-0.1,-0.2
            σ21,31,-0.09000000000000001,-0.2
            σ21,32,-0.08000000000000002,-0.2
            σ21,33,-0.07,-0.2
            σ21,34,-0.06,-0.2
            σ21,35,-0.05000000000000002,-0.2
            σ21,36,-0.04000000000000001,-0.2
            σ21,37,-0.03,-0.2
            σ21,38,-0.020000000000000018,-0.2
            σ21,39,-0.010000000000000009,-0.2
        "#]],
    );
}

#[test]
fn empty_figures_are_detected() {
    let empty = Chart::new(
        "x",
        "x",
        Figure::Lines(LinesFigure {
            x_label: "t".into(),
            y_label: "y".into(),
            lines: vec![Line::new("a", vec![(1.0, f64::NAN)])],
        }),
    );
    assert!(empty.is_empty());
    // Drawing it still works (the axes are drawn on a default range) and gives no NaN text.
    let svg = empty.svg().expect("draws");
    assert!(!svg.contains("NaN"));
}

#[test]
fn numbers_are_short_and_never_nan() {
    let cases =
        [0.0, 0.25, 3.25671, 42.0, 999.0, 1500.0, 25_000.0, 3.2e6, 7.25e9, -1.5e6, f64::NAN];
    let got: Vec<String> = cases.iter().map(|&v| fmt_num(v)).collect();
    expect!["0 0.25 3.26 42 999 1.5k 25k 3.2M 7.25bn -1.5M –"].assert_eq(&got.join(" "));
}

#[test]
fn png_is_written() {
    let dir = crate::support::fresh_dir("png");
    let chart = Chart::new(
        "p",
        "p",
        Figure::Lines(LinesFigure {
            x_label: "t".into(),
            y_label: "y".into(),
            lines: vec![Line::new("a", vec![(0.0, 1.0), (1.0, 2.0)])],
        }),
    );
    let path = dir.join("p.png");
    chart.png(&path).expect("png written");
    let bytes = std::fs::read(&path).expect("read png");
    assert_eq!(&bytes[1..4], b"PNG");
}
