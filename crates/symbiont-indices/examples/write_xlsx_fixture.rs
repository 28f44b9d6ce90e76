//! Writes `data/examples/indices/mekong_2019.xlsx`, the Excel example panel: six Mekong
//! countries in 2019, four WDI indicators, one row per country (wide layout), taken unchanged
//! from `data/wdi_macro_long.csv`. Run once with
//! `cargo run -p symbiont-indices --example write_xlsx_fixture`; the file is committed.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
use symbiont_indices::{ReadOptions, read_csv};

const COUNTRIES: [&str; 6] = ["CHN", "KHM", "LAO", "MMR", "THA", "VNM"];
const INDICATORS: [&str; 4] =
    ["NY.GDP.PCAP.CD", "NY.GDP.MKTP.KD.ZG", "FP.CPI.TOTL.ZG", "BX.KLT.DINV.CD.WD"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bytes = std::fs::read(root.join("data/wdi_macro_long.csv"))?;
    let only = Some(INDICATORS.map(String::from).to_vec());
    let panel =
        read_csv(&bytes, "wdi_macro_long.csv", &ReadOptions { only, ..Default::default() })?;
    let countries = COUNTRIES.map(String::from);
    let panel = panel.filter(Some(&countries), Some((2019, 2019)));

    let mut book = Workbook::new();
    // A fixed creation date keeps the file byte-stable when it is regenerated.
    let date = ExcelDateTime::from_ymd(2026, 11, 28)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let sheet = book.add_worksheet();
    sheet.set_name("2019")?;
    sheet.write_string(0, 0, "country_code")?;
    sheet.write_string(0, 1, "year")?;
    for (c, name) in INDICATORS.iter().enumerate() {
        sheet.write_string(0, c as u16 + 2, *name)?;
    }
    for (i, key) in panel.rows().iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &key.entity)?;
        sheet.write_number(r, 1, f64::from(key.year.unwrap_or_default()))?;
        for (c, name) in INDICATORS.iter().enumerate() {
            let j = panel.indicator_index(name).ok_or("indicator missing")?;
            let v = panel.value(i, j).ok_or_else(|| format!("{key} has no {name}"))?;
            sheet.write_number(r, c as u16 + 2, v)?;
        }
    }
    book.save(root.join("data/examples/indices/mekong_2019.xlsx"))?;
    Ok(())
}
