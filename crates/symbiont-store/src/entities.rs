//! The registry: entities of every kind with endowments and needs.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{Entity, Millis, Page, Result, Store, StoreError, is_unique_violation, json_col};

/// A record that refers to a registry entity by its id. While any exists, the entity cannot
/// be deleted nor change its kind (the record would point at nothing, or at an entity of a
/// kind it cannot refer to).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntityRef {
    /// A user bound to the entity (its `entity_id` or `department_id`), by username.
    User(String),
    /// A case submitted by the entity (`entity_id`) or for the park (`park_id`), by id.
    Case(i64),
    /// A task of the department (`department_id`), by id.
    Task(i64),
}

impl std::fmt::Display for EntityRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntityRef::User(u) => write!(f, "user {u}"),
            EntityRef::Case(id) => write!(f, "case {id}"),
            EntityRef::Task(id) => write!(f, "task {id}"),
        }
    }
}

/// Every record that refers to entity `id`: users, then cases, then tasks, each by id.
async fn references(conn: &mut AnyConnection, id: &str) -> Result<Vec<EntityRef>> {
    let mut out = Vec::new();
    let users = sqlx::query(
        "SELECT username FROM users WHERE entity_id = $1 OR department_id = $1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for r in &users {
        out.push(EntityRef::User(r.try_get("username")?));
    }
    let cases =
        sqlx::query("SELECT id FROM cases WHERE entity_id = $1 OR park_id = $1 ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await?;
    for r in &cases {
        out.push(EntityRef::Case(r.try_get("id")?));
    }
    let tasks = sqlx::query("SELECT id FROM tasks WHERE department_id = $1 ORDER BY id")
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?;
    for r in &tasks {
        out.push(EntityRef::Task(r.try_get("id")?));
    }
    Ok(out)
}

/// Refuse to change the kind of a stored entity that records refer to.
async fn keep_kind_if_referenced(conn: &mut AnyConnection, e: &Entity) -> Result<()> {
    let row = sqlx::query("SELECT kind FROM entities WHERE id = $1")
        .bind(e.id.clone())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let kind: String = row.try_get("kind")?;
    if kind == e.kind {
        return Ok(());
    }
    let refs = references(conn, &e.id).await?;
    if refs.is_empty() {
        return Ok(());
    }
    Err(StoreError::KindBound { entity: e.id.clone(), kind, new_kind: e.kind.clone(), refs })
}

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

    /// Every record that refers to entity `id` ([`EntityRef`]): users, cases, tasks.
    pub async fn entity_references(&self, id: &str) -> Result<Vec<EntityRef>> {
        let mut conn = self.read.acquire().await?;
        references(&mut conn, id).await
    }

    /// Replace an entity's fields (its id stays). An entity that records refer to keeps its
    /// kind ([`StoreError::KindBound`]).
    pub async fn replace_entity(&self, e: &Entity, now: Millis) -> Result<Entity> {
        let mut tx = self.write.begin().await?;
        keep_kind_if_referenced(&mut tx, e).await?;
        if update(&mut tx, e, now).await? == 0 {
            return Err(StoreError::NotFound("entity"));
        }
        tx.commit().await?;
        self.entity(&e.id).await
    }

    /// Delete an entity that no record refers to; otherwise [`StoreError::Referenced`] with
    /// every reference, and the entity stays. The check and the delete are one transaction.
    pub async fn delete_entity(&self, id: &str) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let refs = references(&mut tx, id).await?;
        if !refs.is_empty() {
            return Err(StoreError::Referenced { entity: id.to_string(), refs });
        }
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

    /// Insert or replace many entities in one transaction (CSV import, seeding). As in
    /// [`Store::replace_entity`], a referenced entity keeps its kind; then nothing is written.
    pub async fn upsert_entities(&self, list: &[Entity], now: Millis) -> Result<usize> {
        let mut tx = self.write.begin().await?;
        for e in list {
            keep_kind_if_referenced(&mut tx, e).await?;
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
