//! The migrations apply once per backend, and reopening a database changes nothing.

use sqlx::Row;

use crate::{each_backend, open, raw, rt};

#[test]
fn migrations_apply_once_and_reopening_changes_nothing() {
    each_backend(|url, backend| {
        rt().block_on(async {
            let files = std::fs::read_dir(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend),
            )
            .unwrap()
            .count() as i64;
            let store = open(url).await;
            store.set_setting("probe", "1").await.unwrap();
            store.close().await;
            let count = |pool: sqlx::AnyPool| async move {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                let n: i64 = row.get("n");
                pool.close().await;
                n
            };
            assert_eq!(count(raw(url).await).await, files, "{backend}: one row per migration");
            // Reopened: no migration runs again, and what was stored is still there.
            let store = open(url).await;
            assert_eq!(store.setting("probe").await.unwrap().as_deref(), Some("1"), "{backend}");
            assert_eq!(store.setting("absent").await.unwrap(), None, "{backend}");
            store.close().await;
            assert_eq!(count(raw(url).await).await, files, "{backend}: reopening applied nothing");
        });
    });
}

#[test]
fn a_url_of_another_kind_is_refused_naming_it() {
    let err = rt().block_on(symbiont_store::Store::open("mysql://x/y", 1)).err().unwrap();
    assert!(err.to_string().contains("mysql://x/y"), "{err}");
}
