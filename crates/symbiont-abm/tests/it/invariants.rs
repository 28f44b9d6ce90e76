//! The invariants of MODEL §8.

use proptest::prelude::*;
use symbiont_abm::mechanisms::m2_approval;
use symbiont_abm::{Params, RunInput, run};
use symbiont_model::levers::{Approvals, Finance, Intermediaries, TalentTech};
use symbiont_model::{DEFAULT_SCENARIO, Levers, parse_scenario};

use crate::support::*;

#[test]
fn same_input_same_output_and_seeds_matter() {
    let s = small(300, 12);
    let p = pop(&s);
    for (_, _, lv) in Levers::presets() {
        let a = go(&s, &p, &lv, 5);
        assert_eq!(a, go(&s, &p, &lv, 5));
        assert_ne!(a, go(&s, &p, &lv, 6), "another seed, another run");
    }
}

#[test]
fn output_does_not_depend_on_the_thread_pool() {
    // The engine is single-threaded; runs on other threads give the same bits.
    let s = small(300, 10);
    let p = pop(&s);
    let lv = Levers::network();
    let here = go(&s, &p, &lv, 9);
    let there = std::thread::scope(|sc| sc.spawn(|| go(&s, &p, &lv, 9)).join().expect("thread"));
    assert_eq!(here, there);
}

#[test]
fn money_and_people_are_conserved_every_period() {
    let s = small(600, 20);
    let p = pop(&s);
    for (id, _, lv) in Levers::presets() {
        for seed in [1, 2] {
            let (out, books) = go_books(&s, &p, &lv, &Params::default(), seed);
            assert_eq!(books.len(), out.periods.len());
            let last = out.periods.last().expect("periods");
            assert!(last.entered > 0, "{id}: somebody entered");
            for b in &books {
                let tol = 1e-9 * b.money_scale.max(1.0);
                assert!(
                    b.money_sum.abs() <= tol,
                    "{id} period {}: books off by {}",
                    b.period,
                    b.money_sum
                );
                let d = (b.affiliates_account_usd - b.affiliates_states_usd).abs();
                assert!(
                    d <= tol,
                    "{id} period {}: affiliates' account {} vs states {}",
                    b.period,
                    b.affiliates_account_usd,
                    b.affiliates_states_usd
                );
                assert!(b.labour_drift.abs() < 1e-3, "{id}: labour drift {}", b.labour_drift);
                assert!(
                    (b.workers_account - b.workers_states).abs() < 1e-3 * b.workers_states.max(1.0)
                );
                assert!((b.staff_account - b.staff_states).abs() < 1e-3 * b.staff_states.max(1.0));
            }
            // The observation's capital stock is the states' capital, and every firm is counted once.
            for (o, b) in out.periods.iter().zip(&books) {
                assert_eq!(o.capital_stock_usd, b.affiliates_states_usd);
                let n =
                    o.at_home + o.preparing + o.in_approval + o.operating + o.failed + o.returned;
                assert_eq!(n as usize, p.enterprises.len());
                assert!(
                    o.survival.is_finite()
                        && o.two_way_index.is_finite()
                        && o.host_capability.is_finite()
                );
            }
        }
    }
}

/// The network's levers with the support levers of fighting alone.
fn network_without_support_levers() -> Levers {
    let fa = Levers::fight_alone();
    Levers {
        approvals: fa.approvals,
        finance: fa.finance,
        talent_technology: fa.talent_technology,
        host_training: fa.host_training,
        intermediaries: fa.intermediaries,
        ..Levers::network()
    }
}

#[test]
fn without_supporting_entities_support_levers_change_nothing() {
    let s = without_support(small(400, 15));
    let p = pop(&s);
    let net = Levers::network();
    let bare = network_without_support_levers();
    assert_ne!(net, bare);
    for seed in 0..4 {
        assert_eq!(go(&s, &p, &net, seed), go(&s, &p, &bare, seed), "seed {seed}");
    }
    // With the entities present, the same swap does make a difference.
    let full = small(400, 15);
    let p = pop(&full);
    assert_ne!(go(&full, &p, &net, 0), go(&full, &p, &bare, 0));
}

