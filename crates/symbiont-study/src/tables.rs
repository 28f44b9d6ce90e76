//! Tidy tables written as CSV and Parquet, streamed: rows go out as runs finish and are never
//! all held in memory (Parquet is flushed in row groups).
//!
//! The study crate owns the schema of a run folder, so that the CLI, the server and the
//! sweeps write the same tables. This is the only module of the crate that does IO.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int32Array, StringArray, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::StudyError;

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    Both,
}

impl Format {
    pub fn csv(self) -> bool {
        matches!(self, Format::Csv | Format::Both)
    }
    pub fn parquet(self) -> bool {
        matches!(self, Format::Parquet | Format::Both)
    }
}

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Str,
    U32,
    I32,
    F64,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(String),
    U32(u32),
    I32(i32),
    F64(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(s)
    }
}
impl From<u32> for Cell {
    fn from(x: u32) -> Self {
        Cell::U32(x)
    }
}
impl From<i32> for Cell {
    fn from(x: i32) -> Self {
        Cell::I32(x)
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::F64(x)
    }
}

enum Buf {
    Str(Vec<String>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    F64(Vec<f64>),
}

const ROW_GROUP: usize = 65_536;

/// A table being written.
pub struct TableWriter {
    name: String,
    schema: Vec<(String, Col)>,
    arrow_schema: Arc<Schema>,
    csv: Option<(PathBuf, csv::Writer<BufWriter<File>>)>,
    parquet: Option<(PathBuf, ArrowWriter<File>)>,
    bufs: Vec<Buf>,
    rows: usize,
}

impl std::fmt::Debug for TableWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableWriter").field("name", &self.name).field("rows", &self.rows).finish()
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> StudyError {
    StudyError::Io { path: path.to_path_buf(), message: e.to_string() }
}

impl TableWriter {
    /// Create `dir/name.csv` and/or `dir/name.parquet` with these columns.
    pub fn create(
        dir: &Path,
        name: &str,
        columns: &[(&str, Col)],
        format: Format,
    ) -> Result<Self, StudyError> {
        let schema: Vec<(String, Col)> = columns.iter().map(|(n, c)| (n.to_string(), *c)).collect();
        let arrow_schema = Arc::new(Schema::new(
            schema
                .iter()
                .map(|(n, c)| {
                    let dt = match c {
                        Col::Str => DataType::Utf8,
                        Col::U32 => DataType::UInt32,
                        Col::I32 => DataType::Int32,
                        Col::F64 => DataType::Float64,
                    };
                    Field::new(n, dt, false)
                })
                .collect::<Vec<_>>(),
        ));
        let csv = if format.csv() {
            let path = dir.join(format!("{name}.csv"));
            let file = File::create(&path).map_err(|e| io(&path, e))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(file));
            w.write_record(schema.iter().map(|(n, _)| n.as_str())).map_err(|e| io(&path, e))?;
            Some((path, w))
        } else {
            None
        };
        let parquet = if format.parquet() {
            let path = dir.join(format!("{name}.parquet"));
            let file = File::create(&path).map_err(|e| io(&path, e))?;
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("symbiont {}", env!("CARGO_PKG_VERSION")))
                .build();
            let w = ArrowWriter::try_new(file, arrow_schema.clone(), Some(props))
                .map_err(|e| io(&path, e))?;
            Some((path, w))
        } else {
            None
        };
        let bufs = schema
            .iter()
            .map(|(_, c)| match c {
                Col::Str => Buf::Str(Vec::new()),
                Col::U32 => Buf::U32(Vec::new()),
                Col::I32 => Buf::I32(Vec::new()),
                Col::F64 => Buf::F64(Vec::new()),
            })
            .collect();
        Ok(TableWriter {
            name: name.to_string(),
            schema,
            arrow_schema,
            csv,
            parquet,
            bufs,
            rows: 0,
        })
    }

    /// Append one row; its cells must match the columns.
    pub fn row(&mut self, cells: Vec<Cell>) -> Result<(), StudyError> {
        if cells.len() != self.schema.len() {
            return Err(StudyError::Schema {
                table: self.name.clone(),
                message: format!("{} cells for {} columns", cells.len(), self.schema.len()),
            });
        }
        if let Some((path, w)) = &mut self.csv {
            let text: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    Cell::Str(s) => s.clone(),
                    Cell::U32(x) => x.to_string(),
                    Cell::I32(x) => x.to_string(),
                    Cell::F64(x) => x.to_string(),
                })
                .collect();
            w.write_record(&text).map_err(|e| io(path, e))?;
        }
        if self.parquet.is_some() {
            for (i, (cell, buf)) in cells.into_iter().zip(self.bufs.iter_mut()).enumerate() {
                match (cell, buf) {
                    (Cell::Str(s), Buf::Str(v)) => v.push(s),
                    (Cell::U32(x), Buf::U32(v)) => v.push(x),
                    (Cell::I32(x), Buf::I32(v)) => v.push(x),
                    (Cell::F64(x), Buf::F64(v)) => v.push(x),
                    _ => {
                        return Err(StudyError::Schema {
                            table: self.name.clone(),
                            message: format!("column {} has the wrong type", self.schema[i].0),
                        });
                    }
                }
            }
            self.rows += 1;
            if self.rows >= ROW_GROUP {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StudyError> {
        if self.rows == 0 {
            return Ok(());
        }
        let Some((path, w)) = &mut self.parquet else { return Ok(()) };
        let columns: Vec<ArrayRef> = self
            .bufs
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Buf::Str(v) => Arc::new(StringArray::from(std::mem::take(v))),
                    Buf::U32(v) => Arc::new(UInt32Array::from(std::mem::take(v))),
                    Buf::I32(v) => Arc::new(Int32Array::from(std::mem::take(v))),
                    Buf::F64(v) => Arc::new(Float64Array::from(std::mem::take(v))),
                }
            })
            .collect();
        let batch =
            RecordBatch::try_new(self.arrow_schema.clone(), columns).map_err(|e| io(path, e))?;
        w.write(&batch).map_err(|e| io(path, e))?;
        w.flush().map_err(|e| io(path, e))?;
        self.rows = 0;
        Ok(())
    }

    /// Flush and close; returns the files written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, StudyError> {
        self.flush()?;
        let mut files = Vec::new();
        if let Some((path, mut w)) = self.csv.take() {
            w.flush().map_err(|e| io(&path, e))?;
            files.push(path);
        }
        if let Some((path, w)) = self.parquet.take() {
            w.close().map_err(|e| io(&path, e))?;
            files.push(path);
        }
        Ok(files)
    }
}
