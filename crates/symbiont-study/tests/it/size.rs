//! Sizes that cannot fit are refused before anything runs, naming what to lower.

use symbiont_model::parse_scenario;
use symbiont_study::size::{MAX_JOBS, check, check_plan, size};

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// The small scenario with its first enterprise group's count set to `n`.
fn with_count(n: u64) -> symbiont_model::Scenario {
    let i = SMALL.find("[[enterprise_group]]").unwrap();
    let j = i + SMALL[i..].find("count = ").unwrap();
    let k = j + SMALL[j..].find('\n').unwrap();
    let text = format!("{}count = {n}{}", &SMALL[..j], &SMALL[k..]);
    parse_scenario(&text, "small.toml").unwrap()
}

#[test]
fn counts_and_memory_that_cannot_fit_are_refused_naming_the_field() {
    let ok = with_count(100);
    let s = size(&ok, 10, 4, 2);
    assert_eq!(s.jobs, 40);
    check(&s, Some(1 << 30), "--runs").unwrap();

    // 10^9 runs.
    let e = check(&size(&ok, 1_000_000_000, 1, 1), None, "--runs").unwrap_err().to_string();
    assert!(e.contains("lower --runs") && e.contains(&MAX_JOBS.to_string()), "{e}");

    // 10^8 enterprises: with the free memory known, the memory it would need; without, the
    // count itself.
    let huge = with_count(100_000_000);
    let e = check(&size(&huge, 1, 1, 4), Some(8 << 30), "--runs").unwrap_err().to_string();
    assert!(e.contains("of memory") && e.contains("enterprise_group.count"), "{e}");
    let e = check(&size(&huge, 1, 1, 4), None, "--runs").unwrap_err().to_string();
    assert!(e.contains("100000") && e.contains("enterprise_group.count"), "{e}");

    // The planner's model: columns are enterprises x parks.
    let mid = with_count(2_000_000);
    let e = check_plan(&mid, Some(1 << 30)).unwrap_err().to_string();
    assert!(e.contains("plan's model") && e.contains("columns"), "{e}");
    check_plan(&ok, Some(1 << 30)).unwrap();
}
