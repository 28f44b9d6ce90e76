//! First start: the default scenario stored as scenario `default`, the registry filled from
//! it, and the one-time admin bootstrap token while no admin exists.

use std::collections::BTreeMap;

use symbiont_model::{DEFAULT_SCENARIO, Scenario, Side, parse_scenario};
use symbiont_store::{Entity, Store};

use crate::ServerError;

fn side(s: Side) -> String {
    match s {
        Side::Home => "home".into(),
        Side::Host => "host".into(),
    }
}

fn map(items: &[(&str, f64)]) -> BTreeMap<String, f64> {
    items
        .iter()
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
}

/// The registry's entities declared by a scenario, with ids as in the scenario.
pub fn entities_of(s: &Scenario, now: i64) -> Vec<Entity> {
    let mut out = Vec::new();
    let region = |r: usize| {
        s.regions.get(r).map(|x| (x.id.clone(), x.side)).unwrap_or((String::new(), Side::Home))
    };
    let mut push = |id: &str,
                    kind: &str,
                    name: &str,
                    r: usize,
                    sector: &str,
                    chain: &str,
                    endow: BTreeMap<String, f64>,
                    needs: BTreeMap<String, f64>| {
        let (reg, sd) = region(r);
        out.push(Entity {
            id: id.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            side: side(sd),
            region: reg,
            sector: sector.to_string(),
            chain: chain.to_string(),
            endowments: endow,
            needs,
            created_at: now,
            updated_at: now,
        });
    };
    let none = BTreeMap::new;
    for g in &s.governments {
        push(&g.id, "government", &g.name, g.region, "", "", none(), none());
        for d in &g.departments {
            push(
                &d.id,
                "department",
                &d.name,
                g.region,
                "",
                "",
                map(&[("information", 1.0)]),
                none(),
            );
        }
    }
    for e in &s.enterprises {
        let sec = &s.sectors[e.sector];
        let m = e.capital_usd / 1e6;
        push(
            &e.id,
            "enterprise",
            &e.name,
            e.region,
            &sec.id,
            e.chain.word(),
            map(&[("capital", e.capital_usd)]),
            map(&[
                ("labour", m * sec.workers_per_musd),
                ("talent", m * sec.talent_per_musd),
                ("technology", m * sec.technology_per_musd),
                ("land", m * sec.land_ha_per_musd),
            ]),
        );
    }
    for g in &s.enterprise_groups {
        push(
            &g.id,
            "enterprise_group",
            &g.name,
            g.region,
            "",
            "",
            map(&[("capital", g.capital_usd.mean() * f64::from(g.count))]),
            none(),
        );
    }
    for g in &s.host_firm_groups {
        push(
            &g.id,
            "host_firm_group",
            &g.name,
            g.region,
            "",
            "",
            map(&[("labour", g.employment.mean() * f64::from(g.count))]),
            none(),
        );
    }
    for u in &s.universities {
        push(
            &u.id,
            "university",
            &u.name,
            u.region,
            "",
            "",
            map(&[("talent", u.talent_per_period)]),
            none(),
        );
    }
    for r in &s.research_institutes {
        push(
            &r.id,
            "research_institute",
            &r.name,
            r.region,
            "",
            "",
            map(&[("technology", r.technology_per_period)]),
            none(),
        );
    }
    for f in &s.finance {
        push(
            &f.id,
            "finance",
            &f.name,
            f.region,
            "",
            "",
            map(&[("capital", f.credit_capacity_usd)]),
            none(),
        );
    }
    for i in &s.intermediaries {
        push(
            &i.id,
            "intermediary",
            &i.name,
            i.region,
            "",
            "",
            map(&[("information", i.capacity_clients)]),
            none(),
        );
    }
    for p in &s.promoting_orgs {
        push(
            &p.id,
            "promoting_org",
            &p.name,
            p.region,
            "",
            "",
            map(&[("information", 1.0)]),
            none(),
        );
    }
    for p in &s.parks {
        push(
            &p.id,
            "park",
            &p.name,
            p.region,
            "",
            "",
            map(&[("land", p.area_ha), ("labour", p.labour_pool)]),
            none(),
        );
    }
    out
}

/// Store the default scenario and fill the registry, once.
pub async fn seed(store: &Store, now: i64) -> Result<(), ServerError> {
    if store.scenario_version("default", None).await.is_ok() {
        return Ok(());
    }
    let s = parse_scenario(DEFAULT_SCENARIO, "default").map_err(|d| {
        ServerError::Seed(format!(
            "the default scenario is invalid: {}",
            d.render(DEFAULT_SCENARIO)
        ))
    })?;
    store.upsert_entities(&entities_of(&s, now), now).await?;
    store.create_scenario("default", &s.meta.name, DEFAULT_SCENARIO, None, now).await?;
    Ok(())
}

/// While no admin exists: a fresh one-time bootstrap token (its hash stored), to print.
pub async fn bootstrap_token(store: &Store) -> Result<Option<String>, ServerError> {
    if store.admin_count().await? > 0 {
        return Ok(None);
    }
    let token = crate::auth::new_token().map_err(|e| ServerError::Seed(e.message))?;
    store.set_bootstrap_hash(&crate::auth::token_hash(&token)).await?;
    Ok(Some(token))
}
