//! The one window: parallel routing, the state rule, information requests, the audit log,
//! time to decision, and concurrent decisions without lost updates.

use serde_json::json;
use symbiont_server::now_ms;

use crate::harness::{DEPT, DEPT_OTHER, cast, each_backend, each_backend_with, new_case, task_of};

#[test]
fn a_case_is_routed_to_every_department_in_parallel_and_follows_the_state_rule() {
    each_backend(|app| {
        let c = cast(app);
        let officers: Vec<(String, String)> = c
            .departments
            .iter()
            .map(|d| (d.clone(), app.user(&c.admin, &format!("off-{d}"), "officer", Some(d), None)))
            .collect();
        assert_eq!(officers.len(), 6, "the default scenario has six departments");
        let case = new_case(app, &c.enterprise, "textile mill");
        let tasks = case["tasks"].as_array().expect("tasks");
        assert_eq!(tasks.len(), 6);
        assert!(tasks.iter().all(|t| t["state"] == "pending"), "all tasks open at once: {case}");
        assert_eq!(case["state"], "in_review");

        // One department asks for information: the case waits for the enterprise.
        let first = &officers[0];
        let (s, v) = app.post(
            &format!("/api/tasks/{}/decision", task_of(&case, &first.0)),
            &first.1,
            json!({"decision": "request_info", "note": "land title?"}),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["state"], "info_requested");
        // Deciding a task that is not pending is a conflict.
        let (s, _) = app.post(
            &format!("/api/tasks/{}/decision", task_of(&case, &first.0)),
            &first.1,
            json!({"decision": "approve"}),
        );
        assert_eq!(s, 409);
        let (s, v) = app.post(
            &format!("/api/cases/{}/respond", case["id"]),
            &c.enterprise,
            json!({"note": "attached"}),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["state"], "in_review");
        // Every department approves: the case is approved, with times.
        let mut last = v;
        for (d, tok) in &officers {
            let (s, v) = app.post(
                &format!("/api/tasks/{}/decision", task_of(&case, d)),
                tok,
                json!({"decision": "approve", "note": "ok"}),
            );
            assert_eq!(s, 200, "{v}");
            last = v;
        }
        assert_eq!(last["state"], "approved");
        assert!(
            last["decision_s"].as_f64().is_some() && last["serial_s"].as_f64().is_some(),
            "{last}"
        );
        assert!(
            last["serial_s"].as_f64() >= last["decision_s"].as_f64(),
            "serial routing is never faster: {last}"
        );

        // One rejection decides a case at once and withdraws the open tasks.
        let case2 = new_case(app, &c.enterprise, "second");
        let (s, v) = app.post(
            &format!("/api/tasks/{}/decision", task_of(&case2, DEPT)),
            &c.officer,
            json!({"decision": "reject", "note": "no"}),
        );
        assert_eq!(s, 200);
        assert_eq!(v["state"], "rejected");
        assert!(
            v["tasks"]
                .as_array()
                .expect("tasks")
                .iter()
                .filter(|t| t["department_id"] != DEPT)
                .all(|t| t["state"] == "withdrawn")
        );
        let (s, _) = app.post(
            &format!("/api/tasks/{}/decision", task_of(&case2, DEPT_OTHER)),
            &c.officer_other,
            json!({"decision": "approve"}),
        );
        assert_eq!(s, 409, "a decided case takes no more decisions");

        // The audit log holds every action, in order.
        let (_, audit) = app.get(&format!("/api/cases/{}/audit", case["id"]), &c.admin);
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(actions.first(), Some(&"submitted"));
        assert_eq!(actions.iter().filter(|a| **a == "approve").count(), 6);
        assert!(actions.contains(&"request_info") && actions.contains(&"responded"));
        assert_eq!(actions.last(), Some(&"state"));

        let (_, stats) = app.get("/api/cases/stats", &c.admin);
        assert_eq!(stats["cases"], 2);
        assert_eq!(stats["decided"], 2);
        assert_eq!(stats["approved"], 1);
        assert_eq!(stats["rejected"], 1);
        assert!(stats["mean_serial_s"].as_f64() >= stats["mean_decision_s"].as_f64(), "{stats}");
    });
}

