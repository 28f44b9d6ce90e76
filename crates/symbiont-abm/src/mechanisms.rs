//! The twelve mechanisms of MODEL §4, each a small pure function with its own tests.
//!
//! The engine (`engine.rs`) calls them in the process order of MODEL §3; nothing here knows
//! about modes, only about lever values, scenario entities and [`Params`]. Equations and
//! defaults are written out in `docs/model.md`.

use symbiont_model::levers::{Finance, InfoSharing, Intermediaries, TalentTech};
use symbiont_model::{Effect, Reduces, RegionCosts, Sector, SymbiosisMode};

use crate::params::Params;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

// ------------------------------------------------------------------------------------ M1

/// The pushes and pulls one firm weighs when deciding to go out (MODEL M1).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PushPull {
    /// Home push driver (going-out policy), 0..=1.
    pub push: f64,
    /// The firm's excess capacity share, 0..=1.
    pub excess: f64,
    /// Host openness driver, 0..=1.
    pub openness: f64,
    /// Host cost advantage (see [`m1_cost_advantage`]), below 1.
    pub cost_advantage: f64,
    /// Coordinated external demand driver, 0..=1.
    pub demand: f64,
    /// Expected entry cost as a multiple of one period's expected margin.
    pub entry_cost: f64,
    /// Expected yearly failure hazard.
    pub risk: f64,
}

/// M1: the index of the propensity to go out (before the logistic link).
pub fn m1_index(x: &PushPull, p: &Params) -> f64 {
    p.go_intercept
        + p.go_push * x.push
        + p.go_excess * x.excess
        + p.go_openness * x.openness
        + p.go_cost_advantage * x.cost_advantage
        + p.go_demand * x.demand
        - p.go_entry_cost * x.entry_cost
        - p.go_risk * x.risk
}

/// M1: probability per period of length `period_years` that a firm at home decides to go out.
pub fn m1_propensity(x: &PushPull, p: &Params, period_years: f64) -> f64 {
    let yearly = p.go_max_rate * logistic(m1_index(x, p));
    1.0 - (1.0 - yearly).powf(period_years)
}

/// M1: host cost advantage of a sector, `1 - host unit cost / home unit cost`, over the
/// labour and land a US$ million of capital needs.
pub fn m1_cost_advantage(home: &RegionCosts, host: &RegionCosts, s: &Sector) -> f64 {
    let cost = |c: &RegionCosts| {
        s.workers_per_musd * c.wage_usd + s.land_ha_per_musd * c.land_rent_usd_per_ha
    };
    let h = cost(home);
    if h <= 0.0 { 0.0 } else { 1.0 - cost(host) / h }
}

// ------------------------------------------------------------------------------------ M2

/// The outcome of one dossier's approval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approval {
    pub days: f64,
    pub approved: bool,
}

/// M2: approval through the departments.
///
/// `times[d]` is department `d`'s processing time, `u[d]` a uniform draw for its decision and
/// `prob[d]` its approval probability. Serial (`window = None`): the delay is the sum of the
/// times. One window (`window = Some(overhead)`): departments work in parallel and the delay
/// is the slowest plus the coordination overhead. An intermediary that cuts delay shortens
/// each department's time by `delay_cut`; one that cuts approval risk shrinks each refusal
/// probability by `refuse_cut`.
pub fn m2_approval(
    times: &[f64],
    u: &[f64],
    prob: &[f64],
    window: Option<f64>,
    delay_cut: f64,
    refuse_cut: f64,
) -> Approval {
    let days = match window {
        None => times.iter().map(|t| t * (1.0 - delay_cut)).sum(),
        Some(overhead) => {
            times.iter().map(|t| t * (1.0 - delay_cut)).fold(0.0, f64::max) + overhead
        }
    };
    let approved = u.iter().zip(prob).all(|(u, p)| *u < 1.0 - (1.0 - p) * (1.0 - refuse_cut));
    Approval { days, approved }
}

// ------------------------------------------------------------------------------------ M3

