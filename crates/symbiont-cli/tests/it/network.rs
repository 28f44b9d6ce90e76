//! Tests of `symbiont network`.

use std::fmt::Write as _;

use expect_test::expect;

use crate::support::{fresh_dir, symbiont, symbiont_in};

/// A flows.csv with three modes of one-period flows, two runs each:
/// - `one_way`: home units send capital, technology and talent; only profit comes back;
/// - `hub`: everything goes through one home finance hub, both ways;
/// - `network`: government, enterprise, university, research and finance trade both ways.
fn flows_csv() -> String {
    let mut s = String::from("mode,run,period,factor,source,target,value\n");
    for run in 0..2 {
        let v = 100.0 + 20.0 * run as f64;
        for (src, dst, f) in [
            ("home:enterprise", "host:host_firm", "capital"),
            ("home:finance", "host:host_firm", "capital"),
            ("home:research", "host:host_firm", "technology"),
            ("home:university", "host:host_firm", "talent"),
            ("host:host_firm", "home:enterprise", "profit"),
        ] {
            writeln!(s, "one_way,{run},1,{f},{src},{dst},{v}").unwrap();
        }
        for leaf in ["home:enterprise", "home:university", "host:host_firm", "host:government"] {
            writeln!(s, "hub,{run},1,information,home:finance,{leaf},{v}").unwrap();
            writeln!(s, "hub,{run},1,information,{leaf},home:finance,{}", v * 0.8).unwrap();
        }
        let units = [
            "home:government",
            "home:enterprise",
            "home:university",
            "host:government",
            "host:host_firm",
        ];
        for (i, a) in units.iter().enumerate() {
            for b in &units[i + 1..] {
                writeln!(s, "network,{run},1,information,{a},{b},{v}").unwrap();
                writeln!(s, "network,{run},2,information,{b},{a},{}", v * 0.9).unwrap();
            }
        }
    }
    s
}

fn run_dir(name: &str, flows: &str) -> std::path::PathBuf {
    let dir = fresh_dir(name);
    std::fs::write(dir.join("flows.csv"), flows).unwrap();
    dir
}

fn class_line(stdout: &str) -> &str {
    stdout.lines().find(|l| l.starts_with("Structure class")).unwrap_or("")
}

