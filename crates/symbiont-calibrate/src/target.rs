//! Target expressions: how an observed number is computed from the model's outputs.
//!
//! ```text
//! expr  := term (("+" | "-") term)*
//! term  := unary (("*" | "/") unary)*
//! unary := "-" unary | atom
//! atom  := NUMBER | "(" expr ")"
//!        | METRIC "@" YEAR                       a run-folder metric at a year
//!        | ("sum" | "mean") "(" METRIC "@" YEAR ".." YEAR ")"   over the years, both included
//!        | PARAM                                 a parameter with a prior (an observation
//!                                                factor such as `share`, or a model parameter)
//! YEAR  := 2021 | {year} | {year-1} | {year+2}   ({year} only in a series target)
//! ```
//!
//! `host_jobs@2021 / operating@2021` is a ratio, `share * invested@{year}` an explicit
//! observation model: the scenario stands for a share of the observed total, and that share
//! is a parameter with its own prior, never a silent factor.
//!
//! An expression is parsed once into a template and instantiated per year of a series;
//! every `metric@year` becomes an index into the calibration's list of [`Reference`]s, the
//! outputs the binding must return for each simulation, in that order.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One model output the targets need: a metric at a year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference {
    pub metric: String,
    pub year: i32,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.metric, self.year)
    }
}

/// A problem in an expression: where (byte range within the expression text) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub at: Range<usize>,
    pub message: String,
    pub expected: Option<String>,
    pub help: Option<String>,
}

fn err(at: Range<usize>, message: impl Into<String>, expected: Option<&str>) -> ExprError {
    ExprError { at, message: message.into(), expected: expected.map(str::to_string), help: None }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearSpec {
    Fixed(i32),
    /// `{year}` plus an offset.
    Series(i32),
}

#[derive(Debug, Clone, PartialEq)]
enum Tpl {
    Num(f64),
    At {
        metric: String,
        metric_at: Range<usize>,
        year: YearSpec,
        year_at: Range<usize>,
    },
    Over {
        mean: bool,
        metric: String,
        metric_at: Range<usize>,
        from: YearSpec,
        to: YearSpec,
        years_at: Range<usize>,
    },
    Name {
        name: String,
        at: Range<usize>,
    },
    Neg(Box<Tpl>),
    Bin(Op, Box<Tpl>, Box<Tpl>),
}

/// A parsed expression, before its years and names are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    tpl: Tpl,
    /// Whether it uses `{year}`.
    pub uses_year: bool,
}

impl Template {
    /// The bare names it uses (parameters, once resolved).
    pub fn names(&self) -> Vec<String> {
        fn walk(t: &Tpl, out: &mut Vec<String>) {
            match t {
                Tpl::Name { name, .. } => out.push(name.clone()),
                Tpl::Neg(e) => walk(e, out),
                Tpl::Bin(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.tpl, &mut out);
        out
    }
}

/// A compiled expression: references and parameters resolved to indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    Num(f64),
    /// `outputs[i]`.
    Ref(usize),
    /// `theta[j]`.
    Param(usize),
    Sum(Vec<usize>),
    Mean(Vec<usize>),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Evaluate on a parameter vector and the outputs (ordered as the references). A
    /// division by zero gives a non-finite value, which the sampler counts as a failed
    /// simulation.
    pub fn eval(&self, theta: &[f64], outputs: &[f64]) -> f64 {
        match self {
            Expr::Num(x) => *x,
            Expr::Ref(i) => outputs[*i],
            Expr::Param(j) => theta[*j],
            Expr::Sum(ix) => ix.iter().map(|&i| outputs[i]).sum(),
            Expr::Mean(ix) => ix.iter().map(|&i| outputs[i]).sum::<f64>() / ix.len() as f64,
            Expr::Neg(e) => -e.eval(theta, outputs),
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(theta, outputs), b.eval(theta, outputs));
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                }
            }
        }
    }

    /// The parameters (indices) it reads.
    pub fn params(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Param(j) => out.push(*j),
            Expr::Neg(e) => e.params(out),
            Expr::Bin(_, a, b) => {
                a.params(out);
                b.params(out);
            }
            _ => {}
        }
    }
}

