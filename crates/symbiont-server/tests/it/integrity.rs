//! Server data integrity: referenced entities are neither deleted nor given another kind,
//! regions and sectors come from the vocabulary, usernames are normalised, and a 429 says
//! when to retry.

use serde_json::{Value, json};

use crate::harness::{App, DEPT, ENT, ENT_OTHER, PARK, cast, each_backend, new_case, task_of};

/// The `references` of an error body, as strings.
fn references(v: &Value) -> Vec<String> {
    v["error"]["references"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn delete(app: &App, token: &str, id: &str) -> (u16, Value) {
    app.call("DELETE", &format!("/api/entities/{id}"), Some(token), None)
}

#[test]
fn deleting_a_referenced_entity_is_refused_naming_every_reference() {
    each_backend(|app| {
        let c = cast(app);
        let case = new_case(app, &c.enterprise, "a mill");
        let case_id = case["id"].as_i64().expect("case id");
        let task = task_of(&case, DEPT);

        let (s, v) = delete(app, &c.admin, ENT);
        assert_eq!(s, 409, "{v}");
        assert_eq!(v["error"]["code"], "conflict", "{v}");
        assert_eq!(references(&v), vec!["user ent".to_string(), format!("case {case_id}")], "{v}");
        let msg = v["error"]["message"].as_str().unwrap_or("");
        assert!(msg.contains("user ent") && msg.contains(&format!("case {case_id}")), "{v}");

        let (s, v) = delete(app, &c.admin, PARK);
        assert_eq!(s, 409, "{v}");
        assert_eq!(references(&v), vec![format!("case {case_id}")], "{v}");

        let (s, v) = delete(app, &c.admin, DEPT);
        assert_eq!(s, 409, "{v}");
        assert_eq!(references(&v), vec!["user officer".to_string(), format!("task {task}")], "{v}");

        let (s, v) = delete(app, &c.admin, ENT_OTHER);
        assert_eq!(s, 409, "{v}");
        assert_eq!(references(&v), vec!["user ent2".to_string()], "{v}");

        for id in [ENT, PARK, DEPT, ENT_OTHER] {
            let (s, v) = app.get(&format!("/api/entities/{id}"), &c.admin);
            assert_eq!(s, 200, "a refused delete leaves {id} in place: {v}");
        }
        let (s, v) = app.get(&format!("/api/cases/{case_id}"), &c.enterprise);
        assert_eq!((s, &v["entity_id"]), (200, &json!(ENT)), "{v}");

        // An entity nothing refers to is deleted as before.
        let (s, v) = app.post(
            "/api/entities",
            &c.analyst,
            json!({"id": "lonely-bank", "kind": "finance", "name": "Lonely bank", "side": "home"}),
        );
        assert_eq!(s, 200, "{v}");
        let (s, v) = delete(app, &c.admin, "lonely-bank");
        assert_eq!(s, 204, "{v}");
        let (s, _) = app.get("/api/entities/lonely-bank", &c.admin);
        assert_eq!(s, 404);
    });
}

#[test]
fn a_refused_delete_lists_at_most_100_references_and_counts_the_rest() {
    each_backend(|app| {
        let c = cast(app);
        let ids: Vec<i64> = (0..110)
            .map(|i| new_case(app, &c.enterprise, &format!("case {i}"))["id"].as_i64().expect("id"))
            .collect();
        let (s, v) = delete(app, &c.admin, ENT);
        assert_eq!(s, 409, "{v}");
        let refs = references(&v);
        assert_eq!(refs.len(), 100, "{v}");
        assert_eq!(refs[0], "user ent");
        assert_eq!(refs[99], format!("case {}", ids[98]));
        // 111 references: the message shows ten and counts the other 101.
        let msg = v["error"]["message"].as_str().unwrap_or("");
        assert!(msg.contains(&format!("case {}", ids[8])) && msg.contains("and 101 more"), "{msg}");
    });
}

/// The body of a PUT that keeps everything of entity `id` but its kind.
fn with_kind(app: &App, token: &str, id: &str, kind: &str) -> Value {
    let (s, mut e) = app.get(&format!("/api/entities/{id}"), token);
    assert_eq!(s, 200, "{e}");
    let o = e.as_object_mut().expect("an entity object");
    o.remove("created_at");
    o.remove("updated_at");
    o.insert("kind".into(), json!(kind));
    e
}

#[test]
fn an_entity_bound_to_a_user_cannot_change_its_kind() {
    each_backend(|app| {
        let c = cast(app);
        let body = with_kind(app, &c.admin, ENT_OTHER, "finance");
        let (s, v) =
            app.call("PUT", &format!("/api/entities/{ENT_OTHER}"), Some(&c.analyst), Some(&body));
        assert_eq!(s, 409, "{v}");
        assert_eq!(v["error"]["fields"][0]["path"], "kind", "{v}");
        let msg = v["error"]["fields"][0]["message"].as_str().unwrap_or("");
        assert!(msg.contains("enterprise") && msg.contains("finance"), "{v}");
        assert!(msg.contains("user ent2"), "names the user: {v}");
        assert_eq!(references(&v), vec!["user ent2".to_string()], "{v}");
        let (_, e) = app.get(&format!("/api/entities/{ENT_OTHER}"), &c.admin);
        assert_eq!(e["kind"], "enterprise", "{e}");

        // The same change through a CSV import: a row report, nothing imported.
        let csv = format!(
            "id,kind,name,side\nnew-bank,finance,New bank,home\n{DEPT},university,Renamed,host\n"
        );
        let (s, _, text) =
            app.raw("POST", "/api/entities/import", Some(&c.analyst), Some(("text/csv", csv)));
        assert_eq!(s, 400, "{text}");
        let v: Value = serde_json::from_str(&text).expect("json");
        let rows = v["error"]["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{v}");
        assert_eq!(
            (&rows[0]["line"], &rows[0]["field"], &rows[0]["column"]),
            (&json!(3), &json!("kind"), &json!(2)),
            "{v}"
        );
        assert!(rows[0]["message"].as_str().is_some_and(|m| m.contains("user officer")), "{v}");
        let (s, _) = app.get("/api/entities/new-bank", &c.admin);
        assert_eq!(s, 404, "nothing imported");
        let (_, d) = app.get(&format!("/api/entities/{DEPT}"), &c.admin);
        assert_eq!(d["kind"], "department", "{d}");
        assert_ne!(d["name"], "Renamed", "the import wrote nothing: {d}");

        // Other changes to a bound entity, and a kind change of an unbound one, still work.
        let mut body = with_kind(app, &c.admin, ENT_OTHER, "enterprise");
        body["name"] = json!("Second enterprise, renamed");
        let (s, v) =
            app.call("PUT", &format!("/api/entities/{ENT_OTHER}"), Some(&c.analyst), Some(&body));
        assert_eq!(s, 200, "{v}");
        let (s, v) = app.post(
            "/api/entities",
            &c.analyst,
            json!({"id": "free-firm", "kind": "enterprise", "name": "Free firm", "side": "home"}),
        );
        assert_eq!(s, 200, "{v}");
        let body = with_kind(app, &c.admin, "free-firm", "finance");
        let (s, v) = app.call("PUT", "/api/entities/free-firm", Some(&c.analyst), Some(&body));
        assert_eq!((s, &v["kind"]), (200, &json!("finance")), "{v}");
    });
}

/// The first field error of an answer: (path, message).
fn first_field(v: &Value) -> (String, String) {
    let f = &v["error"]["fields"][0];
    (f["path"].as_str().unwrap_or("").into(), f["message"].as_str().unwrap_or("").into())
}

#[test]
fn regions_and_sectors_are_checked_against_the_scenario_vocabulary() {
    each_backend(|app| {
        let c = cast(app);
        let firm = |id: &str, region: &str, side: &str, sector: &str| {
            json!({"id": id, "kind": "enterprise", "name": "A firm", "side": side,
                   "region": region, "sector": sector})
        };
        let (s, v) = app.post("/api/entities", &c.analyst, firm("f1", "jiangsuu", "home", ""));
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["error"]["code"], "validation", "{v}");
        let (path, msg) = first_field(&v);
        assert_eq!(path, "region", "{v}");
        assert!(msg.contains("did you mean `jiangsu`?"), "{v}");
        assert!(msg.contains("jiangsu, laos"), "lists the allowed regions: {v}");

        let (s, v) = app.post("/api/entities", &c.analyst, firm("f1", "atlantis", "home", ""));
        assert_eq!(s, 422, "{v}");
        let (path, msg) = first_field(&v);
        assert_eq!(path, "region", "{v}");
        assert!(!msg.contains("did you mean") && msg.contains("jiangsu, laos"), "{v}");

        let (s, v) = app.post("/api/entities", &c.analyst, firm("f1", "laos", "host", "textile"));
        assert_eq!(s, 422, "{v}");
        let (path, msg) = first_field(&v);
        assert_eq!(path, "sector", "{v}");
        assert!(msg.contains("did you mean `textiles`?"), "{v}");
        assert!(
            msg.contains("textiles, agro_processing, building_materials, electronics, logistics"),
            "{v}"
        );

        let (s, v) = app.post("/api/entities", &c.analyst, firm("f1", "laos", "home", ""));
        assert_eq!(s, 422, "{v}");
        assert_eq!(first_field(&v).0, "side", "a host region on the home side: {v}");
        let (s, _) = app.get("/api/entities/f1", &c.analyst);
        assert_eq!(s, 404, "nothing refused was written");

        let (s, v) =
            app.post("/api/entities", &c.analyst, firm("f1", "laos", "host", "electronics"));
        assert_eq!(s, 200, "{v}");
        let mut bad = firm("f1", "laos", "host", "electronic");
        bad["name"] = json!("Renamed");
        let (s, v) = app.call("PUT", "/api/entities/f1", Some(&c.analyst), Some(&bad));
        assert_eq!((s, first_field(&v).0.as_str()), (422, "sector"), "{v}");

        let csv = "id,kind,name,side,region,sector\nf2,enterprise,Firm,host,laos,electronics\nf3,enterprise,Firm,home,jiangsu,spaceships\n";
        let (s, _, text) = app.raw(
            "POST",
            "/api/entities/import",
            Some(&c.analyst),
            Some(("text/csv", csv.into())),
        );
        assert_eq!(s, 400, "{text}");
        let v: Value = serde_json::from_str(&text).expect("json");
        let rows = v["error"]["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{v}");
        assert_eq!(
            (&rows[0]["line"], &rows[0]["field"], &rows[0]["column"]),
            (&json!(3), &json!("sector"), &json!(6)),
            "{v}"
        );
        let (s, _) = app.get("/api/entities/f2", &c.analyst);
        assert_eq!(s, 404, "nothing imported");

        // A new version of the scenario brings its words at once.
        let src = symbiont_model::DEFAULT_SCENARIO;
        let start = src.find("[[sector]]\nid = \"textiles\"").expect("the textiles sector");
        let len = src[start..].find("\n\n").expect("end of the sector block");
        let tourism = src[start..start + len]
            .replace("id = \"textiles\"", "id = \"tourism\"")
            .replace("name = \"Textiles and garments\"", "name = \"Tourism\"");
        let source = format!("{src}\n{tourism}\n");
        let (s, v) = app.call(
            "PUT",
            "/api/scenarios/default",
            Some(&c.analyst),
            Some(&json!({"source": source})),
        );
        assert_eq!(s, 200, "{v}");
        let (s, v) = app.post("/api/entities", &c.analyst, firm("f4", "laos", "host", "tourism"));
        assert_eq!(s, 200, "{v}");
    });
}

fn login(app: &App, username: &str, password: &str) -> (u16, Value) {
    app.call(
        "POST",
        "/api/auth/login",
        None,
        Some(&json!({"username": username, "password": password})),
    )
}

#[test]
fn usernames_are_normalised_so_look_alikes_cannot_sit_beside_each_other() {
    each_backend(|app| {
        // The first admin's name is normalised too.
        let t = app.bootstrap.clone().expect("a bootstrap token");
        let (s, v) = app.call(
            "POST",
            "/api/auth/bootstrap",
            None,
            Some(&json!({"token": t, "username": " Admin ", "password": "admin-password"})),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["user"]["username"], "admin", "{v}");
        let admin = v["token"].as_str().expect("token").to_string();
        let create = |name: &str| {
            app.post(
                "/api/users",
                &admin,
                json!({"username": name, "password": "password-123", "role": "analyst"}),
            )
        };

        for dup in ["ADMIN", "Admin", "\u{ff21}\u{ff24}\u{ff2d}\u{ff29}\u{ff2e}", "admin "] {
            let (s, v) = create(dup);
            assert_eq!(s, 409, "{dup:?} is the name admin: {v}");
            assert_eq!(v["error"]["code"], "conflict", "{v}");
            assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("\"admin\"")), "{v}");
        }
        for (bad, code) in [
            ("ad\u{200b}min", "U+200B"),
            ("ad\u{200d}min", "U+200D"),
            ("admin\u{2060}", "U+2060"),
            ("\u{feff}admin", "U+FEFF"),
            ("adm\u{7}in", "U+0007"),
            ("ad\u{202e}nim", "U+202E"),
            ("ad\u{ad}min", "U+00AD"),
            ("fresh\u{200b}name", "U+200B"),
        ] {
            let (s, v) = create(bad);
            assert_eq!(s, 422, "{bad:?}: {v}");
            assert_eq!(v["error"]["fields"][0]["path"], "username", "{v}");
            let msg = v["error"]["fields"][0]["message"].as_str().unwrap_or("");
            assert!(msg.contains("invisible") && msg.contains(code), "{bad:?}: {v}");
        }
        let (_, users) = app.get("/api/users", &admin);
        assert_eq!(users["total"], 1, "no look-alike was created: {users}");

        // Stored in the normal form; logged in under any form of it.
        let (s, v) = create("Ｍaria.ＬOPEZ");
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["username"], "maria.lopez", "{v}");
        for form in ["maria.lopez", "MARIA.LOPEZ", "Ｍａｒｉａ.Ｌｏｐｅｚ"] {
            let (s, v) = login(app, form, "password-123");
            assert_eq!(s, 200, "{form:?}: {v}");
            assert_eq!(v["user"]["username"], "maria.lopez", "{v}");
        }
        let (s, _) = login(app, "maria\u{200b}.lopez", "password-123");
        assert_eq!(s, 401, "a name with an invisible character is no one's");

        // A name stored before normalisation still logs in as stored, and blocks its look-alikes.
        let hash = symbiont_server::auth::hash_password("password-123").expect("hash");
        // A multi-threaded runtime: it keeps running the pool's task that returns the
        // connection, which the server's next write waits for.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&app.database_url()).await.expect("connect");
            sqlx::query(
                "INSERT INTO users (username, password_hash, role, created_at) \
                 VALUES ('Legacy', $1, 'analyst', 0)",
            )
            .bind(hash)
            .execute(&pool)
            .await
            .expect("insert a legacy user");
            pool.close().await;
        });
        let (s, v) = login(app, "Legacy", "password-123");
        assert_eq!((s, &v["user"]["username"]), (200, &json!("Legacy")), "{v}");
        let (s, v) = create("legacy");
        assert_eq!(s, 409, "{v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("\"Legacy\"")), "{v}");
    });
}

