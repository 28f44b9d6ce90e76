//! Small hand-built instances and the backends to run them on.

use symbiont_model::ChainPos;
use symbiont_plan::*;

/// Every backend compiled into this build.
pub fn backends() -> Vec<Backend> {
    [Backend::Microlp, Backend::Highs].into_iter().filter(|b| b.available()).collect()
}

pub fn settings(backend: Backend) -> SolveSettings {
    SolveSettings { backend, gap: 1e-9, threads: Some(1), ..SolveSettings::default() }
}

/// An enterprise with the same value in every park.
pub fn firm(
    name: &str,
    sector: usize,
    chain: ChainPos,
    parks: usize,
    value: f64,
    needs: [f64; 4],
) -> Candidate {
    Candidate {
        name: name.into(),
        sector,
        chain,
        needs,
        workers: 10.0,
        land_ha: 1.0,
        home: vec![value; parks],
        host: vec![0.0; parks],
        jobs: vec![10.0; parks],
    }
}

pub fn park(name: &str, plots: f64, designated: bool) -> ParkCap {
    ParkCap {
        name: name.into(),
        plots,
        labour_pool: 1e6,
        area_ha: 1e6,
        designated,
        target_sectors: vec![],
        entry_subsidy: 0.0,
    }
}

pub fn supplier(name: &str, kind: FactorKind, capacity: f64, unit_cost: f64) -> Supplier {
    Supplier { name: name.into(), kind, capacity, unit_cost }
}

pub fn instance(
    sectors: &[&str],
    enterprises: Vec<Candidate>,
    parks: Vec<ParkCap>,
    suppliers: Vec<Supplier>,
) -> Instance {
    Instance {
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
        enterprises,
        parks,
        suppliers,
        guidance: Guidance::default(),
        weights: Weights::default(),
        chain_bonus: 0.0,
        min_host_gain: None,
    }
}

pub fn planned(inst: &Instance, b: Backend) -> Box<Plan> {
    match plan(inst, &settings(b)).expect("the solver runs") {
        PlanOutcome::Planned(p) => p,
        PlanOutcome::Infeasible(e) => panic!("expected a plan, got infeasible: {e:?}"),
    }
}

/// Sites as a compact string: park index per enterprise, `-` for home.
pub fn sites(p: &Plan) -> String {
    p.sites()
        .iter()
        .map(|s| s.map(|j| j.to_string()).unwrap_or_else(|| "-".into()))
        .collect::<Vec<_>>()
        .join(" ")
}
