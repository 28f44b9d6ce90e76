//! A span-aware reader over a parsed TOML document.
//!
//! "Parse, don't validate": the checked scenario is built only through this reader, which
//! records every problem (with its span) and carries on, so that the user sees *all* problems
//! of a file at once. Each table remembers which keys were asked for; whatever is left over
//! is an unknown key, reported with a "did you mean".

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic, LineIndex, clip, num_text};

pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

/// The parsing context: the source, its origin, and the problems found so far.
pub(crate) struct Cx<'s> {
    origin: String,
    index: LineIndex<'s>,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'s> Cx<'s> {
    pub(crate) fn new(src: &'s str, origin: &str) -> Self {
        Cx { origin: origin.to_string(), index: LineIndex::new(src), diags: Vec::new() }
    }

    /// "line L, column C" of a byte offset.
    pub(crate) fn place(&self, offset: usize) -> String {
        let (l, c) = self.index.line_col(offset);
        format!("line {l}, column {c}")
    }

    pub(crate) fn error(
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

/// Describe a TOML value's type for "found ..." messages.
pub(crate) fn type_name(v: &DeValue<'_>) -> &'static str {
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

/// The closest candidate to `word`, when it is close enough to be a plausible typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    // A typo is short; comparing a very long word with every candidate would only cost time.
    if word.chars().count() > MAX_SUGGEST_LEN {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&word.to_lowercase(), &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count().max(c.chars().count()) / 3).max(2);
    (d <= limit).then(|| format!("did you mean `{c}`?"))
}

/// Words longer than this get no "did you mean".
const MAX_SUGGEST_LEN: usize = 64;

/// The largest magnitude of any number in a scenario (money in US$, counts, weights, the
/// parameters of distributions). Sums and products of such numbers over every unit and
/// period stay far inside the range of a double, so a scenario that passes the check cannot
/// make an engine produce inf or NaN.
pub(crate) const MAX_MAGNITUDE: f64 = 1e15;

/// Read a number (integer or float) from a value. An integer too large for 64 bits is read as
/// the nearest double, so that the range check names it instead of calling it a wrong type.
pub(crate) fn as_f64(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => {
            let s: String = i.as_str().chars().filter(|c| *c != '_').collect();
            i64::from_str_radix(&s, i.radix()).ok().map(|x| x as f64).or_else(|| {
                if i.radix() == 10 { s.parse::<f64>().ok() } else { big_radix(&s, i.radix()) }
            })
        }
        DeValue::Float(f) => {
            let s: String = f.as_str().chars().filter(|c| *c != '_').collect();
            match s.as_str() {
                "inf" | "+inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => Some(f64::NAN),
                _ => s.parse().ok(),
            }
        }
        _ => None,
    }
}

/// A hexadecimal, octal or binary integer beyond 64 bits, as the nearest double.
fn big_radix(digits: &str, radix: u32) -> Option<f64> {
    let digits = digits.trim_start_matches(['+']);
    let (neg, digits) = match digits.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, digits),
    };
    let mut x = 0.0f64;
    for c in digits.chars() {
        x = x * f64::from(radix) + f64::from(c.to_digit(radix)?);
    }
    Some(if neg { -x } else { x })
}

/// Read an integer from a value.
pub(crate) fn as_i64(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => {
            let s: String = i.as_str().chars().filter(|c| *c != '_').collect();
            i64::from_str_radix(&s, i.radix()).ok()
        }
        _ => None,
    }
}

/// An allowed range for a number.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    Any,
    /// >= 0
    NonNeg,
    /// > 0
    Pos,
    /// in [0, 1]
    Unit,
    /// in [lo, hi]
    Between(f64, f64),
}

impl Rule {
    pub(crate) fn ok(self, x: f64) -> bool {
        x.is_finite()
            && match self {
                Rule::Any => x.abs() <= MAX_MAGNITUDE,
                Rule::NonNeg => (0.0..=MAX_MAGNITUDE).contains(&x),
                Rule::Pos => x > 0.0 && x <= MAX_MAGNITUDE,
                Rule::Unit => (0.0..=1.0).contains(&x),
                Rule::Between(lo, hi) => (lo..=hi).contains(&x),
            }
    }

    pub(crate) fn describe(self) -> String {
        match self {
            Rule::Any => "a finite number in -1e15..=1e15".into(),
            Rule::NonNeg => "a number in 0..=1e15".into(),
            Rule::Pos => "a number > 0 and <= 1e15".into(),
            Rule::Unit => "a number in 0..=1".into(),
            Rule::Between(lo, hi) => format!("a number in {}..={}", num_text(lo), num_text(hi)),
        }
    }
}

/// A table being read. Keys asked for are remembered; the rest are unknown.
pub(crate) struct Table<'a, 'i> {
    t: &'a DeTable<'i>,
    pub(crate) span: Range<usize>,
    pub(crate) path: String,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub(crate) fn new(t: &'a DeTable<'i>, span: Range<usize>, path: String) -> Self {
        Table { t, span, path, asked: Vec::new() }
    }

