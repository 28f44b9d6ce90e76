//! The error shape: validation with field paths, 500 with a request id and no cause, limits.

use serde_json::json;

use crate::harness::{PARK, cast, each_backend, each_backend_with};

#[test]
fn validation_errors_name_the_field() {
    each_backend(|app| {
        let c = cast(app);
        let (s, v) = app.post("/api/cases", &c.enterprise, json!({"park_id": PARK, "title": "t", "dossier": {"capital_usd": "lots", "jobs": 1, "sector": "x"}}));
        assert_eq!(s, 400, "{v}");
        assert_eq!(v["error"]["code"], "validation");
        assert_eq!(v["error"]["fields"][0]["path"], "dossier.capital_usd");
        let (s, v) = app.post("/api/cases", &c.enterprise, json!({"park_id": PARK, "title": "t", "dossier": {"capital_usd": -1.0, "jobs": 1, "sector": "x"}}));
        assert_eq!(s, 400);
        assert_eq!(v["error"]["fields"][0]["path"], "dossier.capital_usd");
        let (s, v) = app.post(
            "/api/scenarios",
            &c.analyst,
            json!({"name": "bad", "source": "[study]\nruns = \"many\"\n"}),
        );
        assert_eq!(s, 400);
        let d = &v["error"]["diagnostics"][0];
        assert!(
            d["line"].as_u64().is_some() && d["column"].as_u64().is_some(),
            "located diagnostics: {v}"
        );
        assert!(!v["error"]["request_id"].as_str().unwrap_or("").is_empty());
    });
}

#[test]
fn an_internal_error_answers_500_with_a_request_id_and_no_cause() {
    each_backend(|app| {
        let c = cast(app);
        let (s, rid, text) = app.raw("GET", "/api/debug/fail", Some(&c.admin), None);
        assert_eq!(s, 500);
        assert!(
            !text.contains("4242") && !text.contains("secret"),
            "the cause is not sent: {text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["error"]["code"], "internal");
        assert_eq!(v["error"]["request_id"].as_str(), rid.as_deref());
    });
}

#[test]
fn body_limit_pagination_rate_limit_and_logout() {
    each_backend_with(
        |cfg| {
            cfg.body_limit = 4096;
            cfg.write_rate_per_s = 1.0;
            cfg.write_burst = 40.0;
        },
        |app| {
            let c = cast(app);
            let big = "x".repeat(10_000);
            let (s, v) = app.post("/api/scenarios/validate", &c.analyst, json!({"source": big}));
            assert_eq!(s, 413, "{v}");
            assert_eq!(v["error"]["code"], "too_large");
            let (_, page) = app.get("/api/entities?limit=2&offset=1", &c.analyst);
            assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
            assert_eq!(page["limit"], 2);
            assert!(page["total"].as_i64() > Some(10));
            let (_, page) = app.get("/api/entities?limit=100000", &c.analyst);
            assert_eq!(page["limit"], 500, "limits are capped");
            let statuses: Vec<u16> = (0..60)
                .map(|_| app.post("/api/scenarios/validate", &c.officer, json!({"source": ""})).0)
                .collect();
            assert!(statuses.contains(&429), "writes beyond the burst are limited");
            let (s, v) = app.post("/api/scenarios/validate", &c.enterprise, json!({"source": ""}));
            assert_eq!(s, 200, "the limit is per token: {v}");
            let (s, _) = app.call("POST", "/api/auth/logout", Some(&c.analyst), None);
            assert_eq!(s, 204);
            let (s, _) = app.get("/api/me", &c.analyst);
            assert_eq!(s, 401, "a revoked token is refused");
        },
    );
}

/// A stored scenario whose size cannot fit (10^8 enterprises) is refused when a study or a
/// plan job is submitted, naming the scenario and the count to lower; no job is queued.
#[test]
fn a_job_too_large_to_fit_is_refused_at_submission() {
    each_backend(|app| {
        let c = cast(app);
        let text = symbiont_model::DEFAULT_SCENARIO;
        let i = text.find("[[enterprise_group]]").unwrap();
        let j = i + text[i..].find("count = ").unwrap();
        let k = j + text[j..].find('\n').unwrap();
        let huge = format!("{}count = 100000000{}", &text[..j], &text[k..]);
        let (s, v) = app.post(
            "/api/scenarios",
            &c.analyst,
            json!({"id": "huge", "name": "huge", "source": huge}),
        );
        assert!(s == 200 || s == 201, "{v}");
        for (kind, params) in [("simulate", json!({"runs": 1})), ("plan", json!({}))] {
            let (s, v) = app.post(
                "/api/jobs",
                &c.analyst,
                json!({"kind": kind, "scenario_id": "huge", "params": params}),
            );
            assert_eq!(s, 400, "{kind}: {v}");
            assert_eq!(v["error"]["fields"][0]["path"], "scenario_id", "{kind}: {v}");
            let msg = v["error"]["fields"][0]["message"].as_str().unwrap_or("").to_string()
                + v["error"]["message"].as_str().unwrap_or("");
            assert!(msg.contains("enterprise_group.count"), "{kind}: {v}");
        }
        let (_, jobs) = app.get("/api/jobs", &c.analyst);
        assert!(!jobs.to_string().contains("\"huge\""), "a refused job is not queued: {jobs}");
    });
}
