//! One-window cases: a dossier routed in parallel to departments, each deciding its task; the
//! case state follows from the tasks; every action is appended to the audit log.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{AuditEntry, Case, CaseStats, Millis, Page, Result, Store, StoreError, Task};

/// A case to submit.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub entity_id: String,
    pub park_id: String,
    pub title: String,
    pub dossier: serde_json::Value,
    /// One task per department, with its due time.
    pub tasks: Vec<(String, Millis)>,
}

/// Which cases a caller may see.
#[derive(Debug, Clone)]
pub enum CaseFilter {
    All,
    /// An enterprise: its own cases.
    Entity(String),
    /// An officer: cases with a task for this department.
    Department(String),
}

/// The state rule: `rejected` as soon as one task is rejected; `approved` when every task is
/// approved; `info_requested` while any task waits for information; otherwise `in_review`.
pub fn case_state<'a>(tasks: impl IntoIterator<Item = &'a str> + Clone) -> &'static str {
    let mut all_approved = true;
    let mut any_info = false;
    let mut any = false;
    for s in tasks {
        any = true;
        match s {
            "rejected" => return "rejected",
            "approved" => {}
            "info_requested" => {
                any_info = true;
                all_approved = false;
            }
            _ => all_approved = false,
        }
    }
    if any && all_approved {
        "approved"
    } else if any_info {
        "info_requested"
    } else {
        "in_review"
    }
}

const TASK_COLS: &str =
    "id, case_id, department_id, state, due_at, decided_at, decided_by, note, handling_ms";
const CASE_COLS: &str = "c.id, c.entity_id, c.park_id, c.title, c.dossier, c.state, \
     c.submitted_at, c.decided_at";

fn task(row: &AnyRow, now: Millis) -> Result<(Task, i64)> {
    let state: String = row.try_get("state")?;
    let due_at: Millis = row.try_get("due_at")?;
    let overdue = matches!(state.as_str(), "pending" | "info_requested") && now > due_at;
    Ok((
        Task {
            id: row.try_get("id")?,
            case_id: row.try_get("case_id")?,
            department_id: row.try_get("department_id")?,
            state,
            due_at,
            overdue,
            decided_at: row.try_get("decided_at")?,
            decided_by: row.try_get("decided_by")?,
            note: row.try_get("note")?,
        },
        row.try_get("handling_ms")?,
    ))
}

fn case_row(row: &AnyRow, tasks: Vec<(Task, i64)>) -> Result<Case> {
    let submitted_at: Millis = row.try_get("submitted_at")?;
    let decided_at: Option<Millis> = row.try_get("decided_at")?;
    let decision_s = decided_at.map(|d| (d - submitted_at) as f64 / 1000.0);
    let serial_s = decided_at.map(|_| tasks.iter().map(|(_, h)| *h).sum::<i64>() as f64 / 1000.0);
    Ok(Case {
        id: row.try_get("id")?,
        entity_id: row.try_get("entity_id")?,
        park_id: row.try_get("park_id")?,
        title: row.try_get("title")?,
        dossier: crate::json_col(row, "dossier")?,
        state: row.try_get("state")?,
        tasks: tasks.into_iter().map(|(t, _)| t).collect(),
        submitted_at,
        decided_at,
        decision_s,
        serial_s,
    })
}

