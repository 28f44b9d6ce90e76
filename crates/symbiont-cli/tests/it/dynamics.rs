//! `symbiont dynamics`: fit, simulate, classify, and bad input with located messages.

use expect_test::expect;

use crate::support::{fresh_dir, symbiont, symbiont_in};

#[test]
fn dynamics_fit_lynx_hare_f3_e2_prints_carpenter_like_estimates() {
    let r = symbiont(&[
        "dynamics",
        "fit",
        "data/lynx_hare.csv",
        "--units",
        "Hare,Lynx",
        "--form",
        "f3",
        "--estimator",
        "e2",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let get = |n: &str| {
        v["parameters"].as_array().unwrap().iter().find(|p| p["name"] == n).unwrap()["estimate"]
            .as_f64()
            .unwrap()
    };
    assert!((get("alpha") - 0.55).abs() < 0.02 && (get("gamma") - 0.80).abs() < 0.02);
    assert_eq!(v["converged"], true);
    assert_eq!(v["modes"][0]["mode"], "parasitism");
    assert_eq!(v["modes"][0]["label"], "parasitism (Lynx gains)");
}

#[test]
fn dynamics_fit_wide_wdi_with_year_range_and_bootstrap() {
    let r = symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_lao_chn_wide.csv",
        "--units",
        "lao_gdp_usd,chn_gdp_usd",
        "--from",
        "2000",
        "--to",
        "2019",
        "--bootstrap",
        "block:3",
        "--draws",
        "50",
        "--degree",
        "partial",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "2000–2019, 20 years",
        "Coefficients",
        "Modes",
        "Equilibria and local stability",
        "AIC",
        "bootstrap: 50 of 50",
        "Symbiosis degree",
    ] {
        assert!(r.stdout.contains(needle), "missing {needle:?} in\n{}", r.stdout);
    }
}

#[test]
fn dynamics_fit_long_wdi_layout() {
    let r = symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_macro_long.csv",
        "--units",
        "LAO:NY.GDP.MKTP.CD,CHN:NY.GDP.MKTP.CD",
        "--from",
        "1995",
        "--to",
        "2015",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["fit"]["observations"], 40);
}