#[test]
fn one_window_without_overhead_equals_serial_with_one_department() {
    let mut s = small(300, 12);
    s.governments.truncate(1);
    s.governments[0].departments.truncate(1);
    s.promoting_orgs[0].coordination_overhead_days = 0.0;
    let p = pop(&s);
    let window = Levers { approvals: Approvals::OneWindow, ..Levers::fight_alone() };
    let serial = Levers { approvals: Approvals::Serial, ..Levers::fight_alone() };
    for seed in 0..3 {
        let a = go(&s, &p, &window, seed);
        let b = go(&s, &p, &serial, seed);
        // Dossier information flows through the window rather than to the departments;
        // every other output is identical.
        assert_eq!(
            a.periods
                .iter()
                .map(|o| (o.entered, o.time_to_operate_days, o.capital_stock_usd))
                .collect::<Vec<_>>(),
            b.periods
                .iter()
                .map(|o| (o.entered, o.time_to_operate_days, o.capital_stock_usd))
                .collect::<Vec<_>>()
        );
        assert_eq!(a.benefits, b.benefits);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_window_with_one_department_is_serial_plus_overhead(
        t in 0.0f64..400.0, u in 0.0f64..1.0, prob in 0.0f64..1.0,
        overhead in 0.0f64..60.0, cut in 0.0f64..1.0, rcut in 0.0f64..1.0,
    ) {
        let serial = m2_approval(&[t], &[u], &[prob], None, cut, rcut);
        let window = m2_approval(&[t], &[u], &[prob], Some(overhead), cut, rcut);
        prop_assert_eq!(window.days, serial.days + overhead);
        prop_assert_eq!(window.approved, serial.approved);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn more_credit_never_finances_fewer_firms(seed in 0u64..1000, a in 0.0f64..0.02, extra in 0.0f64..0.05, mode in 0usize..4) {
        let base = small(250, 8);
        let scaled = |f: f64| {
            let mut s = base.clone();
            for fin in &mut s.finance { fin.credit_capacity_usd *= f; }
            s
        };
        let (lo, hi) = (scaled(a), scaled(a + extra));
        let p = pop(&base);
        let lv = Levers::presets()[mode].2.clone();
        let f_lo = go(&lo, &p, &lv, seed).periods.iter().map(|o| o.financed).collect::<Vec<_>>();
        let f_hi = go(&hi, &p, &lv, seed).periods.iter().map(|o| o.financed).collect::<Vec<_>>();
        for (x, y) in f_lo.iter().zip(&f_hi) {
            prop_assert!(x <= y, "financed {:?} with less credit, {:?} with more", f_lo, f_hi);
        }
    }
}

#[test]
fn a_custom_mode_with_the_networks_levers_is_the_network() {
    let text = format!("{DEFAULT_SCENARIO}\n[[mode]]\nid = \"my_network\"\nbase = \"network\"\n");
    let mut s = parse_scenario(&text, "custom.toml").expect("valid");
    s.enterprise_groups[0].count = 300;
    s.study.horizon_periods = 12;
    let p = pop(&s);
    let mine = &s.mode("my_network").expect("declared").levers;
    let net = &s.mode("network").expect("preset").levers;
    for seed in 0..3 {
        assert_eq!(go(&s, &p, mine, seed), go(&s, &p, net, seed));
    }
}

#[test]
fn with_all_levers_equal_two_modes_are_identical() {
    // A mode built from fighting alone with every lever set to the hub's values.
    let text = format!(
        "{DEFAULT_SCENARIO}\n[[mode]]\nid = \"hub_by_hand\"\nbase = \"fight_alone\"\nsite_choice = \"near_hubs\"\n\
         site_search_noise = 0.2\ncohort = false\napprovals = \"serial\"\nfinance = \"hub_market\"\n\
         talent_technology = \"market\"\nhost_training = false\nintermediaries = \"market\"\n\
         information_sharing = \"hub\"\nprofit = \"hub_recycled\"\nreinvest_share = 0.3\nhost_linkage = 0.35\n"
    );
    let mut s = parse_scenario(&text, "custom.toml").expect("valid");
    s.enterprise_groups[0].count = 300;
    s.study.horizon_periods = 12;
    let p = pop(&s);
    let by_hand = &s.mode("hub_by_hand").expect("declared").levers;
    assert_eq!(by_hand, &Levers::hub());
    assert_eq!(go(&s, &p, by_hand, 4), go(&s, &p, &Levers::hub(), 4));
}

#[test]
fn supporting_levers_act_only_through_their_entities() {
    // Coordinated finance with no home lender finances nobody; partners with no university
    // or institute close no gap.
    let mut s = small(300, 10);
    s.finance.retain(|f| s.regions[f.region].side == symbiont_model::Side::Host);
    let p = pop(&s);
    let lv = Levers { finance: Finance::Coordinated, ..Levers::network() };
    assert_eq!(go(&s, &p, &lv, 1).periods.last().map(|o| o.financed), Some(0));
    let lv = Levers { finance: Finance::Individual, ..Levers::network() };
    assert!(go(&s, &p, &lv, 1).periods.last().is_some_and(|o| o.financed > 0));
    let bare = without_support(small(300, 10));
    let p = pop(&bare);
    let partners = Levers {
        talent_technology: TalentTech::Partners,
        intermediaries: Intermediaries::Cultivated,
        ..Levers::fight_alone()
    };
    assert_eq!(go(&bare, &p, &partners, 3), go(&bare, &p, &Levers::fight_alone(), 3));
}

#[test]
fn run_is_reachable_through_the_plain_entry_point() {
    let s = small(100, 5);
    let p = pop(&s);
    let lv = Levers::hub();
    let params = Params::default();
    let input = RunInput {
        scenario: &s,
        population: &p,
        levers: &lv,
        params: &params,
        seed: 3,
        planned_sites: None,
    };
    assert_eq!(run(&input).expect("run"), go(&s, &p, &lv, 3));
}

#[test]
fn adding_entities_that_never_act_reshuffles_nobody() {
    // Counter-based draws: an intermediary with no capacity and a university with no
    // places change no other agent's random numbers, so the run is identical. (A park is not
    // such an entity: even unopened, it enters the mean per-plot cost of building alone.)
    let s = small(300, 12);
    let p = pop(&s);
    let mut more = s.clone();
    let mut m = more.intermediaries[0].clone();
    m.id = "idle".into();
    m.capacity_clients = 0.0;
    more.intermediaries.insert(0, m);
    let mut u = more.universities[0].clone();
    u.id = "empty".into();
    u.talent_per_period = 0.0;
    u.training_places = 0.0;
    more.universities.push(u);
    for (_, _, lv) in Levers::presets() {
        assert_eq!(go(&s, &p, &lv, 8), go(&more, &p, &lv, 8));
    }
}

#[test]
fn state_per_enterprise_fits_the_budget() {
    // Engine state plus the population record, against the 300-byte budget.
    let total = symbiont_abm::FIRM_STATE_BYTES
        + std::mem::size_of::<symbiont_model::population::EnterpriseAgent>();
    assert!(total <= 300, "{total} bytes per enterprise");
}

#[test]
fn half_year_periods_keep_the_books_and_the_calendar() {
    let mut s = small(300, 12);
    s.study.period_days = 182.5;
    let p = pop(&s);
    let (out, books) = go_books(&s, &p, &Levers::network(), &Params::default(), 3);
    let years: Vec<i32> = out.periods.iter().map(|o| o.year).collect();
    assert_eq!(years, [2013, 2013, 2014, 2014, 2015, 2015, 2016, 2016, 2017, 2017, 2018, 2018]);
    assert!(out.periods.last().is_some_and(|o| o.entered > 0));
    for b in &books {
        assert!(b.money_sum.abs() <= 1e-9 * b.money_scale.max(1.0));
        assert!(
            (b.affiliates_account_usd - b.affiliates_states_usd).abs()
                <= 1e-9 * b.money_scale.max(1.0)
        );
    }
}
