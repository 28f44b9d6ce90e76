//! Panel readers: long and wide CSV, the World Bank download layout, Excel .xlsx.

use expect_test::expect;
use symbiont_indices::{Panel, PanelFormat, ReadOptions, read_csv, read_xlsx};

use crate::data;

/// The panel as text: one line per row, "entity year: indicator=value ...".
fn dump(p: &Panel) -> String {
    p.rows()
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let vals: Vec<String> = p
                .indicators()
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    format!("{n}={}", p.value(i, j).map_or("-".into(), |v| v.to_string()))
                })
                .collect();
            format!("{k}: {}", vals.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn csv(text: &str) -> Result<Panel, String> {
    read_csv(text.as_bytes(), "panel.csv", &ReadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn long_and_wide_give_the_same_panel() {
    let long = csv(
        "region,year,indicator,value\nA,2020,gdp,1.5\nA,2020,jobs,3\nB,2020,gdp,2\nB,2020,jobs,\n",
    )
    .unwrap();
    // A trailing comma on every line adds a nameless, empty column, which is ignored.
    let wide = csv("region,year,gdp,jobs,\nA,2020,1.5,3,\nB,2020,2,,\n").unwrap();
    expect![[r#"
        A 2020: gdp=1.5 jobs=3
        B 2020: gdp=2 jobs=-"#]]
    .assert_eq(&dump(&long));
    assert_eq!(dump(&long), dump(&wide));
}

#[test]
fn world_bank_download_layout_with_its_footer() {
    // As the DataBank download writes it: a byte-order mark, ".." for missing, a footer.
    let text = "\u{feff}\"Country Name\",\"Country Code\",\"Series Name\",\"Series Code\",\"2014 [YR2014]\",\"2015 [YR2015]\"\n\
        \"Lao PDR\",\"LAO\",\"GDP (current US$)\",\"NY.GDP.MKTP.CD\",\"13268458231.7\",\"14426381052.1\"\n\
        \"Lao PDR\",\"LAO\",\"Inflation, consumer prices (annual %)\",\"FP.CPI.TOTL.ZG\",\"4.13\",\"..\"\n\
        \n\
        \n\
        \"Data from database: World Development Indicators\"\n\
        \"Last Updated: 07/01/2025\"\n";
    let p = csv(text).unwrap();
    expect![[r#"
        LAO 2014: NY.GDP.MKTP.CD=13268458231.7 FP.CPI.TOTL.ZG=4.13
        LAO 2015: NY.GDP.MKTP.CD=14426381052.1 FP.CPI.TOTL.ZG=-"#]]
    .assert_eq(&dump(&p));
}

#[test]
fn the_shipped_wdi_long_file_reads_as_it_comes() {
    let bytes = std::fs::read(data("wdi_macro_long.csv")).unwrap();
    let p = read_csv(&bytes, "wdi_macro_long.csv", &ReadOptions::default()).unwrap();
    assert_eq!(p.indicators().len(), 15);
    let lao = p.filter(Some(&["LAO".to_string()]), Some((2010, 2010)));
    let j = lao.indicator_index("SP.POP.TOTL").unwrap();
    // The value as published in the file (checked with grep on the CSV).
    let want: f64 = std::fs::read_to_string(data("wdi_macro_long.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("LAO,Lao PDR,2010,SP.POP.TOTL,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(lao.value(0, j), Some(want));
    assert!(lao.origin(0, j).unwrap().starts_with("wdi_macro_long.csv, line "));
}

#[test]
fn the_shipped_wide_file_has_years_and_no_entity() {
    let bytes = std::fs::read(data("wdi_lao_chn_wide.csv")).unwrap();
    let p = read_csv(&bytes, "wdi_lao_chn_wide.csv", &ReadOptions::default()).unwrap();
    assert_eq!(p.rows().len(), 66);
    assert_eq!(p.rows()[0].year, Some(1960));
    assert!(p.indicator_index("lao_gdp_usd").is_some());
}

/// Write a small workbook in memory: the wide example on a sheet called "panel".
fn xlsx_fixture() -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("panel").unwrap();
    let header = ["region", "year", "gdp", "jobs"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "A").unwrap();
    sheet.write_number(1, 1, 2020.0).unwrap();
    sheet.write_number(1, 2, 1.5).unwrap();
    sheet.write_number(1, 3, 3.0).unwrap();
    sheet.write_string(2, 0, "B").unwrap();
    sheet.write_number(2, 1, 2020.0).unwrap();
    sheet.write_number(2, 2, 2.0).unwrap();
    sheet.write_string(3, 0, "C").unwrap();
    sheet.write_number(3, 1, 2020.0).unwrap();
    sheet.write_string(3, 2, "n.a.").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn excel_workbooks_read_like_csv_and_errors_name_the_row() {
    let bytes = xlsx_fixture();
    let e = read_xlsx(&bytes, "panel.xlsx", &ReadOptions::default()).unwrap_err();
    expect![[r#"panel.xlsx [sheet panel], line 4, column "gdp": "n.a." is not a number; expected a number, or an empty cell or ".." for a missing value"#]]
        .assert_eq(&e.to_string());
    let only_ab = ReadOptions { only: Some(vec!["jobs".into()]), ..Default::default() };
    let p = read_xlsx(&bytes, "panel.xlsx", &only_ab).unwrap();
    expect![[r#"
        A 2020: jobs=3"#]]
    .assert_eq(&dump(&p));
    let missing_sheet = ReadOptions { sheet: Some("data".into()), ..Default::default() };
    expect![[r#"panel.xlsx: there is no sheet "data"; the sheets are "panel""#]]
        .assert_eq(&read_xlsx(&bytes, "panel.xlsx", &missing_sheet).unwrap_err().to_string());
    let not_xlsx = read_xlsx(b"region,year\n", "panel.xlsx", &ReadOptions::default()).unwrap_err();
    assert!(not_xlsx.to_string().starts_with("panel.xlsx: not a readable .xlsx workbook"));
}

#[test]
fn bad_panels_name_file_line_and_column() {
    let cases = [
        "region,year,gdp\nA,2020,1\nA,20x1,2\n",
        "region,year,gdp\nA,2020,1\nA,2021,abc\n",
        "region,year,indicator,value\nA,2020,gdp,1\nA,2020,gdp,2\n",
        "region,year,gdp\nA,2020,1,9\n",
        "region,year,gdp\nA,2020,inf\n",
        "",
    ];
    let out: Vec<String> = cases.iter().map(|c| csv(c).unwrap_err()).collect();
    expect![[r#"
        panel.csv, line 3, column "year": "20x1" is not a year; expected a whole number like 2015
        panel.csv, line 3, column "gdp": "abc" is not a number; expected a number, or an empty cell or ".." for a missing value
        panel.csv, line 3, column "value": a second value for indicator "gdp" at A 2020; the first is on line 2
        panel.csv, line 2: the row has 4 fields but the header has 3
        panel.csv, line 2, column "gdp": "inf" is not a finite number
        panel.csv: the file is empty"#]]
    .assert_eq(&out.join("\n"));
    let o = ReadOptions {
        format: PanelFormat::Long,
        value: Some("amount".into()),
        ..Default::default()
    };
    let e = read_csv(b"region,year,indicator,value\n", "p.csv", &o).unwrap_err();
    expect![[r#"p.csv, line 1: there is no value column "amount"; the columns are "region", "year", "indicator", "value""#]]
        .assert_eq(&e.to_string());
}

#[test]
fn world_bank_bulk_download_and_databank_time_in_rows() {
    // The bulk download: metadata lines first, plain year columns, a trailing comma.
    let bulk = "\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2025-07-01\",\n\n\
        \"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2014\",\"2015\",\n\
        \"Lao PDR\",\"LAO\",\"Population, total\",\"SP.POP.TOTL\",\"6.6\",\"6.7\",\n";
    expect![[r#"
        LAO 2014: SP.POP.TOTL=6.6
        LAO 2015: SP.POP.TOTL=6.7"#]]
    .assert_eq(&dump(&csv(bulk).unwrap()));
    // DataBank with time in rows: label columns are skipped, "Name [CODE]" columns go by code.
    let rows = "Time,Time Code,Country Name,Country Code,GDP (current US$) [NY.GDP.MKTP.CD]\n\
        2014,YR2014,Lao PDR,LAO,13268458231.7\n2015,YR2015,Lao PDR,LAO,..\n";
    let p = csv(rows).unwrap();
    expect![[r#"
        LAO 2014: NY.GDP.MKTP.CD=13268458231.7"#]]
    .assert_eq(&dump(&p));
    assert_eq!(p.skipped_label_columns(), ["Time Code", "Country Name"]);
}
