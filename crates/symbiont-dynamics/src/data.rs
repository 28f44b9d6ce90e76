//! Reading the annual series that [`fit()`](crate::fit()) estimates on, from the bytes of a CSV.
//!
//! Two layouts: *wide* (a `year` column and one column per series, named as `--units` names
//! them) and *long* as the World Bank writes it (`country_code`, `indicator_code`, `year`,
//! `value`; a series is `COUNTRY:INDICATOR`). The reader is pure (bytes in, values out) and
//! refuses what the panel reader of the indices refuses: text that is not UTF-8 (located by
//! byte offset, line and column), a header that names a column twice, a series named twice,
//! values that are not finite numbers (`nan`, `inf`), and years outside 0..=9999. An empty cell,
//! `..`, `NA`, `N/A`, `null` or `-` is a missing value.

use std::collections::BTreeMap;

/// Per series: year → (value, line of the file).
pub type Columns = Vec<BTreeMap<i64, (f64, u64)>>;

/// The latest year a series may have (and years are never negative).
pub const MAX_YEAR: i64 = 9999;

/// A problem in a data file: the file, the line and the column when known, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.located())]
pub struct ReadError {
    /// The file name used in messages.
    pub file: String,
    /// 1-based line of the file.
    pub line: Option<u64>,
    /// The column's name in the header.
    pub column: Option<String>,
    /// For text that is not UTF-8: the byte offset of the first bad byte.
    pub byte_offset: Option<usize>,
    pub message: String,
}

impl ReadError {
    fn new(source: &str, message: String) -> Self {
        ReadError { file: source.into(), line: None, column: None, byte_offset: None, message }
    }

    fn at(source: &str, line: u64, column: &str, message: String) -> Self {
        ReadError { line: Some(line), column: Some(column.into()), ..Self::new(source, message) }
    }

    /// `file: line L, column C: message`, as far as the place is known.
    fn located(&self) -> String {
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => format!("{}: line {l}, column {c}: {}", self.file, self.message),
            (Some(l), None) => format!("{}: line {l}: {}", self.file, self.message),
            _ => format!("{}: {}", self.file, self.message),
        }
    }
}

/// Longest name echoed whole in a message, in characters.
const CLIP: usize = 48;

/// A name as shown in a message: whole when short, else its start, an ellipsis and its length.
fn clip(s: &str) -> String {
    let n = s.chars().count();
    if n <= CLIP {
        return s.to_string();
    }
    let head: String = s.chars().take(CLIP - 8).collect();
    format!("{head}… ({n} characters)")
}

fn is_missing(s: &str) -> bool {
    s.is_empty()
        || matches!(s, ".." | "N/A" | "n/a" | "null" | "NULL" | "-")
        || s.eq_ignore_ascii_case("na")
}

fn parse_cell(raw: &str, source: &str, line: u64, col: &str) -> Result<Option<f64>, ReadError> {
    let s = raw.trim();
    if is_missing(s) {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(ReadError::at(
            source,
            line,
            col,
            format!(
                "expected a finite number, found {:?} (an empty cell or \"..\" marks a missing value)",
                clip(s)
            ),
        )),
        Err(_) => {
            Err(ReadError::at(source, line, col, format!("expected a number, found {:?}", clip(s))))
        }
    }
}

fn parse_year(raw: &str, source: &str, line: u64, col: &str) -> Result<i64, ReadError> {
    let s = raw.trim();
    let y = s.parse::<i64>().ok().or_else(|| {
        s.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 1e9).map(|f| f as i64)
    });
    match y {
        Some(y) if (0..=MAX_YEAR).contains(&y) => Ok(y),
        Some(_) => Err(ReadError::at(
            source,
            line,
            col,
            format!("expected a year in 0..={MAX_YEAR}, found {:?}", clip(s)),
        )),
        None => Err(ReadError::at(
            source,
            line,
            col,
            format!("expected a whole year, found {:?}", clip(s)),
        )),
    }
}

/// The bytes as UTF-8 text (without a byte-order mark), or where the first bad byte is.
fn utf8<'b>(bytes: &'b [u8], source: &str) -> Result<&'b str, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.strip_prefix('\u{feff}').unwrap_or(t)),
        Err(e) => {
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let line = before.matches('\n').count() as u64 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Err(ReadError {
                line: Some(line),
                byte_offset: Some(at),
                ..ReadError::new(
                    source,
                    format!(
                        "the file is not UTF-8 text: byte 0x{:02X} at byte offset {at} (column {column}) \
                         is not valid UTF-8; save the file as UTF-8",
                        bytes[at]
                    ),
                )
            })
        }
    }
}

fn csv_error(e: &csv::Error, source: &str) -> ReadError {
    let mut err = ReadError::new(source, format!("malformed CSV: {e}"));
    err.line = e.position().map(|p| p.line());
    err
}

