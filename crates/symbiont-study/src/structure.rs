//! The collaboration network as it emerges in a run: the run's entity-level ties
//! ([`symbiont_abm::output::Tie`]) as a [`symbiont_network::EntityGraph`], its structure
//! measures and its class (one-way street, hub or network; `docs/network.md`).
//!
//! The graph holds every supporting unit of the scenario (departments, parks, universities,
//! institutes, lenders, intermediaries) and every enterprise or host firm that formed at least
//! one tie; enterprises that never went out are not part of the network.

use std::collections::BTreeMap;

use symbiont_abm::output::{EntityRef, FlowFactor, Tie};
use symbiont_model::population::Population;
use symbiont_model::{Scenario, Side};
use symbiont_network::{
    Entity, EntityClass, EntityGraph, EntitySide, EntityThresholds, Layer, Structure,
    StructureOptions, classify,
};

/// A structure measure: its column name and how to read it.
pub type Measure = (&'static str, fn(&Structure) -> f64);

/// The structure measures in the order of `structure.csv`, with their accessors.
pub const MEASURES: [Measure; 12] = [
    ("entities", |s| s.entities as f64),
    ("ties", |s| s.ties as f64),
    ("density", |s| s.density),
    ("reciprocity", |s| s.reciprocity),
    ("cross_border_share", |s| s.cross_border_share),
    ("cross_border_reciprocity", |s| s.cross_border_reciprocity),
    ("centralization", |s| s.centralization),
    ("top_share", |s| s.top_share),
    ("multiplexity", |s| s.multiplexity),
    ("support_ties", |s| s.support_ties),
    ("communities", |s| s.communities as f64),
    ("modularity", |s| s.modularity),
];

fn side(s: Side) -> EntitySide {
    match s {
        Side::Home => EntitySide::Home,
        Side::Host => EntitySide::Host,
    }
}

fn layer(f: FlowFactor) -> Layer {
    match f {
        FlowFactor::Capital => Layer::Capital,
        FlowFactor::Technology => Layer::Technology,
        FlowFactor::Talent => Layer::Talent,
        FlowFactor::Information => Layer::Information,
        FlowFactor::Goods => Layer::Goods,
    }
}

/// The entity a reference names: its label, unit kind and side.
pub fn describe(sc: &Scenario, pop: &Population, e: EntityRef) -> Entity {
    let region_side = |r: usize| side(sc.regions[r].side);
    // A supporting unit by its id and region; one the scenario lacks is named by its index.
    let unit = |kind: &str, j: u32, found: Option<(&String, usize)>| match found {
        Some((id, region)) => Entity::new(id.clone(), kind, region_side(region)),
        None => Entity::new(format!("{kind}#{j}"), kind, EntitySide::Home),
    };
    match e {
        EntityRef::Enterprise(i) => {
            let origin = pop.enterprises.get(i as usize).map_or(0, |x| x.origin as usize);
            let group = sc.enterprise_groups.get(origin).map_or("enterprise", |g| g.id.as_str());
            // An enterprise that went out is its affiliate abroad: its home supporters send it
            // capital, talent and technology across the border, and returns come back.
            Entity::new(format!("{group}#{i}"), "enterprise", EntitySide::Host)
        }
        EntityRef::HostFirm(i) => {
            Entity::new(format!("host_firm#{i}"), "host_firm", EntitySide::Host)
        }
        EntityRef::Department(d) => {
            let mut k = d as usize;
            for g in &sc.governments {
                if k < g.departments.len() {
                    return Entity::new(
                        g.departments[k].id.clone(),
                        "government",
                        region_side(g.region),
                    );
                }
                k -= g.departments.len();
            }
            Entity::new(format!("department#{d}"), "government", EntitySide::Host)
        }
        EntityRef::Park(j) => {
            let id = sc.parks.get(j as usize).map_or_else(|| format!("park#{j}"), |p| p.id.clone());
            Entity::new(id, "park", EntitySide::Host)
        }
        EntityRef::University(j) => {
            unit("university", j, sc.universities.get(j as usize).map(|u| (&u.id, u.region)))
        }
        EntityRef::ResearchInstitute(j) => unit(
            "research_institute",
            j,
            sc.research_institutes.get(j as usize).map(|u| (&u.id, u.region)),
        ),
        EntityRef::Finance(j) => {
            unit("finance", j, sc.finance.get(j as usize).map(|u| (&u.id, u.region)))
        }
        EntityRef::Intermediary(j) => {
            unit("intermediary", j, sc.intermediaries.get(j as usize).map(|u| (&u.id, u.region)))
        }
        EntityRef::Promoter(j) => {
            unit("promoting_org", j, sc.promoting_orgs.get(j as usize).map(|u| (&u.id, u.region)))
        }
    }
}

/// Every supporting unit of the scenario, in a fixed order.
fn support_units(sc: &Scenario) -> Vec<EntityRef> {
    let n_dept: usize = sc.governments.iter().map(|g| g.departments.len()).sum();
    let mut v: Vec<EntityRef> = (0..n_dept as u32).map(EntityRef::Department).collect();
    v.extend((0..sc.parks.len() as u32).map(EntityRef::Park));
    v.extend((0..sc.universities.len() as u32).map(EntityRef::University));
    v.extend((0..sc.research_institutes.len() as u32).map(EntityRef::ResearchInstitute));
    v.extend((0..sc.finance.len() as u32).map(EntityRef::Finance));
    v.extend((0..sc.intermediaries.len() as u32).map(EntityRef::Intermediary));
    v.extend((0..sc.promoting_orgs.len().min(1) as u32).map(EntityRef::Promoter));
    v
}

/// The entity graph of one run's ties.
pub fn entity_graph(
    sc: &Scenario,
    pop: &Population,
    ties: &[Tie],
) -> Result<EntityGraph, symbiont_network::NetworkError> {
    let mut index: BTreeMap<EntityRef, u32> = BTreeMap::new();
    let mut entities = Vec::new();
    let mut add = |e: EntityRef, entities: &mut Vec<Entity>| -> u32 {
        *index.entry(e).or_insert_with(|| {
            entities.push(describe(sc, pop, e));
            (entities.len() - 1) as u32
        })
    };
    for e in support_units(sc) {
        add(e, &mut entities);
    }
    let mut out = Vec::with_capacity(ties.len());
    for t in ties {
        let source = add(t.source, &mut entities);
        let target = add(t.target, &mut entities);
        out.push(symbiont_network::Tie {
            source,
            target,
            kind: t.kind.word().to_string(),
            layer: layer(t.kind.factor()),
            weight: t.weight,
            period: t.period,
        });
    }
    EntityGraph::new(entities, out)
}

/// One run's structure and its class.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStructure {
    pub structure: Structure,
    pub class: EntityClass,
}

