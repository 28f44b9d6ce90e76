//! The CSV reader of `dynamics fit`: what it refuses, with the file, line and column, and a
//! proptest fuzz over a seed corpus (`tests/corpus/`): random edits and random bytes never
//! panic, and every value read is finite. The budget is `PROPTEST_CASES` (default 256).

use expect_test::expect;
use proptest::prelude::*;
use symbiont_dynamics::data::{MAX_YEAR, read_csv};

fn units(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn err(text: &[u8], names: &[&str]) -> String {
    read_csv(text, "d.csv", &units(names)).unwrap_err().to_string()
}

#[test]
fn the_shipped_files_read() {
    let wide = std::fs::read("../../data/wdi_lao_chn_wide.csv").unwrap();
    let cols = read_csv(&wide, "wide.csv", &units(&["lao_gdp_usd", "chn_gdp_usd"])).unwrap();
    assert_eq!(cols.len(), 2);
    assert!(cols[0].len() > 30 && cols[1].len() > 50);
    let long = std::fs::read("../../data/wdi_macro_long.csv").unwrap();
    let cols =
        read_csv(&long, "long.csv", &units(&["LAO:NY.GDP.MKTP.CD", "CHN:NY.GDP.MKTP.CD"])).unwrap();
    assert!(cols.iter().all(|c| c.len() > 30));
}

#[test]
fn nan_and_infinite_values_are_refused_as_the_indices_refuse_them() {
    expect![[r#"d.csv: line 3, column b: expected a finite number, found "nan" (an empty cell or ".." marks a missing value)"#]]
        .assert_eq(&err(b"year,a,b\n2000,1,2\n2001,2,nan\n", &["a", "b"]));
    expect![[r#"d.csv: line 2, column a: expected a finite number, found "-inf" (an empty cell or ".." marks a missing value)"#]]
        .assert_eq(&err(b"year,a,b\n2000,-inf,2\n", &["a", "b"]));
    // Missing values are still missing, not errors.
    let cols = read_csv(b"year,a,b\n2000,,2\n2001,..,3\n2002,NA,4\n", "d.csv", &units(&["a", "b"]))
        .unwrap_err();
    assert_eq!(cols.message, "series a has no values");
}

#[test]
fn a_duplicated_column_is_refused() {
    expect![[r#"d.csv: line 1, column a: the header names this column twice (columns 2 and 4); give each column its own name"#]]
        .assert_eq(&err(b"year,a,b,a\n2000,1,2,3\n", &["a", "b"]));
    expect![[r#"d.csv: the series "a" is named twice; name each series once"#]]
        .assert_eq(&err(b"year,a,b\n2000,1,2\n", &["a", "a"]));
}

#[test]
fn negative_and_far_years_are_refused() {
    expect![[r#"d.csv: line 2, column year: expected a year in 0..=9999, found "-2000""#]]
        .assert_eq(&err(b"year,a,b\n-2000,1,2\n", &["a", "b"]));
    assert_eq!(MAX_YEAR, 9999);
    expect![[r#"d.csv: line 2, column year: expected a year in 0..=9999, found "100000""#]]
        .assert_eq(&err(b"year,a,b\n100000,1,2\n", &["a", "b"]));
    expect![[r#"d.csv: line 3, column year: expected a year in 0..=9999, found "-1""#]].assert_eq(
        &err(b"country_code,indicator_code,year,value\nL,X,2000,1\nL,X,-1,2\n", &["L:X", "L:Y"]),
    );
}

#[test]
fn text_that_is_not_utf8_is_located() {
    let e =
        read_csv(b"year,a,b\n2000,1,2\n2001,\xe9,3\n", "d.csv", &units(&["a", "b"])).unwrap_err();
    expect![[r#"d.csv: line 3: the file is not UTF-8 text: byte 0xE9 at byte offset 23 (column 6) is not valid UTF-8; save the file as UTF-8"#]]
        .assert_eq(&e.to_string());
    assert_eq!((e.line, e.byte_offset), (Some(3), Some(23)));
}

#[test]
fn long_names_are_clipped() {
    let long = "a".repeat(5000);
    let text = format!("year,{long},b\n2000,1,nan\n");
    let e = err(text.as_bytes(), &[&long, "b"]);
    assert!(e.len() < 300, "{e}");
    let e = err(b"year,a,b\n2000,1,2\n", &[&long, "b"]);
    assert!(e.len() < 300, "{e}");
}

#[test]
fn a_unit_named_twice_is_refused_by_the_series_too() {
    let e = symbiont_dynamics::Series::new(
        units(&["a", "a"]),
        vec![0.0, 1.0],
        vec![vec![1.0, 2.0], vec![1.0, 2.0]],
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "the unit \"a\" is named twice");
    let e = symbiont_dynamics::Series::new(units(&["a"]), vec![0.0], vec![vec![1.0], vec![1.0]])
        .unwrap_err();
    assert_eq!(e.to_string(), "1 names for 2 units");
}

// ---------------------------------------------------------------------------------------------
// Fuzz

const SEEDS: &[(&[u8], &[&str])] = &[
    (include_bytes!("../corpus/wide.csv"), &["lao_gdp_usd", "chn_gdp_usd"]),
    (include_bytes!("../corpus/long.csv"), &["LAO:NY.GDP.MKTP.CD", "CHN:NY.GDP.MKTP.CD"]),
    (include_bytes!("../corpus/quoted.csv"), &["a", "b"]),
];

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"nan".to_vec()),
        Just(b"inf".to_vec()),
        Just(b"-2000".to_vec()),
        Just(b"1e308".to_vec()),
        Just(b"..".to_vec()),
        Just(b"year".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just("é".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ]
}

fn check(bytes: &[u8], names: &[&str]) -> Result<(), TestCaseError> {
    match read_csv(bytes, "fuzz.csv", &units(names)) {
        Ok(cols) => {
            prop_assert_eq!(cols.len(), names.len());
            for c in &cols {
                for (y, (v, line)) in c {
                    prop_assert!((0..=MAX_YEAR).contains(y) && v.is_finite() && *line >= 1);
                }
            }
        }
        Err(e) => {
            let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            prop_assert!(e.line.is_none_or(|l| l <= lines + 1), "line {:?} of {lines}", e.line);
            prop_assert!(e.byte_offset.is_none_or(|b| b < bytes.len()));
            prop_assert!(e.to_string().len() < 1000, "{}", e);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_edits_never_panic(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec((any::<usize>(), 0..6usize, token()), 1..6),
    ) {
        let (text, names) = SEEDS[seed];
        let mut bytes = text.to_vec();
        for (at, cut, t) in &edits {
            let at = at % (bytes.len() + 1);
            let end = (at + cut).min(bytes.len());
            bytes.splice(at..end, t.iter().copied());
        }
        check(&bytes, names)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes, &["a", "b"])?;
    }
}
