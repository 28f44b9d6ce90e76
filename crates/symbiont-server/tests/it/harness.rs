//! Spawning the app per test, per backend, and a small blocking HTTP client.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A running app on an ephemeral port.
pub struct App {
    pub base: String,
    pub backend: &'static str,
    pub bootstrap: Option<String>,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
    pg_db: Option<(String, String)>,
    agent: ureq::Agent,
}

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    #[allow(clippy::disallowed_methods)]
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{}_{}", std::process::id(), n, t % 1_000_000_000)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Run `f` against a fresh app on SQLite, then on PostgreSQL if configured.
pub fn each_backend(f: impl Fn(&App)) {
    each_backend_with(|_| {}, f)
}

/// As [`each_backend`], with a change to the config first.
pub fn each_backend_with(cfg: impl Fn(&mut symbiont_server::Config), f: impl Fn(&App)) {
    let app = App::start("sqlite", &cfg);
    f(&app);
    drop(app);
    match std::env::var("SYMBIONT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let app = App::start_pg(&url, &cfg);
            f(&app);
        }
        _ => println!("PostgreSQL half skipped: SYMBIONT_TEST_POSTGRES_URL is not set"),
    }
}

impl App {
    fn start(backend: &'static str, cfg: &dyn Fn(&mut symbiont_server::Config)) -> App {
        App::launch(backend, None, cfg)
    }

    fn start_pg(url: &str, cfg: &dyn Fn(&mut symbiont_server::Config)) -> App {
        let name = format!("symbiont_t_{}", unique());
        rt().block_on(async {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(url).await.expect("connect to PostgreSQL");
            pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("create db");
            pool.close().await;
        });
        let (head, _) = url.rsplit_once('/').expect("a database URL with a database name");
        let db_url = format!("{head}/{name}");
        App::launch("postgres", Some((url.to_string(), name, db_url)), cfg)
    }

    fn launch(
        backend: &'static str,
        pg: Option<(String, String, String)>,
        cfg: &dyn Fn(&mut symbiont_server::Config),
    ) -> App {
        let dir = std::env::temp_dir().join(format!("symbiont-it-{}", unique()));
        let mut config = symbiont_server::Config::new(dir.clone());
        config.database_url = pg.as_ref().map(|p| p.2.clone());
        config.write_rate_per_s = 10_000.0;
        config.write_burst = 10_000.0;
        cfg(&mut config);
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = rt();
            let running = rt.block_on(symbiont_server::serve(
                config,
                "127.0.0.1:0".parse().expect("addr"),
                true,
            ));
            match running {
                Ok(r) => {
                    tx.send(Ok((r.addr, r.bootstrap_token.clone()))).expect("send");
                    let _ = stop_rx.recv();
                    r.handle.abort();
                    rt.block_on(r.state.store.close());
                }
                Err(e) => tx.send(Err(e.to_string())).expect("send"),
            }
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
        });
        let (addr, bootstrap) = rx.recv().expect("server thread").expect("server start");
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        App {
            base: format!("http://{addr}"),
            backend,
            bootstrap,
            stop: Some(stop_tx),
            thread: Some(thread),
            dir,
            pg_db: pg.map(|p| (p.0, p.1)),
            agent,
        }
    }

    /// The URL of this app's database, for a test that writes what the API cannot (e.g. a row
    /// as an older version stored it).
    pub fn database_url(&self) -> String {
        match &self.pg_db {
            Some((admin, name)) => {
                let (head, _) = admin.rsplit_once('/').expect("a URL with a database name");
                format!("{head}/{name}")
            }
            None => format!("sqlite://{}?mode=rwc", self.dir.join("symbiont.db").display()),
        }
    }

    /// Send a request; the status and the JSON body (Null when not JSON).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let (s, _, text) =
            self.raw(method, path, token, body.map(|b| ("application/json", b.to_string())));
        (s, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Send a request with a raw body; status, headers we care about, and the text.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, String)>,
    ) -> (u16, Option<String>, String) {
        let url = format!("{}{}", self.base, path);
        let auth = token.map(|t| format!("Bearer {t}"));
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        let _ = &self.agent;
        let resp = match (method, body) {
            ("GET", _) => {
                let mut r = agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = agent.delete(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.call()
            }
            (m, b) => {
                let mut r = if m == "PUT" { agent.put(&url) } else { agent.post(&url) };
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                match b {
                    Some((ct, text)) => r.header("content-type", ct).send(text),
                    None => r.send_empty(),
                }
            }
        };
        let mut resp = resp.expect("HTTP request");
        let status = resp.status().as_u16();
        let rid =
            resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (status, rid, text)
    }

    pub fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, Some(token), None)
    }
    pub fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(token), Some(&body))
    }

    /// Bootstrap the first admin; its token.
    pub fn admin(&self) -> String {
        let t = self.bootstrap.clone().expect("a bootstrap token on first start");
        let (s, v) = self.call(
            "POST",
            "/api/auth/bootstrap",
            None,
            Some(&json!({"token": t, "username": "admin", "password": "admin-password"})),
        );
        assert_eq!(s, 200, "bootstrap: {v}");
        v["token"].as_str().expect("token").to_string()
    }

    /// Create a user as admin and log in; its token.
    pub fn user(
        &self,
        admin: &str,
        name: &str,
        role: &str,
        dept: Option<&str>,
        entity: Option<&str>,
    ) -> String {
        let (s, v) = self.post(
            "/api/users",
            admin,
            json!({"username": name, "password": "password-123", "role": role,
                   "department_id": dept, "entity_id": entity}),
        );
        assert_eq!(s, 200, "create user {name}: {v}");
        let (s, v) = self.call(
            "POST",
            "/api/auth/login",
            None,
            Some(&json!({"username": name, "password": "password-123"})),
        );
        assert_eq!(s, 200, "login {name}: {v}");
        v["token"].as_str().expect("token").to_string()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((url, name)) = self.pg_db.take() {
            rt().block_on(async {
                use sqlx::Executor;
                if let Ok(pool) = sqlx::AnyPool::connect(&url).await {
                    let _ = pool
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                    pool.close().await;
                }
            });
        }
    }
}