async fn audit(
    conn: &mut AnyConnection,
    case_id: i64,
    at: Millis,
    actor: Option<i64>,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (case_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(at)
    .bind(actor)
    .bind(action.to_string())
    .bind(detail.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Recompute and store a case's state from its tasks (inside the caller's transaction, with
/// the case row locked). Withdraws open tasks of a rejected case. Returns the new state.
async fn settle(conn: &mut AnyConnection, case_id: i64, now: Millis) -> Result<&'static str> {
    let states: Vec<String> = sqlx::query("SELECT state FROM tasks WHERE case_id = $1")
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let state = case_state(states.iter().map(String::as_str));
    let decided = matches!(state, "approved" | "rejected");
    if state == "rejected" {
        sqlx::query(
            "UPDATE tasks SET state = 'withdrawn', handling_ms = handling_ms + ($2 - started_at) \
             WHERE case_id = $1 AND state = 'pending'",
        )
        .bind(case_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE tasks SET state = 'withdrawn' WHERE case_id = $1 AND state = 'info_requested'",
        )
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE cases SET state = $2, decided_at = CASE WHEN $3 = 1 THEN $4 ELSE NULL END \
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(state)
    .bind(i64::from(decided))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(state)
}

/// Lock the case row for the rest of the transaction (PostgreSQL: a row lock; SQLite: the
/// single writer already serialises). Returns the case's state, or not found.
async fn lock_case(conn: &mut AnyConnection, case_id: i64) -> Result<String> {
    let n = sqlx::query("UPDATE cases SET state = state WHERE id = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("case"));
    }
    Ok(sqlx::query("SELECT state FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

impl Store {
    /// Submit a case: the case, one task per department (all pending at once: parallel
    /// routing) and the audit entry, in one transaction.
    pub async fn create_case(&self, c: &NewCase, by: i64, now: Millis) -> Result<Case> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO cases (entity_id, park_id, title, dossier, state, submitted_at, \
             created_by) VALUES ($1, $2, $3, $4, 'in_review', $5, $6) RETURNING id",
        )
        .bind(c.entity_id.clone())
        .bind(c.park_id.clone())
        .bind(c.title.clone())
        .bind(c.dossier.to_string())
        .bind(now)
        .bind(by)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (dept, due) in &c.tasks {
            sqlx::query(
                "INSERT INTO tasks (case_id, department_id, state, due_at, started_at) \
                 VALUES ($1, $2, 'pending', $3, $4)",
            )
            .bind(id)
            .bind(dept.clone())
            .bind(*due)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let depts: Vec<&str> = c.tasks.iter().map(|(d, _)| d.as_str()).collect();
        audit(
            &mut tx,
            id,
            now,
            Some(by),
            "submitted",
            serde_json::json!({"park_id": c.park_id, "routed_to": depts}),
        )
        .await?;
        tx.commit().await?;
        self.case(id, now).await
    }

    async fn tasks_of(&self, ids: &[i64], now: Millis) -> Result<Vec<(Task, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TASK_COLS} FROM tasks WHERE case_id IN ({list}) ORDER BY id"
        )))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| task(r, now)).collect()
    }

    /// One case with its tasks.
    pub async fn case(&self, id: i64, now: Millis) -> Result<Case> {
        let row =
            sqlx::query(AssertSqlSafe(format!("SELECT {CASE_COLS} FROM cases c WHERE c.id = $1")))
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound("case"))?;
        let tasks = self.tasks_of(&[id], now).await?;
        case_row(&row, tasks)
    }

    /// A page of the cases a caller may see, newest first.
    pub async fn list_cases(
        &self,
        f: &CaseFilter,
        state: Option<&str>,
        limit: i64,
        offset: i64,
        now: Millis,
    ) -> Result<Page<Case>> {
        let mut cond = Vec::new();
        let mut args = Vec::new();
        match f {
            CaseFilter::All => {}
            CaseFilter::Entity(e) => {
                args.push(e.clone());
                cond.push(format!("c.entity_id = ${}", args.len()));
            }
            CaseFilter::Department(d) => {
                args.push(d.clone());
                cond.push(format!(
                    "EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.department_id = ${})",
                    args.len()
                ));
            }
        }
        if let Some(s) = state {
            args.push(s.to_string());
            cond.push(format!("c.state = ${}", args.len()));
        }
        let w =
            if cond.is_empty() { String::new() } else { format!("WHERE {}", cond.join(" AND ")) };
        let mut count = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM cases c {w}")));
        for a in &args {
            count = count.bind(a.clone());
        }
        let total: i64 = count.fetch_one(&self.read).await?.try_get(0)?;
        let n = args.len();
        let mut q = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CASE_COLS} FROM cases c {w} ORDER BY c.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        )));
        for a in &args {
            q = q.bind(a.clone());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(&self.read).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        let mut tasks = self.tasks_of(&ids, now).await?;
        let items = rows
            .iter()
            .zip(ids)
            .map(|(r, id)| {
                let (mine, rest): (Vec<_>, Vec<_>) =
                    std::mem::take(&mut tasks).into_iter().partition(|(t, _)| t.case_id == id);
                tasks = rest;
                case_row(r, mine)
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// One task (for authorisation checks).
    pub async fn task(&self, id: i64, now: Millis) -> Result<Task> {
        let row =
            sqlx::query(AssertSqlSafe(format!("SELECT {TASK_COLS} FROM tasks WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound("task"))?;
        Ok(task(&row, now)?.0)
    }

    /// A page of tasks, optionally of one department and in one state, oldest first.
    pub async fn list_tasks(
        &self,
        department: Option<&str>,
        state: Option<&str>,
        limit: i64,
        offset: i64,
        now: Millis,
    ) -> Result<Page<Task>> {
        let mut cond = Vec::new();
        let mut args = Vec::new();
        if let Some(d) = department {
            args.push(d.to_string());
            cond.push(format!("department_id = ${}", args.len()));
        }
        if let Some(s) = state {
            args.push(s.to_string());
            cond.push(format!("state = ${}", args.len()));
        }
        let w =
            if cond.is_empty() { String::new() } else { format!("WHERE {}", cond.join(" AND ")) };
        let mut count = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM tasks {w}")));
        for a in &args {
            count = count.bind(a.clone());
        }
        let total: i64 = count.fetch_one(&self.read).await?.try_get(0)?;
        let n = args.len();
        let mut q = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TASK_COLS} FROM tasks {w} ORDER BY id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        )));
        for a in &args {
            q = q.bind(a.clone());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(&self.read).await?;
        let items = rows.iter().map(|r| Ok(task(r, now)?.0)).collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// Decide a pending task: `approve`, `reject` or `request_info`. Of two concurrent
    /// decisions on one task exactly one wins; the other gets a conflict. Returns the case.
    pub async fn decide_task(
        &self,
        task_id: i64,
        decision: &str,
        note: &str,
        by: i64,
        now: Millis,
    ) -> Result<Case> {
        let new_state = match decision {
            "approve" => "approved",
            "reject" => "rejected",
            "request_info" => "info_requested",
            other => return Err(StoreError::Conflict(format!("unknown decision \"{other}\""))),
        };
        let mut tx = self.write.begin().await?;
        let case_id: i64 = sqlx::query("SELECT case_id FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("task"))?
            .try_get(0)?;
        let case_state_now = lock_case(&mut tx, case_id).await?;
        if matches!(case_state_now.as_str(), "approved" | "rejected") {
            return Err(StoreError::Conflict(format!(
                "case {case_id} is already {case_state_now}"
            )));
        }
        let decided = if new_state == "info_requested" { None } else { Some(now) };
        let n = sqlx::query(
            "UPDATE tasks SET state = $2, decided_at = $3, decided_by = $4, note = $5, \
             handling_ms = handling_ms + ($6 - started_at) WHERE id = $1 AND state = 'pending'",
        )
        .bind(task_id)
        .bind(new_state)
        .bind(decided)
        .bind(by)
        .bind(note.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(format!("task {task_id} is not pending")));
        }
        audit(
            &mut tx,
            case_id,
            now,
            Some(by),
            decision,
            serde_json::json!({"task_id": task_id, "note": note}),
        )
        .await?;
        let state = settle(&mut tx, case_id, now).await?;
        if state != case_state_now {
            audit(&mut tx, case_id, now, None, "state", serde_json::json!({"state": state}))
                .await?;
        }
        tx.commit().await?;
        self.case(case_id, now).await
    }

    /// The enterprise answers an information request: every task waiting for it returns to
    /// `pending`. Conflict when no task waits.
    pub async fn respond_case(
        &self,
        case_id: i64,
        note: &str,
        by: i64,
        now: Millis,
    ) -> Result<Case> {
        let mut tx = self.write.begin().await?;
        let before = lock_case(&mut tx, case_id).await?;
        let n = sqlx::query(
            "UPDATE tasks SET state = 'pending', started_at = $2, decided_at = NULL \
             WHERE case_id = $1 AND state = 'info_requested'",
        )
        .bind(case_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(format!("case {case_id} waits for no information")));
        }
        audit(&mut tx, case_id, now, Some(by), "responded", serde_json::json!({"note": note}))
            .await?;
        let state = settle(&mut tx, case_id, now).await?;
        if state != before {
            audit(&mut tx, case_id, now, None, "state", serde_json::json!({"state": state}))
                .await?;
        }
        tx.commit().await?;
        self.case(case_id, now).await
    }

    /// A case's audit log, oldest first.
    pub async fn case_audit(
        &self,
        case_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Page<AuditEntry>> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(&self.read)
            .await?
            .try_get(0)?;
        let rows = sqlx::query(
            "SELECT id, case_id, at, actor, action, detail FROM audit WHERE case_id = $1 \
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(case_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    detail: crate::json_col(r, "detail")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total, limit, offset })
    }

    /// Time to decision over all decided cases, against serial routing.
    pub async fn case_stats(&self) -> Result<CaseStats> {
        let rows = sqlx::query(
            "SELECT c.state, c.submitted_at, c.decided_at, \
             (SELECT CAST(COALESCE(SUM(t.handling_ms), 0) AS BIGINT) FROM tasks t WHERE t.case_id = c.id) AS serial \
             FROM cases c",
        )
        .fetch_all(&self.read)
        .await?;
        let (mut decided, mut approved, mut rejected) = (0i64, 0i64, 0i64);
        let (mut dec_ms, mut ser_ms) = (0i64, 0i64);
        for r in &rows {
            let state: String = r.try_get("state")?;
            let sub: i64 = r.try_get("submitted_at")?;
            let at: Option<i64> = r.try_get("decided_at")?;
            let serial: i64 = r.try_get("serial")?;
            if let Some(at) = at {
                decided += 1;
                dec_ms += at - sub;
                ser_ms += serial;
            }
            approved += i64::from(state == "approved");
            rejected += i64::from(state == "rejected");
        }
        let mean = |ms: i64| (decided > 0).then(|| ms as f64 / 1000.0 / decided as f64);
        let (md, ms) = (mean(dec_ms), mean(ser_ms));
        let speedup = match (md, ms) {
            (Some(d), Some(s)) if d > 0.0 => Some(s / d),
            _ => None,
        };
        Ok(CaseStats {
            cases: rows.len() as i64,
            decided,
            approved,
            rejected,
            mean_decision_s: md,
            mean_serial_s: ms,
            speedup,
        })
    }
}
