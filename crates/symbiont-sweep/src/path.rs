//! Addressing a parameter in the scenario's TOML tree: `environment.host_openness`,
//! `finance[eximbank-js].credit_capacity_usd`, `park[0].plots`, `mode[network].reinvest_share`.
//!
//! A segment `name[key]` picks from the array of tables `name` the one whose `id` is `key`
//! (or the `key`-th, when `key` is a number). Built-in modes (the four presets) are not tables
//! of the file; `mode[network].x` therefore adds a custom mode `network-sweep` based on the
//! preset, sets `x` on it, and the sweep runs that mode wherever it names `network`.

use std::collections::BTreeMap;
use std::fmt;

use toml::{Table, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    /// An element of an array of tables, by `id`.
    Id(String, String),
    /// An element of an array of tables, by position.
    Index(String, usize),
}

/// A parsed parameter path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPath {
    pub segments: Vec<Segment>,
}

/// The suffix of the custom mode made from a preset.
pub const PRESET_SUFFIX: &str = "-sweep";

const PRESETS: [&str; 4] = ["fight_alone", "one_way_street", "hub", "network"];

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match s {
                Segment::Key(k) => write!(f, "{k}")?,
                Segment::Id(k, id) => write!(f, "{k}[{id}]")?,
                Segment::Index(k, n) => write!(f, "{k}[{n}]")?,
            }
        }
        Ok(())
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl ParamPath {
    /// Parse `a.b[id].c`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let expected =
            "a path like `environment.host_openness` or `finance[eximbank-js].base_rate`";
        if text.trim().is_empty() {
            return Err(format!("an empty path; expected {expected}"));
        }
        let mut segments = Vec::new();
        for part in text.split('.') {
            let seg = if let Some(open) = part.find('[') {
                let (name, rest) = part.split_at(open);
                let Some(key) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
                    return Err(format!("`{part}` has an unclosed `[`; expected {expected}"));
                };
                if !is_name(name) || !is_name(key) {
                    return Err(format!("`{part}` is not `name[id]`; expected {expected}"));
                }
                match key.parse::<usize>() {
                    Ok(n) => Segment::Index(name.to_string(), n),
                    Err(_) => Segment::Id(name.to_string(), key.to_string()),
                }
            } else {
                if !is_name(part) {
                    return Err(format!("`{part}` is not a key; expected {expected}"));
                }
                Segment::Key(part.to_string())
            };
            segments.push(seg);
        }
        Ok(ParamPath { segments })
    }

    /// Set the value at this path in `root`. `renamed` collects presets turned into custom
    /// modes (preset id -> custom id). The last key may be new (a lever a custom mode did not
    /// set); everything before it must exist.
    pub fn set(
        &self,
        root: &mut Table,
        value: Value,
        renamed: &mut BTreeMap<String, String>,
    ) -> Result<(), String> {
        let mut table = root;
        let last = self.segments.len() - 1;
        for (i, seg) in self.segments.iter().enumerate() {
            let here = ParamPath { segments: self.segments[..=i].to_vec() };
            match seg {
                Segment::Key(k) if i == last => {
                    let value = match (table.get(k), value) {
                        // An integer field stays an integer: round what a continuous draw gave.
                        (Some(Value::Integer(_)), Value::Float(x)) => {
                            Value::Integer(x.round() as i64)
                        }
                        (_, v) => v,
                    };
                    table.insert(k.clone(), value);
                    return Ok(());
                }
                Segment::Key(k) => {
                    match table.get(k) {
                        Some(Value::Table(_)) => {}
                        Some(_) => return Err(format!("`{here}` is not a table")),
                        None => return Err(missing(&here, table)),
                    }
                    let Some(Value::Table(t)) = table.get_mut(k) else {
                        unreachable!("checked above")
                    };
                    table = t;
                }
                Segment::Id(k, id) => {
                    if k == "mode" && PRESETS.contains(&id.as_str()) {
                        table = preset_mode(table, id, renamed);
                    } else {
                        let Some(Value::Array(items)) = table.get_mut(k) else {
                            return Err(format!(
                                "the scenario has no `[[{k}]]` tables (at `{here}`)"
                            ));
                        };
                        let ids: Vec<String> = items
                            .iter()
                            .filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
                            .collect();
                        let found = items
                            .iter_mut()
                            .find(|v| v.get("id").and_then(Value::as_str) == Some(id));
                        table = match found {
                            Some(Value::Table(t)) => t,
                            _ => {
                                return Err(format!(
                                    "no `{k}` with id `{id}` (at `{here}`); the ids are: {}",
                                    ids.join(", ")
                                ));
                            }
                        };
                    }
                    if i == last {
                        return Err(format!("`{here}` is a table; name one of its fields"));
                    }
                }
                Segment::Index(k, n) => {
                    let Some(Value::Array(items)) = table.get_mut(k) else {
                        return Err(format!("the scenario has no `[[{k}]]` tables (at `{here}`)"));
                    };
                    let len = items.len();
                    table = match items.get_mut(*n) {
                        Some(Value::Table(t)) => t,
                        _ => {
                            return Err(format!(
                                "`{here}`: there are {len} `{k}` tables (0..{len})"
                            ));
                        }
                    };
                    if i == last {
                        return Err(format!("`{here}` is a table; name one of its fields"));
                    }
                }
            }
        }
        Ok(())
    }
}

fn missing(here: &ParamPath, table: &Table) -> String {
    let keys: Vec<&str> = table.keys().map(String::as_str).collect();
    format!("`{here}` is not in the scenario; the keys there are: {}", keys.join(", "))
}

/// The custom mode standing for preset `id`, created on first use.
fn preset_mode<'a>(
    root: &'a mut Table,
    id: &str,
    renamed: &mut BTreeMap<String, String>,
) -> &'a mut Table {
    let custom = format!("{id}{PRESET_SUFFIX}");
    renamed.insert(id.to_string(), custom.clone());
    let modes = root.entry("mode").or_insert_with(|| Value::Array(Vec::new()));
    if !modes.is_array() {
        *modes = Value::Array(Vec::new());
    }
    let Value::Array(items) = modes else { unreachable!("just made an array") };
    let pos =
        items.iter().position(|v| v.get("id").and_then(Value::as_str) == Some(custom.as_str()));
    let pos = match pos {
        Some(p) => p,
        None => {
            let mut t = Table::new();
            t.insert("id".into(), Value::String(custom.clone()));
            t.insert("name".into(), Value::String(format!("{id} (swept)")));
            t.insert("base".into(), Value::String(id.to_string()));
            items.push(Value::Table(t));
            items.len() - 1
        }
    };
    match &mut items[pos] {
        Value::Table(t) => t,
        _ => unreachable!("mode entries are tables"),
    }
}
