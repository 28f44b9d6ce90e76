//! The store's own contract, on SQLite and, when `SYMBIONT_TEST_POSTGRES_URL` names a server,
//! on PostgreSQL: the migrations apply once and a reopened database is left as it was; the
//! audit log is append-only in the schema itself; settings round-trip.

mod audit;
mod schema;

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Executor;
use symbiont_store::Store;

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    #[allow(clippy::disallowed_methods)]
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{}_{}", std::process::id(), n, t % 1_000_000_000)
}

/// Run `f(url, backend)` on a fresh SQLite file, then on a fresh PostgreSQL database if one
/// is configured (dropped afterwards).
pub fn each_backend(f: impl Fn(&str, &str)) {
    let dir = std::env::temp_dir().join(format!("symbiont-store-it-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("store.db").display());
    f(&url, "sqlite");
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("SYMBIONT_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("symbiont_s_{}", unique());
            let rt = rt();
            rt.block_on(async {
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&admin).await.expect("connect to PostgreSQL");
                pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create db");
                pool.close().await;
            });
            let (head, _) = admin.rsplit_once('/').expect("a URL with a database name");
            f(&format!("{head}/{name}"), "postgres");
            rt.block_on(async {
                let pool = sqlx::AnyPool::connect(&admin).await.expect("connect");
                let _ = pool
                    .execute(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .await;
                pool.close().await;
            });
        }
        _ => println!("PostgreSQL half skipped: SYMBIONT_TEST_POSTGRES_URL is not set"),
    }
}

/// Open the store at `url`.
pub async fn open(url: &str) -> Store {
    Store::open(url, 2).await.expect("open the store")
}

/// A raw connection to the same database, for statements the store's API does not offer
/// (the schema's own guards are what is tested).
pub async fn raw(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite:") && !url.contains('?') {
        format!("{url}?mode=rwc")
    } else {
        url.to_string()
    };
    sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("connect")
}
