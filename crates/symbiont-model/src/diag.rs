//! Located diagnostics: every problem in an input names the file, the line and column, shows
//! the spot with a caret, and says what was expected.

use std::fmt;
use std::ops::Range;

/// The class of a problem. Stable names, used in tests and by the server's JSON errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The file is not valid TOML.
    Syntax,
    /// A key that the table does not have.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong type (a string where a number goes, ...).
    WrongType,
    /// Two items of the same kind share an id.
    DuplicateId,
    /// A reference to an id that is not declared.
    DanglingReference,
    /// A number outside its allowed range.
    OutOfRange,
    /// A distribution with impossible parameters.
    BadDistribution,
    /// A combination of values that makes no sense together.
    Inconsistent,
}

impl Code {
    /// The kebab-case name printed in brackets: `error[unknown-key]`.
    pub fn name(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::UnknownKey => "unknown-key",
            Code::MissingKey => "missing-key",
            Code::WrongType => "wrong-type",
            Code::DuplicateId => "duplicate-id",
            Code::DanglingReference => "dangling-reference",
            Code::OutOfRange => "out-of-range",
            Code::BadDistribution => "bad-distribution",
            Code::Inconsistent => "inconsistent",
        }
    }
}

/// One problem in an input, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    /// The file (or other origin) the input came from, as the user named it.
    pub origin: String,
    /// Byte range of the offending spot in the source.
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// Dotted path of the field, e.g. `park[2].plots`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The expected form, e.g. `a number in 0..=1`.
    pub expected: Option<String>,
    /// A hint, e.g. `did you mean `plots`?`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// `origin:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.origin, self.line, self.column)
    }

    /// Render as plain text with the source line and a caret under the spot, the way
    /// compilers do. `source` must be the text the spans point into.
    pub fn render(&self, source: &str) -> String {
        let mut out = format!("error[{}]: {}\n", self.code.name(), self.message);
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        out.push_str(&format!("{pad}--> {}\n", self.location()));
        if let Some(text) = source.lines().nth(self.line.saturating_sub(1)) {
            let text = text.trim_end_matches('\r');
            let col0 = self.column.saturating_sub(1);
            let span_chars = source
                .get(self.span.clone())
                .map(|s| s.lines().next().unwrap_or("").chars().count())
                .unwrap_or(1)
                .max(1);
            let (shown, col0, avail) = window(text, col0);
            let width = span_chars.min(avail).max(1);
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{} | {shown}\n", self.line));
            out.push_str(&format!("{pad} | {}{}\n", " ".repeat(col0), "^".repeat(width)));
        }
        if !self.path.is_empty() {
            out.push_str(&format!("{pad} = field: {}\n", self.path));
        }
        if let Some(e) = &self.expected {
            out.push_str(&format!("{pad} = expected: {e}\n"));
        }
        if let Some(h) = &self.help {
            out.push_str(&format!("{pad} = help: {h}\n"));
        }
        out
    }
}

/// Characters of a source line shown before and after the spot when the line is long.
const BEFORE: usize = 40;
const AFTER: usize = 80;

/// The part of a source line to show, the caret's column in it and the room right of the
/// caret. A long line (minified TOML, a huge identifier) is cut around the spot, with an
/// ellipsis on each side that was cut.
fn window(text: &str, col0: usize) -> (String, usize, usize) {
    let n = text.chars().count();
    if n <= BEFORE + AFTER {
        return (text.to_string(), col0, n.saturating_sub(col0).max(1));
    }
    let start = col0.saturating_sub(BEFORE).min(n);
    let end = (col0 + AFTER).min(n);
    let mut shown: String = text.chars().skip(start).take(end - start).collect();
    let mut caret = col0 - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < n {
        shown.push('…');
    }
    (shown, caret, end.saturating_sub(col0).max(1))
}

/// Longest identifier or word echoed whole in a message, in characters.
const CLIP: usize = 48;

/// An identifier as shown in a message: whole when short, else its start, an ellipsis and its
/// length, so that a 10,000-character id gives a one-line diagnostic.
pub(crate) fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= CLIP {
        return std::borrow::Cow::Borrowed(s);
    }
    let head: String = s.chars().take(CLIP - 8).collect();
    std::borrow::Cow::Owned(format!("{head}… ({n} characters)"))
}

/// A number as shown in a message: as written for ordinary sizes, in scientific notation
/// when huge or tiny (`1e308`, not three hundred digits).
pub fn num_text(x: f64) -> String {
    let a = x.abs();
    if x.is_finite() && a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Read bytes as UTF-8 text. Anything else gives a located problem: the byte offset of the
/// first byte that is not UTF-8, its line and its column (in characters).
pub fn decode_utf8<'b>(bytes: &'b [u8], origin: &str) -> Result<&'b str, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, column) = LineIndex::new(before).line_col(at);
            let len = e.error_len().unwrap_or(bytes.len() - at).max(1);
            let shown: Vec<String> = bytes[at..(at + len).min(bytes.len())]
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            Err(Diagnostics {
                items: vec![Diagnostic {
                    code: Code::Syntax,
                    origin: origin.to_string(),
                    span: at..at + len,
                    line,
                    column,
                    path: String::new(),
                    message: format!(
                        "the file is not UTF-8 text: byte {} at byte offset {at} (line {line}, column {column}) is not valid UTF-8",
                        shown.join(" ")
                    ),
                    expected: Some("UTF-8 text".into()),
                    help: Some("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")".into()),
                }],
            })
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(e) = &self.expected {
            write!(f, " (expected {e})")?;
        }
        Ok(())
    }
}

/// All problems found in one input. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Render every diagnostic, separated by blank lines.
    pub fn render(&self, source: &str) -> String {
        self.items.iter().map(|d| d.render(source)).collect::<Vec<_>>().join("\n")
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.items.len();
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })?;
        for d in &self.items {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Maps byte offsets to 1-based line and column (columns count characters).
#[derive(Debug)]
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { src, starts }
    }

    /// 1-based (line, column) of a byte offset (clamped to the source).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self.src.get(start..offset).map(|s| s.chars().count()).unwrap_or(offset - start);
        (line + 1, col + 1)
    }
}