/// One lender's state within a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lender {
    /// Credit it can still extend this period, US$.
    pub remaining: f64,
    pub base_rate: f64,
    pub risk_appetite: f64,
}

/// The outcome of one credit application.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Credit {
    /// Granted; `rate` is the lending rate per period, `by` the amount from each lender is
    /// written into the caller's buffer.
    Granted { rate: f64 },
    /// Too risky for every lender the firm can reach.
    Refused,
    /// Eligible, but capacity ran out: this and every later applicant this period go on
    /// their own equity.
    Exhausted,
}

/// M3: screening gain and premium cut of a finance lever.
pub fn m3_terms(f: Finance, p: &Params) -> (f64, f64) {
    match f {
        Finance::Individual => (p.screen_individual, p.premium_cut_individual),
        Finance::HomeBank => (p.screen_home_bank, p.premium_cut_home_bank),
        Finance::HubMarket => (p.screen_hub_market, p.premium_cut_hub_market),
        Finance::Coordinated => (p.screen_coordinated, p.premium_cut_coordinated),
    }
}

/// M3: risk score of a firm, `1 / (1 + productivity^k)` (0.5 at the median productivity 1).
pub fn m3_risk(productivity: f64, p: &Params) -> f64 {
    1.0 / (1.0 + productivity.max(0.0).powf(p.risk_curvature))
}

/// M3: one application, served from the eligible lenders cheapest first (a loan may be
/// split). Lenders must be sorted by base rate (ties by index). A lender is eligible when
/// `risk * (1 - screen) <= risk_appetite`. Capacity is rationed in queue order: once an
/// eligible applicant cannot be served, `Exhausted` tells the caller to stop lending this
/// period, which makes the number financed monotone in every lender's capacity.
#[allow(clippy::too_many_arguments)]
pub fn m3_lend(
    need: f64,
    risk: f64,
    lenders: &mut [Lender],
    screen: f64,
    premium_price: f64,
    premium_cut: f64,
    intermediary_cut: f64,
    taken: &mut [f64],
) -> Credit {
    taken.iter_mut().for_each(|x| *x = 0.0);
    let perceived = risk * (1.0 - screen);
    let eligible = |l: &Lender| perceived <= l.risk_appetite;
    if !lenders.iter().any(eligible) {
        return Credit::Refused;
    }
    let available: f64 = lenders.iter().filter(|l| eligible(l)).map(|l| l.remaining).sum();
    if available < need {
        return Credit::Exhausted;
    }
    let mut left = need;
    let mut interest = 0.0;
    for (j, l) in lenders.iter_mut().enumerate() {
        if left <= 0.0 || perceived > l.risk_appetite {
            continue;
        }
        let x = left.min(l.remaining);
        l.remaining -= x;
        left -= x;
        taken[j] = x;
        interest += x * l.base_rate;
    }
    let base = if need > 0.0 { interest / need } else { 0.0 };
    let premium = premium_price * 2.0 * risk * (1.0 - premium_cut) * (1.0 - intermediary_cut);
    Credit::Granted { rate: base + premium }
}

// ------------------------------------------------------------------------------------ M4

/// Numbers of predecessors (firms that entered before this period) an entrant could learn from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Predecessors {
    /// In the entrant's park (0 for a scattered site).
    pub same_park: f64,
    /// Of the entrant's corporate group (same sector and chain position).
    pub same_group: f64,
    /// At hub locations.
    pub at_hubs: f64,
    /// Everywhere.
    pub all: f64,
}

/// M4: how many predecessors' knowledge reaches an entrant under an information lever.
pub fn m4_reach(lever: InfoSharing, n: &Predecessors, p: &Params) -> f64 {
    match lever {
        InfoSharing::None => 0.0,
        InfoSharing::Group => n.same_group,
        InfoSharing::Hub => n.at_hubs,
        InfoSharing::Network => n.same_park + p.info_network_share * (n.all - n.same_park).max(0.0),
    }
}

