//! The sweep folder on disk: the only module of the crate that does IO.
//!
//! ```text
//! OUT/sweep.toml  base.toml  manifest.json      the inputs, and their fingerprint
//! OUT/parts/points-<first>-<end>.parquet         one pair of part files per chunk of points,
//! OUT/parts/runs-<first>-<end>.parquet           written to a temporary name, then renamed
//! OUT/points.parquet  OUT/points.csv  OUT/runs.parquet   the merged tables, in point order
//! ```
//!
//! A chunk is done when both its part files exist under their final names, so a process
//! killed at any instant leaves only whole chunks; a rerun lists them and runs the rest.
//! Chunk boundaries depend only on the sweep, never on threads or shards, and the merge
//! concatenates parts in point order: a one-shot run, a resumed run and a sharded run merge
//! to byte-identical tables.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float64Array, StringArray, UInt32Array, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use sha2::{Digest, Sha256};
use symbiont_study::metrics::METRICS;

use crate::SweepError;
use crate::bound::{BoundSweep, ChunkRows};

fn io(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// The fingerprint of a sweep: SHA-256 of the SWEEP.toml text and the base scenario text.
pub fn fingerprint(spec_text: &str, base_text: &str) -> String {
    let mut h = Sha256::new();
    h.update(spec_text.as_bytes());
    h.update([0u8]);
    h.update(base_text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn props() -> WriterProperties {
    // No timestamps or versions that vary between runs: the bytes depend on the rows alone.
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by("symbiont-sweep".to_string())
        // Bounds the merge's memory: one row group of the runs table is buffered at a time.
        .set_max_row_group_row_count(Some(16_384))
        .build()
}

/// Schema of the points table.
pub fn points_schema(plan: &BoundSweep) -> Arc<Schema> {
    let mut f = vec![
        Field::new("point", DataType::UInt64, false),
        Field::new("seed", DataType::UInt64, false),
    ];
    f.extend(plan.spec.parameters.iter().map(|p| Field::new(&p.name, DataType::Float64, false)));
    f.extend(plan.outputs.iter().map(|o| Field::new(&o.name, DataType::Float64, false)));
    Arc::new(Schema::new(f))
}

/// Schema of the runs table.
pub fn runs_schema() -> Arc<Schema> {
    let mut f = vec![
        Field::new("point", DataType::UInt64, false),
        Field::new("replication", DataType::UInt32, false),
        Field::new("mode", DataType::Utf8, false),
        Field::new("seed", DataType::UInt64, false),
    ];
    f.extend(METRICS.iter().map(|m| Field::new(m.key, DataType::Float64, false)));
    Arc::new(Schema::new(f))
}

fn batches(plan: &BoundSweep, rows: &ChunkRows) -> Result<(RecordBatch, RecordBatch), SweepError> {
    let p = &rows.points;
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(p.iter().map(|r| r.point).collect::<Vec<_>>())),
        Arc::new(UInt64Array::from(p.iter().map(|r| r.seed).collect::<Vec<_>>())),
    ];
    for j in 0..plan.spec.parameters.len() {
        cols.push(Arc::new(Float64Array::from(p.iter().map(|r| r.values[j]).collect::<Vec<_>>())));
    }
    for j in 0..plan.outputs.len() {
        cols.push(Arc::new(Float64Array::from(p.iter().map(|r| r.outputs[j]).collect::<Vec<_>>())));
    }
    let schema_err =
        |e: arrow::error::ArrowError| SweepError::Folder { message: format!("table schema: {e}") };
    let points = RecordBatch::try_new(points_schema(plan), cols).map_err(schema_err)?;
    let r = &rows.runs;
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from(r.iter().map(|x| x.point).collect::<Vec<_>>())),
        Arc::new(UInt32Array::from(r.iter().map(|x| x.replication).collect::<Vec<_>>())),
        Arc::new(StringArray::from(
            r.iter().map(|x| plan.spec.modes[x.mode].as_str()).collect::<Vec<_>>(),
        )),
        Arc::new(UInt64Array::from(r.iter().map(|x| x.seed).collect::<Vec<_>>())),
    ];
    for j in 0..METRICS.len() {
        cols.push(Arc::new(Float64Array::from(r.iter().map(|x| x.metrics[j]).collect::<Vec<_>>())));
    }
    let runs = RecordBatch::try_new(runs_schema(), cols).map_err(schema_err)?;
    Ok((points, runs))
}

