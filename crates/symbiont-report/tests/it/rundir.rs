//! Reading a run folder, and the errors a user sees for a bad one.

use expect_test::expect;
use symbiont_report::read_run_dir;

use crate::support::run_dir;

#[test]
fn reads_the_tables_and_sums_flows_per_run() {
    let dir = run_dir("read-ok", &[]);
    let data = read_run_dir(&dir).expect("reads");
    assert_eq!(data.mode_ids(), ["alone", "net"]);
    assert_eq!(data.mode_name("net"), "Network");
    assert_eq!(data.summary.len(), 4);
    assert_eq!(data.series.len(), 12);
    assert!(data.symbiosis[3].mean_benefit_a.is_nan());
    let flows = data.flows.expect("flows");
    // alone: capital 100 in run 0 and 300 in run 1 -> 200 per run.
    let alone = flows.per_run("alone");
    assert_eq!(alone[0], ("capital", "home:enterprise", "host:enterprise", 200.0));
    assert!(data.dynamics.is_none() && data.plan.is_none() && data.network.is_none());
}

fn error_of(name: &str, extra: &[(&str, &str)]) -> String {
    let dir = run_dir(name, extra);
    let err = read_run_dir(&dir).expect_err("must fail");
    // Name the file, not the machine path of the test folder.
    err.to_string().replace(&dir.display().to_string(), "RUN")
}

#[test]
fn bad_input_names_file_line_and_column() {
    let bad_number = "mode,metric,unit,runs,mean,ci95_low,ci95_high,p2_5,p97_5\nalone,host_jobs,jobs,2,lots,90,110,85,115\n";
    expect!["RUN/summary.csv: line 2, column `mean`: invalid float literal; expected a number"]
        .assert_eq(&error_of("bad-number", &[("summary.csv", bad_number)]));
    let bad_flow = "mode,run,period,factor,source,target,value\nalone,0,0,capital,home:e,host:e,12\nalone,x,0,capital,home:e,host:e,1\n";
    expect![[r#"RUN/flows.csv: line 3, column `run`: "x" is not a run number (0, 1, ...)"#]]
        .assert_eq(&error_of("bad-flow", &[("flows.csv", bad_flow)]));
    let no_value = "mode,run,period,factor,source,target\nalone,0,0,capital,home:e,host:e\n";
    expect!["RUN/flows.csv: line 1, column `value`: missing column; expected mode,run,period,factor,source,target,value"].assert_eq(&error_of("no-value", &[("flows.csv", no_value)]));
    expect!["RUN/manifest.json: key must be a string at line 1 column 12"]
        .assert_eq(&error_of("bad-json", &[("manifest.json", "{\"seed\": 7,,}")]));
    expect!["RUN/plan.json: missing field `objective` at line 1 column 21"]
        .assert_eq(&error_of("bad-plan", &[("plan.json", "{\"status\": \"optimal\"}")]));
}

#[test]
fn missing_tables_say_what_to_run() {
    let dir = run_dir("parquet-only", &[("summary.csv", "")]);
    std::fs::write(dir.join("summary.parquet"), b"PAR1").expect("write");
    let err = read_run_dir(&dir)
        .expect_err("must fail")
        .to_string()
        .replace(&dir.display().to_string(), "RUN");
    expect!["RUN/summary.csv: not found; the report reads the CSV tables, and this folder has only Parquet: run `symbiont simulate --format csv` (or `both`)"].assert_eq(&err);
    let err = read_run_dir(&dir.join("nope"))
        .expect_err("must fail")
        .to_string()
        .replace(&dir.display().to_string(), "RUN");
    expect!["RUN/nope: not found; expected a run folder written by `symbiont simulate --out DIR`"]
        .assert_eq(&err);
}
