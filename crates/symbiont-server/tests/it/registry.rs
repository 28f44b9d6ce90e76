//! The registry seeded from the default scenario, CSV import with a per-row report, scenarios
//! with versions.

use serde_json::json;

use crate::harness::{cast, each_backend, run_job};

#[test]
fn the_registry_is_seeded_and_imports_csv_all_or_nothing() {
    each_backend(|app| {
        let c = cast(app);
        let (_, parks) = app.get("/api/entities?kind=park", &c.enterprise);
        assert!(parks["total"].as_i64() >= Some(2), "{parks}");
        let (_, d) = app.get("/api/entities?kind=department", &c.enterprise);
        assert_eq!(d["total"], 6);
        let (_, q) = app.get("/api/entities?q=SAYSETTHA", &c.enterprise);
        assert!(q["items"].as_array().expect("items").iter().any(|e| e["id"] == "saysettha"));

        let bad = "id,kind,name,side,endowment_capital\nok-1,finance,Bank,home,100\nbad-1,spaceship,X,home,1\nbad-2,finance,Y,home,lots\n";
        let (s, _, text) = app.raw(
            "POST",
            "/api/entities/import",
            Some(&c.analyst),
            Some(("text/csv", bad.into())),
        );
        assert_eq!(s, 400);
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let rows = v["error"]["rows"].as_array().expect("rows");
        assert!(rows.iter().any(|r| r["line"] == 3 && r["field"] == "kind"), "{v}");
        assert!(rows.iter().any(|r| r["line"] == 4 && r["field"] == "endowment_capital"), "{v}");
        let (s, _) = app.get("/api/entities/ok-1", &c.analyst);
        assert_eq!(s, 404, "nothing imported from a bad file");
        let good = "id,kind,name,side,endowment_capital,need_land\nok-1,finance,Bank,home,100,\nok-2,enterprise,Firm,home,5,2\n";
        let (s, _, text) = app.raw(
            "POST",
            "/api/entities/import",
            Some(&c.analyst),
            Some(("text/csv", good.into())),
        );
        assert_eq!(s, 200, "{text}");
        let (_, e) = app.get("/api/entities/ok-2", &c.analyst);
        assert_eq!(e["needs"]["land"], 2.0);
    });
}