/// One HTTP/1.1 connection kept open across requests (a client reusing its connection).
struct Conn {
    stream: std::io::BufReader<std::net::TcpStream>,
    host: String,
}

impl Conn {
    fn open(app: &App) -> Conn {
        let host = app.base.trim_start_matches("http://").to_string();
        let stream = std::net::TcpStream::connect(&host).expect("connect");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("timeout");
        Conn { stream: std::io::BufReader::new(stream), host }
    }

    /// POST a JSON body; the status, the `Retry-After` header and the body. Panics if the
    /// server closed the connection.
    fn post(&mut self, path: &str, token: &str, body: &Value) -> (u16, Option<String>, Value) {
        use std::io::{BufRead, Read, Write};
        let body = body.to_string();
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.stream.get_mut().write_all(req.as_bytes()).expect("send on the open connection");
        let mut status_line = String::new();
        let n = self.stream.read_line(&mut status_line).expect("read the status line");
        assert!(n > 0, "the server closed the connection");
        let status: u16 =
            status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
        let (mut len, mut retry, mut close) = (0usize, None, false);
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).expect("a header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').expect("a header");
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => len = v.trim().parse().expect("a length"),
                "retry-after" => retry = Some(v.trim().to_string()),
                "connection" => close = v.trim().eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        assert!(!close, "the server announced it closes the connection (status {status})");
        let mut buf = vec![0; len];
        self.stream.read_exact(&mut buf).expect("the body");
        (status, retry, serde_json::from_slice(&buf).unwrap_or(Value::Null))
    }
}

