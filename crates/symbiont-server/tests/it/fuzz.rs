//! Seeded fuzzing: random JSON bodies to every POST and PUT endpoint never produce a 500.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use crate::harness::{DEPT, cast, each_backend, new_case, task_of};

const KEYS: [&str; 16] = [
    "id",
    "kind",
    "name",
    "side",
    "source",
    "park_id",
    "title",
    "dossier",
    "capital_usd",
    "jobs",
    "decision",
    "note",
    "username",
    "password",
    "role",
    "params",
];

fn value(rng: &mut ChaCha8Rng, depth: u32) -> Value {
    match rng.random_range(0..if depth > 2 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => json!(rng.random_range(-1_000_000i64..1_000_000)),
        3 => json!(rng.random::<f64>() * 1e12 - 5e11),
        4 => Value::String(
            ["", "approve", "park", "x", "saysettha", "enterprise", "\u{0}", "é"]
                .iter()
                .map(|s| s.to_string())
                .nth(rng.random_range(0..8))
                .unwrap_or_default(),
        ),
        5 => Value::String(
            (0..rng.random_range(0..40)).map(|_| char::from(rng.random_range(32u8..127))).collect(),
        ),
        6 => Value::Array((0..rng.random_range(0..4)).map(|_| value(rng, depth + 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.random_range(0..6) {
                m.insert(KEYS[rng.random_range(0..KEYS.len())].to_string(), value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

#[test]
fn random_bodies_never_cause_a_500() {
    each_backend(|app| {
        let c = cast(app);
        let case = new_case(app, &c.enterprise, "fuzz");
        let tid = task_of(&case, DEPT);
        let cid = case["id"].as_i64().expect("id");
        let targets: Vec<(&str, String, &String)> = vec![
            ("POST", "/api/auth/login".into(), &c.admin),
            ("POST", "/api/auth/bootstrap".into(), &c.admin),
            ("POST", "/api/users".into(), &c.admin),
            ("POST", "/api/entities".into(), &c.admin),
            ("PUT", "/api/entities/second-enterprise".into(), &c.admin),
            ("POST", "/api/scenarios".into(), &c.admin),
            ("PUT", "/api/scenarios/default".into(), &c.admin),
            ("POST", "/api/scenarios/validate".into(), &c.admin),
            ("POST", "/api/jobs".into(), &c.admin),
            ("POST", "/api/cases".into(), &c.enterprise),
            ("POST", format!("/api/cases/{cid}/respond"), &c.enterprise),
            ("POST", format!("/api/tasks/{tid}/decision"), &c.officer),
            ("POST", "/api/entities/import".into(), &c.admin),
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(20_261_130);
        let mut sent = 0;
        for round in 0..25 {
            for (method, path, tok) in &targets {
                let body = value(&mut rng, 0);
                let (s, v) = app.call(method, path, Some(tok), Some(&body));
                sent += 1;
                assert!(
                    s < 500,
                    "[{}] {method} {path} with {body} (round {round}) answered {s}: {v}",
                    app.backend
                );
                let _ = rng.next_u32();
            }
        }
        assert_eq!(sent, 25 * 13);
    });
}
