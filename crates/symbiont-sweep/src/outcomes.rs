//! A merged sweep folder read for discovery and robustness: the uncertain inputs of every
//! design point (from `points.parquet`, typed by SWEEP.toml's distributions) and every
//! metric of every mode at every point, averaged over the replications (from
//! `runs.parquet`, streamed batch by batch).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, Float64Array, StringArray, UInt64Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use symbiont_discover::{Column, Kind};
use symbiont_study::metrics::METRICS;

use crate::SweepError;
use crate::dist::ParamDist;
use crate::parts::read_points;
use crate::spec::SweepSpec;

fn io(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// The outcomes of a merged sweep.
#[derive(Debug, Clone)]
pub struct SweepOutcomes {
    pub dir: PathBuf,
    pub spec: SweepSpec,
    /// The sweep's parameters as discovery inputs, in SWEEP.toml order.
    pub inputs: Vec<Column>,
    /// Mode ids, in SWEEP.toml order.
    pub modes: Vec<String>,
    /// Metric keys (`symbiont_study::metrics::METRICS`).
    pub metrics: Vec<&'static str>,
    /// Design points.
    pub n: usize,
    /// `values[(m * metrics + k) * n + i]`: metric `k` of mode `m` at point `i`.
    values: Vec<f64>,
}

impl SweepOutcomes {
    /// Metric `k` of mode `m` at every point.
    pub fn column(&self, m: usize, k: usize) -> &[f64] {
        let at = (m * self.metrics.len() + k) * self.n;
        &self.values[at..at + self.n]
    }

    /// The position of a metric key.
    pub fn metric(&self, key: &str) -> Option<usize> {
        self.metrics.iter().position(|m| *m == key)
    }
}

/// Read a merged sweep folder. A folder without `sweep.toml`, or not merged yet, is an error
/// that says what to run.
pub fn read_outcomes(dir: &Path) -> Result<SweepOutcomes, SweepError> {
    let spec_path = dir.join("sweep.toml");
    let text = std::fs::read_to_string(&spec_path).map_err(|_| SweepError::Folder {
        message: format!(
            "{} is not a sweep folder (no sweep.toml); write one with `symbiont sweep run SWEEP.toml --out DIR`",
            dir.display()
        ),
    })?;
    let spec = SweepSpec::parse(&text, &spec_path.display().to_string())?;
    for table in ["points.parquet", "runs.parquet"] {
        if !dir.join(table).is_file() {
            let parts = std::fs::read_dir(dir.join("parts"))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
                        .count()
                })
                .unwrap_or(0);
            return Err(SweepError::Folder {
                message: format!(
                    "{} is not merged (no {table}; {parts} part file(s) in parts/): run `symbiont sweep merge {}` once every shard is done",
                    dir.display(),
                    dir.display()
                ),
            });
        }
    }
    let points = read_points(dir)?;
    let ids = points
        .column("point")
        .ok_or_else(|| io(&dir.join("points.parquet"), "no `point` column"))?;
    let n = ids.len();
    let row: HashMap<u64, usize> = ids.iter().enumerate().map(|(r, &p)| (p as u64, r)).collect();
    let mut inputs = Vec::new();
    for p in &spec.parameters {
        let values = points
            .column(&p.name)
            .ok_or_else(|| {
                io(
                    &dir.join("points.parquet"),
                    format!("no column `{}` for the parameter of that name", p.name),
                )
            })?
            .to_vec();
        let kind = match &p.dist {
            ParamDist::Integer { .. } => Kind::Integer,
            ParamDist::Choice { values } => Kind::Categorical {
                levels: values
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                    .collect(),
            },
            _ => Kind::Real,
        };
        inputs.push(Column { name: p.name.clone(), kind, values });
    }
    let modes = spec.modes.clone();
    let metrics: Vec<&'static str> = METRICS.iter().map(|m| m.key).collect();
    let (nm, nk) = (modes.len(), metrics.len());
    let mut sums = vec![0.0; nm * nk * n];
    let mut counts = vec![0u32; nm * n];
    let path = dir.join("runs.parquet");
    let f = File::open(&path).map_err(|e| io(&path, e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .and_then(|b| b.build())
        .map_err(|e| io(&path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| io(&path, e))?;
        let col = |name: &str| {
            batch.column_by_name(name).ok_or_else(|| io(&path, format!("no `{name}` column")))
        };
        let point = col("point")?
            .as_any()
            .downcast_ref::<UInt64Array>()
            .ok_or_else(|| io(&path, "`point` is not UInt64"))?
            .clone();
        let mode = col("mode")?
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| io(&path, "`mode` is not text"))?
            .clone();
        let mut mets = Vec::with_capacity(nk);
        for key in &metrics {
            mets.push(
                col(key)?
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(|| io(&path, format!("`{key}` is not Float64")))?
                    .clone(),
            );
        }
        for r in 0..batch.num_rows() {
            let Some(&i) = row.get(&point.value(r)) else { continue };
            let Some(m) = modes.iter().position(|x| x == mode.value(r)) else { continue };
            counts[m * n + i] += 1;
            for (k, a) in mets.iter().enumerate() {
                sums[(m * nk + k) * n + i] += a.value(r);
            }
        }
    }
    for m in 0..nm {
        for i in 0..n {
            let c = counts[m * n + i];
            if c == 0 {
                return Err(io(
                    &path,
                    format!("no run of mode `{}` at design point {}", modes[m], ids[i]),
                ));
            }
            for k in 0..nk {
                sums[(m * nk + k) * n + i] /= f64::from(c);
            }
        }
    }
    Ok(SweepOutcomes { dir: dir.to_path_buf(), spec, inputs, modes, metrics, n, values: sums })
}