/// Measure and classify one run's network (Louvain seeded by the run seed).
pub fn measure(g: &EntityGraph, seed: u64) -> RunStructure {
    let structure = g.structure(&StructureOptions { seed, ..StructureOptions::default() });
    let class = classify(&structure, &EntityThresholds::default());
    RunStructure { structure, class }
}

/// The network tables of a run folder for one mode, read back: the structure summary over
/// runs (`network_structure.csv`) and the first run's network (`entities.csv`, `ties.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct FolderNetwork {
    pub mode: String,
    pub summary: crate::summary::StructureSummary,
    pub graph: EntityGraph,
}

/// Why a run folder's network tables cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct TableError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

fn records(
    dir: &std::path::Path,
    name: &str,
    header: &[&str],
) -> Result<Option<Vec<(u64, csv::StringRecord)>>, TableError> {
    let path = dir.join(name);
    let err =
        |line: u64, message: String| TableError { file: path.display().to_string(), line, message };
    let Ok(text) = std::fs::read(&path) else { return Ok(None) };
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_slice());
    let got = r.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let got: Vec<&str> = got.iter().collect();
    if got.len() < header.len() || got[..header.len()] != *header {
        return Err(err(1, format!("expected the header to start `{}`", header.join(","))));
    }
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push((line, rec));
    }
    Ok(Some(out))
}

