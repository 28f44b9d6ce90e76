//! Modes of organisation are presets of levers (MODEL §5).
//!
//! A mode is nothing but a named `Levers` value. The engines read levers, never a mode's
//! name: a custom mode with the network's levers gives the network's results, seed for seed.

/// How an enterprise chooses where to invest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteChoice {
    /// Its own noisy search; any location, mostly outside parks.
    Scattered,
    /// Market-driven: the best-connected locations (parks with high hub access).
    NearHubs,
    /// Designated parks chosen by the promoting organisation, in cohorts along the chain.
    Designated,
    /// The planner's allocation (`symbiont plan`), tested under uncertainty.
    Planned,
}

/// How investment dossiers are approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Approvals {
    /// Department after department: the delay is the sum of their times.
    Serial,
    /// One window: departments in parallel, the delay is the slowest plus an overhead.
    OneWindow,
}

/// How enterprises are financed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Finance {
    /// Each firm borrows alone at commercial terms.
    Individual,
    /// A home bank stands behind each firm (group lending, no pooling across firms).
    HomeBank,
    /// A hub financial centre at market rates.
    HubMarket,
    /// A coordinated credit line: pooled information and guarantees lower the premium.
    Coordinated,
}

/// Where skills and technology come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TalentTech {
    /// No outside support.
    None,
    /// Only the firm's own home expatriates.
    Expatriates,
    /// Bought on the market at full price.
    Market,
    /// University and research-institute partners (capacity limited).
    Partners,
}

/// Access to intermediary services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intermediaries {
    AdHoc,
    TradingHouses,
    Market,
    Cultivated,
}

/// Whose knowledge of the host market reaches an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InfoSharing {
    /// Nobody's.
    None,
    /// Predecessors of the same corporate group (same sector and chain position).
    Group,
    /// Predecessors at hub locations.
    Hub,
    /// Every predecessor in the network (same park, plus a share from the whole network).
    Network,
}

/// What happens to operating profit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profit {
    Repatriated,
    HubRecycled,
    Reinvested,
}

/// The organisational levers of one mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Levers {
    pub site_choice: SiteChoice,
    /// Noise of the firm's own site search, 0 (perfect) ..= 1 (random).
    pub site_search_noise: f64,
    /// Enterprises move in cohorts along the industrial chain.
    pub cohort: bool,
    pub approvals: Approvals,
    pub finance: Finance,
    pub talent_technology: TalentTech,
    /// Universities train host students and workers.
    pub host_training: bool,
    pub intermediaries: Intermediaries,
    pub information_sharing: InfoSharing,
    pub profit: Profit,
    /// Share of operating profit reinvested in the host, 0..=1.
    pub reinvest_share: f64,
    /// Share of inputs sourced from host firms, 0..=1.
    pub host_linkage: f64,
}

impl Levers {
    /// "Fight alone": every firm for itself.
    pub fn fight_alone() -> Self {
        Levers {
            site_choice: SiteChoice::Scattered,
            site_search_noise: 0.6,
            cohort: false,
            approvals: Approvals::Serial,
            finance: Finance::Individual,
            talent_technology: TalentTech::None,
            host_training: false,
            intermediaries: Intermediaries::AdHoc,
            information_sharing: InfoSharing::None,
            profit: Profit::Repatriated,
            reinvest_share: 0.0,
            host_linkage: 0.15,
        }
    }

    /// "Overseas Japan": a one-way street of overseas assets.
    pub fn one_way_street() -> Self {
        Levers {
            site_choice: SiteChoice::Scattered,
            site_search_noise: 0.3,
            cohort: false,
            approvals: Approvals::Serial,
            finance: Finance::HomeBank,
            talent_technology: TalentTech::Expatriates,
            host_training: false,
            intermediaries: Intermediaries::TradingHouses,
            information_sharing: InfoSharing::Group,
            profit: Profit::Repatriated,
            reinvest_share: 0.0,
            host_linkage: 0.15,
        }
    }

    /// "Overseas USA/England": a hub.
    pub fn hub() -> Self {
        Levers {
            site_choice: SiteChoice::NearHubs,
            site_search_noise: 0.2,
            cohort: false,
            approvals: Approvals::Serial,
            finance: Finance::HubMarket,
            talent_technology: TalentTech::Market,
            host_training: false,
            intermediaries: Intermediaries::Market,
            information_sharing: InfoSharing::Hub,
            profit: Profit::HubRecycled,
            reinvest_share: 0.3,
            host_linkage: 0.35,
        }
    }

    /// "Overseas Jiangsu": a collaboration network going out together.
    pub fn network() -> Self {
        Levers {
            site_choice: SiteChoice::Designated,
            site_search_noise: 0.1,
            cohort: true,
            approvals: Approvals::OneWindow,
            finance: Finance::Coordinated,
            talent_technology: TalentTech::Partners,
            host_training: true,
            intermediaries: Intermediaries::Cultivated,
            information_sharing: InfoSharing::Network,
            profit: Profit::Reinvested,
            reinvest_share: 0.4,
            host_linkage: 0.55,
        }
    }

    /// The four built-in presets, by id.
    pub fn presets() -> [(&'static str, &'static str, Levers); 4] {
        [
            ("fight_alone", "Fighting alone", Levers::fight_alone()),
            ("one_way_street", "One-way street (\"overseas Japan\")", Levers::one_way_street()),
            ("hub", "Hub (\"overseas USA/England\")", Levers::hub()),
            ("network", "Network (\"overseas Jiangsu\")", Levers::network()),
        ]
    }
}

/// The words the scenario uses for each lever value (also used by `scenario show`).
pub mod words {
    use super::*;

    pub const SITE_CHOICE: &[(&str, SiteChoice)] = &[
        ("scattered", SiteChoice::Scattered),
        ("near_hubs", SiteChoice::NearHubs),
        ("designated", SiteChoice::Designated),
        ("planned", SiteChoice::Planned),
    ];
    pub const APPROVALS: &[(&str, Approvals)] =
        &[("serial", Approvals::Serial), ("one_window", Approvals::OneWindow)];
    pub const FINANCE: &[(&str, Finance)] = &[
        ("individual", Finance::Individual),
        ("home_bank", Finance::HomeBank),
        ("hub_market", Finance::HubMarket),
        ("coordinated", Finance::Coordinated),
    ];
    pub const TALENT_TECHNOLOGY: &[(&str, TalentTech)] = &[
        ("none", TalentTech::None),
        ("expatriates", TalentTech::Expatriates),
        ("market", TalentTech::Market),
        ("partners", TalentTech::Partners),
    ];
    pub const INTERMEDIARIES: &[(&str, Intermediaries)] = &[
        ("ad_hoc", Intermediaries::AdHoc),
        ("trading_houses", Intermediaries::TradingHouses),
        ("market", Intermediaries::Market),
        ("cultivated", Intermediaries::Cultivated),
    ];
    pub const INFORMATION_SHARING: &[(&str, InfoSharing)] = &[
        ("none", InfoSharing::None),
        ("group", InfoSharing::Group),
        ("hub", InfoSharing::Hub),
        ("network", InfoSharing::Network),
    ];
    pub const PROFIT: &[(&str, Profit)] = &[
        ("repatriated", Profit::Repatriated),
        ("hub_recycled", Profit::HubRecycled),
        ("reinvested", Profit::Reinvested),
    ];

    /// The word for a value.
    pub fn word<E: PartialEq + Copy>(table: &[(&'static str, E)], value: E) -> &'static str {
        table.iter().find(|(_, v)| *v == value).map(|(w, _)| *w).unwrap_or("?")
    }
}
