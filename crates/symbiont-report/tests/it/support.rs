//! A small run folder written from fixed data, shaped like `symbiont simulate --out DIR`.

use std::path::{Path, PathBuf};

/// A fresh, empty folder under cargo's target tmp dir.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-it").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create test dir");
    dir
}

pub const MANIFEST: &str = r#"{
  "symbiont_version": "0.1.0",
  "scenario": {"name": "tiny", "title": "Tiny <test> scenario", "origin": "tiny.toml", "sha256": "abc123"},
  "seed": 7, "runs_per_mode": 2,
  "modes": [{"id": "alone", "name": "Fighting alone", "levers": "Levers { cohort: false }"},
            {"id": "net", "name": "Network", "levers": "Levers { cohort: true }"}],
  "horizon_periods": 3, "start_year": 2013, "period_days": 365.0,
  "seeding": "common random numbers",
  "options": {"micro_zero_band": 0.05, "params": "Params { a: 1 }"},
  "threads": 1, "timing": {"elapsed_s": 0.5, "runs": 4, "runs_per_s": 8.0},
  "files": ["summary.csv", "series.csv"],
  "invocation": {"command": "simulate", "runs": 2, "seed": 7, "horizon": 3, "format": "csv"}
}"#;

pub const SUMMARY: &str = "mode,metric,unit,runs,mean,ci95_low,ci95_high,p2_5,p97_5
alone,host_jobs,jobs,2,100,90,110,85,115
alone,survival,share,2,0.5,0.4,0.6,0.35,0.65
net,host_jobs,jobs,2,250,230,270,220,280
net,survival,share,2,0.7,0.65,0.75,0.6,0.8
";

pub const SERIES: &str = "mode,metric,period,year,mean,ci95_low,ci95_high
alone,host_jobs,0,2013,10,8,12
alone,host_jobs,1,2014,50,45,55
alone,host_jobs,2,2015,100,90,110
net,host_jobs,0,2013,20,18,22
net,host_jobs,1,2014,120,110,130
net,host_jobs,2,2015,250,230,270
alone,survival,0,2013,1,1,1
alone,survival,1,2014,0.7,0.6,0.8
alone,survival,2,2015,0.5,0.4,0.6
net,survival,0,2013,1,1,1
net,survival,1,2014,0.8,0.75,0.85
net,survival,2,2015,0.7,0.65,0.75
";

pub const SYMBIOSIS: &str =
    "mode,scale,a,b,symbiosis_mode,detail,share_of_runs,mean_benefit_a,mean_benefit_b
alone,micro,home:enterprise,host:host_firm,commensalism,commensalism (1 gains),0.5,10,0
alone,micro,home:enterprise,host:host_firm,independence,independence,0.5,10,0
net,micro,home:enterprise,host:host_firm,symmetric_mutualism,symmetric mutualism,1,50,48
alone,macro,home:output,host:output,parasitism,parasitism (2 gains),1,NaN,NaN
net,macro,home:output,host:output,asymmetric_mutualism,asymmetric mutualism (1 gains more),1,NaN,NaN
";

pub const FLOWS: &str = "mode,run,period,factor,source,target,value
alone,0,0,capital,home:enterprise,host:enterprise,100
alone,1,0,capital,home:enterprise,host:enterprise,300
alone,0,1,profit,host:enterprise,home:enterprise,10
net,0,0,capital,home:enterprise,host:enterprise,100
net,0,1,profit,host:enterprise,home:enterprise,80
net,1,1,talent,home:university,host:host_firm,5
net,1,2,talent,host:host_firm,home:university,4
net,1,2,goods,host:host_firm,host:enterprise,40
";

/// Write the fixture run folder; `extra` adds or replaces files.
pub fn run_dir(name: &str, extra: &[(&str, &str)]) -> PathBuf {
    let dir = fresh_dir(name);
    let mut files = vec![
        ("manifest.json", MANIFEST),
        ("summary.csv", SUMMARY),
        ("series.csv", SERIES),
        ("symbiosis.csv", SYMBIOSIS),
        ("flows.csv", FLOWS),
    ];
    for (n, t) in extra {
        files.retain(|(m, _)| m != n);
        files.push((n, t));
    }
    for (n, t) in files {
        if !t.is_empty() {
            std::fs::write(dir.join(n), t).expect("write fixture");
        }
    }
    dir
}

