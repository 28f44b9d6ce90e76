//! The crash test: kill -9 `symbiont serve` in the middle of jobs and case actions, restart
//! it, and find nothing lost, nothing duplicated, and the jobs resumed or marked failed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

struct Server {
    child: Child,
    base: String,
    bootstrap: Option<String>,
}

fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_symbiont"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--day-seconds",
            "60",
            "--write-rate",
            "1000",
            "--write-burst",
            "1000",
        ])
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start symbiont serve");
    let out = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(out).lines();
    let mut bootstrap = None;
    let base = loop {
        let line = lines.next().expect("the server prints its address").expect("a line");
        if let Some(t) = line.strip_prefix("bootstrap token (one time; creates the first admin): ")
        {
            bootstrap = Some(t.trim().to_string());
        }
        if let Some(addr) = line.strip_prefix("listening on ") {
            break addr.trim().to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base, bootstrap }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().new_agent()
}

fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Option<(u16, Value)> {
    let a = agent();
    let url = format!("{base}{path}");
    let auth = token.map(|t| format!("Bearer {t}"));
    let res = if method == "GET" {
        let mut r = a.get(&url);
        if let Some(h) = &auth {
            r = r.header("authorization", h);
        }
        r.call()
    } else {
        let mut r = a.post(&url);
        if let Some(h) = &auth {
            r = r.header("authorization", h);
        }
        r.header("content-type", "application/json").send(body.unwrap_or(json!({})).to_string())
    };
    let mut res = res.ok()?;
    let s = res.status().as_u16();
    let text = res.body_mut().read_to_string().ok()?;
    Some((s, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn login(base: &str, user: &str, pw: &str) -> String {
    let (_, v) = call(
        base,
        "POST",
        "/api/auth/login",
        None,
        Some(json!({"username": user, "password": pw})),
    )
    .expect("login");
    v["token"].as_str().expect("token").to_string()
}

#[test]
fn kill_9_mid_work_loses_and_duplicates_nothing() {
    #[allow(clippy::disallowed_methods)]
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("symbiont-crash-{}-{nanos}", std::process::id()));
    let mut s1 = start(&dir);
    let base = s1.base.clone();
    let boot = s1.bootstrap.clone().expect("a bootstrap token on first start");
    let (st, v) = call(
        &base,
        "POST",
        "/api/auth/bootstrap",
        None,
        Some(json!({"token": boot, "username": "admin", "password": "admin-password"})),
    )
    .expect("bootstrap");
    assert_eq!(st, 200, "{v}");
    let admin = v["token"].as_str().expect("token").to_string();
    let (_, deps) = call(&base, "GET", "/api/entities?kind=department", Some(&admin), None)
        .expect("departments");
    let deps: Vec<String> = deps["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["id"].as_str().unwrap_or("").to_string())
        .collect();
    let mk = |name: &str, role: &str, dept: Option<&str>, ent: Option<&str>| {
        let (s, v) = call(&base, "POST", "/api/users", Some(&admin), Some(json!({"username": name, "password": "password-123", "role": role, "department_id": dept, "entity_id": ent}))).expect("user");
        assert_eq!(s, 200, "{v}");
        login(&base, name, "password-123")
    };
    let ent = mk("ent", "enterprise", None, Some("anchor-textiles"));
    let analyst = mk("analyst", "analyst", None, None);
    let officers: Vec<(String, String)> =
        deps.iter().map(|d| (d.clone(), mk(&format!("o-{d}"), "officer", Some(d), None))).collect();

    // Jobs: a long one that will be running at the kill, and one queued behind it.
    let mut jobs = Vec::new();
    for runs in [400, 2] {
        let (s, j) = call(&base, "POST", "/api/jobs", Some(&analyst), Some(json!({"kind": "simulate", "scenario_id": "default", "params": {"runs": runs, "periods": 8, "modes": ["network"]}}))).expect("job");
        assert_eq!(s, 200, "{j}");
        jobs.push(j["id"].as_i64().expect("id"));
    }
    // Cases, acknowledged before the kill.
    let mut cases = Vec::new();
    for i in 0..10 {
        let (s, c) = call(&base, "POST", "/api/cases", Some(&ent), Some(json!({"park_id": "saysettha", "title": format!("case {i}"), "dossier": {"capital_usd": 1.0e6, "jobs": 10, "sector": "textiles"}}))).expect("case");
        assert_eq!(s, 200, "{c}");
        cases.push(c);
    }
    // Decisions race the kill: each acknowledged one must survive, exactly once.
    let acked = std::sync::Mutex::new(Vec::<i64>::new());
    std::thread::scope(|sc| {
        let worker = sc.spawn(|| {
            for c in &cases {
                for (d, tok) in &officers {
                    let tid = c["tasks"]
                        .as_array()
                        .expect("tasks")
                        .iter()
                        .find(|t| t["department_id"] == d.as_str())
                        .and_then(|t| t["id"].as_i64())
                        .expect("task");
                    match call(
                        &base,
                        "POST",
                        &format!("/api/tasks/{tid}/decision"),
                        Some(tok),
                        Some(json!({"decision": "approve"})),
                    ) {
                        Some((200, _)) => acked.lock().expect("lock").push(tid),
                        Some(_) => {}
                        None => return,
                    }
                }
            }
        });
        // Wait until the long job is running and some decisions are in, then kill -9.
        loop {
            let (_, j) =
                call(&base, "GET", &format!("/api/jobs/{}", jobs[0]), Some(&analyst), None)
                    .expect("job");
            if j["state"] == "running" && acked.lock().expect("lock").len() >= 5 {
                break;
            }
            assert!(
                j["state"] == "running" || j["state"] == "queued",
                "the long job ended before the kill: {j}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        s1.child.kill().expect("kill -9");
        let _ = s1.child.wait();
        let _ = worker.join();
    });
    let acked = acked.into_inner().expect("lock");
    assert!(!acked.is_empty());

    let mut s2 = start(&dir);
    assert!(s2.bootstrap.is_none(), "no second bootstrap token once an admin exists");
    let base = s2.base.clone();
    let admin = login(&base, "admin", "admin-password");
    let (_, list) = call(&base, "GET", "/api/cases?limit=500", Some(&admin), None).expect("cases");
    assert_eq!(list["total"], 10, "every acknowledged case is there, once");
    let mut approvals_seen = 0;
    for c in list["items"].as_array().expect("items") {
        let (_, audit) =
            call(&base, "GET", &format!("/api/cases/{}/audit", c["id"]), Some(&admin), None)
                .expect("audit");
        let items = audit["items"].as_array().expect("items");
        assert_eq!(items.iter().filter(|e| e["action"] == "submitted").count(), 1);
        for t in c["tasks"].as_array().expect("tasks") {
            let tid = t["id"].as_i64().expect("id");
            let n = items
                .iter()
                .filter(|e| e["action"] == "approve" && e["detail"]["task_id"] == tid)
                .count();
            if acked.contains(&tid) {
                assert_eq!(t["state"], "approved", "an acknowledged decision survives");
            }
            assert_eq!(
                n,
                usize::from(t["state"] == "approved"),
                "one audit entry per decision, none duplicated"
            );
            approvals_seen += n;
        }
    }
    assert!(approvals_seen >= acked.len());
    // The interrupted job was marked and queued again; both jobs finish.
    let (_, j0) =
        call(&base, "GET", &format!("/api/jobs/{}", jobs[0]), Some(&admin), None).expect("job");
    assert!(
        j0["interruptions"].as_i64() >= Some(1),
        "the running job was marked interrupted: {j0}"
    );
    for id in &jobs {
        let mut state = String::new();
        for _ in 0..1200 {
            let (_, j) =
                call(&base, "GET", &format!("/api/jobs/{id}"), Some(&admin), None).expect("job");
            state = j["state"].as_str().unwrap_or("").to_string();
            if state == "succeeded" || state == "failed" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(
            state == "succeeded" || state == "failed",
            "job {id} resumed or failed, not lost: {state}"
        );
    }
    let _ = s2.child.kill();
    let _ = s2.child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
