//! The JSON results of study jobs, in the shapes `docs/api.md` describes (the dashboard reads
//! them): the plan with its bottlenecks, the structure class of a simulated network, and a
//! dynamics fit on a scenario's macro series (the same JSON as `symbiont dynamics fit --json`).
//!
//! Everything here is pure: engine values in, `serde_json::Value` out.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};
use symbiont_dynamics::{Equilibria, Estimator, Fit, FitOptions, Form, InitialValues, Series};
use symbiont_model::Scenario;
use symbiont_network::{FlowTable, MetricOptions, Node, Projection};
use symbiont_plan::{
    Bottlenecks, FactorKind, Instance, MICROLP_MAX_INTEGERS, PlanOutcome, Termination,
};

// ---------------------------------------------------------------- plan

/// The plan as `symbiont plan` prints it, every fact from the same library values:
///
/// `{backend, status, searched, objective, gap, placed, enterprises, seconds, model: {columns,
/// integers, rows, pruned}, microlp_max_integers, limits: {time_limit_s, memory_limit_mb,
/// node_limit, nodes, lp_converged}, note, parks: [{park, designated, enterprises, by_sector,
/// plots, workers, labour_pool, land_ha, area_ha, complete_chains, factors}], flows:
/// [{supplier, kind, unit, amount, capacity, unit_cost, to_park}], breakdown: {home_gain,
/// host_gain, jobs, chain_bonus, factor_cost, objective, weights: {home, host, jobs}},
/// bottlenecks: [{constraint, shadow_price, unit, slack, text}], bottleneck_method,
/// bottlenecks_complete, bottlenecks_skipped}`.
///
/// `by_sector` is keyed by sector id and lists only sectors present; `plots` is the park's plot
/// capacity (each placed enterprise takes one), `workers` of `labour_pool` and `land_ha` of
/// `area_ha` what the plan uses of the park; `factors` and `to_park` are keyed by factor kind
/// and park name, in the factor's unit. `bottlenecks` is empty and `bottlenecks_skipped` says
/// why when no shadow prices were computed (a heuristic plan, as in `symbiont plan`). An
/// infeasible plan has status `infeasible`, no parks, and the constraints to loosen in `loosen`.
/// `seconds` is added by the worker (the solve's wall time).
pub fn plan_result(
    inst: &Instance,
    outcome: &PlanOutcome,
    bottlenecks: Option<&Bottlenecks>,
    backend: &str,
) -> Value {
    match outcome {
        PlanOutcome::Planned(p) => {
            let sector = |s: usize| inst.sectors.get(s).cloned().unwrap_or_else(|| s.to_string());
            let parks: Vec<Value> = p
                .parks
                .iter()
                .map(|k| {
                    let by_sector: Map<String, Value> = k
                        .by_sector
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| **n > 0)
                        .map(|(s, n)| (sector(s), json!(n)))
                        .collect();
                    let factors: Map<String, Value> = FactorKind::ALL
                        .iter()
                        .zip(k.factors)
                        .map(|(f, x)| (f.word().to_string(), json!(x)))
                        .collect();
                    json!({"park": k.name, "designated": k.designated,
                           "enterprises": k.enterprises, "by_sector": by_sector,
                           "plots": k.plots, "workers": k.workers,
                           "labour_pool": k.labour_pool, "land_ha": k.land_ha,
                           "area_ha": k.area_ha, "complete_chains": k.complete_chains,
                           "factors": factors})
                })
                .collect();
            let flows: Vec<Value> = p
                .flows
                .iter()
                .map(|f| {
                    let to_park: Map<String, Value> = p
                        .parks
                        .iter()
                        .zip(&f.to_park)
                        .map(|(k, x)| (k.name.clone(), json!(x)))
                        .collect();
                    json!({"supplier": f.supplier, "kind": f.kind.word(), "unit": f.kind.unit(),
                           "amount": f.amount, "capacity": f.capacity,
                           "unit_cost": f.unit_cost, "to_park": to_park})
                })
                .collect();
            let b = &p.breakdown;
            let w = inst.weights;
            let breakdown = json!({
                "home_gain": b.home_gain, "host_gain": b.host_gain, "jobs": b.jobs,
                "chain_bonus": b.chain_bonus, "factor_cost": b.factor_cost,
                "objective": b.objective,
                "weights": {"home": w.home, "host": w.host, "jobs": w.jobs},
            });
            let text = bottlenecks.map(|b| b.sentences()).unwrap_or_default();
            let prices: Vec<Value> = bottlenecks
                .map(|b| {
                    b.prices
                        .iter()
                        .zip(&text)
                        .map(|(x, t)| {
                            json!({"constraint": x.constraint, "shadow_price": x.value,
                                   "unit": x.unit, "slack": x.slack, "text": t})
                        })
                        .collect()
                })
                .unwrap_or_default();
            let skipped = match bottlenecks {
                Some(_) => Value::Null,
                None if p.termination == Termination::Heuristic => json!(
                    "no shadow prices for a heuristic plan: they would price an assignment \
                     that no search has checked (as in `symbiont plan`)"
                ),
                None => json!("the bottleneck analysis did not run"),
            };
            let l = &p.limits;
            json!({
                "backend": backend,
                "status": p.termination,
                "searched": p.searched,
                "objective": p.objective,
                "gap": p.gap,
                "placed": p.placements.len(),
                "enterprises": inst.enterprises.len(),
                "model": {"columns": p.columns, "integers": p.integers, "rows": p.rows,
                          "pruned": p.pruned},
                "microlp_max_integers": MICROLP_MAX_INTEGERS,
                "limits": {"time_limit_s": l.time_limit_s, "memory_limit_mb": l.memory_limit_mb,
                           "node_limit": l.node_limit, "nodes": l.nodes,
                           "lp_converged": l.lp_converged},
                "note": p.note,
                "parks": parks,
                "flows": flows,
                "breakdown": breakdown,
                "bottlenecks": prices,
                "bottleneck_method": bottlenecks.map(|b| b.method),
                "bottlenecks_complete": bottlenecks.map(|b| b.complete),
                "bottlenecks_skipped": skipped,
            })
        }
        PlanOutcome::Infeasible(ex) => json!({
            "backend": backend,
            "status": "infeasible",
            "objective": Value::Null,
            "gap": Value::Null,
            "placed": 0,
            "enterprises": inst.enterprises.len(),
            "parks": [],
            "flows": [],
            "bottlenecks": [],
            "bottlenecks_skipped": "no plan",
            "proven": ex.proven,
            "minimal": ex.minimal,
            "loosen": ex.sentences(),
        }),
    }
}