/// M4: the cost of learning the host market, `price * reports / (1 + free_ride * reach)`,
/// lowered by an information intermediary's cut (Itami's free ride on the invisible asset).
pub fn m4_information_cost(price: f64, reach: f64, cut: f64, p: &Params) -> f64 {
    price * p.info_reports / (1.0 + p.info_free_ride * reach) * (1.0 - cut)
}

// ------------------------------------------------------------------------------------ M5

/// M5: each tenant's share of a park's shared infrastructure cost (Buzzell and Gale):
/// `cost / max(tenants, min_occupancy * plots, 1)`; below the minimum occupancy the
/// developer carries the vacant plots' share.
pub fn m5_shared_cost(cost: f64, tenants: u32, plots: u32, p: &Params) -> f64 {
    cost / f64::from(tenants).max(p.shared_cost_min_occupancy * f64::from(plots)).max(1.0)
}

/// M5: wage multiplier from congestion when a park's tenants employ more than its labour pool.
pub fn m5_wage_multiplier(workers: f64, pool: f64, p: &Params) -> f64 {
    if pool <= 0.0 {
        return 1.0;
    }
    1.0 + p.congestion_wage * (workers / pool - 1.0).max(0.0)
}

// ------------------------------------------------------------------------------------ M6

/// M6: fit between a firm and a site: the site's match to the firm's sector, degraded by
/// the noise of the search (`u` uniform).
pub fn m6_fit(site_match: f64, noise: f64, u: f64) -> f64 {
    (site_match * (1.0 - 0.5 * noise * u)).clamp(0.0, 1.0)
}

/// M6: revenue multiplier of a fit (Ansoff's matching of capacities and opportunities).
pub fn m6_revenue_multiplier(fit: f64, p: &Params) -> f64 {
    p.fit_revenue_floor + (1.0 - p.fit_revenue_floor) * fit
}

// ------------------------------------------------------------------------------------ M7

/// M7: productivity growth per period abroad: base, plus agglomeration with same-sector
/// tenants of the park, plus a research partner.
pub fn m7_growth(same_sector_tenants: f64, research_partner: bool, p: &Params) -> f64 {
    p.growth_base
        + p.growth_cluster * (1.0 + same_sector_tenants.max(0.0)).ln()
        + if research_partner { p.growth_research } else { 0.0 }
}

// ------------------------------------------------------------------------------------ M8

/// M8: talent and technology cover of a firm. Returns (talent share covered, technology
/// share covered, talent taken from universities, packages taken from institutes).
///
/// Own staff cover `own_cover`; expatriates cover `expat_cover` of talent; market purchases
/// and partners draw the rest from the universities' and institutes' capacity left this
/// period (`talent_left`, `tech_left`), technology weighted by its host fit.
pub fn m8_cover(
    lever: TalentTech,
    need_talent: f64,
    need_tech: f64,
    talent_left: &mut f64,
    tech_left: &mut f64,
    host_fit: f64,
    p: &Params,
) -> (f64, f64, f64, f64) {
    let own = p.own_cover;
    match lever {
        TalentTech::None => (own, own, 0.0, 0.0),
        TalentTech::Expatriates => (p.expat_cover.max(own), own, 0.0, 0.0),
        TalentTech::Market | TalentTech::Partners => {
            let t = ((1.0 - own) * need_talent).min(*talent_left).max(0.0);
            let k = ((1.0 - own) * need_tech).min(*tech_left).max(0.0);
            *talent_left -= t;
            *tech_left -= k;
            let ct = if need_talent > 0.0 { own + t / need_talent } else { 1.0 };
            let ck = if need_tech > 0.0 { own + k * host_fit / need_tech } else { 1.0 };
            (ct.min(1.0), ck.min(1.0), t, k)
        }
    }
}

/// M8: the skill and technology gap, 0 (covered) ..= 1.
pub fn m8_gap(talent_cover: f64, tech_cover: f64, cut: f64) -> f64 {
    ((1.0 - 0.5 * (talent_cover + tech_cover)) * (1.0 - cut)).clamp(0.0, 1.0)
}

