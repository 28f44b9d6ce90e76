//! The `--where` condition of `symbiont sweep discover`: which design points are cases of
//! interest, as a yes/no expression over the outcomes of each point.
//!
//! ```text
//! network.operating < hub.operating                       across modes of the same point
//! network.operating < max_other(network.operating)        the network is not the best mode
//! network.host_jobs < q25(network.host_jobs)              a quantile over all points
//! (network.entered - fight_alone.entered) / fight_alone.entered < 0.1 and not hub.survival > 0.5
//! ```
//!
//! A reference is `mode.metric`: the metric at the horizon, averaged over the point's
//! replications (a mode id with other characters than letters, digits and `_` is quoted:
//! `"my-mode".operating`). Numbers, `+ - * /`, parentheses, comparisons `< <= > >= == !=`,
//! `and`, `or`, `not`, and the functions `abs(x)`, `min(a, b, ...)`, `max(a, b, ...)`,
//! `max_other(mode.metric)` / `min_other(mode.metric)` (over the sweep's other modes, at the
//! same point), and the aggregates over all design points `mean(x)`, `median(x)`, `qNN(x)`
//! (the NN-th percentile, `q5`, `q25`, `q90`, ...). Every error names the column in the text.

use std::fmt;

/// A problem in the condition text, at a 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    /// mode, metric
    Ref(String, String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
struct Expr {
    node: Node,
    /// Byte offset where it starts in the text.
    at: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Quoted(String),
    Sym(&'static str),
    End,
}

/// A parsed condition (not yet checked against a sweep's modes and metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    text: String,
    root: Expr,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

fn column(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].chars().count() + 1
}

const SYMBOLS: [&str; 15] =
    ["<=", ">=", "==", "!=", "&&", "||", "<", ">", "+", "-", "*", "/", "(", ")", ","];

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ConditionError> {
    let err = |at: usize, message: String| ConditionError { column: column(text, at), message };
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s = &text[start..i];
            let v: f64 = s.parse().map_err(|_| err(start, format!("`{s}` is not a number")))?;
            out.push((Tok::Num(v), start));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Name(text[start..i].to_string()), start));
        } else if c == b'"' || c == b'`' {
            let start = i;
            let close =
                text[i + 1..].find(c as char).ok_or_else(|| err(start, "unclosed quote".into()))?;
            out.push((Tok::Quoted(text[i + 1..i + 1 + close].to_string()), start));
            i += close + 2;
        } else if c == b'.' {
            out.push((Tok::Sym("."), i));
            i += 1;
        } else if let Some(s) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            out.push((Tok::Sym(s), i));
            i += s.len();
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(err(i, format!("unexpected `{ch}`")));
        }
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn at(&self) -> usize {
        self.toks[self.pos].1
    }
    fn err(&self, at: usize, message: impl Into<String>) -> ConditionError {
        ConditionError { column: column(self.text, at), message: message.into() }
    }
    fn describe(t: &Tok) -> String {
        match t {
            Tok::Num(v) => format!("the number {v}"),
            Tok::Name(n) => format!("`{n}`"),
            Tok::Quoted(n) => format!("\"{n}\""),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::End => "the end of the condition".into(),
        }
    }
    fn eat_sym(&mut self, s: &'static str) -> bool {
        if *self.peek() == Tok::Sym(s) {
            self.pos += 1;
            return true;
        }
        false
    }
    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == w)
    }

    fn or(&mut self) -> Result<Expr, ConditionError> {
        let mut l = self.and()?;
        while self.word("or") || *self.peek() == Tok::Sym("||") {
            self.pos += 1;
            let r = self.and()?;
            l = Expr { at: l.at, node: Node::Bin(Op::Or, Box::new(l), Box::new(r)) };
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, ConditionError> {
        let mut l = self.not()?;
        while self.word("and") || *self.peek() == Tok::Sym("&&") {
            self.pos += 1;
            let r = self.not()?;
            l = Expr { at: l.at, node: Node::Bin(Op::And, Box::new(l), Box::new(r)) };
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, ConditionError> {
        if self.word("not") {
            let at = self.at();
            self.pos += 1;
            let e = self.not()?;
            return Ok(Expr { at, node: Node::Not(Box::new(e)) });
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, ConditionError> {
        let l = self.sum()?;
        let op = match self.peek() {
            Tok::Sym("<") => Op::Lt,
            Tok::Sym("<=") => Op::Le,
            Tok::Sym(">") => Op::Gt,
            Tok::Sym(">=") => Op::Ge,
            Tok::Sym("==") => Op::Eq,
            Tok::Sym("!=") => Op::Ne,
            _ => return Ok(l),
        };
        self.pos += 1;
        let r = self.sum()?;
        Ok(Expr { at: l.at, node: Node::Bin(op, Box::new(l), Box::new(r)) })
    }
    fn sum(&mut self) -> Result<Expr, ConditionError> {
        let mut l = self.prod()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => Op::Add,
                Tok::Sym("-") => Op::Sub,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.prod()?;
            l = Expr { at: l.at, node: Node::Bin(op, Box::new(l), Box::new(r)) };
        }
    }
    fn prod(&mut self) -> Result<Expr, ConditionError> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("*") => Op::Mul,
                Tok::Sym("/") => Op::Div,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.unary()?;
            l = Expr { at: l.at, node: Node::Bin(op, Box::new(l), Box::new(r)) };
        }
    }
    fn unary(&mut self) -> Result<Expr, ConditionError> {
        if *self.peek() == Tok::Sym("-") {
            let at = self.at();
            self.pos += 1;
            let e = self.unary()?;
            return Ok(Expr { at, node: Node::Neg(Box::new(e)) });
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, ConditionError> {
        let at = self.at();
        let tok = self.peek().clone();
        match tok {
            Tok::Num(v) => {
                self.pos += 1;
                Ok(Expr { at, node: Node::Num(v) })
            }
            Tok::Sym("(") => {
                self.pos += 1;
                let e = self.or()?;
                if !self.eat_sym(")") {
                    return Err(self.err(
                        self.at(),
                        format!(
                            "expected `)` to close the `(` at column {}, found {}",
                            column(self.text, at),
                            Self::describe(self.peek())
                        ),
                    ));
                }
                Ok(e)
            }
            Tok::Name(name) if matches!(self.toks[self.pos + 1].0, Tok::Sym("(")) => {
                self.pos += 2;
                let mut args = Vec::new();
                if !self.eat_sym(")") {
                    loop {
                        args.push(self.or()?);
                        if self.eat_sym(")") {
                            break;
                        }
                        if !self.eat_sym(",") {
                            return Err(self.err(
                                self.at(),
                                format!(
                                    "expected `,` or `)` in the arguments of `{name}`, found {}",
                                    Self::describe(self.peek())
                                ),
                            ));
                        }
                    }
                }
                Ok(Expr { at, node: Node::Call(name, args) })
            }
            Tok::Name(mode) | Tok::Quoted(mode) => {
                self.pos += 1;
                if !self.eat_sym(".") {
                    return Err(self.err(self.at(), format!("expected `.` and a metric after the mode `{mode}` (a reference is mode.metric, e.g. network.operating), found {}", Self::describe(self.peek()))));
                }
                let metric_at = self.at();
                match self.peek().clone() {
                    Tok::Name(metric) => {
                        self.pos += 1;
                        Ok(Expr { at, node: Node::Ref(mode, metric) })
                    }
                    t => Err(self.err(
                        metric_at,
                        format!(
                            "expected a metric name after `{mode}.`, found {}",
                            Self::describe(&t)
                        ),
                    )),
                }
            }
            t => Err(self.err(
                at,
                format!(
                    "expected a number, a mode.metric reference, a function or `(`, found {}",
                    Self::describe(&t)
                ),
            )),
        }
    }
}

impl Condition {
    /// Parse a condition; the error names the column where the text stops making sense.
    pub fn parse(text: &str) -> Result<Condition, ConditionError> {
        if text.trim().is_empty() {
            return Err(ConditionError {
                column: 1,
                message: "the condition is empty; e.g. \"network.operating < hub.operating\""
                    .into(),
            });
        }
        let toks = lex(text)?;
        let mut p = Parser { text, toks, pos: 0 };
        let root = p.or()?;
        if *p.peek() != Tok::End {
            return Err(p.err(
                p.at(),
                format!(
                    "expected an operator or the end of the condition, found {}",
                    Parser::describe(p.peek())
                ),
            ));
        }
        Ok(Condition { text: text.to_string(), root })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Check every reference and function against the sweep's `modes` and `metrics`, and
    /// that the whole is a yes/no condition; then evaluate it at every point. `value(m, k)`
    /// gives metric `k` of mode `m` at every point (`n` values).
    pub fn evaluate(
        &self,
        modes: &[String],
        metrics: &[&str],
        n: usize,
        value: &dyn Fn(usize, usize) -> Vec<f64>,
    ) -> Result<Vec<bool>, ConditionError> {
        let cx = Cx { text: &self.text, modes, metrics, n, value };
        match cx.eval(&self.root)? {
            V::Bool(b) => Ok(b),
            _ => Err(cx.err(
                0,
                "the condition is a number, not yes/no: compare it, e.g. `... < 0`".into(),
            )),
        }
    }
}

enum V {
    Num(Vec<f64>),
    Scalar(f64),
    Bool(Vec<bool>),
}

struct Cx<'a> {
    text: &'a str,
    modes: &'a [String],
    metrics: &'a [&'a str],
    n: usize,
    value: &'a dyn Fn(usize, usize) -> Vec<f64>,
}

fn suggest(name: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::levenshtein(name, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

impl Cx<'_> {
    fn err(&self, at: usize, message: String) -> ConditionError {
        ConditionError { column: column(self.text, at), message }
    }

    fn resolve(
        &self,
        e: &Expr,
        mode: &str,
        metric: &str,
    ) -> Result<(usize, usize), ConditionError> {
        let m = self.modes.iter().position(|x| x == mode).ok_or_else(|| {
            let known: Vec<&str> = self.modes.iter().map(String::as_str).collect();
            self.err(
                e.at,
                format!(
                    "unknown mode `{mode}`{}; the sweep's modes are {}",
                    suggest(mode, &known),
                    known.join(", ")
                ),
            )
        })?;
        let k = self.metrics.iter().position(|x| *x == metric).ok_or_else(|| {
            let at = e.at + self.text[e.at..].find('.').map_or(0, |d| d + 1);
            self.err(
                at,
                format!(
                    "unknown outcome `{metric}`{}; the outcomes are {}",
                    suggest(metric, self.metrics),
                    self.metrics.join(", ")
                ),
            )
        })?;
        Ok((m, k))
    }

    fn num(&self, e: &Expr) -> Result<V, ConditionError> {
        match self.eval(e)? {
            V::Bool(_) => {
                Err(self.err(e.at, "expected a number here, found a yes/no comparison".into()))
            }
            v => Ok(v),
        }
    }

    fn boolean(&self, e: &Expr) -> Result<Vec<bool>, ConditionError> {
        match self.eval(e)? {
            V::Bool(b) => Ok(b),
            _ => Err(self.err(e.at, "expected a comparison (yes/no) here, found a number".into())),
        }
    }

    fn column(&self, v: V) -> Vec<f64> {
        match v {
            V::Num(c) => c,
            V::Scalar(s) => vec![s; self.n],
            V::Bool(b) => b.into_iter().map(|x| f64::from(u8::from(x))).collect(),
        }
    }

    fn zip(&self, a: V, b: V, f: impl Fn(f64, f64) -> f64) -> V {
        match (a, b) {
            (V::Scalar(x), V::Scalar(y)) => V::Scalar(f(x, y)),
            (a, b) => {
                let (a, b) = (self.column(a), self.column(b));
                V::Num(a.iter().zip(&b).map(|(x, y)| f(*x, *y)).collect())
            }
        }
    }

    fn eval(&self, e: &Expr) -> Result<V, ConditionError> {
        Ok(match &e.node {
            Node::Num(v) => V::Scalar(*v),
            Node::Ref(mode, metric) => {
                let (m, k) = self.resolve(e, mode, metric)?;
                V::Num((self.value)(m, k))
            }
            Node::Neg(x) => match self.num(x)? {
                V::Scalar(s) => V::Scalar(-s),
                v => V::Num(self.column(v).into_iter().map(|x| -x).collect()),
            },
            Node::Not(x) => V::Bool(self.boolean(x)?.into_iter().map(|b| !b).collect()),
            Node::Bin(op @ (Op::And | Op::Or), a, b) => {
                let (a, b) = (self.boolean(a)?, self.boolean(b)?);
                V::Bool(
                    a.iter()
                        .zip(&b)
                        .map(|(x, y)| if *op == Op::And { *x && *y } else { *x || *y })
                        .collect(),
                )
            }
            Node::Bin(op, a, b) => {
                let (x, y) = (self.num(a)?, self.num(b)?);
                match op {
                    Op::Add => self.zip(x, y, |a, b| a + b),
                    Op::Sub => self.zip(x, y, |a, b| a - b),
                    Op::Mul => self.zip(x, y, |a, b| a * b),
                    Op::Div => self.zip(x, y, |a, b| a / b),
                    cmp => {
                        let (x, y) = (self.column(x), self.column(y));
                        // A comparison with a value that is not a number (0/0) is false.
                        V::Bool(
                            x.iter()
                                .zip(&y)
                                .map(|(a, b)| match cmp {
                                    Op::Lt => a < b,
                                    Op::Le => a <= b,
                                    Op::Gt => a > b,
                                    Op::Ge => a >= b,
                                    Op::Eq => a == b,
                                    _ => a != b,
                                })
                                .collect(),
                        )
                    }
                }
            }
            Node::Call(name, args) => self.call(e, name, args)?,
        })
    }

    fn call(&self, e: &Expr, name: &str, args: &[Expr]) -> Result<V, ConditionError> {
        let arity = |k: usize| -> Result<(), ConditionError> {
            if args.len() != k {
                return Err(
                    self.err(e.at, format!("`{name}` takes {k} argument(s), got {}", args.len()))
                );
            }
            Ok(())
        };
        let quantile = if name == "median" {
            Some(50.0)
        } else {
            name.strip_prefix('q')
                .and_then(|d| d.parse::<f64>().ok())
                .filter(|q| (0.0..=100.0).contains(q))
        };
        match name {
            "abs" => {
                arity(1)?;
                Ok(match self.num(&args[0])? {
                    V::Scalar(s) => V::Scalar(s.abs()),
                    v => V::Num(self.column(v).into_iter().map(f64::abs).collect()),
                })
            }
            "min" | "max" => {
                if args.is_empty() {
                    return Err(self.err(e.at, format!("`{name}` needs at least one argument")));
                }
                let mut acc = self.num(&args[0])?;
                for a in &args[1..] {
                    let v = self.num(a)?;
                    acc = if name == "max" { self.zip(acc, v, f64::max) } else { self.zip(acc, v, f64::min) };
                }
                Ok(acc)
            }
            "max_other" | "min_other" => {
                arity(1)?;
                let Node::Ref(mode, metric) = &args[0].node else {
                    return Err(self.err(args[0].at, format!("`{name}` takes a mode.metric reference, e.g. {name}(network.operating)")));
                };
                let (m, k) = self.resolve(&args[0], mode, metric)?;
                let others: Vec<usize> = (0..self.modes.len()).filter(|&o| o != m).collect();
                if others.is_empty() {
                    return Err(self.err(e.at, format!("`{name}` needs another mode in the sweep; it has only `{mode}`")));
                }
                let mut acc = (self.value)(others[0], k);
                for &o in &others[1..] {
                    let v = (self.value)(o, k);
                    for (a, b) in acc.iter_mut().zip(v) {
                        *a = if name == "max_other" { a.max(b) } else { a.min(b) };
                    }
                }
                Ok(V::Num(acc))
            }
            "mean" => {
                arity(1)?;
                let c = self.column(self.num(&args[0])?);
                Ok(V::Scalar(c.iter().sum::<f64>() / c.len().max(1) as f64))
            }
            _ if quantile.is_some() => {
                arity(1)?;
                let mut c = self.column(self.num(&args[0])?);
                c.retain(|v| v.is_finite());
                if c.is_empty() {
                    return Ok(V::Scalar(f64::NAN));
                }
                c.sort_by(f64::total_cmp);
                Ok(V::Scalar(symbiont_discover::robust::percentile(&c, quantile.unwrap_or(50.0) / 100.0)))
            }
            _ => Err(self.err(e.at, format!("unknown function `{name}`; the functions are abs, min, max, max_other, min_other, mean, median, qNN (e.g. q25)"))),
        }
    }
}
