//! Panel input: entity × year × indicator, from CSV (long or wide), Excel .xlsx, or a World Bank
//! WDI download as it comes.
//!
//! The readers are pure: they parse bytes they are handed, and `source` is only the name used in
//! messages. Every value remembers its line (or spreadsheet row), so later errors can point back
//! to the file.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde::{Deserialize, Serialize};

use crate::error::{Location, PanelError};

/// The layout of a panel table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PanelFormat {
    /// Detect from the header: WDI year columns (`1990 [YR1990]`), else long when there is an
    /// indicator and a value column, else wide.
    #[default]
    Auto,
    /// One row per entity, year and indicator, with the value in one column.
    Long,
    /// One row per entity and year, one column per indicator.
    Wide,
    /// The World Bank's download layout: Country Name, Country Code, Series Name, Series Code,
    /// then one column per year (`1990 [YR1990]`); ".." marks a missing value.
    Wdi,
}

impl FromStr for PanelFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "long" => Ok(Self::Long),
            "wide" => Ok(Self::Wide),
            "wdi" => Ok(Self::Wdi),
            _ => Err(format!("\"{s}\" is not a panel format; expected auto, long, wide or wdi")),
        }
    }
}

/// How to read a panel: its layout and the names of its key columns (detected when `None`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    pub format: PanelFormat,
    pub entity: Option<String>,
    pub year: Option<String>,
    pub indicator: Option<String>,
    pub value: Option<String>,
    /// The worksheet of an .xlsx file; the first sheet when `None`.
    pub sheet: Option<String>,
    /// Keep only these indicators (e.g. those a spec names); other columns or rows are skipped
    /// unread, so text columns of a wide table do not have to be numbers.
    #[serde(skip)]
    pub only: Option<Vec<String>>,
}

/// One row of a panel: an entity and, when the table has one, a year.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RowKey {
    pub entity: String,
    pub year: Option<i32>,
}

impl std::fmt::Display for RowKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.entity.is_empty(), self.year) {
            (false, Some(y)) => write!(f, "{} {y}", self.entity),
            (false, None) => write!(f, "{}", self.entity),
            (true, Some(y)) => write!(f, "{y}"),
            (true, None) => write!(f, "(row)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    value: f64,
    line: u64,
}

/// A panel read from a file: rows sorted by entity then year, indicators in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    source: String,
    indicators: Vec<String>,
    /// Every indicator name the file has, including those skipped by [`ReadOptions::only`].
    seen: Vec<String>,
    /// Text-only columns of a wide table that were taken as labels and skipped.
    labels: Vec<String>,
    rows: Vec<RowKey>,
    cells: Vec<Vec<Option<Cell>>>,
}

impl Panel {
    /// Columns of a wide table skipped because every value is text (e.g. "Country Name"), so a
    /// caller can say so.
    pub fn skipped_label_columns(&self) -> &[String] {
        &self.labels
    }

    /// Every indicator name in the file, read or skipped (for "did you mean" hints).
    pub fn names_in_file(&self) -> &[String] {
        &self.seen
    }

    /// The file name the panel was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }

    pub fn rows(&self) -> &[RowKey] {
        &self.rows
    }

    /// The position of an indicator, if the panel has it.
    pub fn indicator_index(&self, name: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i == name)
    }

    /// The value of indicator `j` in row `i`, if present.
    pub fn value(&self, i: usize, j: usize) -> Option<f64> {
        self.cells[i][j].map(|c| c.value)
    }

    /// Where the value of indicator `j` in row `i` came from, e.g. "panel.csv, line 17".
    pub fn origin(&self, i: usize, j: usize) -> Option<String> {
        self.cells[i][j].map(|c| format!("{}, line {}", self.source, c.line))
    }

    /// Keep the rows whose entity is in `entities` (if given) and whose year is in `years`
    /// (inclusive, if given).
    pub fn filter(&self, entities: Option<&[String]>, years: Option<(i32, i32)>) -> Panel {
        let keep: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                entities.is_none_or(|es| es.contains(&r.entity))
                    && years.is_none_or(|(a, b)| r.year.is_some_and(|y| a <= y && y <= b))
            })
            .collect();
        Panel {
            source: self.source.clone(),
            indicators: self.indicators.clone(),
            seen: self.seen.clone(),
            labels: self.labels.clone(),
            rows: keep.iter().map(|&i| self.rows[i].clone()).collect(),
            cells: keep.iter().map(|&i| self.cells[i].clone()).collect(),
        }
    }

    /// The panel with only the rows where `keep` is true.
    pub fn retain_rows(&self, keep: &[bool]) -> Panel {
        let idx: Vec<usize> = (0..self.rows.len()).filter(|&i| keep[i]).collect();
        Panel {
            source: self.source.clone(),
            indicators: self.indicators.clone(),
            seen: self.seen.clone(),
            labels: self.labels.clone(),
            rows: idx.iter().map(|&i| self.rows[i].clone()).collect(),
            cells: idx.iter().map(|&i| self.cells[i].clone()).collect(),
        }
    }
}

