//! Loading scenarios from files or the embedded default, and printing located problems; the
//! JSON form of any error for `--json`.

use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use symbiont_model::{
    DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Diagnostic, Diagnostics, Scenario, parse_scenario,
};

/// A scenario's text and the name used for it in messages.
#[derive(Debug)]
pub struct Source {
    pub origin: String,
    pub text: String,
}

/// Read a scenario file, or the embedded default when `path` is `None`.
pub fn read_source(path: Option<&Path>) -> anyhow::Result<Source> {
    match path {
        None => Ok(Source {
            origin: format!("<embedded {DEFAULT_SCENARIO_NAME}>"),
            text: DEFAULT_SCENARIO.to_string(),
        }),
        Some(p) => {
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read scenario file {}", p.display()))?;
            let origin = p.display().to_string();
            match symbiont_model::decode_utf8(&bytes, &origin) {
                Ok(text) => Ok(Source { origin, text: text.to_string() }),
                Err(diags) => {
                    // Located like any other problem: byte offset, line and column.
                    eprintln!("{}", diags.render(&String::from_utf8_lossy(&bytes)));
                    Err(invalid_origin(&origin, diags))
                }
            }
        }
    }
}

/// The scenario problems printed while this command ran, for the JSON answer of an error that
/// does not carry them itself.
static REPORTED: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());

/// Parse a source; on problems, print every one of them to standard error.
pub fn check_source(src: &Source) -> Result<Scenario, Diagnostics> {
    parse_scenario(&src.text, &src.origin).inspect_err(|diags| {
        eprintln!("{}", diags.render(&src.text));
        if let Ok(mut reported) = REPORTED.lock() {
            reported.extend(diags.items.iter().cloned());
        }
    })
}

/// Load a scenario (the embedded default when `path` is `None`), printing located problems.
pub fn load_scenario(path: Option<&Path>) -> anyhow::Result<Scenario> {
    let src = read_source(path)?;
    check_source(&src).map_err(|d| invalid(&src, d))
}

/// The error of an invalid scenario: a summary line, with the problems kept for `--json`.
pub fn invalid(src: &Source, d: Diagnostics) -> anyhow::Error {
    invalid_origin(&src.origin, d)
}

fn invalid_origin(origin: &str, diags: Diagnostics) -> anyhow::Error {
    let summary = format!("{origin} is not a valid scenario ({})", problems(diags.len()));
    anyhow::Error::new(Invalid { summary, diags })
}

/// An invalid scenario: it displays as its summary line (the problems were printed where they
/// arose) and keeps the problems for the JSON answer.
#[derive(Debug)]
pub struct Invalid {
    pub summary: String,
    pub diags: Diagnostics,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for Invalid {}

/// "1 problem", "3 problems".
pub fn problems(n: usize) -> String {
    format!("{n} problem{}", if n == 1 { "" } else { "s" })
}

/// One located problem as JSON: `file`, `line`, `column` (a character column) and `field`
/// (a dotted field path, or a table's column name) where known, and the message.
fn problem(
    file: Option<&str>,
    line: Option<u64>,
    column: Option<u64>,
    field: Option<&str>,
    message: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("file".into(), file.into());
    m.insert("line".into(), line.into());
    m.insert("column".into(), column.into());
    m.insert("field".into(), field.filter(|f| !f.is_empty()).into());
    m.insert("message".into(), message.into());
    m
}

/// Scenario diagnostics as JSON problems.
fn diagnostics_json(items: &[Diagnostic]) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|x| {
            let mut m = problem(
                Some(&x.origin),
                Some(x.line as u64),
                Some(x.column as u64),
                Some(&x.path),
                &x.message,
            );
            m.insert("code".into(), x.code.name().into());
            m.insert("byte_offset".into(), x.span.start.into());
            m.insert("expected".into(), x.expected.clone().into());
            m.insert("help".into(), x.help.clone().into());
            serde_json::Value::Object(m)
        })
        .collect()
}

/// The located problems an error carries: scenario diagnostics, data-file and panel errors,
/// model and sweep specs. Untyped errors are looked at for a leading `file:line:column:`.
fn problems_of(err: &anyhow::Error) -> Vec<serde_json::Value> {
    use serde_json::Value;
    for cause in err.chain() {
        let diags = cause
            .downcast_ref::<Invalid>()
            .map(|i| &i.diags)
            .or_else(|| cause.downcast_ref::<Diagnostics>());
        if let Some(d) = diags {
            return diagnostics_json(&d.items);
        }
        if let Some(e) = cause.downcast_ref::<symbiont_dynamics::data::ReadError>() {
            let mut m = problem(Some(&e.file), e.line, None, e.column.as_deref(), &e.message);
            if let Some(b) = e.byte_offset {
                m.insert("byte_offset".into(), b.into());
            }
            return vec![Value::Object(m)];
        }
        if let Some(e) = cause.downcast_ref::<symbiont_indices::PanelError>() {
            use symbiont_indices::PanelError as P;
            let m = match e {
                P::At { at, why } => {
                    problem(Some(&at.source), Some(at.line), None, at.column.as_deref(), why)
                }
                P::File { source_name, why }
                | P::SpecToml { source_name, why }
                | P::Spec { source_name, why } => problem(Some(source_name), None, None, None, why),
            };
            return vec![Value::Object(m)];
        }
        if let Some(e) = cause.downcast_ref::<symbiont_dynamics::SpecError>() {
            return e
                .0
                .iter()
                .map(|p| {
                    Value::Object(problem(
                        None,
                        Some(p.line as u64),
                        Some(p.col as u64),
                        None,
                        &p.message,
                    ))
                })
                .collect();
        }
        if let Some(symbiont_sweep::SweepError::Spec { origin, line, column, field, message }) =
            cause.downcast_ref::<symbiont_sweep::SweepError>()
        {
            return vec![Value::Object(problem(
                Some(origin),
                Some(*line as u64),
                Some(*column as u64),
                Some(field),
                message,
            ))];
        }
    }
    // Untyped: the scenario problems printed on the way, else every line of the message that
    // starts `file:line:column: message`.
    if let Ok(reported) = REPORTED.lock()
        && !reported.is_empty()
    {
        return diagnostics_json(&reported);
    }
    let text = format!("{err:#}");
    text.lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.trim().splitn(4, ':').collect();
            let [file, line, column, message] = parts[..] else { return None };
            let (line, column) =
                (line.trim().parse::<u64>().ok()?, column.trim().parse::<u64>().ok()?);
            (!file.is_empty()).then(|| {
                Value::Object(problem(Some(file), Some(line), Some(column), None, message.trim()))
            })
        })
        .collect()
}

/// The JSON answer of a failed command: `{"ok": false, "error": ..., "file", "line", "column",
/// "field" (of the first problem, null where unknown), "problems": [...]}`.
pub fn error_json(err: &anyhow::Error) -> serde_json::Value {
    let problems = problems_of(err);
    let first = problems.first().and_then(|p| p.as_object());
    let get = |k: &str| first.and_then(|p| p.get(k)).cloned().unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "ok": false,
        "error": format!("{err:#}"),
        "file": get("file"),
        "line": get("line"),
        "column": get("column"),
        "field": get("field"),
        "problems": problems,
    })
}