/// Write `batch` to `path` atomically: a temporary file, then a rename.
fn write_atomic(path: &Path, batch: &RecordBatch) -> Result<(), SweepError> {
    let tmp = path.with_extension("parquet.tmp");
    let file = File::create(&tmp).map_err(|e| io(&tmp, e))?;
    let mut w =
        ArrowWriter::try_new(file, batch.schema(), Some(props())).map_err(|e| io(&tmp, e))?;
    w.write(batch).map_err(|e| io(&tmp, e))?;
    let file = w.into_inner().map_err(|e| io(&tmp, e))?;
    file.sync_all().map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

fn part_name(table: &str, first: u64, end: u64) -> String {
    format!("{table}-{first:010}-{end:010}.parquet")
}

/// A sweep folder.
#[derive(Debug, Clone)]
pub struct SweepDir {
    pub root: PathBuf,
}

impl SweepDir {
    /// Open `root` for `plan`: create it and record the inputs, or check that it holds the
    /// same sweep (same SWEEP.toml and base scenario) so that a rerun resumes it.
    pub fn prepare(
        root: &Path,
        spec_text: &str,
        base_text: &str,
        plan: &BoundSweep,
    ) -> Result<Self, SweepError> {
        let parts = root.join("parts");
        std::fs::create_dir_all(&parts).map_err(|e| io(&parts, e))?;
        let fp = fingerprint(spec_text, base_text);
        let manifest = root.join("manifest.json");
        if manifest.exists() {
            let text = std::fs::read_to_string(&manifest).map_err(|e| io(&manifest, e))?;
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| io(&manifest, e))?;
            let old = v.get("fingerprint").and_then(|x| x.as_str()).unwrap_or("");
            if old != fp {
                return Err(SweepError::Folder {
                    message: format!(
                        "{} holds another sweep (its SWEEP.toml or base scenario differ); use a new folder",
                        root.display()
                    ),
                });
            }
            return Ok(SweepDir { root: root.to_path_buf() });
        }
        let write = |name: &str, text: &str| -> Result<(), SweepError> {
            let path = root.join(name);
            // Shards may start together on a shared folder: a per-process temporary name, and
            // the content is the same whoever wins the rename.
            let tmp = root.join(format!("{name}.tmp-{}", std::process::id()));
            std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
        };
        write("sweep.toml", spec_text)?;
        write("base.toml", base_text)?;
        let m = serde_json::json!({
            "fingerprint": fp,
            "name": plan.spec.name,
            "design": format!("{:?}", plan.spec.design),
            "points": plan.points(),
            "chunk": plan.spec.chunk,
            "chunks": plan.chunks(),
            "seed": plan.spec.seed,
            "replications": plan.spec.replications,
            "modes": plan.spec.modes,
            "parameters": plan.spec.parameters.iter().map(|p| serde_json::json!({
                "name": p.name, "path": p.path.to_string(), "dist": format!("{:?}", p.dist),
            })).collect::<Vec<_>>(),
            "outputs": plan.outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
            "common_seeds": plan.spec.common_seeds,
            "point_seed": "derive(seed, [label(\"point\"), point]) (common seeds: derive(seed, [label(\"common\")])); replication r: derive(point_seed, [label(\"run\"), r])",
        });
        write("manifest.json", &serde_json::to_string_pretty(&m).unwrap_or_default())?;
        Ok(SweepDir { root: root.to_path_buf() })
    }

    fn part(&self, table: &str, plan: &BoundSweep, c: u64) -> PathBuf {
        let r = plan.chunk_range(c);
        self.root.join("parts").join(part_name(table, r.start, r.end))
    }

    /// Chunks whose two part files are complete in this folder.
    pub fn complete(&self, plan: &BoundSweep) -> Vec<u64> {
        (0..plan.chunks())
            .filter(|&c| {
                self.part("points", plan, c).exists() && self.part("runs", plan, c).exists()
            })
            .collect()
    }

    /// Write chunk `c`'s rows as its two part files (runs first: the points part marks it done).
    pub fn write_chunk(
        &self,
        plan: &BoundSweep,
        c: u64,
        rows: &ChunkRows,
    ) -> Result<(), SweepError> {
        let (points, runs) = batches(plan, rows)?;
        write_atomic(&self.part("runs", plan, c), &runs)?;
        write_atomic(&self.part("points", plan, c), &points)
    }

    /// Merge the parts of this folder and of `others` (shard folders copied from other
    /// machines) into the final tables. Fails, naming the missing point ranges, unless every
    /// chunk is present. Streams part by part: memory does not grow with the sweep.
    pub fn merge(
        &self,
        plan: &BoundSweep,
        others: &[SweepDir],
    ) -> Result<Vec<PathBuf>, SweepError> {
        let all: Vec<&SweepDir> = std::iter::once(self).chain(others).collect();
        let mut sources: BTreeMap<u64, &SweepDir> = BTreeMap::new();
        let mut missing = Vec::new();
        for c in 0..plan.chunks() {
            match all
                .iter()
                .find(|d| d.part("points", plan, c).exists() && d.part("runs", plan, c).exists())
            {
                Some(d) => {
                    sources.insert(c, d);
                }
                None => missing.push(plan.chunk_range(c)),
            }
        }
        if !missing.is_empty() {
            let shown: Vec<String> =
                missing.iter().take(8).map(|r| format!("{}..{}", r.start, r.end)).collect();
            return Err(SweepError::Missing {
                chunks: missing.len() as u64,
                ranges: shown.join(", ") + if missing.len() > 8 { ", ..." } else { "" },
            });
        }
        let mut files = Vec::new();
        for (table, schema) in [("points", points_schema(plan)), ("runs", runs_schema())] {
            let out = self.root.join(format!("{table}.parquet"));
            let tmp = out.with_extension("parquet.tmp");
            let file = File::create(&tmp).map_err(|e| io(&tmp, e))?;
            let mut w =
                ArrowWriter::try_new(file, schema, Some(props())).map_err(|e| io(&tmp, e))?;
            let mut csv = if table == "points" {
                let p = self.root.join("points.csv");
                let mut c = csv::Writer::from_path(&p).map_err(|e| io(&p, e))?;
                let schema = points_schema(plan);
                c.write_record(schema.fields().iter().map(|f| f.name().as_str()))
                    .map_err(|e| io(&p, e))?;
                Some((p, c))
            } else {
                None
            };
            for (&c, d) in &sources {
                let part = d.part(table, plan, c);
                let f = File::open(&part).map_err(|e| io(&part, e))?;
                let reader = ParquetRecordBatchReaderBuilder::try_new(f)
                    .and_then(|b| b.build())
                    .map_err(|e| io(&part, e))?;
                for batch in reader {
                    let batch = batch.map_err(|e| io(&part, e))?;
                    if let Some((p, c)) = &mut csv {
                        write_csv(c, &batch).map_err(|e| io(p, e))?;
                    }
                    w.write(&batch).map_err(|e| io(&tmp, e))?;
                }
            }
            w.close().map_err(|e| io(&tmp, e))?;
            std::fs::rename(&tmp, &out).map_err(|e| io(&out, e))?;
            files.push(out);
            if let Some((p, mut c)) = csv {
                c.flush().map_err(|e| io(&p, e))?;
                files.push(p);
            }
        }
        Ok(files)
    }
}

