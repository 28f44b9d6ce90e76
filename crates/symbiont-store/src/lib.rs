//! The server's store: users and sessions, the registry, versioned scenarios, study jobs and
//! one-window cases with their tasks and append-only audit log.
//!
//! One implementation over sqlx's `Any` driver runs on SQLite (the default: one file, WAL mode)
//! and on PostgreSQL. The SQL is kept portable (`$n` placeholders, `BIGINT` columns, integer
//! millisecond timestamps, JSON as text), so both backends behave the same by construction;
//! only the migrations differ (`migrations/sqlite`, `migrations/postgres`, versioned and
//! embedded in the binary).
//!
//! Rules the store holds:
//! - every write is one transaction;
//! - the store reads no clock: callers pass `now` (milliseconds), so tests control time;
//! - a task is decided at most once: the decision is a conditional update on `state =
//!   'pending'`, taken after locking the case row, so of two concurrent decisions exactly one
//!   wins and the loser gets [`StoreError::Conflict`];
//! - a case's state follows from its tasks ([`case_state`]);
//! - the audit log is append-only: triggers in both schemas refuse `UPDATE` and `DELETE`;
//! - an entity that users, cases or tasks refer to ([`EntityRef`]) is neither deleted nor
//!   given another kind: the check and the write are one transaction, and the refusal
//!   ([`StoreError::Referenced`], [`StoreError::KindBound`]) names every reference.
//!
//! On SQLite all writes go through a pool of one connection (SQLite has one writer anyway;
//! queueing in the pool avoids `SQLITE_BUSY`), reads through a pool of several.

mod cases;
mod entities;
mod jobs;
mod scenarios;
mod users;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row, SqlSafeStr};

pub use cases::{CaseFilter, NewCase, case_state};
pub use entities::{EntityFilter, EntityRef};
pub use jobs::FINAL_STATES;
pub use users::NewUser;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write conflicts with the current state (a taken name, a task no longer pending).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Records refer to the entity, so it cannot be deleted.
    #[error("entity \"{entity}\" is referenced by {}", list_refs(refs))]
    Referenced { entity: String, refs: Vec<EntityRef> },
    /// Records refer to the entity, so its kind cannot change.
    #[error(
        "entity \"{entity}\" cannot change its kind from {kind} to {new_kind}: it is referenced by {}",
        list_refs(refs)
    )]
    KindBound { entity: String, kind: String, new_kind: String, refs: Vec<EntityRef> },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A JSON column could not be read or written.
    #[error("json column: {0}")]
    Json(#[from] serde_json::Error),
    /// The database URL names no supported backend.
    #[error("unsupported database URL (expected sqlite://… or postgres://…): {0}")]
    Url(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A user of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// `admin`, `officer`, `enterprise` or `analyst`.
    pub role: String,
    pub department_id: Option<String>,
    pub entity_id: Option<String>,
}

/// A registry entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entity {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub side: String,
    pub region: String,
    pub sector: String,
    pub chain: String,
    pub endowments: BTreeMap<String, f64>,
    pub needs: BTreeMap<String, f64>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A stored scenario, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScenarioSummary {
    pub id: String,
    pub name: String,
    pub latest_version: i64,
    pub updated_at: Millis,
}

/// One version of a stored scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScenarioVersion {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub source: String,
    pub created_at: Millis,
    pub created_by: Option<i64>,
}

/// How far a job got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Progress {
    pub done: i64,
    pub total: i64,
}

/// A study job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    /// `simulate`, `fit` or `plan`.
    pub kind: String,
    pub scenario_id: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub state: String,
    pub progress: Progress,
    pub error: Option<String>,
    /// How many times a server stop interrupted this job (it was queued again each time).
    pub interruptions: i64,
    pub created_at: Millis,
    pub started_at: Option<Millis>,
    pub finished_at: Option<Millis>,
    pub created_by: i64,
}

/// A department's task in a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    pub id: i64,
    pub case_id: i64,
    pub department_id: String,
    /// `pending`, `approved`, `rejected`, `info_requested` or `withdrawn` (another task
    /// rejected the case first).
    pub state: String,
    pub due_at: Millis,
    pub overdue: bool,
    pub decided_at: Option<Millis>,
    pub decided_by: Option<i64>,
    pub note: Option<String>,
}

/// An investment dossier's case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Case {
    pub id: i64,
    pub entity_id: String,
    pub park_id: String,
    pub title: String,
    #[schema(value_type = Object)]
    pub dossier: serde_json::Value,
    /// `in_review`, `info_requested`, `approved` or `rejected`.
    pub state: String,
    pub tasks: Vec<Task>,
    pub submitted_at: Millis,
    pub decided_at: Option<Millis>,
    /// Seconds from submission to the decision (parallel routing).
    pub decision_s: Option<f64>,
    /// Seconds the same decisions would have taken one department after another.
    pub serial_s: Option<f64>,
}

/// One entry of a case's audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub case_id: i64,
    pub at: Millis,
    pub actor: Option<i64>,
    pub action: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Time to decision over all decided cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseStats {
    pub cases: i64,
    pub decided: i64,
    pub approved: i64,
    pub rejected: i64,
    pub mean_decision_s: Option<f64>,
    pub mean_serial_s: Option<f64>,
    /// `mean_serial_s / mean_decision_s`.
    pub speedup: Option<f64>,
}

/// The store: a reader pool and a writer pool over one database.
#[derive(Debug, Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "init", include_str!("../migrations/sqlite/0001_init.sql"))];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "init", include_str!("../migrations/postgres/0001_init.sql"))];

fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|&(v, d, sql)| {
                Migration::new(
                    v,
                    Cow::Borrowed(d),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Open (creating if needed) the database at `url` and bring its schema up to date.
    /// `sqlite://PATH` creates the file on first start; `postgres://…` needs an existing
    /// database. `max_readers` bounds the reader pool.
    pub async fn open(url: &str, max_readers: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        let store = match backend {
            Backend::Sqlite => {
                let url =
                    if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                let opts = || {
                    AnyPoolOptions::new().after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; \
                                 PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                };
                let write = opts()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(&url)
                    .await?;
                migrator(backend).run(&write).await?;
                let read = opts().max_connections(max_readers.max(1)).connect(&url).await?;
                Store { read, write, backend }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_readers.max(2))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await?;
                migrator(backend).run(&pool).await?;
                Store { read: pool.clone(), write: pool, backend }
            }
        };
        Ok(store)
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Close both pools.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// A setting's value.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|r| r.get::<String, _>(0)))
    }

    /// Set a setting (insert or replace).
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
            .bind(key.to_string())
            .bind(value.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// References for a message: the first ten, then how many more.
fn list_refs(refs: &[EntityRef]) -> String {
    const SHOWN: usize = 10;
    let mut s = refs.iter().take(SHOWN).map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if refs.len() > SHOWN {
        s.push_str(&format!(" and {} more", refs.len() - SHOWN));
    }
    s
}

/// Clamp pagination to the API's rule: limit 1..=500 (default 50), offset >= 0.
pub fn page_bounds(limit: Option<i64>, offset: Option<i64>) -> (i64, i64) {
    (limit.unwrap_or(50).clamp(1, 500), offset.unwrap_or(0).max(0))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.message().contains("UNIQUE constraint failed")
                || d.message().contains("duplicate key")
        }
        _ => false,
    }
}

fn json_col<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col)?;
    Ok(serde_json::from_str(&s)?)
}
