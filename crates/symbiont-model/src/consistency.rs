//! Warnings, not errors: a valid scenario that is self-inconsistent in ways that drive the
//! results (`symbiont scenario check` prints them; issue 14 §3).
//!
//! - an enterprise that needs more workers than the labour pool of a park that targets its
//!   sector (it cannot be staffed there, and drains the pool if it settles there);
//! - a park whose plots are far below its share of the enterprises of the sectors it targets
//!   (each sector's enterprises split evenly over the parks that target it);
//! - a capacity (credit, graduates, technology packages, intermediary client slots) far above
//!   or below the demand it serves, where demand per period is what the whole population would
//!   need if it went out evenly over the horizon.
//!
//! "Far" is a factor of [`FAR`]; the rules are rough on purpose: they catch typos and scale
//! mistakes, not fine calibration.

use crate::scenario::Scenario;

/// How far off a ratio must be to warn.
pub const FAR: f64 = 20.0;

/// One warning: the field it is about and what is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// A dotted path such as `enterprise[0].capital_usd` or `park[2].plots`.
    pub field: String,
    pub message: String,
}

fn n(x: f64) -> String {
    crate::diag::num_text(x)
}

/// Every consistency warning of a scenario, in a fixed order.
pub fn warnings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    let horizon = f64::from(sc.study.horizon_periods.max(1));
    // Workers of single enterprises against the parks of their sector.
    for (i, e) in sc.enterprises.iter().enumerate() {
        let Some(sec) = sc.sectors.get(e.sector) else { continue };
        let need = sec.workers_per_musd * e.capital_usd / 1e6;
        let parks: Vec<&crate::scenario::Park> =
            sc.parks.iter().filter(|p| p.target_sectors.contains(&e.sector)).collect();
        let short: Vec<String> = parks
            .iter()
            .filter(|p| need > p.labour_pool)
            .map(|p| format!("{} ({})", p.id, n(p.labour_pool)))
            .collect();
        if !short.is_empty() {
            out.push(Warning {
                field: format!("enterprise[{i}].capital_usd"),
                message: format!(
                    "enterprise \"{}\" needs {} workers ({} per US$ million of {} capital), more \
                     than the labour pool of {} park(s) that target sector \"{}\": {}; settling \
                     there it drains the pool and pushes wages up",
                    e.id,
                    n(need),
                    n(sec.workers_per_musd),
                    n(e.capital_usd),
                    short.len(),
                    sec.id,
                    short.join(", ")
                ),
            });
        }
    }
    // Expected enterprises, capital, credit, talent and technology by sector.
    let mut firms = vec![0.0; sc.sectors.len()];
    let mut capital = vec![0.0; sc.sectors.len()];
    for g in &sc.enterprise_groups {
        for &(s, share) in &g.sector_mix {
            if s < firms.len() {
                firms[s] += f64::from(g.count) * share;
                capital[s] += f64::from(g.count) * share * g.capital_usd.mean();
            }
        }
    }
    for e in &sc.enterprises {
        if e.sector < firms.len() {
            firms[e.sector] += 1.0;
            capital[e.sector] += e.capital_usd;
        }
    }
    let mut parks_of = vec![0.0f64; sc.sectors.len()];
    for p in &sc.parks {
        for &s in &p.target_sectors {
            if s < parks_of.len() {
                parks_of[s] += 1.0;
            }
        }
    }
    for (j, p) in sc.parks.iter().enumerate() {
        let targeted: f64 = p
            .target_sectors
            .iter()
            .filter(|&&s| s < firms.len())
            .map(|&s| firms[s] / parks_of[s].max(1.0))
            .sum();
        if targeted > 0.0 && f64::from(p.plots) * FAR < targeted {
            out.push(Warning {
                field: format!("park[{j}].plots"),
                message: format!(
                    "park \"{}\" has {} plots for its share of about {} enterprises in the \
                     sectors it targets (split over the parks that target them); most of them \
                     cannot settle there",
                    p.id,
                    p.plots,
                    n(targeted.round())
                ),
            });
        }
    }
    let per_period =
        |f: &dyn Fn(usize) -> f64| -> f64 { (0..sc.sectors.len()).map(f).sum::<f64>() / horizon };
    let credit = per_period(&|s| capital[s] * sc.sectors[s].credit_share);
    let talent = per_period(&|s| capital[s] / 1e6 * sc.sectors[s].talent_per_musd);
    let tech = per_period(&|s| capital[s] / 1e6 * sc.sectors[s].technology_per_musd);
    let clients = firms.iter().sum::<f64>() / horizon;
    let mut capacity = |field: &str, what: &str, cap: f64, demand: f64| {
        if cap <= 0.0 || demand <= 0.0 {
            return;
        }
        let (word, ratio) =
            if cap > demand { ("above", cap / demand) } else { ("below", demand / cap) };
        if ratio > FAR {
            out.push(Warning {
                field: field.to_string(),
                message: format!(
                    "{what}: capacity {} per period is far {word} the demand of about {} per \
                     period (the population going out evenly over {} periods), a factor of {}",
                    n(cap.round()),
                    n(demand.round()),
                    n(horizon),
                    n(ratio.round())
                ),
            });
        }
    };
    let sum = |xs: Vec<f64>| xs.iter().sum::<f64>();
    capacity(
        "finance[].credit_capacity_usd",
        "credit",
        sum(sc.finance.iter().map(|f| f.credit_capacity_usd).collect()),
        credit,
    );
    capacity(
        "university[].talent_per_period",
        "graduates",
        sum(sc.universities.iter().map(|u| u.talent_per_period).collect()),
        talent,
    );
    capacity(
        "research_institute[].technology_per_period",
        "technology packages",
        sum(sc.research_institutes.iter().map(|r| r.technology_per_period).collect()),
        tech,
    );
    // Each client uses one slot per kind of cost an intermediary reduces.
    let mut kinds: Vec<_> = sc.intermediaries.iter().map(|m| m.reduces).collect();
    kinds.sort();
    kinds.dedup();
    capacity(
        "intermediary[].capacity_clients",
        "intermediary client slots",
        sum(sc.intermediaries.iter().map(|m| m.capacity_clients).collect()),
        clients * kinds.len() as f64,
    );
    out
}
