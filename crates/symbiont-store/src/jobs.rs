//! Study jobs: queued, claimed by a worker, progress, a final state, the result kept.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Job, Millis, Page, Progress, Result, Store, StoreError};

const COLS: &str = "id, kind, scenario_id, version, params, state, done, total, error, \
     interruptions, created_at, started_at, finished_at, created_by";

fn job(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        scenario_id: row.try_get("scenario_id")?,
        version: row.try_get("version")?,
        params: crate::json_col(row, "params")?,
        state: row.try_get("state")?,
        progress: Progress { done: row.try_get("done")?, total: row.try_get("total")? },
        error: row.try_get("error")?,
        interruptions: row.try_get("interruptions")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        created_by: row.try_get("created_by")?,
    })
}

/// The final states of a job.
pub const FINAL_STATES: [&str; 3] = ["succeeded", "failed", "cancelled"];

impl Store {
    /// Queue a job.
    pub async fn create_job(
        &self,
        kind: &str,
        scenario_id: &str,
        version: i64,
        params: &serde_json::Value,
        by: i64,
        now: Millis,
    ) -> Result<Job> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO jobs (kind, scenario_id, version, params, state, created_at, created_by) \
             VALUES ($1, $2, $3, $4, 'queued', $5, $6) RETURNING id",
        )
        .bind(kind.to_string())
        .bind(scenario_id.to_string())
        .bind(version)
        .bind(serde_json::to_string(params)?)
        .bind(now)
        .bind(by)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        tx.commit().await?;
        self.job(id).await
    }

    /// One job.
    pub async fn job(&self, id: i64) -> Result<Job> {
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM jobs WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound("job"))?;
        job(&row)
    }

    /// A page of jobs, newest first.
    pub async fn list_jobs(&self, limit: i64, offset: i64) -> Result<Page<Job>> {
        let total: i64 =
            sqlx::query("SELECT COUNT(*) FROM jobs").fetch_one(&self.read).await?.try_get(0)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM jobs ORDER BY id DESC LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let items = rows.iter().map(job).collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// Ids of queued jobs, oldest first.
    pub async fn queued_jobs(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Move a queued job to `running`. `false` if it was no longer queued (cancelled).
    pub async fn start_job(&self, id: i64, now: Millis) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE jobs SET state = 'running', started_at = $2, done = 0 \
             WHERE id = $1 AND state = 'queued'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Record progress of a running job.
    pub async fn job_progress(&self, id: i64, done: i64, total: i64) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE jobs SET done = $2, total = $3 WHERE id = $1 AND state = 'running'")
            .bind(id)
            .bind(done)
            .bind(total)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finish a running job: `succeeded` with its result, or `failed` with an error. `false`
    /// if the job was no longer running (cancelled meanwhile).
    pub async fn finish_job(
        &self,
        id: i64,
        outcome: std::result::Result<&serde_json::Value, &str>,
        now: Millis,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let q = match outcome {
            Ok(result) => sqlx::query(
                "UPDATE jobs SET state = 'succeeded', result = $2, finished_at = $3, done = total \
                 WHERE id = $1 AND state = 'running'",
            )
            .bind(id)
            .bind(serde_json::to_string(result)?),
            Err(msg) => sqlx::query(
                "UPDATE jobs SET state = 'failed', error = $2, finished_at = $3 \
                 WHERE id = $1 AND state = 'running'",
            )
            .bind(id)
            .bind(msg.to_string()),
        };
        let n = q.bind(now).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Cancel a queued or running job. Conflict if it already ended.
    pub async fn cancel_job(&self, id: i64, now: Millis) -> Result<Job> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE jobs SET state = 'cancelled', finished_at = $2 \
             WHERE id = $1 AND state IN ('queued', 'running')",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        let j = self.job(id).await?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("job {id} already ended ({})", j.state)));
        }
        Ok(j)
    }

    /// A finished job's result.
    pub async fn job_result(&self, id: i64) -> Result<Option<serde_json::Value>> {
        let row = sqlx::query("SELECT result FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("job"))?;
        let s: Option<String> = row.try_get(0)?;
        Ok(s.map(|s| serde_json::from_str(&s)).transpose()?)
    }

    /// At start: every job left `running` by a stopped server is interrupted. It is queued
    /// again, unless it was interrupted `max_interruptions` times already, then it fails.
    /// Returns (requeued, failed).
    pub async fn recover_jobs(&self, max_interruptions: i64, now: Millis) -> Result<(u64, u64)> {
        let mut tx = self.write.begin().await?;
        let failed = sqlx::query(
            "UPDATE jobs SET state = 'failed', interruptions = interruptions + 1, finished_at = $2, \
             error = 'interrupted by server stops too often' \
             WHERE state = 'running' AND interruptions + 1 >= $1",
        )
        .bind(max_interruptions)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let requeued = sqlx::query(
            "UPDATE jobs SET state = 'queued', interruptions = interruptions + 1, done = 0, \
             started_at = NULL WHERE state = 'running'",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok((requeued, failed))
    }
}