#[test]
fn concurrent_decisions_lose_no_update() {
    each_backend(|app| {
        let c = cast(app);
        let officers: Vec<(String, String)> = c
            .departments
            .iter()
            .map(|d| (d.clone(), app.user(&c.admin, &format!("off-{d}"), "officer", Some(d), None)))
            .collect();
        let cases: Vec<serde_json::Value> =
            (0..8).map(|i| new_case(app, &c.enterprise, &format!("case {i}"))).collect();
        // Every officer approves every case, all at once; each task is also raced by a
        // duplicate decision, of which exactly one must win.
        let results: Vec<(u16, u16)> = std::thread::scope(|s| {
            let hs: Vec<_> = cases
                .iter()
                .flat_map(|case| {
                    officers.iter().map(move |(d, tok)| (task_of(case, d), tok.clone()))
                })
                .map(|(tid, tok)| {
                    s.spawn(move || {
                        let path = format!("/api/tasks/{tid}/decision");
                        let (a, b) = std::thread::scope(|s2| {
                            let h1 = s2
                                .spawn(|| app.post(&path, &tok, json!({"decision": "approve"})).0);
                            let h2 = s2
                                .spawn(|| app.post(&path, &tok, json!({"decision": "approve"})).0);
                            (h1.join().expect("join"), h2.join().expect("join"))
                        });
                        (a, b)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().expect("join")).collect()
        });
        for (a, b) in &results {
            let mut pair = [*a, *b];
            pair.sort_unstable();
            assert_eq!(pair, [200, 409], "exactly one of two racing decisions wins");
        }
        let (_, list) = app.get("/api/cases?limit=500", &c.admin);
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), 8);
        assert!(items.iter().all(|k| k["state"] == "approved"), "every case approved: {list}");
        let (_, stats) = app.get("/api/cases/stats", &c.admin);
        assert_eq!(stats["approved"], 8);
        for case in &cases {
            let (_, audit) = app.get(&format!("/api/cases/{}/audit", case["id"]), &c.admin);
            let approvals = audit["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|e| e["action"] == "approve")
                .count();
            assert_eq!(approvals, 6, "one audit entry per winning decision");
        }
    });
}

#[test]
fn officers_see_their_inbox_and_enterprises_their_own_cases() {
    each_backend(|app| {
        let c = cast(app);
        new_case(app, &c.enterprise, "mine");
        new_case(app, &c.enterprise_other, "theirs");
        let (_, mine) = app.get("/api/cases", &c.enterprise);
        assert_eq!(mine["total"], 1);
        assert_eq!(mine["items"][0]["title"], "mine");
        let (_, inbox) = app.get("/api/tasks?state=pending", &c.officer);
        assert_eq!(inbox["total"], 2);
        assert!(
            inbox["items"].as_array().expect("items").iter().all(|t| t["department_id"] == DEPT)
        );
    });
}

/// The case list is served from cached bytes; a task's `overdue` flag must still flip at its
/// due time, with no write in between to drop the cache.
#[test]
fn a_cached_case_list_turns_overdue_at_the_due_time() {
    // 0.1 s per scenario day: the departments' medians of 10 to 45 days fall due in 1 to 4.5 s.
    each_backend_with(
        |cfg| cfg.day_seconds = 0.1,
        |app| {
            let c = cast(app);
            let case = new_case(app, &c.enterprise, "mill");
            let due: Vec<i64> = case["tasks"]
                .as_array()
                .expect("tasks")
                .iter()
                .map(|t| t["due_at"].as_i64().expect("due_at"))
                .collect();
            let overdue = |v: &serde_json::Value| -> usize {
                v["items"][0]["tasks"]
                    .as_array()
                    .expect("tasks")
                    .iter()
                    .filter(|t| t["overdue"] == true)
                    .count()
            };
            let (s, first) = app.get("/api/cases?limit=5", &c.admin);
            let after = now_ms();
            assert_eq!(s, 200, "{first}");
            let ahead = due.iter().filter(|&&d| d >= after).count();
            assert!(ahead > 0, "a due time is still ahead: {due:?} at {after}");
            assert!(overdue(&first) <= due.len() - ahead, "{first}");
            // Past every due time, with no write: every task is overdue.
            let last = *due.iter().max().expect("a task");
            std::thread::sleep(std::time::Duration::from_millis(
                (last - now_ms() + 50).max(0) as u64
            ));
            let (_, later) = app.get("/api/cases?limit=5", &c.admin);
            assert_eq!(overdue(&later), due.len(), "{later}");
            let (_, one) = app.get(&format!("/api/cases/{}", case["id"]), &c.admin);
            assert_eq!(later["items"][0], one, "the list and the case agree");
        },
    );
}