/// A table of text cells with their line numbers, whatever file it came from.
struct Grid {
    source: String,
    header: Vec<String>,
    header_line: u64,
    rows: Vec<(u64, Vec<String>)>,
}

impl Grid {
    fn at(&self, line: u64, column: Option<&str>, why: String) -> PanelError {
        PanelError::At {
            at: Location { source: self.source.clone(), line, column: column.map(str::to_string) },
            why,
        }
    }

    fn find(
        &self,
        explicit: Option<&str>,
        guesses: &[&str],
        role: &str,
    ) -> Result<Option<usize>, PanelError> {
        if let Some(name) = explicit {
            return match self.header.iter().position(|h| h == name) {
                Some(i) => Ok(Some(i)),
                None => Err(self.at(
                    self.header_line,
                    None,
                    format!(
                        "there is no {role} column \"{}\"; the columns are {}",
                        clip(name),
                        quote_list(&self.header)
                    ),
                )),
            };
        }
        Ok(guesses.iter().find_map(|g| self.header.iter().position(|h| h.eq_ignore_ascii_case(g))))
    }
}

/// At most this many names are listed in a message.
const MAX_LISTED: usize = 20;

/// Longest name echoed whole in a message, in characters.
const CLIP: usize = 48;

/// A name as shown in a message: whole when short, else its start, an ellipsis and its length.
pub(crate) fn clip(s: &str) -> String {
    let n = s.chars().count();
    if n <= CLIP {
        return s.to_string();
    }
    let head: String = s.chars().take(CLIP - 8).collect();
    format!("{head}… ({n} characters)")
}

fn quote_list(xs: &[String]) -> String {
    let mut s = xs
        .iter()
        .take(MAX_LISTED)
        .map(|x| format!("\"{}\"", clip(x)))
        .collect::<Vec<_>>()
        .join(", ");
    if xs.len() > MAX_LISTED {
        s.push_str(&format!(" and {} more", xs.len() - MAX_LISTED));
    }
    s
}

const ENTITY_GUESSES: &[&str] = &[
    "entity",
    "country_code",
    "country code",
    "region",
    "id",
    "code",
    "country",
    "province",
    "city",
];
const YEAR_GUESSES: &[&str] = &["year", "yr", "time", "period"];
const INDICATOR_GUESSES: &[&str] =
    &["indicator", "indicator_code", "series code", "series_code", "series", "variable"];
const VALUE_GUESSES: &[&str] = &["value", "val"];

/// Read a panel from CSV bytes (long, wide or WDI layout).
pub fn read_csv(bytes: &[u8], source: &str, o: &ReadOptions) -> Result<Panel, PanelError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // Locate the first bad byte: its offset, line and column (in characters).
        let at = e.valid_up_to();
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        PanelError::At {
            at: Location { source: source.into(), line, column: None },
            why: format!(
                "not UTF-8 text: byte 0x{:02X} at byte offset {at} (column {column}) is not valid \
                 UTF-8; save the CSV as UTF-8",
                bytes[at]
            ),
        }
    })?;
    // Excel and the World Bank's downloads start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            PanelError::At {
                at: Location { source: source.into(), line, column: None },
                why: format!("not valid CSV: {e}"),
            }
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if header.is_none() {
            header = Some((line, fields));
        } else {
            rows.push((line, fields));
        }
    }
    let Some((header_line, header)) = header else {
        return Err(PanelError::File {
            source_name: source.into(),
            why: "the file is empty".into(),
        });
    };
    from_grid(Grid { source: source.into(), header, header_line, rows }, o)
}

