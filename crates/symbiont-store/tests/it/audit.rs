//! The audit log is append-only in the schema itself: a trigger (SQLite) or a rule (PostgreSQL)
//! refuses to change or remove an entry, whoever asks.

use sqlx::Row;

use crate::{each_backend, open, raw, rt};

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    each_backend(|url, backend| {
        rt().block_on(async {
            let store = open(url).await;
            store.close().await;
            let pool = raw(url).await;
            sqlx::query(
                "INSERT INTO cases (entity_id, park_id, title, dossier, state, submitted_at, created_by) \
                 VALUES ('ent', 'park', 'audited', '{}', 'submitted', 0, 1)",
            )
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO audit (case_id, at, actor, action, detail) \
                 VALUES (1, 0, 1, 'submitted', '{}')",
            )
            .execute(&pool)
            .await
            .expect("an entry is appended");
            let upd = sqlx::query("UPDATE audit SET action = 'forged'").execute(&pool).await;
            assert!(upd.is_err(), "{backend}: an update is refused");
            let del = sqlx::query("DELETE FROM audit").execute(&pool).await;
            assert!(del.is_err(), "{backend}: a delete is refused");
            let row = sqlx::query("SELECT action FROM audit").fetch_one(&pool).await.unwrap();
            let action: String = row.get("action");
            assert_eq!(action, "submitted", "{backend}: the entry is intact");
            pool.close().await;
        });
    });
}