// ---------------------------------------------------------------- simulate: the network

/// The flow network of one mode of a run folder (`DIR/flows.csv`) and its structure class,
/// computed as `symbiont network RUN_DIR --mode MODE` does (all layers, each as a share of its
/// total, periods summed, default options): `{mode, nodes: [{id, kind, side}], edges: [{source,
/// target, factor, weight}], class, two_way_index, centralization, reason}`. `None` when the
/// folder has no flows of that mode.
pub fn run_network(dir: &Path, mode: &str) -> Result<Option<Value>, String> {
    let path = dir.join("flows.csv");
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    let table = FlowTable::parse("flows.csv", &text).map_err(|e| e.to_string())?;
    if !table.modes().iter().any(|m| m == mode) {
        return Ok(None);
    }
    let net = table.network(mode, false).map_err(|e| e.to_string())?;
    let nodes: Vec<Value> = net.nodes().iter().map(node_json).collect();
    let edges: Vec<Value> = net
        .edges()
        .iter()
        .map(|e| {
            json!({"source": net.nodes()[e.source].label, "target": net.nodes()[e.target].label,
                   "factor": e.layer.name(), "weight": e.weight})
        })
        .collect();
    let class = match net.analyze(&Projection::default(), &MetricOptions::default()) {
        Ok(r) => json!({"class": r.class.class.to_string(), "two_way_index": r.class.two_way_index,
                        "centralization": r.class.centralization, "reason": r.class.reason()}),
        // A network without edges has no class.
        Err(e) => json!({"class": Value::Null, "reason": e.to_string()}),
    };
    let mut out = json!({"mode": mode, "nodes": nodes, "edges": edges});
    if let (Some(o), Some(c)) = (out.as_object_mut(), class.as_object()) {
        o.extend(c.clone());
    }
    // The network the runs formed among entities (the class that answers the seed's question),
    // as `symbiont network RUN_DIR --mode MODE` prints it first.
    let entity =
        symbiont_study::structure::read_folder_network(dir, mode).map_err(|e| e.to_string())?;
    if let (Some(o), Some(en)) = (out.as_object_mut(), entity) {
        let measures: serde_json::Map<String, Value> = symbiont_study::structure::MEASURES
            .iter()
            .zip(&en.summary.measures)
            .map(|((name, _), (med, lo, hi))| {
                (name.to_string(), json!({"median": med, "p025": lo, "p975": hi}))
            })
            .collect();
        o.insert(
            "entity_structure".into(),
            json!({
                "class": en.summary.class(),
                "classes": en.summary.classes.iter().map(|(c, sh)| json!({"class": c, "share": sh})).collect::<Vec<_>>(),
                "reason": en.summary.first_reason,
                "measures": measures,
            }),
        );
    }
    Ok(Some(out))
}

