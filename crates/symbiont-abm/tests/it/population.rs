//! Population generation is reproducible from the seed, and stable under edits elsewhere.

use symbiont_abm::population::generate;
use symbiont_model::{ChainPos, default_scenario};

#[test]
fn same_seed_same_population() {
    let s = default_scenario().unwrap();
    let a = generate(&s, 42);
    let b = generate(&s, 42);
    assert_eq!(a, b);
    assert_eq!(a.enterprises.len(), s.enterprise_count());
    assert_eq!(a.host_firms.len(), s.host_firm_count());
    let c = generate(&s, 43);
    assert_ne!(a, c, "another seed gives another population");
}

#[test]
fn adding_a_group_does_not_reshuffle_the_others() {
    let s = default_scenario().unwrap();
    let mut bigger = s.clone();
    let mut extra = bigger.enterprise_groups[0].clone();
    extra.id = "another-group".into();
    extra.count = 10;
    bigger.enterprise_groups.insert(0, extra);
    let a = generate(&s, 7);
    let b = generate(&bigger, 7);
    let listed = s.enterprises.len();
    // The original group's agents are the same, only shifted after the new group's ten.
    let orig: Vec<_> =
        a.enterprises[listed..].iter().map(|e| (e.sector, e.chain, e.capital_usd)).collect();
    let moved: Vec<_> =
        b.enterprises[listed + 10..].iter().map(|e| (e.sector, e.chain, e.capital_usd)).collect();
    assert_eq!(orig, moved);
    assert_eq!(a.host_firms, b.host_firms);
}

#[test]
fn draws_follow_the_declared_mixes() {
    let s = default_scenario().unwrap();
    let p = generate(&s, 1);
    let g = &s.enterprise_groups[0];
    let members: Vec<_> =
        p.enterprises.iter().filter(|e| e.origin as usize == s.enterprises.len()).collect();
    assert_eq!(members.len(), g.count as usize);
    let n = members.len() as f64;
    let up = members.iter().filter(|e| e.chain == ChainPos::Upstream).count() as f64 / n;
    assert!((up - g.chain_mix[0]).abs() < 0.04, "upstream share {up}");
    for &(sector, share) in &g.sector_mix {
        let got = members.iter().filter(|e| e.sector as usize == sector).count() as f64 / n;
        assert!((got - share).abs() < 0.04, "sector {sector}: {got} vs {share}");
    }
    // Lognormal capital: the sample median is near the declared median (5e6).
    let mut caps: Vec<f64> = members.iter().map(|e| e.capital_usd).collect();
    caps.sort_by(f64::total_cmp);
    let median = caps[caps.len() / 2];
    assert!((median / 5.0e6 - 1.0).abs() < 0.12, "median capital {median}");
    assert!(members.iter().all(|e| (0.0..=1.0).contains(&e.excess_capacity)));
}
