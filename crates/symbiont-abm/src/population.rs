//! Generating the population of a scenario from its groups' distributions.
//!
//! Each group draws from its own stream, derived from the master seed and the group's id, so
//! adding a group or reordering groups leaves every other group's agents unchanged. Inside a
//! group, agent `k` draws from a stream derived from `k`: resizing a group changes only the
//! agents added or removed.

use symbiont_model::population::{EnterpriseAgent, HostFirmAgent, Population};
use symbiont_model::seed::{derive, label};
use symbiont_model::{ChainPos, Scenario};

use crate::sample::{draw, pick, stream};

/// Generate every enterprise and host firm of `scenario` from `master_seed`.
pub fn generate(scenario: &Scenario, master_seed: u64) -> Population {
    let base = derive(master_seed, &[label("population")]);
    let mut enterprises = Vec::with_capacity(scenario.enterprise_count());
    for (i, e) in scenario.enterprises.iter().enumerate() {
        enterprises.push(EnterpriseAgent {
            origin: i as u32,
            region: e.region as u16,
            sector: e.sector as u16,
            chain: e.chain,
            capital_usd: e.capital_usd,
            productivity: e.productivity,
            excess_capacity: e.excess_capacity,
        });
    }
    let chains = |m: [f64; 3]| -> [(ChainPos, f64); 3] {
        [(ChainPos::Upstream, m[0]), (ChainPos::Midstream, m[1]), (ChainPos::Downstream, m[2])]
    };
    for (gi, g) in scenario.enterprise_groups.iter().enumerate() {
        let gseed = derive(base, &[label("enterprise_group"), label(&g.id)]);
        let chain_mix = chains(g.chain_mix);
        for k in 0..g.count {
            let mut rng = stream(derive(gseed, &[u64::from(k)]));
            let sector = pick(&g.sector_mix, &mut rng).unwrap_or(0);
            let chain = pick(&chain_mix, &mut rng).unwrap_or(ChainPos::Midstream);
            enterprises.push(EnterpriseAgent {
                origin: (scenario.enterprises.len() + gi) as u32,
                region: g.region as u16,
                sector: sector as u16,
                chain,
                capital_usd: draw(&g.capital_usd, &mut rng).max(1.0),
                productivity: draw(&g.productivity, &mut rng).max(1e-6),
                excess_capacity: draw(&g.excess_capacity, &mut rng).clamp(0.0, 1.0),
            });
        }
    }
    let mut host_firms = Vec::with_capacity(scenario.host_firm_count());
    for (gi, g) in scenario.host_firm_groups.iter().enumerate() {
        let gseed = derive(base, &[label("host_firm_group"), label(&g.id)]);
        for k in 0..g.count {
            let mut rng = stream(derive(gseed, &[u64::from(k)]));
            let sector = pick(&g.sector_mix, &mut rng).unwrap_or(0);
            host_firms.push(HostFirmAgent {
                group: gi as u32,
                region: g.region as u16,
                sector: sector as u16,
                capability: draw(&g.capability, &mut rng).clamp(0.0, 1.0),
                employment: draw(&g.employment, &mut rng).max(1.0),
            });
        }
    }
    Population { enterprises, host_firms }
}