#[test]
fn the_three_structures_are_told_apart() {
    let dir = run_dir("network-three", &flows_csv());
    let d = dir.to_str().unwrap();
    let one = symbiont(&["network", d, "--mode", "one_way"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let hub = symbiont(&["network", d, "--mode", "hub"]);
    assert_eq!(hub.code, 0, "{}", hub.stderr);
    let net = symbiont(&["network", d, "--mode", "network"]);
    assert_eq!(net.code, 0, "{}", net.stderr);
    expect![[r#"
        Structure class: one-way street
        Structure class: hub
        Structure class: network"#]]
    .assert_eq(
        &[class_line(&one.stdout), class_line(&hub.stdout), class_line(&net.stdout)].join("\n"),
    );
    // A layer the mode has no flows in is named in a clear error, not measured as zeros.
    let none = symbiont(&["network", d, "--mode", "one_way", "--layers", "information"]);
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("layers information: the network has 5 node(s) but no edges"),
        "{}",
        none.stderr
    );
}

#[test]
fn the_report_shows_the_numbers_behind_the_class() {
    let dir = run_dir("network-report", &flows_csv());
    let r = symbiont(&["network", dir.to_str().unwrap(), "--mode", "hub", "--top", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let body: String = r.stdout.lines().skip(1).map(|l| format!("{}\n", l.trim_end())).collect();
    expect![[r#"
        layers: all (each as a share of its total); 5 nodes, 8 edges

        Structure class: hub
          because M11 two-way interaction index 0.889 >= 0.2 and throughput centralization 1.000 >= 0.5 (hub threshold)

        ┌───────────────────────────────┬────────┬────────────────────────────────────────────────────────────────────────┐
        │ graph metric                  ┆ value  ┆ meaning                                                                │
        ╞═══════════════════════════════╪════════╪════════════════════════════════════════════════════════════════════════╡
        │ density                       ┆ 0.4000 ┆ edges / possible directed edges                                        │
        │ reciprocity                   ┆ 1.000  ┆ share of ties that are two-way                                         │
        │ M11 two-way interaction index ┆ 0.8889 ┆ mean over factors of 2 min(out, back) / (out + back) across the border │
        │ pairwise two-way index        ┆ 0.8889 ┆ sum min(w_ij, w_ji) / sum w_ij over pairs                              │
        │ home -> host                  ┆ 0.2778 ┆ flow out, selected layers                                              │
        │ host -> home                  ┆ 0.2222 ┆ flow back, selected layers                                             │
        │ cross-border balance          ┆ 0.8000 ┆ min(out, back) / max(out, back)                                        │
        │ throughput centralization     ┆ 1.0000 ┆ 1 = a star, 0 = all equal                                              │
        │ Herfindahl (throughput)       ┆ 0.3125 ┆ sum of squared throughput shares                                       │
        │ Gini (throughput)             ┆ 0.3000 ┆ inequality of node throughput                                          │
        │ average clustering            ┆ 0      ┆ undirected projection                                                  │
        │ transitivity                  ┆ 0      ┆ 3 x triangles / connected triples                                      │
        │ communities (Louvain)         ┆ 1      ┆ seed 0                                                                 │
        │ modularity                    ┆ 0      ┆ of the Louvain partition                                               │
        │ core/periphery fit            ┆ 1.000  ┆ Borgatti-Everett correlation; core of 1 node(s), marked * below        │
        └───────────────────────────────┴────────┴────────────────────────────────────────────────────────────────────────┘

        ┌─────────────┬───────┬───────┬───────┬────────────┬────────────┬─────────────┬─────────────┬────────────────┐
        │ layer       ┆ unit  ┆ edges ┆ total ┆ home->host ┆ host->home ┆ M11 balance ┆ reciprocity ┆ centralization │
        ╞═════════════╪═══════╪═══════╪═══════╪════════════╪════════════╪═════════════╪═════════════╪════════════════╡
        │ information ┆ units ┆ 8     ┆ 792.0 ┆ 220.0      ┆ 176.0      ┆ 0.8889      ┆ 1.000       ┆ 1.000          │
        └─────────────┴───────┴───────┴───────┴────────────┴────────────┴─────────────┴─────────────┴────────────────┘

        ┌────────────────────────┬──────┬────────────┬─────────────┬──────────────┬─────────────┬───────────┬─────────────┬──────────┬────────────┬───────────┬──────┐
        │ node                   ┆ side ┆ in/out deg ┆ in strength ┆ out strength ┆ betweenness ┆ closeness ┆ eigenvector ┆ pagerank ┆ clustering ┆ community ┆ core │
        ╞════════════════════════╪══════╪════════════╪═════════════╪══════════════╪═════════════╪═══════════╪═════════════╪══════════╪════════════╪═══════════╪══════╡
        │ home:finance           ┆ home ┆ 4/4        ┆ 0.4444      ┆ 0.5556       ┆ 1.000       ┆ 0.1111    ┆ 0.6667      ┆ 0.4757   ┆ 0          ┆ 0         ┆ 1*   │
        │ home:enterprise        ┆ home ┆ 1/1        ┆ 0.1389      ┆ 0.1111       ┆ 0           ┆ 0.0717    ┆ 0.3727      ┆ 0.1311   ┆ 0          ┆ 0         ┆ 1    │
        │ ... 3 more (use --top) ┆      ┆            ┆             ┆              ┆             ┆           ┆             ┆          ┆            ┆           ┆      │
        └────────────────────────┴──────┴────────────┴─────────────┴──────────────┴─────────────┴───────────┴─────────────┴──────────┴────────────┴───────────┴──────┘
    "#]]
    .assert_eq(&body);
}

#[test]
fn thresholds_can_be_changed() {
    let dir = run_dir("network-thresholds", &flows_csv());
    let r =
        symbiont(&["network", dir.to_str().unwrap(), "--mode", "hub", "--hub-at-least", "1.01"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("must lie in [0, 1]"), "{}", r.stderr);
    let r =
        symbiont(&["network", dir.to_str().unwrap(), "--mode", "hub", "--one-way-below", "0.95"]);
    assert_eq!(class_line(&r.stdout), "Structure class: one-way street");
}

#[test]
fn per_period_flows_give_a_period_table_and_a_dynamic_gexf() {
    let dir = run_dir("network-periods", &flows_csv());
    let r = symbiont_in(
        &dir,
        &["network", ".", "--mode", "network", "--per-period", "--export", "out/net.gexf"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Period 1 has only the forward flows, period 2 only the returns: each alone is one-way.
    let one_way_periods = r.stdout.lines().filter(|l| l.contains("┆ one-way street")).count();
    assert_eq!(one_way_periods, 2, "{}", r.stdout);
    let gexf = std::fs::read_to_string(dir.join("out/net.gexf")).unwrap();
    assert!(gexf.contains(r#"mode="dynamic""#) && gexf.contains(r#"<spell start="2" end="2"/>"#));
    assert!(gexf.contains(r#"<attribute id="betweenness" title="betweenness" type="double"/>"#));
    let one = symbiont_in(&dir, &["network", ".", "--mode", "network", "--period", "2"]);
    assert_eq!(class_line(&one.stdout), "Structure class: one-way street");
    let none = symbiont_in(&dir, &["network", ".", "--mode", "network", "--period", "7"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("no flows in period 7; periods present: 1, 2"), "{}", none.stderr);
}

#[test]
fn exports_are_written_in_the_format_of_the_extension() {
    let dir = run_dir("network-exports", &flows_csv());
    for file in ["n.gexf", "n.graphml", "n.json"] {
        let r = symbiont_in(&dir, &["network", "flows.csv", "--mode", "hub", "--export", file]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(&format!("wrote {file}")));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("n.json")).unwrap()).unwrap();
    assert_eq!(json["class"]["class"], "hub");
    assert!(std::fs::read_to_string(dir.join("n.graphml")).unwrap().contains("<graphml"));
    let bad = symbiont_in(&dir, &["network", "flows.csv", "--mode", "hub", "--export", "n.png"]);
    assert_eq!(bad.code, 1);
    expect![[
        r#"error: --export n.png: unknown extension "png"; expected .gexf, .graphml or .json"#
    ]]
    .assert_eq(bad.stderr.trim());
}

#[test]
fn bad_input_gets_a_clear_message() {
    let dir = run_dir(
        "network-bad",
        "mode,run,period,factor,source,target,value\nx,0,1,capital,a,b,1e400\n",
    );
    let r = symbiont(&["network", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            r#"flows.csv: line 2, column `value`: "1e400" is not a finite, non-negative number"#
        ),
        "{}",
        r.stderr
    );

    let dir = run_dir(
        "network-zero",
        "mode,run,period,factor,source,target,value\nx,0,1,capital,a,b,0\n",
    );
    let r = symbiont(&["network", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no edges with positive weight"), "{}", r.stderr);
    assert!(!r.stdout.contains("NaN"));

    let dir = run_dir("network-modes", &flows_csv());
    let r = symbiont(&["network", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("several modes (hub, network, one_way); choose one with --mode"),
        "{}",
        r.stderr
    );

    let empty = fresh_dir("network-empty-run");
    let r = symbiont(&["network", empty.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("this run folder has no flows.csv"), "{}", r.stderr);

    let r = symbiont(&["network", "--layers", "money"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(r#"--layers: "money" is not a layer"#), "{}", r.stderr);
}

#[test]
fn the_default_scenario_network_is_measured() {
    let r = symbiont(&["network"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("declared relations"));
    assert!(class_line(&r.stdout).starts_with("Structure class: "));
}

#[test]
fn a_run_folder_shows_the_network_the_runs_formed() {
    let dir = crate::support::fresh_dir("network-entities");
    let run = dir.join("run");
    let r = symbiont(&[
        "simulate",
        "--runs",
        "3",
        "--horizon",
        "8",
        "--no-report",
        "--modes",
        "one_way_street,network",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let class = |mode: &str| {
        let r = symbiont_in(&run, &["network", ".", "--mode", mode]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("Flows between unit kinds"), "{}", r.stdout);
        r.stdout.lines().find(|l| l.starts_with("Structure class over runs")).unwrap().to_string()
    };
    assert_eq!(class("network"), "Structure class over runs: network 100%");
    assert_eq!(class("one_way_street"), "Structure class over runs: one-way street 100%");
    // The first run's entity network, sampled, as GraphML; --kinds exports unit kinds.
    let r = symbiont_in(
        &run,
        &["network", ".", "--mode", "network", "--sample", "300", "--export", "n.graphml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("wrote n.graphml (the first run's entity network: 300 of"),
        "{}",
        r.stdout
    );
    let xml = std::fs::read_to_string(run.join("n.graphml")).unwrap();
    assert_eq!(xml.matches("<node ").count(), 300);
    let r =
        symbiont_in(&run, &["network", ".", "--mode", "network", "--kinds", "--export", "k.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("Network the runs formed"));
}

/// `--into`: `network.json` replaces a previous one whole, leaves no temporary file, fails
/// cleanly when a folder is in the way, and a folder that is not a run folder is refused.
#[test]
fn network_json_is_written_atomically_and_only_into_a_run_folder() {
    let (dir, run) = crate::support::simulated_run("network-atomic");
    let run_s = run.to_str().unwrap().to_string();
    let network_into = |d: &std::path::Path| {
        let (d, r) = (d.to_str().unwrap().to_string(), run_s.clone());
        move || symbiont(&["network", &r, "--mode", "network", "--into", &d])
    };
    let written =
        crate::support::check_atomic_part(&run, "network.json", "previous", network_into(&run));
    let v: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert!(!v["edges"].as_array().unwrap().is_empty(), "{v}");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    crate::support::check_refuses_non_run_folder(&empty, network_into(&empty));
}

/// `--export`: a previous export is replaced whole (a hard link to it keeps the old bytes) and
/// no temporary file is left, also when a folder is in the way of the export.
#[test]
fn exports_replace_a_previous_file_whole_and_leave_no_temporary() {
    let dir = run_dir("network-export-atomic", &flows_csv());
    std::fs::write(dir.join("n.gexf"), "previous").unwrap();
    std::fs::hard_link(dir.join("n.gexf"), dir.join("held")).unwrap();
    let r = symbiont_in(&dir, &["network", "flows.csv", "--mode", "hub", "--export", "n.gexf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(dir.join("n.gexf")).unwrap().contains("<gexf"));
    assert_eq!(std::fs::read_to_string(dir.join("held")).unwrap(), "previous");
    assert_eq!(crate::support::temporaries(&dir), Vec::<String>::new());
    std::fs::create_dir(dir.join("d.json")).unwrap();
    let r = symbiont_in(&dir, &["network", "flows.csv", "--mode", "hub", "--export", "d.json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("d.json: a folder is in the way"), "{}", r.stderr);
    assert!(dir.join("d.json").is_dir());
    assert_eq!(crate::support::temporaries(&dir), Vec::<String>::new());
}