/// Read the series `units` from CSV bytes: for each, its values by year with their lines.
pub fn read_csv(bytes: &[u8], source: &str, units: &[String]) -> Result<Columns, ReadError> {
    for (k, u) in units.iter().enumerate() {
        if units[..k].contains(u) {
            return Err(ReadError::new(
                source,
                format!("the series {:?} is named twice; name each series once", clip(u)),
            ));
        }
    }
    let text = utf8(bytes, source)?;
    let mut rdr =
        csv::ReaderBuilder::new().flexible(false).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(&e, source))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(ReadError::new(source, "the file is empty (no header line)".into()));
    }
    for (k, h) in headers.iter().enumerate() {
        if let Some(first) = headers[..k].iter().position(|x| !h.is_empty() && x == h) {
            return Err(ReadError::at(
                source,
                1,
                h,
                format!(
                    "the header names this column twice (columns {} and {}); give each column its own name",
                    first + 1,
                    k + 1
                ),
            ));
        }
    }
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let long = find("indicator_code").is_some() && find("value").is_some();
    let Some(year_col) = find("year") else {
        let shown: Vec<String> = headers.iter().take(20).map(|h| clip(h)).collect();
        return Err(ReadError::new(
            source,
            format!("no `year` column in the header ({})", shown.join(", ")),
        ));
    };
    let mut cols: Columns = vec![BTreeMap::new(); units.len()];
    if long {
        let Some(country) = find("country_code") else {
            return Err(ReadError::new(source, "long layout needs a country_code column".into()));
        };
        let ind = find("indicator_code").unwrap_or_default();
        let val = find("value").unwrap_or_default();
        let mut wanted = Vec::new();
        for u in units {
            let Some((c, i)) = u.split_once(':') else {
                return Err(ReadError::new(
                    source,
                    format!(
                        "series {:?}: the long (WDI) layout names series as COUNTRY:INDICATOR, e.g. LAO:NY.GDP.MKTP.CD",
                        clip(u)
                    ),
                ));
            };
            wanted.push((c.to_string(), i.to_string()));
        }
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(&e, source))?;
            let line = rec.position().map_or(0, |p| p.line());
            for (k, (c, i)) in wanted.iter().enumerate() {
                if rec.get(country).is_some_and(|v| v.trim().eq_ignore_ascii_case(c))
                    && rec.get(ind).is_some_and(|v| v.trim() == i)
                {
                    let y = parse_year(rec.get(year_col).unwrap_or(""), source, line, "year")?;
                    if let Some(v) = parse_cell(rec.get(val).unwrap_or(""), source, line, "value")?
                        && let Some((_, first)) = cols[k].insert(y, (v, line))
                    {
                        return Err(ReadError::at(
                            source,
                            line,
                            "value",
                            format!(
                                "a second value for {} in {y} (the first is on line {first})",
                                clip(&units[k])
                            ),
                        ));
                    }
                }
            }
        }
        for (k, u) in units.iter().enumerate() {
            if cols[k].is_empty() {
                return Err(ReadError::new(
                    source,
                    format!("no rows for series {} (country_code:indicator_code)", clip(u)),
                ));
            }
        }
    } else {
        let mut idx = Vec::new();
        for u in units {
            let Some(i) = headers.iter().position(|h| h == u) else {
                let near: Vec<String> = headers
                    .iter()
                    .filter(|h| !h.is_empty() && (h.contains(u.as_str()) || u.contains(h.as_str())))
                    .take(5)
                    .map(|h| clip(h))
                    .collect();
                return Err(ReadError::new(
                    source,
                    format!(
                        "no column named {:?}{}",
                        clip(u),
                        if near.is_empty() {
                            String::new()
                        } else {
                            format!(" (similar: {})", near.join(", "))
                        }
                    ),
                ));
            };
            idx.push(i);
        }
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(&e, source))?;
            let line = rec.position().map_or(0, |p| p.line());
            let y = parse_year(rec.get(year_col).unwrap_or(""), source, line, &headers[year_col])?;
            for (k, &i) in idx.iter().enumerate() {
                if let Some(v) = parse_cell(rec.get(i).unwrap_or(""), source, line, &units[k])?
                    && let Some((_, first)) = cols[k].insert(y, (v, line))
                {
                    return Err(ReadError::at(
                        source,
                        line,
                        &headers[year_col],
                        format!("year {y} appears twice (also on line {first})"),
                    ));
                }
            }
        }
    }
    for (k, u) in units.iter().enumerate() {
        if cols[k].is_empty() {
            return Err(ReadError::new(source, format!("series {} has no values", clip(u))));
        }
    }
    Ok(cols)
}
