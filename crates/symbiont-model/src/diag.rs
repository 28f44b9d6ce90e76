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
            let avail = text.chars().count().saturating_sub(col0).max(1);
            let width = span_chars.min(avail);
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{} | {text}\n", self.line));
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
