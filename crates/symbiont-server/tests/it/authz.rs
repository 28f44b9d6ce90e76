//! The authorisation matrix: every role × every endpoint × own or other's object, with the
//! expected answer, generated from one table.

use serde_json::{Value, json};

use crate::harness::{
    App, Cast, DEPT, DEPT_OTHER, ENT_OTHER, PARK, cast, each_backend, new_case, task_of,
};

/// Expected answers per caller: admin, officer, enterprise, analyst, anonymous.
/// `A` allowed (2xx), `F` 403, `N` 404, `U` 401.
type Expect = [char; 5];

/// A request to make: method, path, body.
type Req = (&'static str, String, Option<Value>);

struct Row {
    endpoint: &'static str,
    /// Build the request; `own` picks the caller's own object (or another's).
    make: fn(&App, &Cast, bool) -> Req,
    own: Expect,
    other: Expect,
}

fn case_of(app: &App, c: &Cast, own: bool) -> Value {
    let who = if own { &c.enterprise } else { &c.enterprise_other };
    new_case(app, who, "matrix case")
}

fn table() -> Vec<Row> {
    vec![
        Row {
            endpoint: "GET /api/me",
            make: |_, _, _| ("GET", "/api/me".into(), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/users",
            make: |_, _, _| ("GET", "/api/users".into(), None),
            own: ['A', 'F', 'F', 'F', 'U'],
            other: ['A', 'F', 'F', 'F', 'U'],
        },
        Row {
            endpoint: "POST /api/users",
            make: |_, _, _| {
                (
                    "POST",
                    "/api/users".into(),
                    Some(
                        json!({"username": format!("u{}", next()), "password": "password-123", "role": "analyst"}),
                    ),
                )
            },
            own: ['A', 'F', 'F', 'F', 'U'],
            other: ['A', 'F', 'F', 'F', 'U'],
        },
        Row {
            endpoint: "GET /api/entities",
            make: |_, _, _| ("GET", "/api/entities".into(), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/entities/{id}",
            make: |_, _, _| ("GET", format!("/api/entities/{PARK}"), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/entities",
            make: |_, _, _| {
                (
                    "POST",
                    "/api/entities".into(),
                    Some(
                        json!({"id": format!("e{}", next()), "kind": "university", "name": "U", "side": "home"}),
                    ),
                )
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "PUT /api/entities/{id}",
            make: |_, _, _| {
                (
                    "PUT",
                    format!("/api/entities/{ENT_OTHER}"),
                    Some(
                        json!({"id": ENT_OTHER, "kind": "enterprise", "name": "Renamed", "side": "home"}),
                    ),
                )
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "DELETE /api/entities/{id}",
            make: |app, c, _| {
                let id = format!("d{}", next());
                let (s, _) = app.post(
                    "/api/entities",
                    &c.admin,
                    json!({"id": id, "kind": "finance", "name": "F", "side": "host"}),
                );
                assert_eq!(s, 200);
                ("DELETE", format!("/api/entities/{id}"), None)
            },
            own: ['A', 'F', 'F', 'F', 'U'],
            other: ['A', 'F', 'F', 'F', 'U'],
        },
        Row {
            endpoint: "POST /api/entities/import",
            make: |_, _, _| {
                (
                    "CSV",
                    "/api/entities/import".into(),
                    Some(Value::String(format!(
                        "id,kind,name,side\ni{},intermediary,Broker,host\n",
                        next()
                    ))),
                )
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/scenarios",
            make: |_, _, _| ("GET", "/api/scenarios".into(), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/scenarios/{id}",
            make: |_, _, _| ("GET", "/api/scenarios/default".into(), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/scenarios",
            make: |_, _, _| {
                (
                    "POST",
                    "/api/scenarios".into(),
                    Some(
                        json!({"id": format!("s{}", next()), "name": "Copy", "source": symbiont_model::DEFAULT_SCENARIO}),
                    ),
                )
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "PUT /api/scenarios/{id}",
            make: |_, _, _| {
                (
                    "PUT",
                    "/api/scenarios/default".into(),
                    Some(json!({"source": symbiont_model::DEFAULT_SCENARIO})),
                )
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/scenarios/validate",
            make: |_, _, _| {
                ("POST", "/api/scenarios/validate".into(), Some(json!({"source": "x = 1"})))
            },
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/jobs",
            make: |_, _, _| {
                ("POST", "/api/jobs".into(), Some(json!({"kind": "fit", "scenario_id": "default"})))
            },
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/jobs",
            make: |_, _, _| ("GET", "/api/jobs".into(), None),
            own: ['A', 'F', 'F', 'A', 'U'],
            other: ['A', 'F', 'F', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/cases",
            make: |_, _, _| ("GET", "/api/cases".into(), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'A', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/cases",
            make: |_, _, _| {
                (
                    "POST",
                    "/api/cases".into(),
                    Some(
                        json!({"park_id": PARK, "title": "t", "dossier": {"capital_usd": 1.0, "jobs": 1, "sector": "textiles"}}),
                    ),
                )
            },
            own: ['F', 'F', 'A', 'F', 'U'],
            other: ['F', 'F', 'A', 'F', 'U'],
        },
        Row {
            endpoint: "GET /api/cases/{id}",
            make: |app, c, own| ("GET", format!("/api/cases/{}", case_of(app, c, own)["id"]), None),
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'N', 'A', 'U'],
        },
        Row {
            endpoint: "GET /api/cases/{id}/audit",
            make: |app, c, own| {
                ("GET", format!("/api/cases/{}/audit", case_of(app, c, own)["id"]), None)
            },
            own: ['A', 'A', 'A', 'A', 'U'],
            other: ['A', 'A', 'N', 'A', 'U'],
        },
        Row {
            endpoint: "POST /api/cases/{id}/respond",
            make: |app, c, own| {
                let case = case_of(app, c, own);
                let (s, v) = app.post(
                    &format!("/api/tasks/{}/decision", task_of(&case, DEPT)),
                    &c.officer,
                    json!({"decision": "request_info", "note": "more"}),
                );
                assert_eq!(s, 200, "{v}");
                (
                    "POST",
                    format!("/api/cases/{}/respond", case["id"]),
                    Some(json!({"note": "here"})),
                )
            },
            own: ['F', 'F', 'A', 'F', 'U'],
            other: ['F', 'F', 'N', 'F', 'U'],
        },
        Row {
            endpoint: "POST /api/tasks/{id}/decision",
            make: |app, c, own| {
                let case = case_of(app, c, true);
                let dept = if own { DEPT } else { DEPT_OTHER };
                (
                    "POST",
                    format!("/api/tasks/{}/decision", task_of(&case, dept)),
                    Some(json!({"decision": "approve", "note": ""})),
                )
            },
            own: ['F', 'A', 'F', 'F', 'U'],
            other: ['F', 'F', 'F', 'F', 'U'],
        },
        Row {
            endpoint: "GET /api/tasks",
            make: |_, _, _| ("GET", "/api/tasks".into(), None),
            own: ['A', 'A', 'F', 'F', 'U'],
            other: ['A', 'A', 'F', 'F', 'U'],
        },
        Row {
            endpoint: "GET /api/cases/stats",
            make: |_, _, _| ("GET", "/api/cases/stats".into(), None),
            own: ['A', 'A', 'F', 'A', 'U'],
            other: ['A', 'A', 'F', 'A', 'U'],
        },
    ]
}

fn next() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn class(status: u16) -> char {
    match status {
        200..=299 => 'A',
        401 => 'U',
        403 => 'F',
        404 => 'N',
        _ => '?',
    }
}

#[test]
fn every_role_every_endpoint_own_and_other() {
    each_backend(|app| {
        let c = cast(app);
        let callers: [(&str, Option<&str>); 5] = [
            ("admin", Some(&c.admin)),
            ("officer", Some(&c.officer)),
            ("enterprise", Some(&c.enterprise)),
            ("analyst", Some(&c.analyst)),
            ("anonymous", None),
        ];
        let mut failures = Vec::new();
        let mut checked = 0;
        for row in table() {
            for (own, expect) in [(true, row.own), (false, row.other)] {
                for (k, (role, token)) in callers.iter().enumerate() {
                    let (method, path, body) = (row.make)(app, &c, own);
                    let status = if method == "CSV" {
                        let text = body.as_ref().and_then(Value::as_str).unwrap_or("").to_string();
                        app.raw("POST", &path, *token, Some(("text/csv", text))).0
                    } else {
                        app.call(method, &path, *token, body.as_ref()).0
                    };
                    checked += 1;
                    if class(status) != expect[k] {
                        failures.push(format!(
                            "{} as {role} on {} object: expected {}, got {status}",
                            row.endpoint,
                            if own { "own" } else { "other's" },
                            expect[k]
                        ));
                    }
                }
            }
        }
        assert!(checked >= 200, "the matrix covers {checked} cells");
        assert!(
            failures.is_empty(),
            "[{}] authorisation matrix:\n{}",
            app.backend,
            failures.join("\n")
        );
    });
}