fn write_csv(w: &mut csv::Writer<File>, batch: &RecordBatch) -> Result<(), csv::Error> {
    for row in 0..batch.num_rows() {
        let rec: Vec<String> = batch
            .columns()
            .iter()
            .map(|col| {
                if let Some(a) = col.as_any().downcast_ref::<UInt64Array>() {
                    a.value(row).to_string()
                } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
                    a.value(row).to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        w.write_record(&rec)?;
    }
    Ok(())
}

/// The merged points table, as columns of numbers (point and seed included).
#[derive(Debug, Clone, PartialEq)]
pub struct PointsTable {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

impl PointsTable {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.names.iter().position(|n| n == name).map(|i| self.columns[i].as_slice())
    }
}

/// Read `OUT/points.parquet` (small: one row per design point).
pub fn read_points(root: &Path) -> Result<PointsTable, SweepError> {
    let path = root.join("points.parquet");
    let f = File::open(&path)
        .map_err(|e| io(&path, format!("{e} (run `symbiont sweep merge` first)")))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| io(&path, e))?;
    let names: Vec<String> = reader.schema().fields().iter().map(|f| f.name().clone()).collect();
    let mut columns = vec![Vec::new(); names.len()];
    for batch in reader.build().map_err(|e| io(&path, e))? {
        let batch = batch.map_err(|e| io(&path, e))?;
        for (j, col) in batch.columns().iter().enumerate() {
            if let Some(a) = col.as_any().downcast_ref::<UInt64Array>() {
                columns[j].extend(a.values().iter().map(|&x| x as f64));
            } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
                columns[j].extend(a.values().iter().copied());
            }
        }
    }
    Ok(PointsTable { names, columns })
}
