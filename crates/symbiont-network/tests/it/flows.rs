//! Reading flows files: the network they make, and clear messages for malformed ones.

use expect_test::{Expect, expect};
use symbiont_network::{FlowTable, Layer, LayerScale, MetricOptions, Projection, TwoWayBasis};

const HEADER: &str = "mode,run,period,factor,source,target,value\n";

fn check_error(body: &str, expect: Expect) {
    let text = format!("{HEADER}{body}");
    let err = FlowTable::parse("flows.csv", &text).unwrap_err();
    expect.assert_eq(&err.to_string());
}

#[test]
fn malformed_files_name_the_line_and_column() {
    check_error(
        "network,0,1,capital,home:enterprise,host:host_firm,abc\n",
        expect![[
            r#"flows.csv: line 2, column `value`: "abc" is not a finite, non-negative number"#
        ]],
    );
    check_error(
        "network,0,1,capital,home:enterprise,host:host_firm,5\nnetwork,0,x,capital,a,b,1\n",
        expect![[
            r#"flows.csv: line 3, column `period`: "x" is not a period number (0, 1, 2, ...)"#
        ]],
    );
    check_error(
        "network,0,1,money,a,b,1\n",
        expect![[
            r#"flows.csv: line 2, column `factor`: "money" is not a factor (capital|technology|talent|information|goods|profit)"#
        ]],
    );
    check_error(
        "network,0,1,capital,a,b,-3\n",
        expect![[
            r#"flows.csv: line 2, column `value`: "-3" is not a finite, non-negative number"#
        ]],
    );
    check_error(
        "network,0,1,capital,,b,3\n",
        expect![[
            r#"flows.csv: line 2, column `source`: "" is not a node label such as home:enterprise"#
        ]],
    );
    check_error(
        "network,0,1,capital,a,b\n",
        expect![[
            r#"flows.csv: line 2: CSV error: record 1 (line: 2, byte: 43): found record with 6 fields, but the previous record has 7 fields"#
        ]],
    );
    check_error("", expect![[r#"flows.csv: no data rows after the header"#]]);
    let err = FlowTable::parse("flows.csv", "mode,run,period,source,target,value\n").unwrap_err();
    expect![[r#"flows.csv: line 1: missing column `factor`; expected the header `mode,run,period,factor,source,target,value`"#]]
        .assert_eq(&err.to_string());
    let err = FlowTable::parse("flows.csv", "  \n").unwrap_err();
    expect![[r#"flows.csv: the file is empty; expected the header `mode,run,period,factor,source,target,value`"#]]
        .assert_eq(&err.to_string());
}

const TWO_MODES: &str = "\
mode,run,period,factor,source,target,value
network,0,1,capital,home:enterprise,host:host_firm,100
network,1,1,capital,home:enterprise,host:host_firm,300
network,0,2,technology,home:research,host:host_firm,4
network,0,2,profit,host:host_firm,home:enterprise,50
network,1,2,information,host:government,home:enterprise,10
one_way,0,1,capital,home:enterprise,host:host_firm,100
";

#[test]
fn mode_must_be_chosen_when_there_are_several() {
    let t = FlowTable::parse("flows.csv", TWO_MODES).unwrap();
    expect![[
        r#"flows.csv: the file has several modes (network, one_way); choose one with --mode"#
    ]]
    .assert_eq(&t.choose_mode(None).unwrap_err().to_string());
    expect![[r#"flows.csv: no rows for mode `japan`; the file has modes: network, one_way"#]]
        .assert_eq(&t.choose_mode(Some("japan")).unwrap_err().to_string());
    assert_eq!(t.choose_mode(Some("one_way")).unwrap(), "one_way");
}

fn edges_of(t: &FlowTable, mode: &str, per_period: bool) -> String {
    let net = t.network(mode, per_period).unwrap();
    net.edges()
        .iter()
        .map(|e| {
            format!(
                "{} -> {} {} {:?} {}\n",
                net.nodes()[e.source].label,
                net.nodes()[e.target].label,
                e.layer,
                e.period,
                e.weight
            )
        })
        .collect()
}

#[test]
fn flows_are_averaged_over_runs_and_kept_or_summed_per_period() {
    let t = FlowTable::parse("flows.csv", TWO_MODES).unwrap();
    // Two runs: capital (100 + 300) / 2; flows present in one run only are halved.
    expect![[r#"
        home:enterprise -> host:host_firm capital None 200
        host:host_firm -> home:enterprise profit None 25
        home:research -> host:host_firm technology None 2
        host:government -> home:enterprise information None 5
    "#]]
    .assert_eq(&edges_of(&t, "network", false));
    expect![[r#"
        home:enterprise -> host:host_firm capital Some(1) 200
        host:host_firm -> home:enterprise profit Some(2) 25
        home:research -> host:host_firm technology Some(2) 2
        host:government -> home:enterprise information Some(2) 5
    "#]]
    .assert_eq(&edges_of(&t, "network", true));
    let net = t.network("network", true).unwrap();
    assert_eq!(net.periods(), [1, 2]);
    assert_eq!(net.nodes()[0].side, "home");
    assert_eq!(net.nodes()[0].kind, "enterprise");
}

#[test]
fn one_way_flows_classify_as_one_way_on_the_m11_index() {
    let t = FlowTable::parse("flows.csv", TWO_MODES).unwrap();
    let net = t.network("one_way", false).unwrap();
    let p = Projection { layers: Layer::INTERACTION.to_vec(), ..Projection::default() };
    let r = net.analyze(&p, &MetricOptions::default()).unwrap();
    assert_eq!(r.class.basis, TwoWayBasis::M11);
    expect!["one-way street: M11 two-way interaction index 0.000 < 0.2 (one-way threshold)"]
        .assert_eq(&format!("{}: {}", r.class.class, r.class.reason()));
    let cb = r.graph.cross_border.unwrap();
    // Each layer counts as its share of the layer total by default: capital 100 of 100.
    assert_eq!((cb.outward, cb.backward, cb.balance), (1.0, 0.0, 0.0));

    // In the network mode information comes back from the host government.
    let net = t.network("network", false).unwrap();
    let r = net.analyze(&p, &MetricOptions::default()).unwrap();
    let raw = Projection { scale: LayerScale::Raw, ..p.clone() };
    let raw = net.analyze(&raw, &MetricOptions::default()).unwrap();
    // Layer shares: capital 1 out, technology 1 out, information 1 back.
    let cb = r.graph.cross_border.unwrap();
    assert_eq!((cb.outward, cb.backward), (2.0, 1.0));
    let cb = raw.graph.cross_border.unwrap();
    assert_eq!((cb.outward, cb.backward), (202.0, 5.0));

    // M11 as the simulation computes it, per factor: capital and technology only go out,
    // information only comes back, profit (kept here) only comes back: every balance is 0.
    let all = net.analyze(&Projection::default(), &MetricOptions::default()).unwrap();
    let m = all.m11.unwrap();
    assert_eq!(m.layers.len(), 4);
    assert_eq!(m.index, 0.0);
    assert_eq!(all.class.class, symbiont_network::StructureClass::OneWayStreet);
}

#[test]
fn m11_matches_the_simulation_formula() {
    // capital: out 300, back 100 -> 2*100/400 = 0.5; information: out 10, back 10 -> 1.
    let text = "\
mode,run,period,factor,source,target,value
m,0,1,capital,home:finance,host:host_firm,300
m,0,1,capital,host:host_firm,home:finance,100
m,0,1,information,home:government,host:government,10
m,0,1,information,host:government,home:government,10
m,0,1,goods,home:enterprise,home:finance,99
";
    let net = FlowTable::parse("f.csv", text).unwrap().network("m", false).unwrap();
    let m = net.m11(&Projection::default()).unwrap();
    assert_eq!(m.index, 0.75);
    // Goods stayed at home: no cross-border flow, so the layer does not count.
    assert_eq!(
        m.layers.iter().map(|l| l.0).collect::<Vec<_>>(),
        [Layer::Capital, Layer::Information]
    );
}

#[test]
fn selecting_a_layer_without_flows_is_a_clear_error() {
    let t = FlowTable::parse("flows.csv", TWO_MODES).unwrap();
    let net = t.network("one_way", false).unwrap();
    let p = Projection { layers: vec![Layer::Talent], ..Projection::default() };
    let err = net.analyze(&p, &MetricOptions::default()).unwrap_err();
    expect![[r#"the network has 2 node(s) but no edges with positive weight: there is nothing to measure (check the layers, periods or mode selected)"#]]
        .assert_eq(&err.to_string());
}