    /// Read a value as a table; reports a wrong type.
    pub(crate) fn from_val(cx: &mut Cx<'_>, v: &'a Val<'i>, path: String) -> Option<Self> {
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), path)),
            other => {
                cx.error(
                    Code::WrongType,
                    v.span(),
                    &path,
                    format!("`{path}` must be a table, found {}", type_name(other)),
                    Some("a table".into()),
                    None,
                );
                None
            }
        }
    }

    pub(crate) fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    /// The raw value of `key`, marking it as known.
    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'a Val<'i>> {
        if !self.asked.contains(&key) {
            self.asked.push(key);
        }
        self.t.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    fn missing(&self, cx: &mut Cx<'_>, key: &str, expected: String) {
        let what =
            if self.path.is_empty() { "the file".to_string() } else { format!("`{}`", self.path) };
        cx.error(
            Code::MissingKey,
            self.span.start
                ..self
                    .span
                    .start
                    .max(self.span.start + 1)
                    .min(self.span.end.max(self.span.start + 1)),
            &self.field_path(key),
            format!("missing key `{key}` in {what}"),
            Some(expected),
            None,
        );
    }

    fn wrong(&self, cx: &mut Cx<'_>, key: &str, v: &Val<'_>, expected: String) {
        cx.error(
            Code::WrongType,
            v.span(),
            &self.field_path(key),
            format!("`{key}` must be {expected}, found {}", type_name(v.get_ref())),
            Some(expected),
            None,
        );
    }

    /// A number, with a rule; `None` when absent (no error) or invalid (error recorded).
    pub(crate) fn opt_num(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        rule: Rule,
    ) -> Option<f64> {
        let v = self.get(key)?;
        let Some(x) = as_f64(v.get_ref()) else {
            self.wrong(cx, key, v, rule.describe());
            return None;
        };
        if !rule.ok(x) {
            let why = if !x.is_finite() { "not a finite number" } else { "out of range" };
            cx.error(
                Code::OutOfRange,
                v.span(),
                &self.field_path(key),
                format!("`{key}` is {}, {why}", num_text(x)),
                Some(rule.describe()),
                None,
            );
            return None;
        }
        Some(x)
    }

    /// A required number.
    pub(crate) fn num(&mut self, cx: &mut Cx<'_>, key: &'static str, rule: Rule) -> Option<f64> {
        if self.get(key).is_none() {
            self.missing(cx, key, rule.describe());
            return None;
        }
        self.opt_num(cx, key, rule)
    }

    /// A number with a default when absent. Invalid values report and yield the default.
    pub(crate) fn num_or(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        rule: Rule,
        default: f64,
    ) -> f64 {
        self.opt_num(cx, key, rule).unwrap_or(default)
    }

    /// An integer in `[lo, hi]`, optional.
    pub(crate) fn opt_int(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        lo: i64,
        hi: i64,
    ) -> Option<i64> {
        let v = self.get(key)?;
        let expected = format!("an integer in {lo}..={hi}");
        let Some(x) = as_i64(v.get_ref()) else {
            self.wrong(cx, key, v, expected);
            return None;
        };
        if !(lo..=hi).contains(&x) {
            cx.error(
                Code::OutOfRange,
                v.span(),
                &self.field_path(key),
                format!("`{key}` is {x}, out of range"),
                Some(expected),
                None,
            );
            return None;
        }
        Some(x)
    }

    /// A required integer in `[lo, hi]`.
    pub(crate) fn int(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        lo: i64,
        hi: i64,
    ) -> Option<i64> {
        if self.get(key).is_none() {
            self.missing(cx, key, format!("an integer in {lo}..={hi}"));
            return None;
        }
        self.opt_int(cx, key, lo, hi)
    }

    /// An optional string (non-empty).
    pub(crate) fn opt_str(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
    ) -> Option<Spanned<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => {
                Some(Spanned::new(v.span(), s.to_string()))
            }
            DeValue::String(_) => {
                cx.error(
                    Code::OutOfRange,
                    v.span(),
                    &self.field_path(key),
                    format!("`{key}` is empty"),
                    Some("a non-empty string".into()),
                    None,
                );
                None
            }
            _ => {
                self.wrong(cx, key, v, "a string".into());
                None
            }
        }
    }

    /// A required string.
    pub(crate) fn str(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<Spanned<String>> {
        if self.get(key).is_none() {
            self.missing(cx, key, "a string".into());
            return None;
        }
        self.opt_str(cx, key)
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(cx, key, v, "true or false".into());
                None
            }
        }
    }

    /// One of a fixed set of words.
    pub(crate) fn opt_choice<E: Copy>(
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
            self.wrong(cx, key, v, expected);
            return None;
        };
        if let Some((_, e)) = choices.iter().find(|(w, _)| *w == s.as_ref()) {
            return Some(*e);
        }
        cx.error(
            Code::OutOfRange,
            v.span(),
            &self.field_path(key),
            format!("`{key}` = \"{}\" is not a known value", clip(s)),
            Some(expected),
            did_you_mean(s, words.iter().copied()),
        );
        None
    }

    /// A required choice.
    pub(crate) fn choice<E: Copy>(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
        choices: &[(&'static str, E)],
    ) -> Option<E> {
        if self.get(key).is_none() {
            let words: Vec<String> = choices.iter().map(|(w, _)| format!("\"{w}\"")).collect();
            self.missing(cx, key, format!("one of {}", words.join(", ")));
            return None;
        }
        self.opt_choice(cx, key, choices)
    }

    /// An optional array of strings.
    pub(crate) fn opt_strs(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
    ) -> Option<Vec<Spanned<String>>> {
        let v = self.get(key)?;
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong(cx, key, v, "an array of strings".into());
            return None;
        };
        let mut out = Vec::with_capacity(a.len());
        for (i, item) in a.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(item.span(), s.to_string())),
                other => cx.error(
                    Code::WrongType,
                    item.span(),
                    &format!("{}[{i}]", self.field_path(key)),
                    format!("item {i} of `{key}` must be a string, found {}", type_name(other)),
                    Some("a string".into()),
                    None,
                ),
            }
        }
        Some(out)
    }

    /// An optional array of numbers (an empty cell may be written as `nan`).
    pub(crate) fn opt_nums(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Option<Vec<f64>> {
        let v = self.get(key)?;
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong(cx, key, v, "an array of numbers".into());
            return None;
        };
        let mut out = Vec::with_capacity(a.len());
        for (i, item) in a.iter().enumerate() {
            match as_f64(item.get_ref()) {
                // nan marks a missing year; anything else must be a finite number of bounded size.
                Some(x) if x.is_nan() || (x.is_finite() && x.abs() <= MAX_MAGNITUDE) => out.push(x),
                Some(x) => cx.error(
                    Code::OutOfRange,
                    item.span(),
                    &format!("{}[{i}]", self.field_path(key)),
                    format!("item {i} of `{key}` is {}, out of range", num_text(x)),
                    Some("a finite number in -1e15..=1e15 (or nan for a missing year)".into()),
                    None,
                ),
                None => cx.error(
                    Code::WrongType,
                    item.span(),
                    &format!("{}[{i}]", self.field_path(key)),
                    format!(
                        "item {i} of `{key}` must be a number, found {}",
                        type_name(item.get_ref())
                    ),
                    Some("a number (or nan for a missing year)".into()),
                    None,
                ),
            }
        }
        Some(out)
    }

    /// A sub-table, optional.
    pub(crate) fn opt_table(
        &mut self,
        cx: &mut Cx<'_>,
        key: &'static str,
    ) -> Option<Table<'a, 'i>> {
        let path = self.field_path(key);
        let v = self.get(key)?;
        Table::from_val(cx, v, path)
    }

    /// An array of tables (`[[key]]`), possibly absent (empty).
    pub(crate) fn tables(&mut self, cx: &mut Cx<'_>, key: &'static str) -> Vec<Table<'a, 'i>> {
        let path = self.field_path(key);
        let Some(v) = self.get(key) else { return Vec::new() };
        match v.get_ref() {
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Table::from_val(cx, item, format!("{path}[{i}]")))
                .collect(),
            DeValue::Table(t) => vec![Table::new(t, v.span(), format!("{path}[0]"))],
            other => {
                cx.error(
                    Code::WrongType,
                    v.span(),
                    &path,
                    format!(
                        "`{key}` must be an array of tables ([[{key}]]), found {}",
                        type_name(other)
                    ),
                    Some(format!("[[{key}]] tables")),
                    None,
                );
                Vec::new()
            }
        }
    }

    /// Iterate over all entries (for map-like tables such as a sector mix). Marks all as known.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (Spanned<String>, &'a Val<'i>)> {
        self.t.iter().map(|(k, v)| (Spanned::new(k.span(), k.get_ref().to_string()), v))
    }

    /// Report every key that was never asked for.
    pub(crate) fn finish(self, cx: &mut Cx<'_>) {
        for (k, _) in self.t.iter() {
            let key: &str = k.get_ref().as_ref();
            if self.asked.contains(&key) {
                continue;
            }
            let mut known: Vec<&str> = self.asked.clone();
            known.sort_unstable();
            let table = if self.path.is_empty() {
                "the top level".to_string()
            } else {
                format!("`{}`", self.path)
            };
            let key = clip(key);
            cx.error(
                Code::UnknownKey,
                k.span(),
                &self.field_path(&key),
                format!("unknown key `{key}` in {table}"),
                Some(format!("one of {}", known.join(", "))),
                did_you_mean(&key, known.iter().copied()),
            );
        }
    }
}
