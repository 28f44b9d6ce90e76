//! PRIM and CART against the EMA Workbench 3.0 on the fixture `bench/discover_vs_ema.py`
//! wrote (`tests/fixtures/discover_fixture.csv`, reference `discover_reference.json`). Any
//! drift of our PRIM or CART from the Workbench's trajectory, boxes or quasi-p values fails.

use serde_json::Value;
use symbiont_discover::cart::{CartParams, cart_binary};
use symbiont_discover::prim::{PrimParams, prim};
use symbiont_discover::{Column, Inputs, Limit};

const CSV: &str = include_str!("../fixtures/discover_fixture.csv");
const REFERENCE: &str = include_str!("../fixtures/discover_reference.json");
const LEVELS: [&str; 3] = ["none", "one_window", "serial"];

/// The fixture's inputs (all six, or the numeric ones) and outcome.
fn load(numeric_only: bool) -> (Inputs, Vec<bool>) {
    let mut lines = CSV.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(head, ["a", "b", "hazard", "plots", "window", "noise", "y"]);
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 6];
    let mut y = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        for j in 0..6 {
            let v = if j == 4 {
                LEVELS.iter().position(|l| *l == f[j]).expect("a level") as f64
            } else {
                f[j].parse().expect("a number")
            };
            cols[j].push(v);
        }
        y.push(f[6] == "1");
    }
    let levels = LEVELS.iter().map(|s| s.to_string()).collect();
    let mut c = vec![
        Column::real("a", cols[0].clone()),
        Column::real("b", cols[1].clone()),
        Column::real("hazard", cols[2].clone()),
        Column::integer("plots", cols[3].clone()),
    ];
    if !numeric_only {
        c.push(Column::categorical("window", levels, cols[4].clone()));
    }
    c.push(Column::real("noise", cols[5].clone()));
    (Inputs::new(c).unwrap(), y)
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{what}: ours {a}, Workbench {b}");
}

fn check_limits(x: &Inputs, ours: &[Limit], theirs: &Value, what: &str) {
    for (j, c) in x.columns().iter().enumerate() {
        let t = &theirs[&c.name];
        match &ours[j] {
            Limit::Range { low, high } => {
                close(*low, t[0].as_f64().unwrap(), 1e-12, &format!("{what} {} low", c.name));
                close(*high, t[1].as_f64().unwrap(), 1e-12, &format!("{what} {} high", c.name));
            }
            Limit::Set(s) => {
                let names: Vec<&str> = s.iter().map(|&l| LEVELS[l as usize]).collect();
                let want: Vec<&str> =
                    t.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert_eq!(names, want, "{what} {}", c.name);
            }
        }
    }
}

#[test]
fn prim_trajectory_equals_the_workbench() {
    let (x, y) = load(false);
    let r: Value = serde_json::from_str(REFERENCE).unwrap();
    let want = r["prim"]["steps"].as_array().unwrap();
    let got = prim(&x, &y, &PrimParams::default()).unwrap();
    assert_eq!(got.trajectory.len(), want.len(), "number of boxes on the trajectory");
    assert!(got.trajectory.iter().any(|s| s.pasted), "the fixture's trajectory ends with pastes");
    for (s, w) in got.trajectory.iter().zip(want) {
        let what = format!("step {}", s.id);
        assert_eq!(s.n as u64, w["n"].as_u64().unwrap(), "{what} n");
        assert_eq!(s.k as u64, w["k"].as_u64().unwrap(), "{what} k");
        assert_eq!(s.res_dim as u64, w["res_dim"].as_u64().unwrap(), "{what} res_dim");
        close(s.coverage, w["coverage"].as_f64().unwrap(), 1e-12, &format!("{what} coverage"));
        close(s.density, w["density"].as_f64().unwrap(), 1e-12, &format!("{what} density"));
        close(s.mass, w["mass"].as_f64().unwrap(), 1e-12, &format!("{what} mass"));
        check_limits(&x, &s.limits.limits, &w["limits"], &what);
        let qp = w["quasi_p"].as_object().unwrap();
        assert_eq!(s.quasi_p.len(), qp.len(), "{what} restricted inputs with quasi-p");
        for q in &s.quasi_p {
            let name = &x.column(q.input).name;
            let pair = qp[name].as_array().unwrap();
            for (side, ours) in [q.lower, q.upper].iter().enumerate() {
                let theirs = pair[side].as_f64().unwrap();
                match ours {
                    None => assert_eq!(theirs, -1.0, "{what} {name} side {side}"),
                    Some(t) => {
                        assert!(
                            (t.binomial - theirs).abs() <= 1e-6 * theirs.max(1e-300),
                            "{what} {name} side {side}: ours {}, Workbench {theirs}",
                            t.binomial
                        );
                        assert!((0.0..=1.0).contains(&t.hypergeometric));
                    }
                }
            }
        }
    }
}

#[test]
fn cart_leaves_equal_the_workbench() {
    let (x, y) = load(true);
    let r: Value = serde_json::from_str(REFERENCE).unwrap();
    let want = r["cart"]["leaves"].as_array().unwrap();
    let mass_min = r["cart"]["mass_min"].as_f64().unwrap();
    let got = cart_binary(&x, &y, &CartParams { mass_min, max_depth: None }).unwrap();
    assert_eq!(got.leaves.len(), want.len(), "number of leaves");
    for (i, (l, w)) in got.leaves.iter().zip(want).enumerate() {
        let what = format!("leaf {i}");
        check_limits(&x, &l.limits.limits, &w["limits"], &what);
        close(
            l.coverage.unwrap(),
            w["coverage"].as_f64().unwrap(),
            1e-12,
            &format!("{what} coverage"),
        );
        close(
            l.density.unwrap(),
            w["density"].as_f64().unwrap(),
            1e-12,
            &format!("{what} density"),
        );
        close(l.mass, w["mass"].as_f64().unwrap(), 1e-12, &format!("{what} mass"));
        assert_eq!(l.restricted.len() as u64, w["res_dim"].as_u64().unwrap(), "{what} res_dim");
    }
}
