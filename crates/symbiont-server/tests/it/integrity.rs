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
