//! A small span-aware reader over a TOML document (`toml::de::DeTable`): every problem is
//! recorded with its place and reading carries on, so a file's problems come out together,
//! as `symbiont_model::parse_scenario` reports them. Keys never asked for are unknown keys.

use std::ops::Range;

use symbiont_model::diag::{Code, Diagnostic, LineIndex};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

pub(crate) struct Cx<'s> {
    pub(crate) src: &'s str,
    origin: String,
    index: LineIndex<'s>,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'s> Cx<'s> {
    pub(crate) fn new(src: &'s str, origin: &str) -> Self {
        Cx { src, origin: origin.to_string(), index: LineIndex::new(src), diags: Vec::new() }
    }

    pub(crate) fn report(
        &mut self,
        code: Code,
        span: Range<usize>,
        path: &str,
        message: impl Into<String>,
        expected: Option<String>,
        help: Option<String>,
    ) {
        let (line, column) = self.index.line_col(span.start);
        self.diags.push(Diagnostic {
            code,
            origin: self.origin.clone(),
            span,
            line,
            column,
            path: path.to_string(),
            message: message.into(),
            expected,
            help,
        });
    }
}

pub(crate) fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| *c != '_').collect()
}

/// An integer value.
pub(crate) fn int_of(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(&digits(i.as_str()), i.radix()).ok(),
        _ => None,
    }
}

/// A number (integer or float, `inf` and `nan` included).
pub(crate) fn num_of(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Float(f) => match digits(f.as_str()).as_str() {
            "inf" | "+inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            "nan" | "+nan" | "-nan" => Some(f64::NAN),
            s => s.parse().ok(),
        },
        other => int_of(other).map(|i| i as f64),
    }
}

