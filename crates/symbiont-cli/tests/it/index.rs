//! Tests of `symbiont index`: every method on shipped data, the output forms, and bad input.

use expect_test::expect;

use crate::support::{fresh_dir, symbiont, symbiont_in};

const LAOS: &str = "data/examples/indices/laos_economy.toml";

#[test]
fn coupling_on_the_mathmodels_example_with_the_modified_c() {
    let r = symbiont(&[
        "index",
        "--method",
        "coupling",
        "data/coupling_example.csv",
        "--formula",
        "modified",
        "--csv",
        "-",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Row A's modified C is the documented 0.447 (METHODS §4).
    let a = r.stdout.lines().find(|l| l.starts_with("A,")).unwrap();
    let c: f64 = a.split(',').nth(5).unwrap().parse().unwrap();
    assert!((c - 0.447).abs() < 5e-4, "{a}");
    expect![[r#"
        entity,year,U s1,U s2,U s3,C,T,D,D grade,D grade (zh),C grade,C grade (zh),development"#]]
    .assert_eq(r.stdout.lines().next().unwrap());
}

#[test]
fn legacy_formulas_are_flagged() {
    let r = symbiont(&[
        "index",
        "--method",
        "coupling",
        "data/coupling_example.csv",
        "--formula",
        "pairwise",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    expect![[r#"
        note: LEGACY pairwise n=3 (max 1.5) is a LEGACY coupling formula, kept only to replicate papers; prefer --formula normative or modified (Wang Shujia et al. 2021)
    "#]]
    .assert_eq(&r.stderr);
    assert!(r.stdout.contains("(outside the table)"), "{}", r.stdout);
}

#[test]
fn every_method_runs_on_the_laos_example() {
    for m in ["entropy", "topsis", "coupling", "synergy"] {
        let r = symbiont(&[
            "index",
            "--method",
            m,
            "--panel",
            "data/wdi_macro_long.csv",
            "--spec",
            LAOS,
        ]);
        assert_eq!(r.code, 0, "{m}: {}", r.stderr);
        assert!(!r.stdout.contains("NaN"), "{m}: {}", r.stdout);
        assert!(r.stdout.contains(m), "{m}: the options line names the method\n{}", r.stdout);
    }
}

#[test]
fn grades_are_in_english_with_the_chinese_term() {
    let r = symbiont(&[
        "index",
        "--method",
        "coupling",
        "--panel",
        "data/wdi_macro_long.csv",
        "--spec",
        LAOS,
        "--csv",
        "-",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(rows.len(), 1 + 17, "17 years, 2000-2016");
    assert!(rows[0].starts_with("entity,year,U growth,U openness,U external balance,C,T,D"));
    assert!(rows[1..].iter().all(|l| l.starts_with("LAO,")));
    let pairs = [("intermediate coordination", "中级协调"), ("primary coordination", "初级协调")];
    assert!(rows.iter().any(|l| pairs.iter().any(|(en, zh)| l.contains(en) && l.contains(zh))));
}

#[test]
fn json_carries_the_options_used() {
    let r = symbiont(&[
        "index",
        "--method",
        "synergy",
        "--panel",
        "data/wdi_macro_long.csv",
        "--spec",
        LAOS,
        "--base",
        "chained",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["options"]["base"]["kind"], "chained");
    assert_eq!(v["options"]["bounds"]["kind"], "expanded");
    assert_eq!(v["steps"].as_array().unwrap().len(), 16);
    let first = &v["steps"][0];
    assert_eq!((first["base_year"].as_i64(), first["year"].as_i64()), (Some(2000), Some(2001)));
}

#[test]
fn a_world_bank_download_is_read_as_it_comes() {
    let dir = fresh_dir("index-wdi");
    std::fs::write(
        dir.join("Data_Extract.csv"),
        "\u{feff}\"Country Name\",\"Country Code\",\"Series Name\",\"Series Code\",\"2019 [YR2019]\"\n\
         \"Lao PDR\",\"LAO\",\"GDP per capita\",\"NY.GDP.PCAP.CD\",\"2600\"\n\
         \"Thailand\",\"THA\",\"GDP per capita\",\"NY.GDP.PCAP.CD\",\"7800\"\n\
         \"Viet Nam\",\"VNM\",\"GDP per capita\",\"NY.GDP.PCAP.CD\",\"3500\"\n\
         \"Lao PDR\",\"LAO\",\"Inflation\",\"FP.CPI.TOTL.ZG\",\"3.3\"\n\
         \"Thailand\",\"THA\",\"Inflation\",\"FP.CPI.TOTL.ZG\",\"0.7\"\n\
         \"Viet Nam\",\"VNM\",\"Inflation\",\"FP.CPI.TOTL.ZG\",\"2.8\"\n\
         \n\
         \"Data from database: World Development Indicators\"\n\
         \"Last Updated: 07/01/2025\"\n",
    )
    .unwrap();
    let r = symbiont_in(
        &dir,
        &[
            "index",
            "--method",
            "topsis",
            "Data_Extract.csv",
            "--cost",
            "FP.CPI.TOTL.ZG",
            "--weights",
            "equal",
            "--csv",
            "-",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Thailand: highest income and lowest inflation, so it is the ideal itself.
    let tha: Vec<&str> =
        r.stdout.lines().find(|l| l.starts_with("THA,")).unwrap().split(',').collect();
    // entity, year, D+, D−, closeness, rank: D+ = 0 and D− = ½·√(Δz_gdp² + Δz_cpi²).
    let dz_gdp = (7800.0 - 2600.0) / (2600f64.powi(2) + 7800f64.powi(2) + 3500f64.powi(2)).sqrt();
    let dz_cpi = (3.3 - 0.7) / (3.3f64.powi(2) + 0.7f64.powi(2) + 2.8f64.powi(2)).sqrt();
    let d_minus: f64 = tha[3].parse().unwrap();
    assert!((d_minus - 0.5 * (dz_gdp.powi(2) + dz_cpi.powi(2)).sqrt()).abs() < 1e-12, "{tha:?}");
    assert_eq!((tha[2], tha[4], tha[5]), ("0", "1", "1"));
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_code_1() {
    let dir = fresh_dir("index-bad");
    std::fs::write(
        dir.join("flat.csv"),
        "region,year,gdp,jobs\nA,2000,1,5\nB,2000,2,5\nC,2000,3,5\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("neg.csv"),
        "region,year,gdp,debt\nA,2000,1,2\nB,2000,2,-1\nC,2000,3,4\n",
    )
    .unwrap();
    std::fs::write(dir.join("typo.csv"), "region,year,gdp,jobs\nA,2000,1,5\nB,2000,2,x5\n")
        .unwrap();
    std::fs::write(
        dir.join("spec.toml"),
        "[[subsystem]]\nname = \"economy\"\nbenefit = [\"gdp\"]\n[[subsystem]]\nname = \"labour\"\nbenefit = [\"job\"]\n",
    )
    .unwrap();
    let cases: [&[&str]; 6] = [
        &["index", "--method", "entropy", "flat.csv"],
        &["index", "--method", "entropy", "neg.csv", "--standardise", "max"],
        &["index", "--method", "entropy", "typo.csv"],
        &["index", "--method", "coupling", "flat.csv", "--spec", "spec.toml"],
        &["index", "--method", "synergy", "flat.csv"],
        &["index", "--method", "entropy", "nothing.csv"],
    ];
    let mut out = String::new();
    for args in cases {
        let r = symbiont_in(&dir, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert!(!r.stdout.contains("NaN"));
        out.push_str(&r.stderr.replace(dir.to_str().unwrap(), "DIR"));
    }
    expect![[r#"
        error: entropy index of flat.csv: indicator "jobs" in subsystem "index" (all rows) has no variance: every value is 5, so it cannot separate the rows (min-max standardisation would divide by zero); drop the indicator or widen the pool of rows
        error: entropy index of neg.csv: indicator "debt" has the value -1 at B 2000 (neg.csv, line 3), but x/max standardisation needs values ≥ 0 (it takes ratios)
        error: typo.csv, line 3, column "jobs": "x5" is not a number; expected a number, or an empty cell or ".." for a missing value
        error: panel flat.csv: subsystem "labour" names indicator "job", which the panel does not have; did you mean "jobs"?
        error: the synergy degree compares subsystems: give --spec FILE with two or more [[subsystem]] groups (see docs/indices.md)
        error: reading nothing.csv: No such file or directory (os error 2)
    "#]]
    .assert_eq(&out);
    // A missing --method is a usage error.
    assert_eq!(symbiont(&["index", "data/coupling_example.csv"]).code, 2);
}

#[test]
fn an_excel_workbook_is_read_by_its_extension() {
    let xlsx = "data/examples/indices/mekong_2019.xlsx";
    let r =
        symbiont(&["index", "--method", "topsis", xlsx, "--cost", "FP.CPI.TOTL.ZG", "--csv", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entities: Vec<&str> =
        r.stdout.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(entities, ["CHN", "KHM", "LAO", "MMR", "THA", "VNM"]);
    let r = symbiont(&["index", "--method", "topsis", xlsx, "--sheet", "2020"]);
    assert_eq!(r.code, 1);
    expect![[r#"
        error: data/examples/indices/mekong_2019.xlsx: there is no sheet "2020"; the sheets are "2019"
    "#]]
    .assert_eq(&r.stderr);
}

#[test]
fn the_spec_can_name_its_panel() {
    let with_flag = symbiont(&[
        "index",
        "--method",
        "coupling",
        "--panel",
        "data/wdi_macro_long.csv",
        "--spec",
        LAOS,
        "--csv",
        "-",
    ]);
    let from_spec = symbiont(&["index", "--method", "coupling", "--spec", LAOS, "--csv", "-"]);
    assert_eq!(from_spec.code, 0, "{}", from_spec.stderr);
    assert_eq!(with_flag.stdout, from_spec.stdout);
    let none = symbiont(&["index", "--method", "entropy"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("give the panel file"), "{}", none.stderr);
}

#[test]
fn index_tables_written_into_a_run_folder_appear_in_its_report_with_grades() {
    let (dir, run) = crate::support::simulated_run("index-into");
    let run_s = run.to_str().unwrap();
    let index = |method: &str| {
        symbiont(&[
            "index",
            "--method",
            method,
            "--panel",
            "data/wdi_macro_long.csv",
            "--spec",
            LAOS,
            "--into",
            run_s,
        ])
    };
    let r = index("coupling");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("indices.csv"), "{}", r.stderr);
    let csv = std::fs::read_to_string(run.join("indices.csv")).unwrap();
    assert_eq!(csv.lines().next(), Some("table,entity,year,index,value,grade"));
    let d_rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("coupling coordination,") && l.contains(",D,"))
        .collect();
    assert!(!d_rows.is_empty(), "{csv}");
    // Every D has its grade (English and Chinese) and the development type.
    assert!(
        d_rows
            .iter()
            .all(|l| l.contains('(') && (l.contains("lagging") || l.contains("synchronous"))),
        "{d_rows:?}"
    );

    // A second method adds its tables and keeps the first one's; running it again replaces them.
    let r = index("synergy");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = index("synergy");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv2 = std::fs::read_to_string(run.join("indices.csv")).unwrap();
    let count = |t: &str, text: &str| text.lines().filter(|l| l.starts_with(t)).count();
    assert_eq!(count("coupling coordination,", &csv2), count("coupling coordination,", &csv));
    let synergy = count("synergy degree,", &csv2);
    assert!(synergy > 0, "{csv2}");
    assert!(count("synergy order degree,", &csv2) > 0);

    let r = symbiont(&["report", run_s]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"indices\""), "no index section");
    for t in ["coupling coordination", "synergy degree", "synergy order degree"] {
        assert!(html.contains(&format!("<h3>{t}</h3>")), "table {t} missing");
    }
    assert!(html.contains("id=\"fig-index-coupling-coordination\""), "no index chart");
    // Every D grade as the report shows it (in a table cell).
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[0] == "coupling coordination" && &rec[3] == "D" {
            let cell = format!("<td>{}</td>", &rec[5]);
            assert!(html.contains(&cell), "grade {cell:?} not in the page");
        }
    }

    // Not a run folder: a clear error.
    let r = symbiont(&[
        "index",
        "--method",
        "coupling",
        "data/coupling_example.csv",
        "--into",
        dir.join("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a folder"), "{}", r.stderr);
}

/// `--into`: `indices.csv` replaces a previous one whole, leaves no temporary file, fails
/// cleanly when a folder is in the way, and a folder that is not a run folder is refused.
#[test]
fn indices_csv_is_written_atomically_and_only_into_a_run_folder() {
    let (dir, run) = crate::support::simulated_run("index-atomic");
    let index_into = |d: &std::path::Path| {
        let d = d.to_str().unwrap().to_string();
        move || {
            symbiont(&["index", "--method", "coupling", "data/coupling_example.csv", "--into", &d])
        }
    };
    // A previous table without rows (the command reads it to keep other methods' rows).
    let previous = "table,entity,year,index,value,grade\n";
    let written =
        crate::support::check_atomic_part(&run, "indices.csv", previous, index_into(&run));
    assert!(written.lines().skip(1).all(|l| l.starts_with("coupling")), "{written}");
    assert!(written.lines().count() > 1, "{written}");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    crate::support::check_refuses_non_run_folder(&empty, index_into(&empty));
}
