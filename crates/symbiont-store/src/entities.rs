//! The registry: entities of every kind with endowments and needs.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{Entity, Millis, Page, Result, Store, StoreError, is_unique_violation, json_col};

/// Filters of the entity list.
#[derive(Debug, Clone, Default)]
pub struct EntityFilter {
    pub kind: Option<String>,
    pub side: Option<String>,
    /// Case-insensitive substring of the name or the id.
    pub q: Option<String>,
}

const COLS: &str =
    "id, kind, name, side, region, sector, chain, endowments, needs, created_at, updated_at";

fn entity(row: &AnyRow) -> Result<Entity> {
    Ok(Entity {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        side: row.try_get("side")?,
        region: row.try_get("region")?,
        sector: row.try_get("sector")?,
        chain: row.try_get("chain")?,
        endowments: json_col(row, "endowments")?,
        needs: json_col(row, "needs")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Bind an entity's fields as $1..$9 (id, kind, name, side, region, sector, chain,
/// endowments, needs) and `now` as $10: the parameters of both `insert` and `update`.
fn bind_entity<'q>(q: AnyQuery<'q>, e: &Entity, now: Millis) -> Result<AnyQuery<'q>> {
    Ok(q.bind(e.id.clone())
        .bind(e.kind.clone())
        .bind(e.name.clone())
        .bind(e.side.clone())
        .bind(e.region.clone())
        .bind(e.sector.clone())
        .bind(e.chain.clone())
        .bind(serde_json::to_string(&e.endowments)?)
        .bind(serde_json::to_string(&e.needs)?)
        .bind(now))
}

async fn insert(conn: &mut AnyConnection, e: &Entity, now: Millis) -> Result<()> {
    let q = sqlx::query(
        "INSERT INTO entities (id, kind, name, side, region, sector, chain, endowments, needs, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    );
    bind_entity(q, e, now)?.execute(&mut *conn).await.map_err(|err| {
        if is_unique_violation(&err) {
            StoreError::Conflict(format!("an entity with id \"{}\" exists", e.id))
        } else {
            err.into()
        }
    })?;
    Ok(())
}

async fn update(conn: &mut AnyConnection, e: &Entity, now: Millis) -> Result<u64> {
    let q = sqlx::query(
        "UPDATE entities SET kind = $2, name = $3, side = $4, region = $5, sector = $6, \
         chain = $7, endowments = $8, needs = $9, updated_at = $10 WHERE id = $1",
    );
    Ok(bind_entity(q, e, now)?.execute(&mut *conn).await?.rows_affected())
}

impl Store {
    /// A page of entities, by id.
    pub async fn list_entities(
        &self,
        f: &EntityFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<Entity>> {
        let mut cond = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(k) = &f.kind {
            args.push(k.clone());
            cond.push(format!("kind = ${}", args.len()));
        }
        if let Some(s) = &f.side {
            args.push(s.clone());
            cond.push(format!("side = ${}", args.len()));
        }
        if let Some(q) = &f.q {
            args.push(format!("%{}%", q.to_lowercase()));
            let n = args.len();
            cond.push(format!("(LOWER(name) LIKE ${n} OR LOWER(id) LIKE ${n})"));
        }
        let w =
            if cond.is_empty() { String::new() } else { format!("WHERE {}", cond.join(" AND ")) };
        let mut count = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM entities {w}")));
        for a in &args {
            count = count.bind(a.clone());
        }
        let total: i64 = count.fetch_one(&self.read).await?.try_get(0)?;
        let n = args.len();
        let mut q = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLS} FROM entities {w} ORDER BY id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        )));
        for a in &args {
            q = q.bind(a.clone());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(&self.read).await?;
        let items = rows.iter().map(entity).collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// One entity.
    pub async fn entity(&self, id: &str) -> Result<Entity> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {COLS} FROM entities WHERE id = $1")))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("entity"))?;
        entity(&row)
    }

    /// Create an entity; a taken id is a conflict.
    pub async fn create_entity(&self, e: &Entity, now: Millis) -> Result<Entity> {
        let mut tx = self.write.begin().await?;
        insert(&mut tx, e, now).await?;
        tx.commit().await?;
        self.entity(&e.id).await
    }

    /// Replace an entity's fields (its id stays).
    pub async fn replace_entity(&self, e: &Entity, now: Millis) -> Result<Entity> {
        let mut tx = self.write.begin().await?;
        if update(&mut tx, e, now).await? == 0 {
            return Err(StoreError::NotFound("entity"));
        }
        tx.commit().await?;
        self.entity(&e.id).await
    }

    /// Delete an entity.
    pub async fn delete_entity(&self, id: &str) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("DELETE FROM entities WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("entity"));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Insert or replace many entities in one transaction (CSV import, seeding).
    pub async fn upsert_entities(&self, list: &[Entity], now: Millis) -> Result<usize> {
        let mut tx = self.write.begin().await?;
        for e in list {
            if update(&mut tx, e, now).await? == 0 {
                insert(&mut tx, e, now).await?;
            }
        }
        tx.commit().await?;
        Ok(list.len())
    }

    /// How many entities there are.
    pub async fn entity_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM entities").fetch_one(&self.read).await?.try_get(0)?)
    }
}
