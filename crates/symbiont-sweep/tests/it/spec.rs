//! SWEEP.toml checks: every problem is located in the file, with what was expected.

use expect_test::{Expect, expect};
use symbiont_sweep::bound::BoundSweep;
use symbiont_sweep::spec::SweepSpec;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

const HEAD: &str = r#"[sweep]
name = "t"
scenario = "small.toml"
seed = 5
replications = 2
modes = ["fight_alone", "network"]
[design]
kind = "lhs"
samples = 4
"#;

/// Parse `HEAD + rest` and bind it to the small scenario; show the error or the design size.
fn check(rest: &str, expect: Expect) {
    let text = format!("{HEAD}{rest}");
    let got = match SweepSpec::parse(&text, "SWEEP.toml") {
        Err(e) => e.to_string(),
        Ok(spec) => match BoundSweep::new(spec, &text, "SWEEP.toml", SMALL, "small.toml") {
            Err(e) => e.to_string(),
            Ok(p) => format!("ok: {} points, outputs {}", p.points(), p.outputs.len()),
        },
    };
    expect.assert_eq(&got);
}

#[test]
fn a_valid_sweep_is_sized() {
    check(
        "[[parameter]]\npath = \"environment.host_openness\"\ndist = \"uniform\"\nlow = 0.2\nhigh = 0.9\n",
        expect!["ok: 4 points, outputs 45"],
    );
}

#[test]
fn an_unknown_path_names_the_keys_there() {
    check(
        "[[parameter]]\npath = \"environment.openness\"\ndist = \"uniform\"\nlow = 0.2\nhigh = 0.9\n",
        expect![
            "SWEEP.toml:11:8: environment.openness: the value 0.2 gives an invalid scenario: environment.openness: unknown key `openness` in `environment` (expected one of coordinated_demand, home_push, host_openness, shock_volatility, tariff, transport_cost)"
        ],
    );
}

#[test]
fn an_unknown_id_lists_the_ids() {
    check(
        "[[parameter]]\npath = \"finance[eximbank].base_rate\"\ndist = \"uniform\"\nlow = 0.01\nhigh = 0.1\n",
        expect![
            "SWEEP.toml:11:8: finance[eximbank].base_rate: no `finance` with id `eximbank` (at `finance[eximbank]`); the ids are: bank"
        ],
    );
}

#[test]
fn a_range_outside_the_scenario_rules_is_caught_at_the_parameter() {
    check(
        "[[parameter]]\npath = \"environment.host_openness\"\ndist = \"uniform\"\nlow = 0.2\nhigh = 1.5\n",
        expect![
            "SWEEP.toml:11:8: environment.host_openness: the value 1.5 gives an invalid scenario: environment.host_openness: `host_openness` is 1.5, out of range (expected a number in 0..=1)"
        ],
    );
}

#[test]
fn a_preset_lever_becomes_a_custom_mode() {
    check(
        "[[parameter]]\npath = \"mode[network].reinvest_share\"\ndist = \"uniform\"\nlow = 0.0\nhigh = 0.9\n",
        expect!["ok: 4 points, outputs 45"],
    );
    check(
        "[[parameter]]\npath = \"mode[network].approvals\"\ndist = \"choice\"\nvalues = [\"serial\", \"one_window\"]\n",
        expect!["ok: 4 points, outputs 45"],
    );
    check(
        "[[parameter]]\npath = \"mode[network].approvals\"\ndist = \"choice\"\nvalues = [\"serial\", \"one_windo\"]\n",
        expect![[
            r#"SWEEP.toml:11:8: mode[network].approvals: the value "one_windo" gives an invalid scenario: mode[1].approvals: `approvals` = "one_windo" is not a known value (expected one of "serial", "one_window")"#
        ]],
    );
}

#[test]
fn bad_distributions_and_designs_are_located() {
    check(
        "[[parameter]]\npath = \"environment.tariff\"\ndist = \"uniform\"\nlow = 0.3\nhigh = 0.1\n",
        expect!["SWEEP.toml:12:8: parameter[0].dist: expected low < high, got 0.3 and 0.1"],
    );
    check(
        "[[parameter]]\npath = \"environment.tariff\"\ndist = \"beta\"\n",
        expect![
            "SWEEP.toml:12:8: parameter[0].dist: unknown distribution `beta`; expected one of uniform, loguniform, normal, triangular, integer, choice"
        ],
    );
    let text = HEAD.replace("kind = \"lhs\"", "kind = \"halton\"");
    let err = SweepSpec::parse(&format!("{text}[[parameter]]\npath = \"environment.tariff\"\ndist = \"uniform\"\nlow = 0\nhigh = 0.1\n"), "SWEEP.toml").unwrap_err();
    expect!["SWEEP.toml:8:8: design.kind: unknown design `halton`; expected one of factorial, random, lhs, sobol, morris"].assert_eq(&err.to_string());
    let text = HEAD.replace("replications = 2", "replicatons = 2");
    let err = SweepSpec::parse(&text, "SWEEP.toml").unwrap_err();
    expect!["SWEEP.toml:5:1: unknown field `replicatons`, expected one of `name`, `scenario`, `seed`, `replications`, `modes`, `outputs`, `chunk`, `seeds`"].assert_eq(&err.to_string());
}

#[test]
fn outputs_and_modes_are_resolved() {
    let p =
        "[[parameter]]\npath = \"environment.tariff\"\ndist = \"uniform\"\nlow = 0.0\nhigh = 0.1\n";
    check(
        &p.replace("[[parameter]]", "[set]\n\"study.horizon_periods\" = 3\n[[parameter]]"),
        expect!["ok: 4 points, outputs 45"],
    );
    let text = HEAD.replace("modes = [\"fight_alone\", \"network\"]", "modes = [\"fight_alone\", \"network\"]\noutputs = [\"entered@network-fight_alone\", \"survival@hub\"]");
    let spec = SweepSpec::parse(&format!("{text}{p}"), "SWEEP.toml").unwrap();
    let err = BoundSweep::new(spec, &format!("{text}{p}"), "SWEEP.toml", SMALL, "small.toml")
        .unwrap_err();
    expect!["SWEEP.toml:7:43: sweep.outputs: `hub` names no sweep mode (or `a-b` of two); the sweep's modes are fight_alone, network"].assert_eq(&err.to_string());
    let text = HEAD.replace("\"network\"]", "\"netwrk\"]");
    let spec = SweepSpec::parse(&format!("{text}{p}"), "SWEEP.toml").unwrap();
    let err = BoundSweep::new(spec, &format!("{text}{p}"), "SWEEP.toml", SMALL, "small.toml")
        .unwrap_err();
    expect!["SWEEP.toml:6:9: sweep.modes: no mode `netwrk`; the modes are fight_alone, one_way_street, hub, network, network_without_one_window"].assert_eq(&err.to_string());
}
