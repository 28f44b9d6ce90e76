//! docs/model.md is the model's ODD: it must name every mechanism parameter with its default,
//! every lever and lever value of every mode preset, and define every per-period output.
//!
//! The field lists are read from the sources (`params.rs`, `output.rs`) and from the public
//! presets and word tables of the model crate, so a field or lever added later fails here
//! until the ODD describes it.

use std::fmt::Debug;

use symbiont_model::Levers;
use symbiont_model::levers::words;

const MODEL_MD: &str = include_str!("../../../../docs/model.md");
const PARAMS_RS: &str = include_str!("../../src/params.rs");
const OUTPUT_RS: &str = include_str!("../../src/output.rs");

/// The `pub <name>:` fields of `pub struct <name> { ... }` in a Rust source.
fn struct_fields(src: &str, name: &str) -> Vec<String> {
    let head = format!("pub struct {name} {{");
    let start = src.find(&head).unwrap_or_else(|| panic!("no `{head}` in the source"));
    let body = &src[start + head.len()..];
    let body = &body[..body.find("\n}").expect("end of the struct")];
    body.lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.trim().to_string()))
        .collect()
}

/// The rows (cells, trimmed, without the outer pipes) of the first table of the doc whose
/// header row starts with `header` cells.
fn table(header: &[&str]) -> Vec<Vec<String>> {
    let cells = |l: &str| -> Vec<String> {
        let l = l.trim();
        let l = l.strip_prefix('|').unwrap_or(l);
        let l = l.strip_suffix('|').unwrap_or(l);
        l.split('|').map(|c| c.trim().to_string()).collect()
    };
    let mut lines = MODEL_MD.lines();
    for l in lines.by_ref() {
        if l.starts_with('|') && cells(l).iter().zip(header).all(|(c, h)| c == h) {
            let rows: Vec<Vec<String>> = lines
                .take_while(|l| l.starts_with('|'))
                .map(cells)
                .filter(|r| !r.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')))
                .collect();
            return std::iter::once(cells(l)).chain(rows).collect();
        }
    }
    panic!("docs/model.md has no table with the header {header:?}")
}

fn unquote(cell: &str) -> &str {
    cell.trim_matches('`')
}

#[test]
fn every_parameter_is_documented_with_its_default() {
    let debug = format!("{:?}", symbiont_abm::Params::default());
    let body = debug.trim_start_matches("Params {").trim_end_matches('}');
    let table: Vec<&str> = MODEL_MD.lines().filter(|l| l.starts_with("| ")).collect();
    let mut missing = Vec::new();
    for field in body.split(',') {
        let Some((name, value)) = field.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim().trim_end_matches(".0"));
        let documented = table.iter().any(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            cells.len() > 2
                && cells[1].split(", ").any(|n| n == name)
                && cells[2]
                    .replace(['−', ','], "")
                    .replace("−", "-")
                    .contains(&value.replace('-', ""))
        });
        if !documented {
            missing.push(format!("{name} = {value}"));
        }
    }
    assert!(missing.is_empty(), "not in the parameter table of docs/model.md: {missing:?}");
}

#[test]
fn every_params_field_in_the_source_has_a_row() {
    let fields = struct_fields(PARAMS_RS, "Params");
    assert!(fields.len() > 50, "parsed only {} fields of Params", fields.len());
    let rows = table(&["parameter", "default"]);
    let named: Vec<&str> = rows.iter().skip(1).flat_map(|r| r[0].split(", ")).collect();
    let missing: Vec<&String> = fields.iter().filter(|f| !named.contains(&f.as_str())).collect();
    assert!(missing.is_empty(), "Params fields without a row in docs/model.md: {missing:?}");
    let stale: Vec<&&str> = named.iter().filter(|n| !fields.iter().any(|f| f == *n)).collect();
    assert!(stale.is_empty(), "rows of docs/model.md that are no Params field: {stale:?}");
}

/// (field, Debug of each value, word) for the levers that take words.
fn lever_words() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    fn w<E: Debug>(t: &[(&'static str, E)]) -> Vec<(String, &'static str)> {
        t.iter().map(|(word, v)| (format!("{v:?}"), *word)).collect()
    }
    vec![
        ("site_choice", w(words::SITE_CHOICE)),
        ("approvals", w(words::APPROVALS)),
        ("finance", w(words::FINANCE)),
        ("talent_technology", w(words::TALENT_TECHNOLOGY)),
        ("intermediaries", w(words::INTERMEDIARIES)),
        ("information_sharing", w(words::INFORMATION_SHARING)),
        ("profit", w(words::PROFIT)),
    ]
}

/// The (field, value as the doc writes it) pairs of a lever set, from its Debug form.
fn lever_values(l: &Levers) -> Vec<(String, String)> {
    let debug = format!("{l:?}");
    let body = debug.trim_start_matches("Levers {").trim_end_matches('}');
    let words = lever_words();
    body.split(',')
        .filter_map(|f| f.split_once(':'))
        .map(|(name, value)| {
            let (name, value) = (name.trim(), value.trim());
            let word = words
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, t)| t.iter().find(|(d, _)| d == value))
                .map(|(_, w)| w.to_string());
            (name.to_string(), word.unwrap_or_else(|| value.to_string()))
        })
        .collect()
}

