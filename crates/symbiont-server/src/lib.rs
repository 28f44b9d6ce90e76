//! The Symbiont server: a shared system for the promoting organisation — who is in the network
//! and what each offers and needs (registry), which studies were run on what assumptions
//! (versioned scenarios and study jobs), and where every investment dossier stands in the one
//! window (cases routed in parallel to departments, with an append-only audit log).
//!
//! [`serve`] binds an address and runs the API (axum) under `/api`, the OpenAPI document at
//! `/api/openapi.json`, a Swagger UI at `/api/docs`, and the embedded dashboard at `/`.
//! Storage is [`symbiont_store`] (SQLite by default, PostgreSQL by URL). Engine work runs on a
//! bounded pool of blocking workers ([`worker`]). The server is the one place that reads the
//! clock (`now_ms`) and the OS random source (session tokens).

pub mod api;
pub mod auth;
pub mod cache;
pub mod error;
pub mod first_start;
pub mod results;
pub mod vocab;
pub mod web;
pub mod worker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use symbiont_store::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite file and job outputs live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: `sqlite://DATA_DIR/symbiont.db`.
    pub database_url: Option<String>,
    /// Engine jobs that may run at once.
    pub workers: usize,
    /// Seconds of wall time per scenario day (task due times).
    pub day_seconds: f64,
    /// Session lifetime in seconds.
    pub token_ttl_s: i64,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Writes per second per token (sustained) and the burst allowed.
    pub write_rate_per_s: f64,
    pub write_burst: f64,
    /// A job interrupted this many times by server stops fails instead of running again.
    pub max_interruptions: i64,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            database_url: None,
            workers: 1,
            day_seconds: 86_400.0,
            token_ttl_s: 12 * 3600,
            body_limit: 1 << 20,
            write_rate_per_s: 20.0,
            write_burst: 100.0,
            max_interruptions: 3,
        }
    }
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("symbiont.db").display()))
    }
}

/// Shared state of the handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub sessions: Arc<auth::SessionCache>,
    pub limiter: Arc<auth::RateLimiter>,
    pub jobs: Arc<worker::Jobs>,
    /// Read caches of the registry and the cases, invalidated by every write.
    pub caches: Arc<cache::Caches>,
    /// Test hook: when set, `GET /api/debug/fail` answers a forced internal error.
    pub debug_routes: bool,
}

/// Milliseconds since the Unix epoch: the server's one clock.
#[allow(clippy::disallowed_methods)]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("store: {0}")]
    Store(#[from] symbiont_store::StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("seeding: {0}")]
    Seed(String),
}

/// A started server: its address, the bootstrap token if one was printed, and its task.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    pub bootstrap_token: Option<String>,
    pub state: AppState,
    pub handle: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

/// Open the store, seed it on first start, recover interrupted jobs, start the workers.
pub async fn prepare(
    config: Config,
    debug_routes: bool,
) -> Result<(AppState, Option<String>), ServerError> {
    std::fs::create_dir_all(&config.data_dir)?;
    let store = Store::open(&config.url(), 16).await?;
    let now = now_ms();
    first_start::seed(&store, now).await?;
    let bootstrap = first_start::bootstrap_token(&store).await?;
    let (requeued, failed) = store.recover_jobs(config.max_interruptions, now).await?;
    if requeued + failed > 0 {
        tracing::warn!(requeued, failed, "jobs interrupted by the last stop");
    }
    let limiter = auth::RateLimiter::new(config.write_rate_per_s, config.write_burst);
    let jobs = worker::Jobs::new(config.workers);
    let state = AppState {
        store,
        config: Arc::new(config),
        sessions: Arc::new(auth::SessionCache::default()),
        limiter,
        jobs,
        caches: Arc::new(cache::Caches::default()),
        debug_routes,
    };
    worker::start(state.clone());
    Ok((state, bootstrap))
}

/// The whole application: API, docs, dashboard, with request ids, error shaping and limits.
pub fn app(state: AppState) -> Router {
    let rid = HeaderName::from_static("x-request-id");
    let limit = state.config.body_limit;
    Router::new()
        .merge(api::router(state.clone()))
        .merge(web::router())
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn_with_state(limit, auth::read_writes_first))
        .layer(axum::middleware::from_fn(error::shape_errors))
        .layer(PropagateRequestIdLayer::new(rid.clone()))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(rid, MakeRequestUuid))
}

/// Bind `addr` and serve until the task is dropped or aborted.
pub async fn serve(
    config: Config,
    addr: SocketAddr,
    debug_routes: bool,
) -> Result<Running, ServerError> {
    let (state, bootstrap_token) = prepare(config, debug_routes).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let router = app(state.clone());
    let handle = tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(Running { addr, bootstrap_token, state, handle })
}

/// How long the workers sleep between looks at the queue when nothing woke them.
pub(crate) const QUEUE_POLL: Duration = Duration::from_millis(500);