/// Read the network of `mode` from a run folder; `None` when the folder has no network tables
/// or none for that mode (a folder written before they existed, or `structure` off).
pub fn read_folder_network(
    dir: &std::path::Path,
    mode: &str,
) -> Result<Option<FolderNetwork>, TableError> {
    let num = |file: &str, line: u64, col: &str, s: &str| -> Result<f64, TableError> {
        if s.is_empty() {
            return Ok(f64::NAN);
        }
        s.parse::<f64>().map_err(|_| TableError {
            file: dir.join(file).display().to_string(),
            line,
            message: format!("column {col}: expected a number, got \"{s}\""),
        })
    };
    let Some(rows) =
        records(dir, "network_structure.csv", &["mode", "measure", "median", "p025", "p975"])?
    else {
        return Ok(None);
    };
    let mut measures = vec![(f64::NAN, f64::NAN, f64::NAN); MEASURES.len()];
    let mut classes = Vec::new();
    let mut any = false;
    for (line, r) in &rows {
        if &r[0] != mode {
            continue;
        }
        any = true;
        let f = "network_structure.csv";
        let med = num(f, *line, "median", &r[2])?;
        if let Some(class) = r[1].strip_prefix("class: ") {
            classes.push((class.to_string(), med));
        } else if let Some(k) = MEASURES.iter().position(|m| m.0 == &r[1]) {
            measures[k] = (med, num(f, *line, "p025", &r[3])?, num(f, *line, "p975", &r[4])?);
        }
    }
    if !any {
        return Ok(None);
    }
    classes.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut first_reason = String::new();
    if let Some(rows) = records(dir, "structure.csv", &["mode", "run", "class", "reason"])?
        && let Some((_, r)) = rows.iter().find(|(_, r)| &r[0] == mode)
    {
        first_reason = r[3].to_string();
    }
    let header = ["mode", "run", "id", "label", "kind", "side", "support"];
    let mut entities = Vec::new();
    for (line, r) in records(dir, "entities.csv", &header)?.unwrap_or_default() {
        if &r[0] != mode {
            continue;
        }
        let side = match &r[5] {
            "home" => EntitySide::Home,
            "host" => EntitySide::Host,
            other => {
                return Err(TableError {
                    file: dir.join("entities.csv").display().to_string(),
                    line,
                    message: format!("column side: expected home or host, got \"{other}\""),
                });
            }
        };
        let mut e = Entity::new(r[3].to_string(), r[4].to_string(), side);
        e.support = &r[6] == "1";
        entities.push(e);
    }
    let header = ["mode", "run", "source", "target", "kind", "factor", "weight", "period"];
    let mut ties = Vec::new();
    for (line, r) in records(dir, "ties.csv", &header)?.unwrap_or_default() {
        if &r[0] != mode {
            continue;
        }
        let f = "ties.csv";
        let int = |col: &str, s: &str| -> Result<u32, TableError> {
            s.parse::<u32>().map_err(|_| TableError {
                file: dir.join(f).display().to_string(),
                line,
                message: format!("column {col}: expected a whole number, got \"{s}\""),
            })
        };
        let layer = Layer::parse(&r[5]).ok_or_else(|| TableError {
            file: dir.join(f).display().to_string(),
            line,
            message: format!("column factor: unknown factor \"{}\"", &r[5]),
        })?;
        ties.push(symbiont_network::Tie {
            source: int("source", &r[2])?,
            target: int("target", &r[3])?,
            kind: r[4].to_string(),
            layer,
            weight: num(f, line, "weight", &r[6])?,
            period: int("period", &r[7])?,
        });
    }
    let graph = EntityGraph::new(entities, ties).map_err(|e| TableError {
        file: dir.join("ties.csv").display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    Ok(Some(FolderNetwork {
        mode: mode.to_string(),
        summary: crate::summary::StructureSummary { measures, classes, first_reason },
        graph,
    }))
}