struct Parser<'t> {
    s: &'t str,
    pos: usize,
    uses_year: bool,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn here(&self) -> Range<usize> {
        let len = self.peek().map_or(0, char::len_utf8).max(1);
        self.pos..(self.pos + len).min(self.s.len()).max(self.pos)
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), ExprError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(err(self.here(), format!("expected `{c}` {what}"), None))
        }
    }

    fn expr(&mut self) -> Result<Tpl, ExprError> {
        let mut left = self.term()?;
        loop {
            let op = if self.eat('+') {
                Op::Add
            } else if self.eat('-') {
                Op::Sub
            } else {
                return Ok(left);
            };
            left = Tpl::Bin(op, Box::new(left), Box::new(self.term()?));
        }
    }

    fn term(&mut self) -> Result<Tpl, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat('*') {
                Op::Mul
            } else if self.eat('/') {
                Op::Div
            } else {
                return Ok(left);
            };
            left = Tpl::Bin(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Tpl, ExprError> {
        if self.eat('-') {
            return Ok(Tpl::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn number(&mut self) -> Result<Tpl, ExprError> {
        let start = self.pos;
        let bytes = self.s.as_bytes();
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || bytes[end] == b'.'
                || bytes[end] == b'_'
                || ((bytes[end] == b'e' || bytes[end] == b'E') && end > start)
                || ((bytes[end] == b'+' || bytes[end] == b'-')
                    && end > start
                    && (bytes[end - 1] == b'e' || bytes[end - 1] == b'E')))
        {
            end += 1;
        }
        let text: String = self.s[start..end].chars().filter(|&c| c != '_').collect();
        self.pos = end;
        text.parse::<f64>().map(Tpl::Num).map_err(|_| {
            err(start..end, format!("`{}` is not a number", &self.s[start..end]), None)
        })
    }

    fn word(&mut self) -> (String, Range<usize>) {
        let start = self.pos;
        let mut in_bracket = false;
        while let Some(c) = self.peek() {
            let ok = if in_bracket {
                if c == ']' {
                    in_bracket = false;
                }
                c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ']'
            } else if c == '[' {
                in_bracket = true;
                true
            } else {
                c.is_ascii_alphanumeric() || c == '_' || c == '.'
            };
            if !ok {
                break;
            }
            self.pos += c.len_utf8();
        }
        (self.s[start..self.pos].to_string(), start..self.pos)
    }

    fn year(&mut self) -> Result<(YearSpec, Range<usize>), ExprError> {
        self.ws();
        let start = self.pos;
        let expected = "a year such as 2021, or {year}, {year-1}, {year+1} in a series";
        if self.peek() == Some('{') {
            let Some(close) = self.s[start..].find('}') else {
                return Err(err(start..self.s.len(), "`{` is not closed", Some(expected)));
            };
            let inner: String =
                self.s[start + 1..start + close].chars().filter(|c| !c.is_whitespace()).collect();
            self.pos = start + close + 1;
            let at = start..self.pos;
            let offset = match inner.strip_prefix("year") {
                Some("") => Some(0),
                Some(rest) if rest.starts_with('+') || rest.starts_with('-') => {
                    rest.trim_start_matches('+').parse::<i32>().ok()
                }
                _ => None,
            };
            let Some(offset) = offset else {
                return Err(err(at, format!("`{{{inner}}}` is not a year"), Some(expected)));
            };
            self.uses_year = true;
            return Ok((YearSpec::Series(offset), at));
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let at = start..self.pos;
        match self.s[at.clone()].parse::<i32>() {
            Ok(y) => Ok((YearSpec::Fixed(y), at)),
            Err(_) => Err(err(self.here(), "expected a year after `@`", Some(expected))),
        }
    }

    fn atom(&mut self) -> Result<Tpl, ExprError> {
        self.ws();
        match self.peek() {
            None => Err(err(
                self.pos..self.pos,
                "the expression ends too early",
                Some("a number, `metric@year` or a parameter"),
            )),
            Some('(') => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect(')', "to close `(`")?;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if is_word_start(c) => {
                let (w, at) = self.word();
                self.ws();
                if (w == "sum" || w == "mean") && self.peek() == Some('(') {
                    self.pos += 1;
                    self.ws();
                    let (metric, metric_at) = self.word();
                    if metric.is_empty() {
                        return Err(err(
                            self.here(),
                            format!("expected `metric@from..to` inside `{w}(`"),
                            None,
                        ));
                    }
                    self.expect(
                        '@',
                        &format!("after `{metric}` (a metric is written `name@year`)"),
                    )?;
                    let (from, fa) = self.year()?;
                    self.ws();
                    if !self.s[self.pos..].starts_with("..") {
                        return Err(err(
                            self.here(),
                            format!("expected `..` in `{w}(metric@from..to)`"),
                            None,
                        ));
                    }
                    self.pos += 2;
                    let (to, ta) = self.year()?;
                    self.expect(')', &format!("to close `{w}(`"))?;
                    return Ok(Tpl::Over {
                        mean: w == "mean",
                        metric,
                        metric_at,
                        from,
                        to,
                        years_at: fa.start..ta.end,
                    });
                }
                if self.peek() == Some('@') {
                    self.pos += 1;
                    let (year, year_at) = self.year()?;
                    return Ok(Tpl::At { metric: w, metric_at: at, year, year_at });
                }
                Ok(Tpl::Name { name: w, at })
            }
            Some(c) => Err(err(
                self.here(),
                format!("unexpected `{c}`"),
                Some("a number, `metric@year`, `sum(metric@from..to)` or a parameter"),
            )),
        }
    }
}

/// Parse an expression.
pub fn parse(text: &str) -> Result<Template, ExprError> {
    let mut p = Parser { s: text, pos: 0, uses_year: false };
    let tpl = p.expr()?;
    p.ws();
    if p.pos < text.len() {
        return Err(err(
            p.here(),
            format!("unexpected `{}`", &text[p.pos..]),
            Some("an operator (+ - * /) or the end"),
        ));
    }
    Ok(Template { tpl, uses_year: p.uses_year })
}

/// What names and years exist, and where resolved references go.
pub(crate) struct Resolver<'a> {
    pub metrics: Option<&'a [String]>,
    pub years: Option<&'a [i32]>,
    /// Parameter names with a prior, in the problem's order.
    pub params: &'a [String],
    pub refs: &'a mut Vec<Reference>,
    pub index: &'a mut HashMap<Reference, usize>,
}

impl Resolver<'_> {
    fn year(
        &self,
        spec: YearSpec,
        series: Option<i32>,
        at: &Range<usize>,
    ) -> Result<i32, ExprError> {
        let y = match (spec, series) {
            (YearSpec::Fixed(y), _) => y,
            (YearSpec::Series(o), Some(y)) => y + o,
            (YearSpec::Series(_), None) => {
                return Err(err(
                    at.clone(),
                    "`{year}` is only allowed in a series target (one with `years`)",
                    Some("a fixed year such as 2021"),
                ));
            }
        };
        if let Some(years) = self.years
            && !years.contains(&y)
        {
            let (lo, hi) = (years.iter().min(), years.iter().max());
            let span = match (lo, hi) {
                (Some(lo), Some(hi)) => format!("{lo}..={hi}"),
                _ => "none".into(),
            };
            let what = match series {
                Some(s) if matches!(spec, YearSpec::Series(_)) => {
                    format!("year {y} (for the series year {s})")
                }
                _ => format!("year {y}"),
            };
            return Err(err(
                at.clone(),
                format!("{what} is not a year of the study"),
                Some(&format!("a year in {span}")),
            ));
        }
        Ok(y)
    }

    fn reference(
        &mut self,
        metric: &str,
        metric_at: &Range<usize>,
        year: i32,
    ) -> Result<usize, ExprError> {
        if let Some(metrics) = self.metrics
            && !metrics.iter().any(|m| m == metric)
        {
            let mut e = err(
                metric_at.clone(),
                format!("unknown metric `{metric}`"),
                Some(&format!(
                    "one of {}",
                    crate::text::list(metrics.iter().map(String::as_str), 12)
                )),
            );
            e.help = crate::text::did_you_mean(metric, metrics.iter().map(String::as_str));
            return Err(e);
        }
        let r = Reference { metric: metric.to_string(), year };
        if let Some(&i) = self.index.get(&r) {
            return Ok(i);
        }
        self.refs.push(r.clone());
        self.index.insert(r, self.refs.len() - 1);
        Ok(self.refs.len() - 1)
    }

    /// Resolve a template at a series year (`None` for a moment).
    pub(crate) fn compile(&mut self, t: &Template, series: Option<i32>) -> Result<Expr, ExprError> {
        self.node(&t.tpl, series)
    }

    fn node(&mut self, t: &Tpl, series: Option<i32>) -> Result<Expr, ExprError> {
        Ok(match t {
            Tpl::Num(x) => Expr::Num(*x),
            Tpl::At { metric, metric_at, year, year_at } => {
                let y = self.year(*year, series, year_at)?;
                Expr::Ref(self.reference(metric, metric_at, y)?)
            }
            Tpl::Over { mean, metric, metric_at, from, to, years_at } => {
                let (a, b) =
                    (self.year(*from, series, years_at)?, self.year(*to, series, years_at)?);
                if a > b {
                    return Err(err(
                        years_at.clone(),
                        format!("the years {a}..{b} run backwards"),
                        Some("from <= to"),
                    ));
                }
                let ix = (a..=b)
                    .map(|y| self.reference(metric, metric_at, y))
                    .collect::<Result<Vec<_>, _>>()?;
                if *mean { Expr::Mean(ix) } else { Expr::Sum(ix) }
            }
            Tpl::Name { name, at } => match self.params.iter().position(|p| p == name) {
                Some(j) => Expr::Param(j),
                None => {
                    let mut e = err(
                        at.clone(),
                        format!("`{name}` is not a parameter with a prior"),
                        Some("a `[[prior]]` name, or a metric written `name@year`"),
                    );
                    e.help =
                        crate::text::did_you_mean(name, self.params.iter().map(String::as_str));
                    return Err(e);
                }
            },
            Tpl::Neg(e) => Expr::Neg(Box::new(self.node(e, series)?)),
            Tpl::Bin(op, a, b) => {
                Expr::Bin(*op, Box::new(self.node(a, series)?), Box::new(self.node(b, series)?))
            }
        })
    }
}