#[test]
fn scenarios_are_versioned_and_validated() {
    each_backend(|app| {
        let c = cast(app);
        let src = symbiont_model::DEFAULT_SCENARIO;
        let (s, v) = app.post(
            "/api/scenarios",
            &c.analyst,
            json!({"id": "mine", "name": "Mine", "source": src}),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["version"], 1);
        let (s, v) =
            app.call("PUT", "/api/scenarios/mine", Some(&c.analyst), Some(&json!({"source": src})));
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["version"], 2);
        let (_, vs) = app.get("/api/scenarios/mine/versions", &c.officer);
        assert_eq!(vs["items"][0]["version"], 2, "newest first");
        let (s, _) = app.get("/api/scenarios/mine/versions/1", &c.officer);
        assert_eq!(s, 200);
        let (_, val) = app.post(
            "/api/scenarios/validate",
            &c.officer,
            json!({"source": "[study]\nrunz = 3\n"}),
        );
        assert_eq!(val["ok"], false);
        assert!(val["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
        let (_, val) = app.post("/api/scenarios/validate", &c.officer, json!({"source": src}));
        assert_eq!(val["ok"], true);
        let (s, _, text) = app.raw("GET", "/api/openapi.json", None, None);
        assert_eq!(s, 200);
        assert!(text.contains("/api/tasks/{id}/decision"));
        let (s, _, html) = app.raw("GET", "/", None, None);
        assert_eq!(s, 200);
        assert!(html.to_lowercase().contains("<html"));
    });
}

#[test]
fn a_simulate_job_runs_and_a_queued_job_can_be_cancelled() {
    crate::harness::each_backend(|app| {
        let c = cast(app);
        let (s, j) = app.post("/api/jobs", &c.analyst, json!({"kind": "simulate", "scenario_id": "default", "params": {"runs": 2, "periods": 4, "modes": ["network"]}}));
        assert_eq!(s, 200, "{j}");
        let (s, j2) = app.post("/api/jobs", &c.analyst, json!({"kind": "simulate", "scenario_id": "default", "params": {"runs": 2, "periods": 4}}));
        assert_eq!(s, 200);
        let (s, cancelled) =
            app.post(&format!("/api/jobs/{}/cancel", j2["id"]), &c.analyst, json!({}));
        assert_eq!(s, 200, "{cancelled}");
        let (_, _, events) =
            app.raw("GET", &format!("/api/jobs/{}/events", j["id"]), Some(&c.analyst), None);
        assert!(events.contains("event: state"), "{events}");
        let (_, done) = app.get(&format!("/api/jobs/{}", j["id"]), &c.analyst);
        assert_eq!(done["state"], "succeeded", "{done} {events}");
        let (_, r) = app.get(&format!("/api/jobs/{}/result", j["id"]), &c.analyst);
        assert_eq!(r["modes"][0]["mode"], "network");
        let (_, j2) = app.get(&format!("/api/jobs/{}", j2["id"]), &c.analyst);
        assert_eq!(j2["state"], "cancelled");
        let (s, _, html) =
            app.raw("GET", &format!("/api/jobs/{}/report", j["id"]), Some(&c.analyst), None);
        assert_eq!(s, 200);
        assert!(html.contains("<html"));
    });
}

#[test]
fn job_results_have_the_shapes_of_the_api_docs() {
    each_backend(|app| {
        let c = cast(app);
        // simulate: network nodes with kind and side, and the network's structure class.
        let r = run_job(
            app,
            &c.analyst,
            json!({"kind": "simulate", "scenario_id": "default", "params": {"runs": 2, "periods": 4, "modes": ["network"]}}),
        );
        let net = &r["network"];
        assert_eq!(net["mode"], "network", "{net}");
        let nodes = net["nodes"].as_array().expect("nodes");
        assert!(!nodes.is_empty(), "{net}");
        for n in nodes {
            assert!(n["kind"].as_str().is_some_and(|k| !k.is_empty()), "{n}");
            assert!(["home", "host", ""].contains(&n["side"].as_str().unwrap_or("?")), "{n}");
        }
        assert!(
            nodes.iter().any(|n| n["side"] == "home") && nodes.iter().any(|n| n["side"] == "host"),
            "{net}"
        );
        assert!(net["edges"].as_array().is_some_and(|e| !e.is_empty()), "{net}");
        // The classes of the network mode on this scenario and seed, pinned: a change in the
        // mechanisms or the rules shows here (docs/network.md has the rules). Between unit
        // kinds the flows pass through the enterprises, so the kind-level graph is a hub; the
        // entities the runs formed are a network.
        assert_eq!(net["class"], json!("hub"), "{net}");
        assert!(net["reason"].as_str().is_some_and(|r| r.contains("hub threshold")), "{net}");
        let es = &net["entity_structure"];
        assert_eq!(es["class"], json!("network"), "{es}");
        assert_eq!(es["classes"], json!([{"class": "network", "share": 1.0}]), "{es}");
        for m in ["cross_border_reciprocity", "multiplexity", "support_ties", "top_share"] {
            let q = &es["measures"][m];
            assert!(q["p025"].as_f64() <= q["median"].as_f64(), "{m}: {q}");
            assert!(q["median"].as_f64() <= q["p975"].as_f64(), "{m}: {q}");
        }

        // plan: backend, status, objective, gap, parks with sector counts, bottlenecks.
        let r = run_job(
            app,
            &c.analyst,
            json!({"kind": "plan", "scenario_id": "default", "params": {"gap": 0.05}}),
        );
        assert!(["microlp", "highs"].contains(&r["backend"].as_str().unwrap_or("")), "{r}");
        assert!(r["status"].is_string() && r["objective"].is_f64() && r["gap"].is_f64(), "{r}");
        // At a 5% gap the rounded LP plan (proven within 0.4%) needs no search, and says so.
        assert_eq!((&r["status"], &r["searched"]), (&json!("gap_limit"), &json!(false)), "{r}");
        let parks = r["parks"].as_array().expect("parks");
        assert!(!parks.is_empty(), "{r}");
        let sectors: Vec<String> =
            symbiont_model::parse_scenario(symbiont_model::DEFAULT_SCENARIO, "default")
                .expect("default scenario")
                .sectors
                .iter()
                .map(|s| s.id.clone())
                .collect();
        let mut placed = 0;
        for p in parks {
            assert!(p["park"].is_string(), "{p}");
            let by = p["by_sector"].as_object().expect("by_sector");
            assert!(by.keys().all(|k| sectors.contains(k)), "by_sector keyed by sector id: {p}");
            let sum: u64 = by.values().filter_map(|v| v.as_u64()).sum();
            assert_eq!(Some(sum), p["enterprises"].as_u64(), "{p}");
            placed += sum;
        }
        assert!(placed > 0, "{r}");
        for b in r["bottlenecks"].as_array().expect("bottlenecks") {
            assert!(b["constraint"].is_string() && b["shadow_price"].is_f64(), "{b}");
            assert!(b["text"].as_str().is_some_and(|t| t.contains("per period")), "{b}");
        }

        // fit: the same JSON as `symbiont dynamics fit --json`, on the scenario's macro series.
        let r = run_job(app, &c.analyst, json!({"kind": "fit", "scenario_id": "default"}));
        assert_eq!(r["units"], json!(["CHN:NY.GDP.MKTP.CD", "LAO:NY.GDP.MKTP.CD"]), "{r}");
        for key in ["options", "parameters", "modes", "equilibria", "fit", "bootstrap", "notes"] {
            assert!(r.get(key).is_some(), "missing {key}: {r}");
        }
        assert_eq!(r["modes"].as_array().map(Vec::len), Some(1), "{r}");
        assert!(r["fit"]["observations"].as_u64() > Some(40), "{r}");
        let (s, e) = app.post("/api/jobs", &c.analyst, json!({"kind": "fit", "scenario_id": "default", "params": {"units": ["XYZ:NOPE", "LAO:NY.GDP.MKTP.CD"]}}));
        assert_eq!(s, 400, "{e}");
        assert_eq!(e["error"]["fields"][0]["path"], "params.units", "{e}");
        let (s, e) = app.post(
            "/api/jobs",
            &c.analyst,
            json!({"kind": "fit", "scenario_id": "default", "params": {"form": "f9"}}),
        );
        assert_eq!(s, 400, "{e}");
        assert_eq!(e["error"]["fields"][0]["path"], "params.form", "{e}");
    });
}