/// The network structure of the fixture's two modes, as `symbiont simulate` writes it: the
/// measures' medians and 2.5/97.5 percentiles, then the share of runs in each class.
pub const NETWORK_STRUCTURE: &str = "mode,measure,median,p025,p975
alone,entities,12,11,13
alone,ties,20,18,22
alone,density,0.15,0.14,0.17
alone,reciprocity,0.1,0.05,0.2
alone,cross_border_share,0.6,0.5,0.7
alone,cross_border_reciprocity,0.12,0.08,0.25
alone,centralization,0.8,0.7,0.9
alone,top_share,0.7,0.6,0.8
alone,multiplexity,0.1,0,0.2
alone,support_ties,0,0,0.1
alone,communities,2,1,3
alone,modularity,0.2,0.1,0.3
alone,class: one-way street,0.5,NaN,NaN
alone,class: hub,0.5,NaN,NaN
alone,class: network,0,NaN,NaN
net,entities,15,14,16
net,ties,60,55,66
net,density,0.29,0.26,0.31
net,reciprocity,0.55,0.5,0.6
net,cross_border_share,0.4,0.35,0.45
net,cross_border_reciprocity,0.45,0.4,0.5
net,centralization,0.3,0.2,0.4
net,top_share,0.35,0.3,0.4
net,multiplexity,0.75,0.6,0.9
net,support_ties,0.5,0.4,0.6
net,communities,3,3,4
net,modularity,0.35,0.3,0.4
net,class: one-way street,0,,
net,class: hub,0,,
net,class: network,1,,
";

pub const STRUCTURE: &str = "mode,run,class,reason,entities,ties,density,reciprocity,cross_border_share,cross_border_reciprocity,centralization,top_share,multiplexity,support_ties,communities,modularity
alone,0,one-way street,cross_border_reciprocity 0.120 < 0.2,12,20,0.15,0.1,0.6,0.12,0.8,0.7,0.1,0,2,0.2
alone,1,hub,\"cross_border_reciprocity 0.250 >= 0.2, but support_ties 0.000 < 0.25\",12,20,0.15,0.1,0.6,0.25,0.8,0.7,0.1,0,2,0.2
net,0,network,\"multiplexity 0.750 >= 0.5, support_ties 0.500 >= 0.25, top_share 0.350 < 0.5\",15,60,0.29,0.55,0.4,0.45,0.3,0.35,0.75,0.5,3,0.35
net,1,network,\"multiplexity 0.750 >= 0.5, support_ties 0.500 >= 0.25, top_share 0.350 < 0.5\",15,60,0.29,0.55,0.4,0.45,0.3,0.35,0.75,0.5,3,0.35
";

pub const TRADE: &str =
    "mode,direction,simulated_usd_per_year,observed_usd_per_year,observed_years,ratio
alone,home_to_host,2000000,8000000,\"2013,2014,2015\",0.25
alone,host_to_home,500000,3000000,\"2013,2014,2015\",0.16666666666666666
net,home_to_host,6000000,8000000,\"2013,2014,2015\",0.75
net,host_to_home,9000000,3000000,\"2013,2014,2015\",3
";

/// The same comparison for a scenario without observed trade series.
pub const TRADE_UNOBSERVED: &str =
    "mode,direction,simulated_usd_per_year,observed_usd_per_year,observed_years,ratio
alone,home_to_host,2000000,NaN,,NaN
alone,host_to_home,500000,NaN,,NaN
net,home_to_host,6000000,,,
net,host_to_home,9000000,,,
";

pub const ENTITIES: &str = "mode,run,id,label,kind,side,support
alone,0,0,home enterprise 1,enterprise,home,0
alone,0,1,host enterprise 1,enterprise,host,0
alone,0,2,bank,finance,home,1
net,0,0,home enterprise 1,enterprise,home,0
net,0,1,host enterprise 1,enterprise,host,0
net,0,2,one window,one_window,host,1
net,0,3,park,park,host,1
";

pub const TIES: &str = "mode,run,source,target,kind,factor,weight,period
alone,0,2,0,loan,capital,100,0
alone,0,0,1,shipment,goods,40,1
net,0,0,1,shipment,goods,40,1
net,0,1,0,shipment,goods,60,2
net,0,2,3,coordination,information,1,0
net,0,0,3,placement,land,5,0
";

/// Every table of the network structure and trade comparison.
pub fn structure_tables() -> [(&'static str, &'static str); 5] {
    [
        ("network_structure.csv", NETWORK_STRUCTURE),
        ("structure.csv", STRUCTURE),
        ("trade.csv", TRADE),
        ("entities.csv", ENTITIES),
        ("ties.csv", TIES),
    ]
}
