//! The default scenario parses, and its contents are what the data says.

use symbiont_model::{DEFAULT_SCENARIO, Side, default_scenario, parse_scenario};

#[test]
fn default_scenario_is_valid() {
    let s = match default_scenario() {
        Ok(s) => s,
        Err(d) => panic!("default scenario invalid:\n{}", d.render(DEFAULT_SCENARIO)),
    };
    assert_eq!(s.meta.name, "overseas-jiangsu-laos");
    assert_eq!(s.regions.iter().filter(|r| r.side == Side::Home).count(), 1);
    assert_eq!(s.regions.iter().filter(|r| r.side == Side::Host).count(), 1);
    assert_eq!(s.modes.len(), 4);
    assert_eq!(s.study.compare, vec![0, 1, 2, 3]);
    // Real zones from data/laos_sez.csv, with their provinces and areas.
    let saysettha = s.parks.iter().find(|p| p.id == "saysettha").unwrap();
    assert_eq!(saysettha.province, "Vientiane Capital");
    assert_eq!(saysettha.area_ha, 1149.0);
    let boten = s.parks.iter().find(|p| p.id == "boten").unwrap();
    assert_eq!((boten.province.as_str(), boten.area_ha), ("Luang Namtha", 1640.0));
    // Dated events.
    let years: Vec<i32> = s.events.iter().map(|e| e.year).collect();
    assert!(years.contains(&2013) && years.contains(&2022) && years.contains(&2025));
    // WDI series: Lao GDP in 2013 (start 2000, index 13).
    let lao = &s.regions[s.host_region()];
    let gdp = lao.series.iter().find(|x| x.indicator == "NY.GDP.MKTP.CD").unwrap();
    assert_eq!(gdp.values[13], 1.19833e10);
}

#[test]
fn round_trip_is_stable() {
    // Parsing twice gives the same value, and the checked scenario does not depend on
    // the file's layout: reordering top-level tables gives the same scenario.
    let a = default_scenario().unwrap();
    let b = parse_scenario(DEFAULT_SCENARIO, "again").unwrap();
    assert_eq!(a, b);
    let moved = move_environment_to_end(DEFAULT_SCENARIO);
    let c = parse_scenario(&moved, "moved").unwrap();
    assert_eq!(a, c);
}

/// Move the `[environment]` table (up to the next table header) to the end of the file.
fn move_environment_to_end(src: &str) -> String {
    let start = src.find("\n[environment]").unwrap() + 1;
    let rest = &src[start..];
    let end = rest[1..].find("\n[").map(|i| start + 1 + i + 1).unwrap();
    format!("{}{}\n{}", &src[..start], &src[end..], &src[start..end])
}

#[test]
fn write_then_parse_gives_the_same_scenario() {
    let a = default_scenario().unwrap();
    let text = symbiont_model::to_toml(&a);
    let b = match parse_scenario(&text, "written.toml") {
        Ok(b) => b,
        Err(d) => panic!("written scenario invalid:\n{}", d.render(&text)),
    };
    assert_eq!(a, b);
    // And the small one, which has a custom mode and a constant distribution.
    let small =
        parse_scenario(include_str!("../../../../scenarios/small.toml"), "small.toml").unwrap();
    let again = parse_scenario(&symbiont_model::to_toml(&small), "small-written.toml").unwrap();
    assert_eq!(small, again);
}

#[test]
fn ids_and_names_of_simple_units_are_kept_apart() {
    let s = default_scenario().unwrap();
    let u = &s.universities[0];
    assert_eq!(u.id, "js-university");
    assert_eq!(u.name, "Jiangsu universities (engineering and management)");
    assert_eq!(s.finance[0].id, "eximbank-js");
}