/// A table being read.
pub(crate) struct Tab<'a, 'i> {
    t: &'a DeTable<'i>,
    pub(crate) span: Range<usize>,
    pub(crate) path: String,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Tab<'a, 'i> {
    pub(crate) fn new(t: &'a DeTable<'i>, span: Range<usize>, path: String) -> Self {
        Tab { t, span, path, asked: Vec::new() }
    }

    pub(crate) fn field(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'a Val<'i>> {
        if !self.asked.contains(&key) {
            self.asked.push(key);
        }
        self.t.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    pub(crate) fn missing(&self, cx: &mut Cx<'_>, key: &str, expected: &str) {
        let what =
            if self.path.is_empty() { "the file".to_string() } else { format!("`{}`", self.path) };
        let at = self.span.start..(self.span.start + 1).min(self.span.end.max(self.span.start + 1));
        cx.report(
            Code::MissingKey,
            at,
            &self.field(key),
            format!("missing key `{key}` in {what}"),
            Some(expected.into()),
            None,
        );
    }

    pub(crate) fn wrong(&self, cx: &mut Cx<'_>, key: &str, v: &Val<'_>, expected: &str) {
        cx.report(
            Code::WrongType,
            v.span(),
            &self.field(key),
            format!("`{key}` must be {expected}, found {}", kind(v.get_ref())),
            Some(expected.into()),
            None,
        );
    }

    /// A number; `None` when absent or wrong (reported).
    pub(crate) fn num(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<Spanned<f64>> {
        let v = self.get(key)?;
        match num_of(v.get_ref()) {
            Some(x) => Some(Spanned::new(v.span(), x)),
            None => {
                self.wrong(cx, key, v, "a number");
                None
            }
        }
    }

    /// A whole number in `lo..=hi`.
    pub(crate) fn int(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        lo: i64,
        hi: i64,
    ) -> Option<Spanned<i64>> {
        let v = self.get(key)?;
        let expected = format!("an integer in {lo}..={hi}");
        match int_of(v.get_ref()) {
            Some(x) if (lo..=hi).contains(&x) => Some(Spanned::new(v.span(), x)),
            Some(x) => {
                cx.report(
                    Code::OutOfRange,
                    v.span(),
                    &self.field(key),
                    format!("`{key}` is {x}, out of range"),
                    Some(expected),
                    None,
                );
                None
            }
            None => {
                self.wrong(cx, key, v, &expected);
                None
            }
        }
    }

    pub(crate) fn string(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<Spanned<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => {
                Some(Spanned::new(v.span(), s.to_string()))
            }
            DeValue::String(_) => {
                cx.report(
                    Code::OutOfRange,
                    v.span(),
                    &self.field(key),
                    format!("`{key}` is empty"),
                    Some("a non-empty string".into()),
                    None,
                );
                None
            }
            _ => {
                self.wrong(cx, key, v, "a string");
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(cx, key, v, "true or false");
                None
            }
        }
    }

    /// An array of numbers, with the span of each item.
    pub(crate) fn nums(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
    ) -> Option<Spanned<Vec<Spanned<f64>>>> {
        let v = self.get(key)?;
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong(cx, key, v, "an array of numbers");
            return None;
        };
        let mut out = Vec::with_capacity(a.len());
        for (i, item) in a.iter().enumerate() {
            match num_of(item.get_ref()) {
                Some(x) => out.push(Spanned::new(item.span(), x)),
                None => {
                    cx.report(
                        Code::WrongType,
                        item.span(),
                        &format!("{}[{i}]", self.field(key)),
                        format!(
                            "item {i} of `{key}` must be a number, found {}",
                            kind(item.get_ref())
                        ),
                        Some("a number".into()),
                        None,
                    );
                    return None;
                }
            }
        }
        Some(Spanned::new(v.span(), out))
    }

    /// One of a fixed set of words.
    pub(crate) fn word<E: Copy>(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        choices: &[(&'static str, E)],
    ) -> Option<E> {
        let v = self.get(key)?;
        let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let expected = format!(
            "one of {}",
            words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
        );
        let DeValue::String(s) = v.get_ref() else {
            self.wrong(cx, key, v, &expected);
            return None;
        };
        if let Some((_, e)) = choices.iter().find(|(w, _)| *w == s.as_ref()) {
            return Some(*e);
        }
        cx.report(
            Code::OutOfRange,
            v.span(),
            &self.field(key),
            format!("`{key}` = \"{s}\" is not a known value"),
            Some(expected),
            crate::text::did_you_mean(s, words.iter().copied()),
        );
        None
    }

    pub(crate) fn table(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<Tab<'a, 'i>> {
        let path = self.field(key);
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Tab::new(t, v.span(), path)),
            other => {
                cx.report(
                    Code::WrongType,
                    v.span(),
                    &path,
                    format!("`{path}` must be a table, found {}", kind(other)),
                    Some("a table".into()),
                    None,
                );
                None
            }
        }
    }

    /// `[[key]]` tables (absent: none).
    pub(crate) fn tables(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Vec<Tab<'a, 'i>> {
        let path = self.field(key);
        let Some(v) = self.get(key) else { return Vec::new() };
        let DeValue::Array(a) = v.get_ref() else {
            cx.report(
                Code::WrongType,
                v.span(),
                &path,
                format!(
                    "`{key}` must be an array of tables ([[{key}]]), found {}",
                    kind(v.get_ref())
                ),
                Some(format!("[[{key}]] tables")),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in a.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Tab::new(t, item.span(), format!("{path}[{i}]"))),
                other => cx.report(
                    Code::WrongType,
                    item.span(),
                    &format!("{path}[{i}]"),
                    format!("item {i} of `{key}` must be a table, found {}", kind(other)),
                    Some("a table".into()),
                    None,
                ),
            }
        }
        out
    }

    /// Report every key never asked for.
    pub(crate) fn finish(self, cx: &mut Cx<'_>) {
        let mut known = self.asked.clone();
        known.sort_unstable();
        for (k, _) in self.t.iter() {
            let key: &str = k.get_ref().as_ref();
            if self.asked.contains(&key) {
                continue;
            }
            let place = if self.path.is_empty() {
                "the top level".to_string()
            } else {
                format!("`{}`", self.path)
            };
            cx.report(
                Code::UnknownKey,
                k.span(),
                &self.field(key),
                format!("unknown key `{key}` in {place}"),
                Some(format!("one of {}", known.join(", "))),
                crate::text::did_you_mean(key, known.iter().copied()),
            );
        }
    }
}