/// The cast of a typical test: admin, two officers, two enterprises, an analyst.
pub struct Cast {
    pub admin: String,
    pub officer: String,
    pub officer_other: String,
    pub enterprise: String,
    pub enterprise_other: String,
    pub analyst: String,
    pub departments: Vec<String>,
}

pub const DEPT: &str = "js-drc";
pub const DEPT_OTHER: &str = "la-mpi";
pub const ENT: &str = "anchor-textiles";
pub const ENT_OTHER: &str = "second-enterprise";
pub const PARK: &str = "saysettha";

pub fn cast(app: &App) -> Cast {
    let admin = app.admin();
    let (s, v) = app.post(
        "/api/entities",
        &admin,
        json!({"id": ENT_OTHER, "kind": "enterprise", "name": "Second enterprise", "side": "home",
               "endowments": {"capital": 1.0e6}}),
    );
    assert_eq!(s, 200, "{v}");
    let (_, d) = app.get("/api/entities?kind=department&limit=500", &admin);
    let departments = d["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_string())
        .collect();
    Cast {
        officer: app.user(&admin, "officer", "officer", Some(DEPT), None),
        officer_other: app.user(&admin, "officer2", "officer", Some(DEPT_OTHER), None),
        enterprise: app.user(&admin, "ent", "enterprise", None, Some(ENT)),
        enterprise_other: app.user(&admin, "ent2", "enterprise", None, Some(ENT_OTHER)),
        analyst: app.user(&admin, "analyst", "analyst", None, None),
        admin,
        departments,
    }
}

pub fn new_case(app: &App, token: &str, title: &str) -> Value {
    let (s, v) = app.post(
        "/api/cases",
        token,
        json!({"park_id": PARK, "title": title,
               "dossier": {"capital_usd": 2.5e6, "jobs": 120, "sector": "textiles", "description": "a mill"}}),
    );
    assert_eq!(s, 200, "submit case: {v}");
    v
}

/// The id of the task of `dept` in a case.
pub fn task_of(case: &Value, dept: &str) -> i64 {
    case["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["department_id"] == dept)
        .and_then(|t| t["id"].as_i64())
        .expect("a task for the department")
}

/// Submit a job, wait for its final state on the event stream, and return its result.
pub fn run_job(app: &App, token: &str, body: serde_json::Value) -> serde_json::Value {
    let (s, j) = app.post("/api/jobs", token, body);
    assert_eq!(s, 200, "{j}");
    let (_, _, events) =
        app.raw("GET", &format!("/api/jobs/{}/events", j["id"]), Some(token), None);
    let (_, done) = app.get(&format!("/api/jobs/{}", j["id"]), token);
    assert_eq!(done["state"], "succeeded", "{done} {events}");
    let (s, r) = app.get(&format!("/api/jobs/{}/result", j["id"]), token);
    assert_eq!(s, 200, "{r}");
    r
}