/// Read a panel from the bytes of an Excel .xlsx workbook (the first sheet unless one is named).
pub fn read_xlsx(bytes: &[u8], source: &str, o: &ReadOptions) -> Result<Panel, PanelError> {
    let file_err = |why: String| PanelError::File { source_name: source.into(), why };
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| file_err(format!("not a readable .xlsx workbook: {e}")))?;
    let names = book.sheet_names();
    let sheet = match &o.sheet {
        Some(s) if names.contains(s) => s.clone(),
        Some(s) => {
            return Err(file_err(format!(
                "there is no sheet \"{s}\"; the sheets are {}",
                quote_list(&names)
            )));
        }
        None => {
            names.first().cloned().ok_or_else(|| file_err("the workbook has no sheets".into()))?
        }
    };
    let range =
        book.worksheet_range(&sheet).map_err(|e| file_err(format!("sheet \"{sheet}\": {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    for (k, row) in range.rows().enumerate() {
        // Spreadsheet rows are 1-based, as Excel shows them.
        let line = first_row + k as u64 + 1;
        let fields: Vec<String> = row.iter().map(cell_text).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if header.is_none() {
            header = Some((line, fields));
        } else {
            rows.push((line, fields));
        }
    }
    let Some((header_line, header)) = header else {
        return Err(file_err(format!("sheet \"{sheet}\" is empty")));
    };
    let source = format!("{source} [sheet {sheet}]");
    from_grid(Grid { source, header, header_line, rows }, o)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Whole numbers (years, counts) print without a fractional part.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn is_wdi_year(h: &str) -> Option<i32> {
    // "1990 [YR1990]"
    let (y, rest) = h.split_once(' ')?;
    let inner = rest.strip_prefix("[YR")?.strip_suffix(']')?;
    (y == inner && y.len() == 4).then(|| y.parse().ok()).flatten()
}

fn is_missing(s: &str) -> bool {
    matches!(s, "" | ".." | "NA" | "N/A" | "n/a" | "null" | "NULL" | "-")
}

fn parse_value(g: &Grid, line: u64, column: &str, s: &str) -> Result<Option<f64>, PanelError> {
    if is_missing(s) {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(g.at(line, Some(column), format!("\"{}\" is not a finite number", clip(s)))),
        Err(_) => Err(g.at(
            line,
            Some(column),
            format!(
                "\"{}\" is not a number; expected a number, or an empty cell or \"..\" for a missing value",
                clip(s)
            ),
        )),
    }
}

/// The latest year a panel may have (and years are never negative).
pub const MAX_YEAR: i32 = 9999;

fn parse_year(g: &Grid, line: u64, column: &str, s: &str) -> Result<i32, PanelError> {
    let v: Option<i32> = s.parse().ok().or_else(|| {
        s.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 1e6).map(|f| f as i32)
    });
    match v {
        Some(y) if (0..=MAX_YEAR).contains(&y) => Ok(y),
        Some(_) => Err(g.at(
            line,
            Some(column),
            format!("\"{}\" is not a year in 0..={MAX_YEAR}", clip(s)),
        )),
        None => Err(g.at(
            line,
            Some(column),
            format!("\"{}\" is not a year; expected a whole number like 2015", clip(s)),
        )),
    }
}

struct Builder {
    indicators: Vec<String>,
    seen: Vec<String>,
    labels: Vec<String>,
    cells: BTreeMap<RowKey, BTreeMap<usize, Cell>>,
}

impl Builder {
    fn new() -> Self {
        Self {
            indicators: Vec::new(),
            seen: Vec::new(),
            labels: Vec::new(),
            cells: BTreeMap::new(),
        }
    }

    fn saw(&mut self, name: &str) {
        if !self.seen.iter().any(|s| s == name) {
            self.seen.push(name.to_string());
        }
    }

    fn indicator(&mut self, name: &str) -> usize {
        match self.indicators.iter().position(|i| i == name) {
            Some(j) => j,
            None => {
                self.indicators.push(name.to_string());
                self.indicators.len() - 1
            }
        }
    }

    fn put(
        &mut self,
        g: &Grid,
        key: RowKey,
        ind: &str,
        column: &str,
        cell: Cell,
    ) -> Result<(), PanelError> {
        let j = self.indicator(ind);
        let row = self.cells.entry(key.clone()).or_default();
        if let Some(prev) = row.get(&j) {
            return Err(g.at(
                cell.line,
                Some(column),
                format!(
                    "a second value for indicator \"{}\" at {}; the first is on line {}",
                    clip(ind),
                    clip(&key.to_string()),
                    prev.line
                ),
            ));
        }
        row.insert(j, cell);
        Ok(())
    }

    fn finish(self, source: String) -> Panel {
        let p = self.indicators.len();
        let mut rows = Vec::with_capacity(self.cells.len());
        let mut cells = Vec::with_capacity(self.cells.len());
        for (key, vals) in self.cells {
            let mut r = vec![None; p];
            for (j, c) in vals {
                r[j] = Some(c);
            }
            rows.push(key);
            cells.push(r);
        }
        Panel {
            source,
            indicators: self.indicators,
            seen: self.seen,
            labels: self.labels,
            rows,
            cells,
        }
    }
}

/// The World Bank's bulk download (`API_..._DS2_en_csv_v2_....csv`) starts with metadata lines
/// ("Data Source", "Last Updated Date") before the real header: move the header down to the
/// first row that names the country and indicator code columns.
fn skip_wdi_preamble(mut g: Grid) -> Grid {
    let is_header = |f: &[String]| {
        f.iter().any(|h| h.eq_ignore_ascii_case("country code"))
            && f.iter().any(|h| {
                h.eq_ignore_ascii_case("indicator code") || h.eq_ignore_ascii_case("series code")
            })
    };
    if is_header(&g.header) {
        return g;
    }
    if let Some(k) = g.rows.iter().take(8).position(|(_, f)| is_header(f)) {
        let (line, header) = g.rows[k].clone();
        g.header = header;
        g.header_line = line;
        g.rows.drain(..=k);
    }
    g
}

fn is_wdi_layout(g: &Grid) -> bool {
    let has = |name: &str| g.header.iter().any(|h| h.eq_ignore_ascii_case(name));
    g.header.iter().any(|h| is_wdi_year(h).is_some())
        || (has("country code")
            && (has("indicator code") || has("series code"))
            && g.header.iter().any(|h| plain_year(h).is_some()))
}

fn plain_year(h: &str) -> Option<i32> {
    (h.len() == 4 && h.bytes().all(|b| b.is_ascii_digit())).then(|| h.parse().ok()).flatten()
}

/// "GDP (current US$) [NY.GDP.MKTP.CD]", a DataBank column with time in rows, is named by its
/// code, so a spec can say "NY.GDP.MKTP.CD" whichever layout was downloaded.
fn indicator_name(header: &str) -> &str {
    header.strip_suffix(']').and_then(|h| h.rsplit_once(" [")).map_or(header, |(_, code)| code)
}

fn from_grid(g: Grid, o: &ReadOptions) -> Result<Panel, PanelError> {
    let g = skip_wdi_preamble(g);
    // A name given to two columns makes every later lookup ambiguous.
    for (k, h) in g.header.iter().enumerate() {
        if let Some(first) = g.header[..k].iter().position(|x| !h.is_empty() && x == h) {
            return Err(g.at(
                g.header_line,
                Some(h),
                format!(
                    "the header names this column twice (columns {} and {}); give each column its \
                     own name",
                    first + 1,
                    k + 1
                ),
            ));
        }
    }
    let wanted = |name: &str| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == name));
    let format = match o.format {
        PanelFormat::Auto => {
            if is_wdi_layout(&g) {
                PanelFormat::Wdi
            } else if g.find(o.indicator.as_deref(), INDICATOR_GUESSES, "indicator")?.is_some()
                && g.find(o.value.as_deref(), VALUE_GUESSES, "value")?.is_some()
            {
                PanelFormat::Long
            } else {
                PanelFormat::Wide
            }
        }
        f => f,
    };
    let mut b = Builder::new();
    let width_err = |line: u64, n: usize| {
        g.at(line, None, format!("the row has {n} fields but the header has {}", g.header.len()))
    };
    match format {
        PanelFormat::Wdi => {
            let code =
                g.find(o.entity.as_deref(), &["country code"], "entity")?.ok_or_else(|| {
                    g.at(
                        g.header_line,
                        None,
                        "a WDI download needs a \"Country Code\" column".into(),
                    )
                })?;
            let series = g
                .find(o.indicator.as_deref(), &["series code", "indicator code"], "indicator")?
                .ok_or_else(|| {
                    g.at(
                        g.header_line,
                        None,
                        "a WDI download needs a \"Series Code\" column".into(),
                    )
                })?;
            let years: Vec<(usize, i32)> = g
                .header
                .iter()
                .enumerate()
                .filter_map(|(i, h)| is_wdi_year(h).or_else(|| plain_year(h)).map(|y| (i, y)))
                .collect();
            for (line, f) in &g.rows {
                // The footer ("Data from database: ...", "Last Updated: ...") has one field and no
                // codes: skip it, as the World Bank writes it into every download.
                let (Some(entity), Some(ind)) = (f.get(code), f.get(series)) else {
                    continue;
                };
                if entity.is_empty() || ind.is_empty() {
                    continue;
                }
                b.saw(ind);
                if !wanted(ind) {
                    continue;
                }
                for &(col, year) in &years {
                    let s = f.get(col).map_or("", String::as_str);
                    if let Some(v) = parse_value(&g, *line, &g.header[col], s)? {
                        let key = RowKey { entity: entity.clone(), year: Some(year) };
                        b.put(&g, key, ind, &g.header[col], Cell { value: v, line: *line })?;
                    }
                }
            }
        }
        PanelFormat::Long => {
            let ind = g.find(o.indicator.as_deref(), INDICATOR_GUESSES, "indicator")?.ok_or_else(|| {
                g.at(g.header_line, None, format!(
                    "a long panel needs an indicator column (named indicator, indicator_code or series, or \
                     given with --indicator); the columns are {}", quote_list(&g.header)))
            })?;
            let val = g.find(o.value.as_deref(), VALUE_GUESSES, "value")?.ok_or_else(|| {
                g.at(g.header_line, None, format!(
                    "a long panel needs a value column (named value, or given with --value); the columns are {}",
                    quote_list(&g.header)))
            })?;
            let ent = g.find(o.entity.as_deref(), ENTITY_GUESSES, "entity")?;
            let yr = g.find(o.year.as_deref(), YEAR_GUESSES, "year")?;
            for (line, f) in &g.rows {
                if f.len() != g.header.len() {
                    return Err(width_err(*line, f.len()));
                }
                let name = &f[ind];
                if name.is_empty() {
                    return Err(g.at(
                        *line,
                        Some(&g.header[ind]),
                        "the indicator name is empty".into(),
                    ));
                }
                b.saw(name);
                if !wanted(name) {
                    continue;
                }
                let year = yr.map(|y| parse_year(&g, *line, &g.header[y], &f[y])).transpose()?;
                let entity = ent.map_or(String::new(), |e| f[e].clone());
                if let Some(v) = parse_value(&g, *line, &g.header[val], &f[val])? {
                    b.put(
                        &g,
                        RowKey { entity, year },
                        name,
                        &g.header[val],
                        Cell { value: v, line: *line },
                    )?;
                }
            }
        }
        PanelFormat::Wide | PanelFormat::Auto => {
            let ent = g.find(o.entity.as_deref(), ENTITY_GUESSES, "entity")?;
            let yr = g.find(o.year.as_deref(), YEAR_GUESSES, "year")?;
            let keys = |c: usize| Some(c) == ent || Some(c) == yr;
            for c in (0..g.header.len()).filter(|&c| !keys(c)) {
                b.saw(indicator_name(&g.header[c]));
            }
            // Without a list of indicators, a column whose every value is text ("Country Name",
            // "Time Code") is a label, not an indicator. A list names what must be numbers.
            let label = |c: usize| {
                o.only.is_none() && {
                    let mut cells =
                        g.rows.iter().filter_map(|(_, f)| f.get(c)).filter(|s| !is_missing(s));
                    let mut any = false;
                    let all_text = cells.all(|s| {
                        any = true;
                        s.parse::<f64>().is_err()
                    });
                    any && all_text
                }
            };
            // A nameless column with nothing in it is a trailing comma, not data.
            let blank = |c: usize| {
                g.header[c].is_empty()
                    && g.rows.iter().all(|(_, f)| f.get(c).is_none_or(|s| s.is_empty()))
            };
            let mut cols = Vec::new();
            for c in (0..g.header.len())
                .filter(|&c| !keys(c) && !blank(c) && wanted(indicator_name(&g.header[c])))
            {
                if label(c) {
                    b.labels.push(g.header[c].clone());
                } else {
                    cols.push(c);
                }
            }
            for &c in &cols {
                if g.header[c].is_empty() {
                    return Err(g.at(g.header_line, None, format!("column {} has no name", c + 1)));
                }
                b.indicator(indicator_name(&g.header[c]));
            }
            for (line, f) in &g.rows {
                if f.len() != g.header.len() {
                    return Err(width_err(*line, f.len()));
                }
                let year = yr.map(|y| parse_year(&g, *line, &g.header[y], &f[y])).transpose()?;
                let key = match (ent, yr) {
                    // No key columns at all: number the rows so that they stay apart.
                    (None, None) => RowKey { entity: format!("row {line}"), year: None },
                    _ => RowKey { entity: ent.map_or(String::new(), |e| f[e].clone()), year },
                };
                for &c in &cols {
                    let column = &g.header[c];
                    if let Some(v) = parse_value(&g, *line, column, &f[c])? {
                        let cell = Cell { value: v, line: *line };
                        b.put(&g, key.clone(), indicator_name(column), column, cell)?;
                    }
                }
            }
        }
    }
    let source = g.source.clone();
    let panel = b.finish(source);
    if panel.rows.is_empty() {
        return Err(PanelError::File {
            source_name: g.source,
            why: "no values were read (every row empty, missing or filtered out)".into(),
        });
    }
    Ok(panel)
}