/// A node as `{id, kind, side}`, the kind and side read from a `side:kind` label.
pub fn node_json(n: &Node) -> Value {
    json!({"id": n.label, "kind": n.kind, "side": n.side})
}

/// The node of a flow label (`side:kind`).
pub fn label_node(label: &str) -> Value {
    node_json(&Node::from_label(label))
}

// ---------------------------------------------------------------- fit

/// One annual series of a scenario region: `(name, start year, values)`. Names are
/// `COUNTRY:INDICATOR` (as `symbiont dynamics fit` names WDI long series).
#[derive(Debug, Clone, PartialEq)]
pub struct MacroSeries {
    pub name: String,
    pub region: String,
    pub home: bool,
    pub start_year: i32,
    pub values: Vec<f64>,
}

/// Every annual series of the scenario's regions.
pub fn macro_series(s: &Scenario) -> Vec<MacroSeries> {
    s.regions
        .iter()
        .flat_map(|r| {
            r.series.iter().map(move |x| MacroSeries {
                name: format!("{}:{}", r.country, x.indicator),
                region: r.id.clone(),
                home: r.side == symbiont_model::Side::Home,
                start_year: x.start_year,
                values: x.values.clone(),
            })
        })
        .collect()
}

/// Pick the series of a fit job: `params.units` (names `COUNTRY:INDICATOR` or
/// `REGION:INDICATOR`), else the first home and the first host series. Years: the span every
/// chosen series covers with finite values, cut to `params.from`/`params.to`.
pub fn fit_series(s: &Scenario, params: &Value) -> Result<Series, String> {
    let all = macro_series(s);
    let chosen: Vec<&MacroSeries> = match params.get("units").and_then(Value::as_array) {
        Some(units) => units
            .iter()
            .map(|u| {
                let u = u.as_str().unwrap_or("");
                all.iter()
                    .find(|m| {
                        m.name == u
                            || u.split_once(':').is_some_and(|(r, i)| {
                                m.region == r && m.name.split_once(':').is_some_and(|x| x.1 == i)
                            })
                    })
                    .ok_or_else(|| {
                        format!(
                            "params.units: no series {u:?} in the scenario (it has: {})",
                            all.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
        None => {
            let home = all.iter().find(|m| m.home);
            let host = all.iter().find(|m| !m.home);
            match (home, host) {
                (Some(a), Some(b)) => vec![a, b],
                _ => {
                    return Err("the scenario has no annual series for both a home and a host \
                                region ([[region.series]]); give params.units"
                        .into());
                }
            }
        }
    };
    if chosen.len() < 2 {
        return Err(format!("params.units: need at least two series, got {}", chosen.len()));
    }
    if chosen.iter().map(|m| &m.name).collect::<BTreeSet<_>>().len() < chosen.len() {
        return Err("params.units: a series is named twice".into());
    }
    let year = |v: &Value| v.as_i64();
    let finite_years = |m: &MacroSeries| -> BTreeSet<i64> {
        m.values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(k, _)| i64::from(m.start_year) + k as i64)
            .collect()
    };
    let sets: Vec<BTreeSet<i64>> = chosen.iter().map(|m| finite_years(m)).collect();
    let lo = sets.iter().filter_map(|s| s.first().copied()).max().unwrap_or(0);
    let hi = sets.iter().filter_map(|s| s.last().copied()).min().unwrap_or(-1);
    let from = params.get("from").and_then(year).unwrap_or(lo).max(lo);
    let to = params.get("to").and_then(year).unwrap_or(hi).min(hi);
    if from > to {
        return Err(format!("the series overlap in no year of {from}–{to}"));
    }
    for (m, set) in chosen.iter().zip(&sets) {
        if let Some(y) = (from..=to).find(|y| !set.contains(y)) {
            return Err(format!(
                "series {} has no value for {y}; choose params.from/params.to where every \
                 series is complete",
                m.name
            ));
        }
    }
    let t: Vec<f64> = (from..=to).map(|y| y as f64).collect();
    let x: Vec<Vec<f64>> = chosen
        .iter()
        .map(|m| (from..=to).map(|y| m.values[(y - i64::from(m.start_year)) as usize]).collect())
        .collect();
    Series::new(chosen.iter().map(|m| m.name.clone()).collect(), t, x).map_err(|e| e.to_string())
}

/// Fit options from job params: `form` (`f1`, `f2`, `f3`) and `method` (estimator `e1`,
/// `e2`, `e4`); everything else as the CLI's defaults.
pub fn fit_options(params: &Value) -> Result<FitOptions, String> {
    let mut o = FitOptions::default();
    if let Some(f) = params.get("form").and_then(Value::as_str) {
        o.form = match f.to_ascii_lowercase().as_str() {
            "f1" => Form::F1,
            "f2" => Form::F2,
            "f3" => Form::F3,
            _ => return Err(format!("params.form: expected f1, f2 or f3, got {f:?}")),
        };
    }
    if let Some(m) = params.get("method").and_then(Value::as_str) {
        o.estimator = match m.to_ascii_lowercase().as_str() {
            "e1" => Estimator::E1,
            "e2" => Estimator::E2,
            "e4" => Estimator::E4,
            _ => return Err(format!("params.method: expected e1, e2 or e4, got {m:?}")),
        };
    }
    Ok(o)
}

/// Run a fit job: the series, the options, the fit, as `symbiont dynamics fit --json` prints it.
pub fn fit(s: &Scenario, params: &Value) -> Result<Value, String> {
    let series = fit_series(s, params)?;
    let opts = fit_options(params)?;
    if opts.estimator == Estimator::E2 && series.x.iter().flatten().any(|v| *v <= 0.0) {
        return Err("the trajectory fit (e2) works on logs: every value must be > 0".into());
    }
    let n = series.names.len();
    let n_params = match opts.form {
        Form::F3 => n * n,
        _ => n + n * n,
    } + if opts.estimator == Estimator::E2 && opts.initial == InitialValues::Free {
        n
    } else {
        0
    };
    if series.t.len() * n <= n_params || series.t.len() < 4 {
        return Err(format!(
            "{} years × {n} series is too few observations for {n_params} parameters",
            series.t.len()
        ));
    }
    let f = symbiont_dynamics::fit(&series, &opts).map_err(|e| e.to_string())?;
    Ok(fit_json(&f, &[]))
}

/// The options of a fit in one line (as the CLI prints them).
pub fn options_line(o: &FitOptions) -> String {
    let mut s = format!("estimator {:?}, form {:?}", o.estimator, o.form);
    match o.estimator {
        Estimator::E1 => s += &format!(", growth {:?}, timing {:?}", o.growth, o.timing),
        Estimator::E4 => {
            s += &format!(
                ", growth {:?}, timing {:?}, capacity {:?}",
                o.growth, o.timing, o.capacity
            )
        }
        Estimator::E2 => {
            s += &format!(
                ", residuals {:?}, initial values {:?}, rtol {:e}, atol {:e}",
                o.residual, o.initial, o.tol.rtol, o.tol.atol
            )
        }
    }
    s += &format!(", zero rule {:?}, symmetry {:?}", o.classify.zero, o.classify.symmetry);
    if let Some(a) = o.require_significance {
        s += &format!(", classify only if p ≤ {a}");
    }
    if let Some(b) = o.bootstrap {
        s += &format!(", bootstrap {:?} × {} (seed {})", b.kind, b.draws, b.seed);
    }
    s
}

/// Equilibria as JSON (as `symbiont dynamics fit --json` prints them).
pub fn equilibria_json(e: &Equilibria, names: &[String]) -> Value {
    json!({
        "points": e.points.iter().map(|p| json!({
            "support": p.support.iter().map(|&i| names[i].clone()).collect::<Vec<_>>(),
            "x": p.x,
            "feasible": p.feasible,
            "stability": format!("{:?}", p.stability).to_lowercase(),
            "type": format!("{:?}", p.kind).to_lowercase(),
            "eigenvalues": p.eigenvalues.iter().map(|e| [e.0, e.1]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "not_isolated_supports": e.degenerate.iter().map(|s| s.iter().map(|&i| names[i].clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

/// A fit as JSON: the same keys as `symbiont dynamics fit --json` (`degrees` is its
/// `symbiosis_degree` list, empty when not asked for).
pub fn fit_json(f: &Fit, degrees: &[Value]) -> Value {
    let names = &f.names;
    let label = |m: symbiont_dynamics::SymbiosisMode, i: usize, j: usize| {
        symbiont_dynamics::mode_label(m, &names[i], &names[j])
    };
    json!({
        "units": names,
        "options": options_line(&f.options),
        "converged": f.converged,
        "parameters": f.params.iter().map(|p| json!({
            "form": p.group, "name": p.name, "estimate": p.estimate, "se": p.se, "p": p.p,
            "ci": p.ci.map(|c| [c.0, c.1]), "bootstrap_ci": p.boot_ci.map(|c| [c.0, c.1]),
        })).collect::<Vec<_>>(),
        "effects_are_sigma": f.effects_are_sigma,
        "modes": f.modes.iter().map(|m| json!({
            "i": names[m.i], "j": names[m.j],
            "effect_of_j_on_i": m.e_ij.value, "p_ij": m.e_ij.p,
            "effect_of_i_on_j": m.e_ji.value, "p_ji": m.e_ji.p,
            "mode": m.mode.map(|x| x.key()),
            "label": m.mode.map(|x| label(x, m.i, m.j)),
            "chinese": m.mode.map(|x| x.chinese()),
            "unclassified": m.unclassified,
            "probability": m.probability.iter().map(|(x, p)| json!({"mode": x.key(), "label": label(*x, m.i, m.j), "share": p})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "equilibria": equilibria_json(&f.equilibria, names),
        "fit": {
            "space": f.gof.space, "r2": f.gof.r2, "rmse": f.gof.rmse, "aic": f.gof.aic,
            "rss": f.gof.rss, "observations": f.gof.n_obs, "parameters": f.gof.n_params,
        },
        "bootstrap": {"draws": f.draws, "ok": f.draws_ok},
        "symbiosis_degree": degrees,
        "notes": f.notes,
        "dropped": f.dropped,
    })
}