fn same_value(doc: &str, code: &str) -> bool {
    match (doc.parse::<f64>(), code.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => doc == code,
    }
}

#[test]
fn every_lever_of_every_preset_is_in_the_preset_table() {
    let rows = table(&["lever", "fight_alone"]);
    let header = &rows[0];
    let mut wrong = Vec::new();
    let presets = Levers::presets();
    for (id, _, levers) in &presets {
        let Some(col) = header.iter().position(|h| h == id) else {
            wrong.push(format!("no column for mode {id}"));
            continue;
        };
        for (name, value) in lever_values(levers) {
            match rows.iter().skip(1).find(|r| unquote(&r[0]) == name) {
                None => wrong.push(format!("no row for lever {name}")),
                Some(r) if !r.get(col).is_some_and(|c| same_value(c, &value)) => wrong.push(
                    format!("{id}.{name}: the doc says {:?}, the preset {value}", r.get(col)),
                ),
                Some(_) => {}
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "mode presets in docs/model.md: {wrong:?}");
    let fields = lever_values(&presets[0].2).len();
    assert_eq!(rows.len() - 1, fields, "one row per lever, {fields} levers");
}

#[test]
fn every_lever_and_every_value_word_is_explained() {
    let rows = table(&["lever", "values"]);
    let mut missing = Vec::new();
    for (name, _) in lever_values(&Levers::network()) {
        if !rows.iter().skip(1).any(|r| unquote(&r[0]) == name) {
            missing.push(name);
        }
    }
    for (name, table) in lever_words() {
        let Some(row) = rows.iter().skip(1).find(|r| unquote(&r[0]) == name) else { continue };
        for (_, word) in table {
            if !row[1].split(", ").any(|c| unquote(c) == word) {
                missing.push(format!("{name} = {word}"));
            }
        }
    }
    assert!(missing.is_empty(), "not in the lever table of docs/model.md: {missing:?}");
}

#[test]
fn every_period_output_column_is_defined() {
    let fields = struct_fields(OUTPUT_RS, "PeriodObs");
    assert!(fields.len() > 20, "parsed only {} fields of PeriodObs", fields.len());
    let rows = table(&["column", "definition"]);
    let defined: Vec<&str> = rows.iter().skip(1).map(|r| unquote(&r[0])).collect();
    let missing: Vec<&String> = fields.iter().filter(|f| !defined.contains(&f.as_str())).collect();
    assert!(missing.is_empty(), "PeriodObs columns not defined in docs/model.md: {missing:?}");
    let stale: Vec<&&str> = defined.iter().filter(|d| !fields.iter().any(|f| f == *d)).collect();
    assert!(stale.is_empty(), "output rows of docs/model.md that are no column: {stale:?}");
}

#[test]
fn every_factor_has_an_outward_and_a_return_channel_in_the_table() {
    let rows = table(&["factor", "direction", "channel"]);
    let mut missing = Vec::new();
    for f in symbiont_abm::output::FlowFactor::ALL {
        for dir in ["out", "back"] {
            if !rows.iter().skip(1).any(|r| r[0] == f.word() && r[1] == dir) {
                missing.push(format!("{} {dir}", f.word()));
            }
        }
    }
    assert!(missing.is_empty(), "channels missing from docs/model.md: {missing:?}");
    let unknown: Vec<&String> = rows
        .iter()
        .skip(1)
        .map(|r| &r[0])
        .filter(|w| !symbiont_abm::output::FlowFactor::ALL.iter().any(|f| f.word() == *w))
        .collect();
    assert!(unknown.is_empty(), "channel rows of docs/model.md with no such factor: {unknown:?}");
}

#[test]
fn every_tie_kind_is_described_with_its_factor() {
    let rows = table(&["kind", "factor", "source → target"]);
    let mut wrong = Vec::new();
    for k in symbiont_abm::TieKind::ALL {
        match rows.iter().skip(1).find(|r| unquote(&r[0]) == k.word()) {
            None => wrong.push(format!("{}: no row", k.word())),
            Some(r) if r[1] != k.factor().word() => wrong.push(format!(
                "{}: the doc says {}, the code {}",
                k.word(),
                r[1],
                k.factor().word()
            )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "tie kinds in docs/model.md: {wrong:?}");
    assert_eq!(rows.len() - 1, symbiont_abm::TieKind::ALL.len(), "one row per tie kind");
}