#[test]
fn a_429_says_when_to_retry_and_keeps_the_connection_usable() {
    crate::harness::each_backend_with(
        |cfg| {
            cfg.write_rate_per_s = 0.5;
            cfg.write_burst = 2.0;
        },
        |app| {
            let admin = app.admin();
            let mut conn = Conn::open(app);
            let body = json!({"source": symbiont_model::DEFAULT_SCENARIO});
            for _ in 0..2 {
                let (s, _, v) = conn.post("/api/scenarios/validate", &admin, &body);
                assert_eq!(s, 200, "within the burst: {v}");
            }
            let big = json!({"source": "#".repeat(900_000)});
            let (s, retry, v) = conn.post("/api/scenarios/validate", &admin, &big);
            assert_eq!(s, 429, "{v}");
            assert_eq!(v["error"]["code"], "rate_limited", "{v}");
            // One token comes back every 2 s at 0.5 per second: the header says the whole
            // seconds until then (2, or 1 if the third write came a second or more late).
            let wait: u64 = retry.as_deref().and_then(|r| r.parse().ok()).expect("Retry-After");
            assert!((1..=2).contains(&wait), "Retry-After {wait}: {v}");
            let msg = v["error"]["message"].as_str().unwrap_or("");
            assert!(msg.contains(&format!("retry after {wait} s")), "{v}");
            // Wait as told (and a little more), then write again on the same connection.
            std::thread::sleep(std::time::Duration::from_millis(wait * 1000 + 100));
            let (s, _, v) = conn.post("/api/scenarios/validate", &admin, &body);
            assert_eq!(s, 200, "after Retry-After, on the same connection: {v}");
            assert_eq!(v["ok"], true, "{v}");
        },
    );
}
