//! Small tables written as CSV and Parquet side by side (discovery and robustness outputs).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::SweepError;

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Col {
    F64(Vec<f64>),
    /// Missing values are empty in CSV and null in Parquet.
    OptF64(Vec<Option<f64>>),
    U64(Vec<u64>),
    Str(Vec<String>),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::F64(v) => v.len(),
            Col::OptF64(v) => v.len(),
            Col::U64(v) => v.len(),
            Col::Str(v) => v.len(),
        }
    }
    fn cell(&self, r: usize) -> String {
        match self {
            Col::F64(v) => v[r].to_string(),
            Col::OptF64(v) => v[r].map(|x| x.to_string()).unwrap_or_default(),
            Col::U64(v) => v[r].to_string(),
            Col::Str(v) => v[r].clone(),
        }
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// Write `dir/stem.csv` and `dir/stem.parquet`; return both paths.
pub fn write_table(
    dir: &Path,
    stem: &str,
    cols: &[(&str, Col)],
) -> Result<Vec<PathBuf>, SweepError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let rows = cols.first().map_or(0, |c| c.1.len());
    let csv_path = dir.join(format!("{stem}.csv"));
    let mut w = csv::Writer::from_path(&csv_path).map_err(|e| io(&csv_path, e))?;
    w.write_record(cols.iter().map(|c| c.0)).map_err(|e| io(&csv_path, e))?;
    for r in 0..rows {
        w.write_record(cols.iter().map(|c| c.1.cell(r))).map_err(|e| io(&csv_path, e))?;
    }
    w.flush().map_err(|e| io(&csv_path, e))?;
    let fields: Vec<Field> = cols
        .iter()
        .map(|(name, c)| match c {
            Col::F64(_) => Field::new(*name, DataType::Float64, false),
            Col::OptF64(_) => Field::new(*name, DataType::Float64, true),
            Col::U64(_) => Field::new(*name, DataType::UInt64, false),
            Col::Str(_) => Field::new(*name, DataType::Utf8, false),
        })
        .collect();
    let arrays: Vec<ArrayRef> = cols
        .iter()
        .map(|(_, c)| -> ArrayRef {
            match c {
                Col::F64(v) => Arc::new(Float64Array::from(v.clone())),
                Col::OptF64(v) => Arc::new(Float64Array::from(v.clone())),
                Col::U64(v) => Arc::new(UInt64Array::from(v.clone())),
                Col::Str(v) => Arc::new(StringArray::from(v.clone())),
            }
        })
        .collect();
    let pq_path = dir.join(format!("{stem}.parquet"));
    let batch =
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| io(&pq_path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by("symbiont-sweep".to_string())
        .build();
    let f = File::create(&pq_path).map_err(|e| io(&pq_path, e))?;
    let mut pw =
        ArrowWriter::try_new(f, batch.schema(), Some(props)).map_err(|e| io(&pq_path, e))?;
    pw.write(&batch).map_err(|e| io(&pq_path, e))?;
    pw.close().map_err(|e| io(&pq_path, e))?;
    Ok(vec![csv_path, pq_path])
}

/// Write a JSON value, pretty, to `path`.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<PathBuf, SweepError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| io(path, e))?;
    std::fs::write(path, text + "\n").map_err(|e| io(path, e))?;
    Ok(path.to_path_buf())
}