/// M8: yearly failure hazard from the gap, the misfit and losses, cut by risk services.
pub fn m8_hazard(gap: f64, fit: f64, loss_share: f64, operating_cut: f64, p: &Params) -> f64 {
    let h = p.hazard_base
        + p.hazard_gap * gap
        + p.hazard_misfit * (1.0 - fit)
        + p.hazard_loss * loss_share.max(0.0);
    (h * (1.0 - operating_cut)).clamp(0.0, 1.0)
}

// ------------------------------------------------------------------------------------ M9

/// The index of a `Reduces` value in a cut array.
pub fn reduces_index(r: Reduces) -> usize {
    match r {
        Reduces::ApprovalRisk => 0,
        Reduces::ApprovalDelay => 1,
        Reduces::InformationCost => 2,
        Reduces::FinancePremium => 3,
        Reduces::TechnologyGap => 4,
        Reduces::OperatingRisk => 5,
    }
}

/// One intermediary as the engine sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Service {
    pub reduces: Reduces,
    pub effect: f64,
    /// On the home side (trading houses reach only these).
    pub home: bool,
}

/// What one firm obtained from intermediaries.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Served {
    /// Cut of each reducible cost or risk (indexed by [`reduces_index`]).
    pub cut: [f64; 6],
    /// Fees paid to home-side and host-side intermediaries.
    pub fees: [f64; 2],
    /// Services used.
    pub count: u32,
}

/// M9: serve one firm. For every cost or risk, the firm uses the reachable intermediary with
/// the largest effect that has capacity left (ties by index); `access(j)` is a uniform draw
/// used by ad-hoc search. Capacity is one client slot per service used.
pub fn m9_serve(
    lever: Intermediaries,
    services: &[Service],
    remaining: &mut [f64],
    access: impl Fn(usize) -> f64,
    p: &Params,
) -> Served {
    let mut best: [Option<usize>; 6] = [None; 6];
    for (j, s) in services.iter().enumerate() {
        let reach = match lever {
            Intermediaries::AdHoc => access(j) < p.adhoc_access,
            Intermediaries::TradingHouses => s.home,
            Intermediaries::Market | Intermediaries::Cultivated => true,
        };
        if !reach || remaining[j] < 1.0 {
            continue;
        }
        let r = reduces_index(s.reduces);
        if best[r].is_none_or(|b| services[b].effect < s.effect) {
            best[r] = Some(j);
        }
    }
    let fee = p.service_fee_usd
        * if lever == Intermediaries::Cultivated { p.cultivated_fee_share } else { 1.0 };
    let mut out = Served::default();
    for (r, b) in best.iter().enumerate() {
        if let Some(j) = *b {
            remaining[j] -= 1.0;
            out.cut[r] = services[j].effect;
            out.fees[usize::from(!services[j].home)] += fee;
            out.count += 1;
        }
    }
    out
}

// ------------------------------------------------------------------------------------ M10

/// M10: host capability of a sector after a period of sourcing, training and technology
/// transfer (each relative to the sector's size), approaching 1 from below.
pub fn m10_capability(
    c: f64,
    sourcing_rel: f64,
    trained_rel: f64,
    tech_per_firm: f64,
    p: &Params,
) -> f64 {
    let push = p.cap_sourcing * sourcing_rel
        + p.cap_training * trained_rel
        + p.cap_technology * tech_per_firm;
    (c + (1.0 - c) * (1.0 - (-push.max(0.0)).exp())).clamp(0.0, 1.0)
}

// ------------------------------------------------------------------------------------ M11

/// M11: the two-way interaction index: for each factor with cross-border flows, the balance
/// `2 min(out, back) / (out + back)` (1 = as much comes back as goes out), averaged over
/// those factors. Every factor has an outward and a return channel (profit and repayments
/// are capital coming back), so a perfectly two-way system scores 1 and a system whose every
/// factor flows one way scores 0.
pub fn m11_two_way(out: &[f64], back: &[f64]) -> f64 {
    let mut sum = 0.0;
    let mut n = 0;
    for (o, b) in out.iter().zip(back) {
        if o + b > 0.0 {
            sum += 2.0 * o.min(*b) / (o + b);
            n += 1;
        }
    }
    if n == 0 { 0.0 } else { sum / f64::from(n) }
}

