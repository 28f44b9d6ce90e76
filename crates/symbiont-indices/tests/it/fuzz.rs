//! The panel readers' input edges and a proptest fuzz over a seed corpus (`tests/corpus/`):
//! random edits and random bytes never panic; a panel that is read holds only finite values
//! and years in 0..=9999; an error names a line inside the file and stays short. The budget is
//! `PROPTEST_CASES` cases per property (default 256).

use expect_test::expect;
use proptest::prelude::*;
use symbiont_indices::{MAX_YEAR, PanelError, ReadOptions, read_csv, read_xlsx};

fn csv(bytes: &[u8]) -> Result<symbiont_indices::Panel, String> {
    read_csv(bytes, "panel.csv", &ReadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn text_that_is_not_utf8_is_located() {
    let e = read_csv(b"region,year,gdp\nA,2020,1\nA,2021,caf\xe9\n", "p.csv", &Default::default())
        .unwrap_err();
    expect![[r#"p.csv, line 3: not UTF-8 text: byte 0xE9 at byte offset 35 (column 11) is not valid UTF-8; save the CSV as UTF-8"#]]
        .assert_eq(&e.to_string());
    assert!(matches!(e, PanelError::At { at, .. } if at.line == 3));
}

#[test]
fn a_duplicated_column_is_refused_at_the_header() {
    expect![[r#"panel.csv, line 1, column "gdp": the header names this column twice (columns 3 and 4); give each column its own name"#]]
        .assert_eq(&csv(b"region,year,gdp,gdp\nA,2020,1,2\n").unwrap_err());
}

#[test]
fn negative_years_are_refused() {
    expect![[r#"panel.csv, line 2, column "year": "-2020" is not a year in 0..=9999"#]]
        .assert_eq(&csv(b"region,year,gdp\nA,-2020,1\n").unwrap_err());
    assert_eq!(MAX_YEAR, 9999);
}

#[test]
fn long_names_are_clipped() {
    let long = "g".repeat(5000);
    let text = format!("region,year,{long}\nA,2020,abc\n");
    let e = csv(text.as_bytes()).unwrap_err();
    assert!(e.len() < 300, "{e}");
    // A header of 1,000 columns is not listed whole.
    let header: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
    let o = ReadOptions {
        value: Some("amount".into()),
        format: symbiont_indices::PanelFormat::Long,
        ..Default::default()
    };
    let e = read_csv(format!("{}\n", header.join(",")).as_bytes(), "p.csv", &o).unwrap_err();
    assert!(e.to_string().len() < 500, "{e}");
    assert!(e.to_string().ends_with("and 980 more"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Fuzz

const SEEDS: &[&[u8]] = &[
    include_bytes!("../corpus/long.csv"),
    include_bytes!("../corpus/wide.csv"),
    include_bytes!("../corpus/wdi.csv"),
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
        Just(b"-inf".to_vec()),
        Just(b"-2020".to_vec()),
        Just(b"1e308".to_vec()),
        Just(b"..".to_vec()),
        Just(b"year".to_vec()),
        Just(b"indicator".to_vec()),
        Just(b"2019 [YR2019]".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just("é".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ]
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match read_csv(bytes, "fuzz.csv", &ReadOptions::default()) {
        Ok(p) => {
            prop_assert!(!p.rows().is_empty());
            for (i, r) in p.rows().iter().enumerate() {
                prop_assert!(r.year.is_none_or(|y| (0..=MAX_YEAR).contains(&y)));
                for j in 0..p.indicators().len() {
                    prop_assert!(p.value(i, j).is_none_or(f64::is_finite));
                }
            }
        }
        Err(e) => {
            let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            if let PanelError::At { at, .. } = &e {
                prop_assert!(at.line <= lines + 1, "line {} of {lines}: {e}", at.line);
            }
            prop_assert!(e.to_string().len() < 2000, "{e}");
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
        let mut bytes = SEEDS[seed].to_vec();
        for (at, cut, t) in &edits {
            let at = at % (bytes.len() + 1);
            let end = (at + cut).min(bytes.len());
            bytes.splice(at..end, t.iter().copied());
        }
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes)?;
        // Nor as a workbook: anything but a real .xlsx is a file error.
        prop_assert!(read_xlsx(&bytes, "fuzz.xlsx", &ReadOptions::default()).is_err());
    }
}
