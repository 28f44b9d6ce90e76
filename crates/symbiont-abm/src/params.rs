//! Every mechanism parameter of the engine, with its documented default.
//!
//! The defaults and their sources are listed in `docs/model.md` ("Parameters"). Most are
//! assumptions of the right order, chosen so that the default scenario produces plausible
//! magnitudes; none of them names a mode, and none is set per mode: modes differ only through
//! their levers and the scenario's entities.

/// The mechanism parameters (M1-M12). `Params::default()` gives the documented defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    // ---- M1 push and pull
    /// Largest yearly probability that a firm at home decides to go out.
    pub go_max_rate: f64,
    /// Intercept of the propensity index.
    pub go_intercept: f64,
    /// Weight of the home push driver (policy support).
    pub go_push: f64,
    /// Weight of the firm's excess capacity share.
    pub go_excess: f64,
    /// Weight of host openness.
    pub go_openness: f64,
    /// Weight of the host cost advantage (1 - host / home unit cost of labour and land).
    pub go_cost_advantage: f64,
    /// Weight of coordinated external demand.
    pub go_demand: f64,
    /// Weight of the expected entry cost, as a multiple of one period's expected margin.
    pub go_entry_cost: f64,
    /// Weight of the expected yearly failure hazard.
    pub go_risk: f64,

    // ---- M2 approval
    /// Days of preparation (site search, dossier) before approval starts.
    pub prep_days: f64,
    /// Yearly carrying cost of capital tied up while waiting (for the expected entry cost).
    pub carry_rate: f64,

    // ---- M3 finance
    /// Risk score curvature: risk = 1 / (1 + productivity^k).
    pub risk_curvature: f64,
    /// Screening gain from pooled information: perceived risk is multiplied by (1 - gain).
    pub screen_individual: f64,
    pub screen_home_bank: f64,
    pub screen_hub_market: f64,
    pub screen_coordinated: f64,
    /// Cut of the credit premium from guarantees and pooling (share of the premium).
    pub premium_cut_individual: f64,
    pub premium_cut_home_bank: f64,
    pub premium_cut_hub_market: f64,
    pub premium_cut_coordinated: f64,

    // ---- M4 information
    /// Market reports a newcomer needs to learn the host market.
    pub info_reports: f64,
    /// Strength of the free ride: cost = base / (1 + strength * reach).
    pub info_free_ride: f64,
    /// Share of every network predecessor whose knowledge reaches an entrant under
    /// network-wide sharing (predecessors in the same park count fully).
    pub info_network_share: f64,
    /// Hub access at or above which a park counts as a hub location.
    pub hub_threshold: f64,

    // ---- M5 cost sharing
    /// Occupancy below which the park's developer carries the vacant plots' share of the
    /// shared cost: tenants split the cost as if at least this share of plots were taken.
    pub shared_cost_min_occupancy: f64,
    /// Wage premium per unit of labour-pool overuse (congestion).
    pub congestion_wage: f64,
    /// Infrastructure a firm must build alone outside a park, as a multiple of the mean
    /// per-plot shared cost of a full park (the Buzzell-Gale comparison: alone costs more).
    pub standalone_infra_share: f64,

    // ---- M6 matching and site choice
    /// Fit of a park whose target sectors do not include the firm's sector.
    pub offtarget_fit: f64,
    /// Fit of a scattered location before search noise.
    pub scattered_fit: f64,
    /// Chance that a firm searching on its own settles in a park rather than scattered.
    pub own_search_park_chance: f64,
    /// Weight of same-sector tenants in a park's attraction (cohorts, M7's pull).
    pub cohort_weight: f64,
    /// Revenue at fit 0 relative to fit 1.
    pub fit_revenue_floor: f64,

    // ---- Operation
    /// Sales per period per US$ of capital at productivity 1.
    pub turnover: f64,
    /// Share of sales sold to the home market.
    pub export_home_share: f64,
    /// Share of a linked host supplier's sales to the affiliates that the supply chain also
    /// carries to the home market (goods back, M11).
    pub chain_export_share: f64,
    /// Technology packages adapted to host conditions and sent back to the parent, per package
    /// in use per year (technology back, M11).
    pub tech_adaptation: f64,
    /// Technology packages co-developed with a partner institute and sent back to it, per
    /// package in use per year, for firms with a research partner (technology back, M11).
    pub codevelopment: f64,
    /// Transport cost of goods sent home, share of their value at the baseline.
    pub transport_rate: f64,
    /// Profit tax rate of the host.
    pub profit_tax: f64,
    /// Standing overhead of a firm abroad, share of capital per period.
    pub overhead: f64,
    /// Operating periods of consecutive losses after which a firm returns home.
    pub return_after_losses: u32,

    // ---- M8 talent, technology and hazard
    /// Share of talent and technology needs a firm covers with its own staff.
    pub own_cover: f64,
    /// Share of talent covered by home expatriates (lever `expatriates`).
    pub expat_cover: f64,
    /// One-off placement fee for a graduate, share of a year's talent price.
    pub placement_fee_share: f64,
    /// Price paid to partners, share of the market price.
    pub partner_price_share: f64,
    /// Base yearly failure hazard.
    pub hazard_base: f64,
    /// Added hazard at a full skill and technology gap.
    pub hazard_gap: f64,
    /// Added hazard at fit 0.
    pub hazard_misfit: f64,
    /// Added hazard per unit of loss relative to capital.
    pub hazard_loss: f64,
    /// Share of the workforce a partner university trains per period (lever host_training).
    pub training_share: f64,
    /// Share of trained host people who study at the home campus (talent flowing home).
    pub student_share: f64,

    // ---- M9 intermediaries
    /// Chance that an ad-hoc search finds a given service.
    pub adhoc_access: f64,
    /// Fee per client served, US$.
    pub service_fee_usd: f64,
    /// Share of the fee paid in a cultivated network.
    pub cultivated_fee_share: f64,
    /// Value to the client of a service at full effect (effect 1), US$ (for M12).
    pub service_value_usd: f64,

    // ---- M7 agglomeration
    /// Base productivity growth per period abroad.
    pub growth_base: f64,
    /// Growth per log of (1 + same-sector tenants in the park).
    pub growth_cluster: f64,
    /// Growth from a research partner (technology received from an institute).
    pub growth_research: f64,

    // ---- M10 host development
    /// Capability gain per unit of sourcing relative to sector output.
    pub cap_sourcing: f64,
    /// Capability gain per person trained relative to sector employment.
    pub cap_training: f64,
    /// Capability gain per technology package relative to the sector's firm count.
    pub cap_technology: f64,
    /// Share of a firm's technology packages that spill to linked host suppliers.
    pub tech_spill: f64,
    /// Host sales that displace host firms' sales (competition), share.
    pub crowd_out: f64,
    /// Value added margin of host suppliers on their sales.
    pub supplier_margin: f64,

    // ---- M12 symbiosis measurement
    /// Benefits within this share of the larger one count as "no effect".
    pub zero_band: f64,
    /// Ratio band within which mutualism is symmetric.
    pub symmetry_band: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            go_max_rate: 0.25,
            go_intercept: -5.5,
            go_push: 1.5,
            go_excess: 2.0,
            go_openness: 1.5,
            go_cost_advantage: 1.0,
            go_demand: 1.0,
            go_entry_cost: 1.0,
            go_risk: 4.0,

            prep_days: 90.0,
            carry_rate: 0.08,

            risk_curvature: 2.0,
            screen_individual: 0.0,
            screen_home_bank: 0.15,
            screen_hub_market: 0.10,
            screen_coordinated: 0.30,
            premium_cut_individual: 0.0,
            premium_cut_home_bank: 0.10,
            premium_cut_hub_market: 0.0,
            premium_cut_coordinated: 0.30,

            info_reports: 3.0,
            info_free_ride: 0.5,
            info_network_share: 0.1,
            hub_threshold: 0.7,

            shared_cost_min_occupancy: 0.25,
            congestion_wage: 0.5,
            standalone_infra_share: 2.0,

            offtarget_fit: 0.5,
            scattered_fit: 0.7,
            own_search_park_chance: 0.15,
            cohort_weight: 0.5,
            fit_revenue_floor: 0.8,

            turnover: 1.0,
            export_home_share: 0.3,
            chain_export_share: 0.5,
            tech_adaptation: 0.2,
            codevelopment: 0.1,
            transport_rate: 0.06,
            profit_tax: 0.2,
            overhead: 0.02,
            return_after_losses: 3,

            own_cover: 0.5,
            expat_cover: 0.9,
            placement_fee_share: 0.2,
            partner_price_share: 0.5,
            hazard_base: 0.02,
            hazard_gap: 0.06,
            hazard_misfit: 0.04,
            hazard_loss: 0.5,
            training_share: 0.05,
            student_share: 0.3,

            adhoc_access: 0.25,
            service_fee_usd: 20_000.0,
            cultivated_fee_share: 0.5,
            service_value_usd: 50_000.0,

            growth_base: 0.01,
            growth_cluster: 0.01,
            growth_research: 0.01,

            cap_sourcing: 0.1,
            cap_training: 0.5,
            cap_technology: 0.05,
            tech_spill: 0.2,
            crowd_out: 0.3,
            supplier_margin: 0.15,

            zero_band: 0.05,
            symmetry_band: 0.25,
        }
    }
}
