//! Writing a checked scenario back to TOML.
//!
//! `parse_scenario(&to_toml(&s)) == s` for every checked scenario: the server stores what a
//! form edited, and the tests use it as the round trip of the scenario language. Comments and
//! layout of the original file are not kept (edit the file itself to keep them).

use toml::{Table, Value};

use crate::dist::Dist;
use crate::levers::words;
use crate::scenario::*;

fn t() -> Table {
    Table::new()
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn i(x: i64) -> Value {
    Value::Integer(x)
}

fn dist(d: &Dist) -> Value {
    let mut m = t();
    match *d {
        Dist::Constant(x) => return f(x),
        Dist::Uniform { low, high } => {
            m.insert("dist".into(), s("uniform"));
            m.insert("low".into(), f(low));
            m.insert("high".into(), f(high));
        }
        Dist::Normal { mean, sd } => {
            m.insert("dist".into(), s("normal"));
            m.insert("mean".into(), f(mean));
            m.insert("sd".into(), f(sd));
        }
        Dist::LogNormal { median, sigma } => {
            m.insert("dist".into(), s("lognormal"));
            m.insert("median".into(), f(median));
            m.insert("sigma".into(), f(sigma));
        }
        Dist::Beta { alpha, beta } => {
            m.insert("dist".into(), s("beta"));
            m.insert("alpha".into(), f(alpha));
            m.insert("beta".into(), f(beta));
        }
        Dist::Triangular { low, mode, high } => {
            m.insert("dist".into(), s("triangular"));
            m.insert("low".into(), f(low));
            m.insert("mode".into(), f(mode));
            m.insert("high".into(), f(high));
        }
    }
    Value::Table(m)
}

fn head(m: &mut Table, id: &str, name: &str, region: Option<&str>) {
    m.insert("id".into(), s(id));
    m.insert("name".into(), s(name));
    if let Some(r) = region {
        m.insert("region".into(), s(r));
    }
}

fn mix(sc: &Scenario, v: &[(usize, f64)]) -> Value {
    let mut m = t();
    for &(ix, share) in v {
        m.insert(sc.sectors[ix].id.clone(), f(share));
    }
    Value::Table(m)
}

fn arr(items: Vec<Table>) -> Value {
    Value::Array(items.into_iter().map(Value::Table).collect())
}

fn word<E: PartialEq + Copy>(table: &[(&'static str, E)], v: E) -> Value {
    s(words::word(table, v))
}

/// The scenario as TOML text that parses back to the same scenario.
pub fn to_toml(sc: &Scenario) -> String {
    let rid = |r: RegionIx| sc.regions[r].id.as_str();
    let mut root = t();

    let mut m = t();
    m.insert("name".into(), s(&sc.meta.name));
    m.insert("title".into(), s(&sc.meta.title));
    if !sc.meta.description.is_empty() {
        m.insert("description".into(), s(&sc.meta.description));
    }
    root.insert("scenario".into(), Value::Table(m));

    let st = &sc.study;
    let mut m = t();
    m.insert("start_year".into(), i(i64::from(st.start_year)));
    m.insert("horizon_periods".into(), i(i64::from(st.horizon_periods)));
    m.insert("period_days".into(), f(st.period_days));
    m.insert("runs".into(), i(i64::from(st.runs)));
    m.insert("seed".into(), i(st.seed as i64));
    if let Some(x) = st.home_trade_share {
        m.insert("home_trade_share".into(), f(x));
    }
    m.insert(
        "compare".into(),
        Value::Array(st.compare.iter().map(|&c| s(&sc.modes[c].id)).collect()),
    );
    root.insert("study".into(), Value::Table(m));

    root.insert(
        "region".into(),
        arr(sc
            .regions
            .iter()
            .map(|r| {
                let mut m = t();
                head(&mut m, &r.id, &r.name, None);
                m.insert("side".into(), s(r.side.word()));
                m.insert("country".into(), s(&r.country));
                m.insert(
                    "provinces".into(),
                    Value::Array(r.provinces.iter().map(|p| s(p)).collect()),
                );
                m.insert("wage_usd".into(), f(r.costs.wage_usd));
                m.insert("land_rent_usd_per_ha".into(), f(r.costs.land_rent_usd_per_ha));
                let series: Vec<Table> = r
                    .series
                    .iter()
                    .map(|x| {
                        let mut q = t();
                        q.insert("indicator".into(), s(&x.indicator));
                        if !x.unit.is_empty() {
                            q.insert("unit".into(), s(&x.unit));
                        }
                        if !x.source.is_empty() {
                            q.insert("source".into(), s(&x.source));
                        }
                        q.insert("start_year".into(), i(i64::from(x.start_year)));
                        q.insert(
                            "values".into(),
                            Value::Array(x.values.iter().map(|&v| f(v)).collect()),
                        );
                        q
                    })
                    .collect();
                if !series.is_empty() {
                    m.insert("series".into(), arr(series));
                }
                m
            })
            .collect()),
    );

    root.insert(
        "sector".into(),
        arr(sc
            .sectors
            .iter()
            .map(|x| {
                let mut m = t();
                head(&mut m, &x.id, &x.name, None);
                m.insert("host_output_usd".into(), f(x.host_output_usd));
                m.insert("margin".into(), f(x.margin));
                m.insert("workers_per_musd".into(), f(x.workers_per_musd));
                m.insert("talent_per_musd".into(), f(x.talent_per_musd));
                m.insert("technology_per_musd".into(), f(x.technology_per_musd));
                m.insert("credit_share".into(), f(x.credit_share));
                m.insert("land_ha_per_musd".into(), f(x.land_ha_per_musd));
                m
            })
            .collect()),
    );

    let mut m = t();
    for fs in &sc.factors {
        let mut q = t();
        q.insert("unit".into(), s(&fs.unit));
        q.insert("price_usd".into(), f(fs.price_usd));
        m.insert(fs.factor.word().into(), Value::Table(q));
    }
    root.insert("factors".into(), Value::Table(m));

    root.insert(
        "government".into(),
        arr(sc
            .governments
            .iter()
            .map(|g| {
                let mut m = t();
                head(&mut m, &g.id, &g.name, Some(rid(g.region)));
                m.insert(
                    "department".into(),
                    arr(g
                        .departments
                        .iter()
                        .map(|d| {
                            let mut q = t();
                            head(&mut q, &d.id, &d.name, None);
                            q.insert("processing_days".into(), dist(&d.processing_days));
                            q.insert("approval_probability".into(), f(d.approval_probability));
                            q
                        })
                        .collect()),
                );
                m
            })
            .collect()),
    );

    root.insert(
        "enterprise".into(),
        arr(sc
            .enterprises
            .iter()
            .map(|e| {
                let mut m = t();
                head(&mut m, &e.id, &e.name, Some(rid(e.region)));
                m.insert("sector".into(), s(&sc.sectors[e.sector].id));
                m.insert("chain".into(), s(e.chain.word()));
                m.insert("capital_usd".into(), f(e.capital_usd));
                m.insert("productivity".into(), f(e.productivity));
                m.insert("excess_capacity".into(), f(e.excess_capacity));
                m
            })
            .collect()),
    );

    root.insert(
        "enterprise_group".into(),
        arr(sc
            .enterprise_groups
            .iter()
            .map(|g| {
                let mut m = t();
                head(&mut m, &g.id, &g.name, Some(rid(g.region)));
                m.insert("count".into(), i(i64::from(g.count)));
                m.insert("sectors".into(), mix(sc, &g.sector_mix));
                let mut c = t();
                for (k, w) in ChainPos::ALL.iter().enumerate() {
                    c.insert(w.word().into(), f(g.chain_mix[k]));
                }
                m.insert("chain".into(), Value::Table(c));
                m.insert("capital_usd".into(), dist(&g.capital_usd));
                m.insert("productivity".into(), dist(&g.productivity));
                m.insert("excess_capacity".into(), dist(&g.excess_capacity));
                m
            })
            .collect()),
    );

    root.insert(
        "host_firm_group".into(),
        arr(sc
            .host_firm_groups
            .iter()
            .map(|g| {
                let mut m = t();
                head(&mut m, &g.id, &g.name, Some(rid(g.region)));
                m.insert("count".into(), i(i64::from(g.count)));
                m.insert("sectors".into(), mix(sc, &g.sector_mix));
                m.insert("capability".into(), dist(&g.capability));
                m.insert("employment".into(), dist(&g.employment));
                if g.home_investment_usd != 0.0 {
                    m.insert("home_investment_usd".into(), f(g.home_investment_usd));
                }
                m
            })
            .collect()),
    );

    root.insert(
        "university".into(),
        arr(sc
            .universities
            .iter()
            .map(|u| {
                let mut m = t();
                head(&mut m, &u.id, &u.name, Some(rid(u.region)));
                m.insert("talent_per_period".into(), f(u.talent_per_period));
                m.insert("training_places".into(), f(u.training_places));
                if u.students_to_home_per_period != 0.0 {
                    m.insert(
                        "students_to_home_per_period".into(),
                        f(u.students_to_home_per_period),
                    );
                }
                m
            })
            .collect()),
    );
    root.insert(
        "research_institute".into(),
        arr(sc
            .research_institutes
            .iter()
            .map(|u| {
                let mut m = t();
                head(&mut m, &u.id, &u.name, Some(rid(u.region)));
                m.insert("technology_per_period".into(), f(u.technology_per_period));
                m.insert("host_fit".into(), f(u.host_fit));
                m
            })
            .collect()),
    );
    root.insert(
        "finance".into(),
        arr(sc
            .finance
            .iter()
            .map(|u| {
                let mut m = t();
                head(&mut m, &u.id, &u.name, Some(rid(u.region)));
                m.insert("credit_capacity_usd".into(), f(u.credit_capacity_usd));
                m.insert("base_rate".into(), f(u.base_rate));
                m.insert("risk_appetite".into(), f(u.risk_appetite));
                m
            })
            .collect()),
    );
    root.insert(
        "intermediary".into(),
        arr(sc
            .intermediaries
            .iter()
            .map(|u| {
                let mut m = t();
                head(&mut m, &u.id, &u.name, Some(rid(u.region)));
                m.insert("service".into(), s(crate::parse::service_word(u.service)));
                m.insert("capacity_clients".into(), f(u.capacity_clients));
                m.insert("reduces".into(), s(crate::parse::reduces_word(u.reduces)));
                m.insert("effect".into(), f(u.effect));
                m
            })
            .collect()),
    );
    root.insert(
        "promoting_org".into(),
        arr(sc
            .promoting_orgs
            .iter()
            .map(|u| {
                let mut m = t();
                head(&mut m, &u.id, &u.name, Some(rid(u.region)));
                m.insert("coordination_overhead_days".into(), f(u.coordination_overhead_days));
                m
            })
            .collect()),
    );

    root.insert(
        "park".into(),
        arr(sc
            .parks
            .iter()
            .map(|p| {
                let mut m = t();
                head(&mut m, &p.id, &p.name, Some(rid(p.region)));
                m.insert("kind".into(), s(crate::parse::park_word(p.kind)));
                m.insert("province".into(), s(&p.province));
                m.insert("area_ha".into(), f(p.area_ha));
                m.insert("plots".into(), i(i64::from(p.plots)));
                m.insert(
                    "shared_infrastructure_cost_usd".into(),
                    f(p.shared_infrastructure_cost_usd),
                );
                m.insert(
                    "target_sectors".into(),
                    Value::Array(p.target_sectors.iter().map(|&x| s(&sc.sectors[x].id)).collect()),
                );
                m.insert("designated".into(), Value::Boolean(p.designated));
                m.insert("hub_access".into(), f(p.hub_access));
                m.insert("labour_pool".into(), f(p.labour_pool));
                m.insert("opened_year".into(), i(i64::from(p.opened_year)));
                let mut q = t();
                q.insert(
                    "tax_holiday_periods".into(),
                    i(i64::from(p.incentives.tax_holiday_periods)),
                );
                q.insert("rent_discount".into(), f(p.incentives.rent_discount));
                q.insert("entry_subsidy_usd".into(), f(p.incentives.entry_subsidy_usd));
                m.insert("incentives".into(), Value::Table(q));
                m
            })
            .collect()),
    );

    let uid = |u: UnitRef| sc.unit(u).map(|v| v.id.to_string()).unwrap_or_default();
    root.insert(
        "relation".into(),
        arr(sc
            .relations
            .iter()
            .map(|r| {
                let mut m = t();
                m.insert("a".into(), s(&uid(r.a)));
                m.insert("b".into(), s(&uid(r.b)));
                if let Some(fct) = r.factor {
                    m.insert("factor".into(), s(fct.word()));
                }
                m.insert("weight".into(), f(r.weight));
                m.insert("two_way".into(), Value::Boolean(r.two_way));
                if let Some((ab, ba)) = r.sigma {
                    m.insert("sigma_ab".into(), f(ab));
                    m.insert("sigma_ba".into(), f(ba));
                }
                m
            })
            .collect()),
    );

    let mut m = t();
    for d in Driver::ALL {
        m.insert(d.word().into(), f(sc.environment.get(d)));
    }
    root.insert("environment".into(), Value::Table(m));

    root.insert(
        "event".into(),
        arr(sc
            .events
            .iter()
            .map(|e| {
                let mut m = t();
                head(&mut m, &e.id, &e.name, None);
                m.insert("year".into(), i(i64::from(e.year)));
                if !e.source.is_empty() {
                    m.insert("source".into(), s(&e.source));
                }
                m.insert(
                    "change".into(),
                    arr(e
                        .changes
                        .iter()
                        .map(|c| {
                            let mut q = t();
                            q.insert("driver".into(), s(c.driver.word()));
                            q.insert("op".into(), s(crate::parse::op_word(c.op)));
                            q.insert("value".into(), f(c.value));
                            q
                        })
                        .collect()),
                );
                m
            })
            .collect()),
    );

    root.insert(
        "mode".into(),
        arr(sc
            .modes
            .iter()
            .filter(|md| !md.preset)
            .map(|md| {
                let mut m = t();
                head(&mut m, &md.id, &md.name, None);
                m.extend(levers_table(&md.levers));
                m
            })
            .collect()),
    );

    // Empty arrays of tables would be written as `x = []`, which reads back as "no items".
    root.retain(|_, v| !matches!(v, Value::Array(a) if a.is_empty()));
    toml::to_string_pretty(&root).unwrap_or_default()
}

/// A mode's levers as the scenario file writes them (`site_choice = "planned"`, ...): for a
/// custom mode's table, and for `manifest.json`.
pub fn levers_table(l: &crate::Levers) -> toml::Table {
    let mut m = toml::Table::new();
    m.insert("site_choice".into(), word(words::SITE_CHOICE, l.site_choice));
    m.insert("site_search_noise".into(), f(l.site_search_noise));
    m.insert("cohort".into(), Value::Boolean(l.cohort));
    m.insert("approvals".into(), word(words::APPROVALS, l.approvals));
    m.insert("finance".into(), word(words::FINANCE, l.finance));
    m.insert("talent_technology".into(), word(words::TALENT_TECHNOLOGY, l.talent_technology));
    m.insert("host_training".into(), Value::Boolean(l.host_training));
    m.insert("intermediaries".into(), word(words::INTERMEDIARIES, l.intermediaries));
    m.insert("information_sharing".into(), word(words::INFORMATION_SHARING, l.information_sharing));
    m.insert("profit".into(), word(words::PROFIT, l.profit));
    m.insert("reinvest_share".into(), f(l.reinvest_share));
    m.insert("host_linkage".into(), f(l.host_linkage));
    m
}
