//! Stored scenarios: every save is a new version; versions are never changed.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{
    Millis, Page, Result, ScenarioSummary, ScenarioVersion, Store, StoreError, is_unique_violation,
};

fn version(row: &AnyRow) -> Result<ScenarioVersion> {
    Ok(ScenarioVersion {
        id: row.try_get("scenario_id")?,
        name: row.try_get("name")?,
        version: row.try_get("version")?,
        source: row.try_get("source")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}

const VERSION_SELECT: &str = "SELECT v.scenario_id, s.name, v.version, v.source, v.created_at, \
     v.created_by FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id";

impl Store {
    /// A page of scenarios, by id.
    pub async fn list_scenarios(&self, limit: i64, offset: i64) -> Result<Page<ScenarioSummary>> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM scenarios")
            .fetch_one(&self.read)
            .await?
            .try_get(0)?;
        let rows = sqlx::query(
            "SELECT id, name, latest_version, updated_at FROM scenarios ORDER BY id \
             LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(ScenarioSummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    latest_version: r.try_get("latest_version")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// Create a scenario with its first version.
    pub async fn create_scenario(
        &self,
        id: &str,
        name: &str,
        source: &str,
        by: Option<i64>,
        now: Millis,
    ) -> Result<ScenarioVersion> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO scenarios (id, name, latest_version, updated_at) VALUES ($1, $2, 1, $3)",
        )
        .bind(id.to_string())
        .bind(name.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("a scenario with id \"{id}\" exists"))
            } else {
                e.into()
            }
        })?;
        sqlx::query(
            "INSERT INTO scenario_versions (scenario_id, version, source, created_at, created_by) \
             VALUES ($1, 1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(source.to_string())
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.scenario_version(id, None).await
    }

    /// Save a new version of a scenario.
    pub async fn add_scenario_version(
        &self,
        id: &str,
        source: &str,
        by: Option<i64>,
        now: Millis,
    ) -> Result<ScenarioVersion> {
        let mut tx = self.write.begin().await?;
        // The update locks the scenario's row, so two saves get two different versions.
        let n = sqlx::query(
            "UPDATE scenarios SET latest_version = latest_version + 1, updated_at = $2 \
             WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("scenario"));
        }
        let v: i64 = sqlx::query("SELECT latest_version FROM scenarios WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        sqlx::query(
            "INSERT INTO scenario_versions (scenario_id, version, source, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(v)
        .bind(source.to_string())
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.scenario_version(id, Some(v)).await
    }

    /// One version of a scenario (`None`: the latest).
    pub async fn scenario_version(&self, id: &str, v: Option<i64>) -> Result<ScenarioVersion> {
        let row = match v {
            Some(v) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{VERSION_SELECT} WHERE v.scenario_id = $1 AND v.version = $2"
                )))
                .bind(id.to_string())
                .bind(v)
                .fetch_optional(&self.read)
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{VERSION_SELECT} WHERE v.scenario_id = $1 AND v.version = s.latest_version"
                )))
                .bind(id.to_string())
                .fetch_optional(&self.read)
                .await?
            }
        };
        version(&row.ok_or(StoreError::NotFound("scenario version"))?)
    }

    /// Every version of a scenario, newest first.
    pub async fn scenario_versions(
        &self,
        id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ScenarioVersion>> {
        let total: i64 =
            sqlx::query("SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = $1")
                .bind(id.to_string())
                .fetch_one(&self.read)
                .await?
                .try_get(0)?;
        if total == 0 {
            return Err(StoreError::NotFound("scenario"));
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{VERSION_SELECT} WHERE v.scenario_id = $1 ORDER BY v.version DESC LIMIT $2 OFFSET $3"
        )))
        .bind(id.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let items = rows.iter().map(version).collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }
}