#[test]
fn dynamics_simulate_writes_csv_and_reports_unbounded_growth() {
    let dir = fresh_dir("dynamics-simulate");
    let root = crate::support::repo_root();
    let model = root.join("scenarios/dynamics/mutualism.toml");
    let out = dir.join("traj.csv");
    let r = symbiont_in(
        &dir,
        &["dynamics", "simulate", model.to_str().unwrap(), "--csv", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("t,park_output,tenant_investment\n"));
    assert_eq!(text.lines().count(), 62);
    let runaway = root.join("scenarios/dynamics/runaway-mutualism.toml");
    let r = symbiont_in(&dir, &["dynamics", "simulate", runaway.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("unbounded growth"), "{}", r.stdout);
    assert!(!r.stdout.contains("NaN") && !r.stdout.contains("inf"));
}

#[test]
fn dynamics_simulate_locates_errors_in_the_model_file() {
    let dir = fresh_dir("dynamics-bad-model");
    std::fs::write(dir.join("bad.toml"), "form = \"F1\"\nunits = [\"a\", \"b\"]\n[f1]\nr = [0.5, 0.2]\ncapacity = [10.0, -4.0]\nsigma = [[0.0, 0.3], [0.2, 0.0]]\n[run]\nx0 = [1.0, 1.0]\nt_end = 10.0\n").unwrap();
    let r = symbiont_in(&dir, &["dynamics", "simulate", "bad.toml"]);
    assert_eq!(r.code, 1);
    expect![[r#"
        error: bad.toml is not a valid model (1 problem):
        bad.toml:5:12: f1.capacity[2] must be > 0, got -4
    "#]]
    .assert_eq(&r.stderr);
}

#[test]
fn dynamics_classify_from_coefficients_with_equilibria() {
    let r = symbiont(&[
        "dynamics",
        "classify",
        "--s12",
        "0.4",
        "--s21",
        "-0.3",
        "--r",
        "0.5,0.3",
        "--capacity",
        "100,50",
        "--names",
        "home,host",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["pairs"][0]["label"], "parasitism (home gains)");
    assert_eq!(v["pairs"][0]["chinese"], "寄生");
    let stable: Vec<_> = v["equilibria"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["stability"] == "stable" && p["feasible"] == true)
        .collect();
    assert_eq!(stable.len(), 1);
    assert_eq!(stable[0]["support"], serde_json::json!(["home", "host"]));
    let r = symbiont(&["dynamics", "classify", "--s12", "1.2", "--s21", "1.1"]);
    assert!(r.stdout.contains("growth is unbounded"), "{}", r.stdout);
    let r = symbiont(&["dynamics", "classify", "--sigma", "0,0.5,-0.3;0.2,0,0;0.4,-0.2,0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mode of (row, column)"));
}

fn bad(name: &str, csv: &str, args: &[&str]) -> String {
    let dir = fresh_dir(&format!("dynamics-bad-{name}"));
    std::fs::write(dir.join("d.csv"), csv).unwrap();
    let mut a = vec!["dynamics", "fit", "d.csv"];
    a.extend_from_slice(args);
    let r = symbiont_in(&dir, &a);
    assert_eq!(r.code, 1, "{}", r.stdout);
    r.stderr
}

fn series_csv(rows: usize, f: impl Fn(usize) -> String) -> String {
    let mut s = "year,a,b\n".to_string();
    for k in 0..rows {
        s += &format!("{},{}\n", 2000 + k, f(k));
    }
    s
}

#[test]
fn dynamics_fit_rejects_text_in_a_number_column_naming_line_and_column() {
    let csv = series_csv(12, |k| {
        if k == 5 { "12.5,n.a.".into() } else { format!("{},{}", 10 + k, 20 + 2 * k) }
    });
    expect![[r#"
        error: d.csv: line 7, column b: expected a number, found "n.a."
    "#]]
    .assert_eq(&bad("text", &csv, &["--units", "a,b"]));
}

#[test]
fn dynamics_fit_rejects_missing_years() {
    let csv =
        series_csv(
            12,
            |k| if k == 4 { "14,".into() } else { format!("{},{}", 10 + k, 20 + 2 * k) },
        );
    expect![[r#"
        error: d.csv: series b has no value for 2004 (it has data in 2000–2011 with gaps); choose years with --from/--to where every series is complete
    "#]]
    .assert_eq(&bad("missing", &csv, &["--units", "a,b"]));
}

#[test]
fn dynamics_fit_rejects_non_positive_values_where_logs_are_taken() {
    let csv =
        series_csv(
            12,
            |k| if k == 3 { "0,26".into() } else { format!("{},{}", 10 + k, 20 + 2 * k) },
        );
    expect![[r#"
        error: d.csv: line 5, column a: value 0 in 2003 must be > 0 (log growth rates take the log of each value)
    "#]]
    .assert_eq(&bad("zero", &csv, &["--units", "a,b", "--growth", "log"]));
}

#[test]
fn dynamics_fit_rejects_fewer_points_than_parameters() {
    let csv = series_csv(3, |k| format!("{},{}", 10 + k, 20 + 2 * k));
    expect![[r#"
        error: d.csv: 3 years (2000–2002) × 2 series = 6 observations for 6 parameters; use a longer range
    "#]]
    .assert_eq(&bad("short", &csv, &["--units", "a,b"]));
}

#[test]
fn dynamics_fit_names_an_unknown_column() {
    let csv = series_csv(12, |k| format!("{},{}", 10 + k, 20 + 2 * k));
    expect![[r#"
        error: d.csv: no column named "c"
    "#]]
    .assert_eq(&bad("column", &csv, &["--units", "a,c"]));
}

#[test]
fn dynamics_simulate_csv_to_standard_output() {
    let r =
        symbiont(&["dynamics", "simulate", "scenarios/dynamics/predator-prey.toml", "--csv", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    assert_eq!(lines.next(), Some("t,hare,lynx"));
    assert_eq!(lines.next(), Some("0,30,4"));
    assert_eq!(r.stdout.lines().count(), 82);
}

#[test]
fn dynamics_fit_reports_an_unidentified_trajectory_fit_instead_of_a_mode() {
    let r = symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_lao_chn_wide.csv",
        "--units",
        "lao_gdp_usd,chn_gdp_usd",
        "--from",
        "1990",
        "--to",
        "2024",
        "--estimator",
        "e2",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["modes"][0]["mode"].is_null());
    assert!(v["modes"][0]["unclassified"].as_str().unwrap().starts_with("not identified"));
}

#[test]
fn quadratic_degree_reports_symmetric_points() {
    let r = crate::support::symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_lao_chn_wide.csv",
        "--units",
        "lao_gdp_usd,chn_gdp_usd",
        "--from",
        "2000",
        "--to",
        "2024",
        "--degree",
        "quadratic",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let pts = v["symbiosis_degree"][0]["symmetric_points"].as_array().unwrap();
    assert_eq!(pts.len(), 1, "{pts:?}");
    let year = pts[0]["year"].as_f64().unwrap();
    assert!((2008.0..2010.0).contains(&year), "{year}");
}

#[test]
fn a_fit_written_into_a_run_folder_appears_in_its_report() {
    let (dir, run) = crate::support::simulated_run("dynamics-into");
    let run_s = run.to_str().unwrap();
    let r = crate::support::symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_lao_chn_wide.csv",
        "--units",
        "lao_gdp_usd,chn_gdp_usd",
        "--from",
        "2000",
        "--to",
        "2024",
        "--bootstrap",
        "residual",
        "--draws",
        "30",
        "--into",
        run_s,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("dynamics.json")).unwrap()).unwrap();
    assert_eq!(json["series"].as_array().unwrap().len(), 2);
    assert_eq!(json["series"][0]["observed"].as_array().unwrap().len(), 25);
    let phase = &json["phase"];
    assert_eq!(phase["field"].as_array().unwrap().len(), 225);
    assert!(phase["equilibria"].as_array().unwrap().iter().any(|e| e["stable"] == true));
    // The bootstrap draws of the coefficients that decide the mode, one per usable draw.
    let coefs = json["coefficients"].as_array().unwrap();
    let names: Vec<&str> = coefs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["sigma[1,2]", "sigma[2,1]", "r[1]", "r[2]"]);
    let usable = json["method"].as_str().unwrap();
    assert!(usable.contains("bootstrap draws usable of 30"), "{usable}");
    for c in coefs {
        let draws = c["draws"].as_array().unwrap();
        assert!((20..=30).contains(&draws.len()), "{c}");
        assert!(draws.iter().all(|d| d.as_f64().is_some_and(f64::is_finite)), "{c}");
        assert!(c["estimate"].as_f64().is_some_and(f64::is_finite));
    }
    let r = crate::support::symbiont(&["report", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("id=\"dynamics\"") && html.contains("id=\"fig-phase\""));
    // The histogram panels, and their CSV beside the page with every draw.
    assert!(html.contains("id=\"fig-bootstrap\""), "no bootstrap histogram");
    let hist = std::fs::read_to_string(run.join("report-charts/bootstrap.csv")).unwrap();
    let draws: usize = coefs.iter().map(|c| c["draws"].as_array().unwrap().len()).sum();
    assert_eq!(hist.lines().count(), 1 + draws, "{hist}");
    // Not a run folder: a clear error, nothing written.
    let r = crate::support::symbiont(&[
        "dynamics",
        "fit",
        "data/wdi_lao_chn_wide.csv",
        "--units",
        "lao_gdp_usd,chn_gdp_usd",
        "--into",
        dir.join("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a folder"), "{}", r.stderr);
}

/// `--into`: `dynamics.json` replaces a previous one whole, leaves no temporary file, fails
/// cleanly when a folder is in the way, and a folder that is not a run folder is refused.
#[test]
fn dynamics_json_is_written_atomically_and_only_into_a_run_folder() {
    let (dir, run) = crate::support::simulated_run("dynamics-atomic");
    let fit_into = |d: &std::path::Path| {
        let d = d.to_str().unwrap().to_string();
        move || {
            crate::support::symbiont(&[
                "dynamics",
                "fit",
                "data/wdi_lao_chn_wide.csv",
                "--units",
                "lao_gdp_usd,chn_gdp_usd",
                "--into",
                &d,
            ])
        }
    };
    let written =
        crate::support::check_atomic_part(&run, "dynamics.json", "previous", fit_into(&run));
    let v: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(v["series"].as_array().unwrap().len(), 2, "{v}");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    crate::support::check_refuses_non_run_folder(&empty, fit_into(&empty));
}