// ------------------------------------------------------------------------------------ M12

/// M12: the symbiosis mode of a pair from the two benefit streams (US$): signs with a zero
/// band of `zero_band` times the larger magnitude, symmetric mutualism when the ratio of the
/// benefits is within `1 + symmetry_band`.
pub fn m12_mode(to_a: f64, to_b: f64, p: &Params) -> SymbiosisMode {
    let scale = to_a.abs().max(to_b.abs());
    let band = p.zero_band * scale;
    let sign = |x: f64| {
        if scale == 0.0 || x.abs() <= band {
            Effect::Zero
        } else if x > 0.0 {
            Effect::Positive
        } else {
            Effect::Negative
        }
    };
    let (ea, eb) = (sign(to_a), sign(to_b));
    let ratio = if to_a.min(to_b) > 0.0 { to_a.max(to_b) / to_a.min(to_b) } else { f64::INFINITY };
    SymbiosisMode::from_effects(ea, eb, ratio <= 1.0 + p.symmetry_band, to_a >= to_b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use symbiont_model::Which;

    fn p() -> Params {
        Params::default()
    }

    #[test]
    fn m1_push_raises_and_entry_cost_lowers_propensity() {
        let base = PushPull {
            push: 0.5,
            excess: 0.3,
            openness: 0.5,
            cost_advantage: 0.8,
            demand: 0.4,
            entry_cost: 0.5,
            risk: 0.1,
        };
        let p0 = m1_propensity(&base, &p(), 1.0);
        assert!(m1_propensity(&PushPull { push: 0.9, ..base }, &p(), 1.0) > p0);
        assert!(m1_propensity(&PushPull { excess: 0.9, ..base }, &p(), 1.0) > p0);
        assert!(m1_propensity(&PushPull { openness: 0.9, ..base }, &p(), 1.0) > p0);
        assert!(m1_propensity(&PushPull { entry_cost: 2.0, ..base }, &p(), 1.0) < p0);
        assert!(m1_propensity(&PushPull { risk: 0.3, ..base }, &p(), 1.0) < p0);
        assert!((0.0..p().go_max_rate).contains(&p0));
        // Two half-year periods give the yearly probability.
        let half = m1_propensity(&base, &p(), 0.5);
        assert!(((1.0 - half) * (1.0 - half) - (1.0 - p0)).abs() < 1e-12);
    }

    #[test]
    fn m2_one_window_is_max_plus_overhead() {
        let t = [20.0, 45.0, 10.0];
        let u = [0.0; 3];
        let pr = [1.0; 3];
        assert_eq!(m2_approval(&t, &u, &pr, None, 0.0, 0.0).days, 75.0);
        assert_eq!(m2_approval(&t, &u, &pr, Some(10.0), 0.0, 0.0).days, 55.0);
        // One department: the window is serial plus the overhead, exactly.
        let one = m2_approval(&[33.3], &[0.5], &[0.9], None, 0.3, 0.0);
        let win = m2_approval(&[33.3], &[0.5], &[0.9], Some(7.0), 0.3, 0.0);
        assert_eq!(win.days, one.days + 7.0);
        // A refusal by any department refuses the dossier; a risk cut can save it.
        assert!(!m2_approval(&t, &[0.1, 0.95, 0.1], &[0.99, 0.9, 0.99], None, 0.0, 0.0).approved);
        assert!(m2_approval(&t, &[0.1, 0.95, 0.1], &[0.99, 0.9, 0.99], None, 0.0, 0.6).approved);
    }

    #[test]
    fn m3_rations_by_risk_and_capacity() {
        let mut lenders = [
            Lender { remaining: 10.0, base_rate: 0.03, risk_appetite: 0.6 },
            Lender { remaining: 10.0, base_rate: 0.05, risk_appetite: 0.3 },
        ];
        let mut taken = [0.0; 2];
        // A safe firm is served cheapest first, split across lenders.
        let c = m3_lend(15.0, 0.2, &mut lenders, 0.0, 0.04, 0.0, 0.0, &mut taken);
        assert!(matches!(c, Credit::Granted { .. }));
        assert_eq!(taken, [10.0, 5.0]);
        // Too risky for both without pooled screening; eligible with it.
        assert_eq!(
            m3_lend(1.0, 0.8, &mut lenders, 0.0, 0.04, 0.0, 0.0, &mut taken),
            Credit::Refused
        );
        assert_eq!(
            m3_lend(1.0, 0.8, &mut lenders, 0.3, 0.04, 0.0, 0.0, &mut taken),
            Credit::Exhausted
        );
        // The coordinated premium cut lowers the rate.
        let mut l = [Lender { remaining: 100.0, base_rate: 0.03, risk_appetite: 1.0 }];
        let Credit::Granted { rate: r0 } =
            m3_lend(1.0, 0.5, &mut l, 0.0, 0.04, 0.0, 0.0, &mut taken[..1])
        else {
            panic!()
        };
        let Credit::Granted { rate: r1 } =
            m3_lend(1.0, 0.5, &mut l, 0.0, 0.04, 0.3, 0.0, &mut taken[..1])
        else {
            panic!()
        };
        assert!((r0 - 0.07).abs() < 1e-12 && (r1 - 0.058).abs() < 1e-12);
    }

    #[test]
    fn m4_free_ride_counts_only_reachable_predecessors() {
        let q = Params { info_network_share: 0.0, ..p() };
        let here = Predecessors { same_park: 10.0, same_group: 0.0, at_hubs: 0.0, all: 10.0 };
        let elsewhere = Predecessors { same_park: 0.0, same_group: 0.0, at_hubs: 0.0, all: 10.0 };
        let none = Predecessors::default();
        let cost = |n: &Predecessors| {
            m4_information_cost(20_000.0, m4_reach(InfoSharing::Network, n, &q), 0.0, &q)
        };
        assert!(cost(&here) < cost(&none));
        assert_eq!(cost(&elsewhere), cost(&none));
        assert_eq!(cost(&none), 60_000.0);
        // Without sharing, nobody's knowledge reaches.
        assert_eq!(m4_reach(InfoSharing::None, &here, &q), 0.0);
    }

    #[test]
    fn m5_shared_cost_falls_with_tenants_and_congestion_raises_wages() {
        let q = Params { shared_cost_min_occupancy: 0.0, ..p() };
        assert_eq!(m5_shared_cost(6.0e6, 1, 120, &q), 6.0e6);
        assert_eq!(m5_shared_cost(6.0e6, 60, 120, &q), 1.0e5);
        // The developer carries vacancy below a quarter of the plots.
        assert_eq!(m5_shared_cost(6.0e6, 1, 120, &p()), 2.0e5);
        assert_eq!(m5_shared_cost(6.0e6, 60, 120, &p()), 1.0e5);
        assert_eq!(m5_wage_multiplier(5000.0, 10_000.0, &p()), 1.0);
        assert_eq!(m5_wage_multiplier(20_000.0, 10_000.0, &p()), 1.5);
    }

    #[test]
    fn m6_noise_lowers_fit_and_fit_raises_revenue() {
        assert_eq!(m6_fit(1.0, 0.0, 0.9), 1.0);
        assert!(m6_fit(1.0, 0.6, 0.9) < m6_fit(1.0, 0.1, 0.9));
        assert!(m6_revenue_multiplier(1.0, &p()) > m6_revenue_multiplier(0.5, &p()));
    }

    #[test]
    fn m7_clusters_and_research_raise_growth() {
        assert_eq!(m7_growth(0.0, false, &p()), p().growth_base);
        assert!(m7_growth(10.0, false, &p()) > m7_growth(2.0, false, &p()));
        assert!(m7_growth(0.0, true, &p()) > m7_growth(0.0, false, &p()));
    }

    #[test]
    fn m8_partner_capacity_closes_the_gap_until_it_runs_out() {
        let (mut t, mut k) = (1.0, 1.0);
        let (ct, ck, tt, kk) = m8_cover(TalentTech::Partners, 2.0, 2.0, &mut t, &mut k, 1.0, &p());
        assert_eq!((ct, ck, tt, kk), (1.0, 1.0, 1.0, 1.0));
        let (ct, ck, ..) = m8_cover(TalentTech::Partners, 2.0, 2.0, &mut t, &mut k, 1.0, &p());
        assert_eq!((ct, ck), (0.5, 0.5), "capacity exhausted: own cover only");
        assert!(m8_gap(0.5, 0.5, 0.0) > m8_gap(1.0, 1.0, 0.0));
        assert!(m8_hazard(0.5, 1.0, 0.0, 0.0, &p()) > m8_hazard(0.0, 1.0, 0.0, 0.0, &p()));
        assert!(m8_hazard(0.5, 1.0, 0.0, 0.5, &p()) < m8_hazard(0.5, 1.0, 0.0, 0.0, &p()));
    }

    #[test]
    fn m9_serves_best_reachable_service_while_capacity_lasts() {
        let s = [
            Service { reduces: Reduces::InformationCost, effect: 0.3, home: true },
            Service { reduces: Reduces::InformationCost, effect: 0.35, home: false },
        ];
        let mut rem = [1.0, 1.0];
        let a = m9_serve(Intermediaries::Market, &s, &mut rem, |_| 0.0, &p());
        assert_eq!(a.cut[2], 0.35);
        let b = m9_serve(Intermediaries::Market, &s, &mut rem, |_| 0.0, &p());
        assert_eq!(b.cut[2], 0.3);
        let c = m9_serve(Intermediaries::Market, &s, &mut rem, |_| 0.0, &p());
        assert_eq!(c.count, 0);
        let mut rem = [1.0, 1.0];
        let d = m9_serve(Intermediaries::TradingHouses, &s, &mut rem, |_| 0.0, &p());
        assert_eq!(d.cut[2], 0.3, "trading houses reach home-side services only");
        let e = m9_serve(Intermediaries::AdHoc, &s, &mut rem, |_| 0.99, &p());
        assert_eq!(e.count, 0, "an ad-hoc search that finds nothing");
    }

    #[test]
    fn m10_capability_rises_towards_one() {
        let c = m10_capability(0.3, 0.1, 0.0, 0.0, &p());
        assert!(c > 0.3 && c < 1.0);
        assert_eq!(m10_capability(0.3, 0.0, 0.0, 0.0, &p()), 0.3);
    }

    #[test]
    fn m11_one_way_street_scores_low() {
        // Capital out, technology back: each factor flows one way only.
        assert_eq!(m11_two_way(&[100.0, 0.0], &[0.0, 100.0]), 0.0);
        assert_eq!(m11_two_way(&[50.0, 10.0], &[50.0, 10.0]), 1.0);
        assert_eq!(m11_two_way(&[0.0], &[0.0]), 0.0);
    }

    #[test]
    fn m12_modes_from_benefits() {
        let q = p();
        assert_eq!(m12_mode(10.0, 9.0, &q), SymbiosisMode::SymmetricMutualism);
        assert_eq!(
            m12_mode(10.0, 2.0, &q),
            SymbiosisMode::AsymmetricMutualism { larger: Which::First }
        );
        assert_eq!(
            m12_mode(10.0, -3.0, &q),
            SymbiosisMode::Parasitism { beneficiary: Which::First }
        );
        assert_eq!(
            m12_mode(10.0, 0.1, &q),
            SymbiosisMode::Commensalism { beneficiary: Which::First }
        );
        assert_eq!(m12_mode(0.0, 0.0, &q), SymbiosisMode::Independence);
        assert_eq!(m12_mode(-1.0, -1.0, &q), SymbiosisMode::Competition);
    }
}
