//! Sensitivity of the mode comparison on the default scenario (tables in docs/model.md).
//!
//! `cargo run --release -p symbiont-abm --example sensitivity [SEEDS]`
//!
//! 1. The four presets side by side.
//! 2. One lever at a time swapped between the network and fighting alone: how much of the
//!    difference each lever carries.
//! 3. Where the ranking of network and fighting alone flips as host openness, credit
//!    capacity and partner (university and institute) capacity vary.
//!
//! Every number is the mean over seeds of the last period, with the 95% half-width
//! (1.96 sd / sqrt(n)). Seed k uses population seed k and run seed k for every setting, so
//! settings are compared on common random numbers.

use symbiont_abm::output::PeriodObs;
use symbiont_abm::{Params, RunInput, population, run};
use symbiont_model::population::Population;
use symbiont_model::{Levers, Scenario};

type Metric = fn(&PeriodObs) -> f64;
type Swap = fn(&mut Levers, &Levers);

const METRICS: [(&str, Metric); 6] = [
    ("operating", |o| f64::from(o.operating)),
    ("survival", |o| o.survival),
    ("host jobs", |o| o.host_jobs),
    ("two-way", |o| o.two_way_index),
    ("days to operate", |o| o.time_to_operate_days),
    ("host capability", |o| o.host_capability),
];

struct Bench {
    pops: Vec<Population>,
    params: Params,
}

impl Bench {
    fn new(s: &Scenario, seeds: u64) -> Self {
        Bench {
            pops: (0..seeds).map(|k| population::generate(s, k)).collect(),
            params: Params::default(),
        }
    }
    /// Mean and 95% half-width of every metric.
    fn measure(&self, s: &Scenario, lv: &Levers) -> Vec<(f64, f64)> {
        let rows: Vec<Vec<f64>> = self
            .pops
            .iter()
            .enumerate()
            .map(|(k, pop)| {
                let input = RunInput {
                    scenario: s,
                    population: pop,
                    levers: lv,
                    params: &self.params,
                    seed: k as u64,
                    planned_sites: None,
                };
                let out = run(&input).expect("valid input");
                let last = out.periods.last().copied().unwrap_or_default();
                METRICS.iter().map(|(_, f)| f(&last)).collect()
            })
            .collect();
        let n = rows.len() as f64;
        (0..METRICS.len())
            .map(|m| {
                let mean = rows.iter().map(|r| r[m]).sum::<f64>() / n;
                let var =
                    rows.iter().map(|r| (r[m] - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                (mean, 1.96 * (var / n).sqrt())
            })
            .collect()
    }
}

fn fmt(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

fn header(first: &str) {
    let names: Vec<&str> = METRICS.iter().map(|m| m.0).collect();
    println!("| {first} | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
}

fn main() {
    let seeds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let s = symbiont_model::default_scenario().expect("default scenario");
    let b = Bench::new(&s, seeds);
    let (net, fa) = (Levers::network(), Levers::fight_alone());

    println!(
        "### Modes on the default scenario ({seeds} seeds, last period, mean ± 95% half-width)\n"
    );
    header("mode");
    for (id, _, lv) in Levers::presets() {
        let r = b.measure(&s, &lv);
        let cells: Vec<String> =
            r.iter().map(|(m, h)| format!("{} ± {}", fmt(*m), fmt(*h))).collect();
        println!("| {id} | {} |", cells.join(" | "));
    }

    println!("\n### Symbiosis modes per pair (M12, benefits summed over the run and the seeds)\n");
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (id, _, lv) in Levers::presets() {
        let mut sums: Vec<(String, f64, f64)> = Vec::new();
        for (k, pop) in b.pops.iter().enumerate() {
            let input = RunInput {
                scenario: &s,
                population: pop,
                levers: &lv,
                params: &b.params,
                seed: k as u64,
                planned_sites: None,
            };
            let out = run(&input).expect("valid input");
            for pb in &out.benefits {
                let name = format!("{} / {}", pb.a.label(), pb.b.label());
                match sums.iter_mut().find(|x| x.0 == name) {
                    Some(x) => {
                        x.1 += pb.to_a;
                        x.2 += pb.to_b;
                    }
                    None => sums.push((name, pb.to_a, pb.to_b)),
                }
            }
        }
        if names.is_empty() {
            names = sums.iter().map(|x| x.0.clone()).collect();
        }
        let n = b.pops.len() as f64;
        let cells = sums
            .iter()
            .map(|(_, a, c)| {
                format!(
                    "{} ({} / {})",
                    symbiont_abm::mechanisms::m12_mode(*a, *c, &b.params),
                    fmt(a / n / 1e6),
                    fmt(c / n / 1e6)
                )
            })
            .collect();
        rows.push((id.to_string(), cells));
    }
    println!(
        "| pair (a / b) | {} |",
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|{}", "---|".repeat(rows.len()));
    for (j, name) in names.iter().enumerate() {
        let cells: Vec<&str> = rows.iter().map(|r| r.1[j].as_str()).collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!("\nCells: mode (1 = a, 2 = b) and the benefit to a / to b per run, US$ million.");

    println!("\n### One lever swapped at a time (change against the unswapped mode)\n");
    let base_net = b.measure(&s, &net);
    let base_fa = b.measure(&s, &fa);
    let swaps: Vec<(&str, Swap)> = vec![
        ("site_choice", |l, o| l.site_choice = o.site_choice),
        ("site_search_noise", |l, o| l.site_search_noise = o.site_search_noise),
        ("cohort", |l, o| l.cohort = o.cohort),
        ("approvals", |l, o| l.approvals = o.approvals),
        ("finance", |l, o| l.finance = o.finance),
        ("talent_technology", |l, o| l.talent_technology = o.talent_technology),
        ("host_training", |l, o| l.host_training = o.host_training),
        ("intermediaries", |l, o| l.intermediaries = o.intermediaries),
        ("information_sharing", |l, o| l.information_sharing = o.information_sharing),
        ("profit + reinvest_share", |l, o| {
            l.profit = o.profit;
            l.reinvest_share = o.reinvest_share;
        }),
        ("host_linkage", |l, o| l.host_linkage = o.host_linkage),
    ];
    header("swap");
    for (name, set) in &swaps {
        let mut a = net.clone();
        set(&mut a, &fa);
        let r = b.measure(&s, &a);
        let cells: Vec<String> =
            r.iter().zip(&base_net).map(|((m, _), (b0, _))| format!("{:+}", fmt(m - b0))).collect();
        println!("| network with fight-alone {name} | {} |", cells.join(" | "));
        let mut a = fa.clone();
        set(&mut a, &net);
        let r = b.measure(&s, &a);
        let cells: Vec<String> =
            r.iter().zip(&base_fa).map(|((m, _), (b0, _))| format!("{:+}", fmt(m - b0))).collect();
        println!("| fight alone with network {name} | {} |", cells.join(" | "));
    }

    println!(
        "\n### Where the ranking flips (network minus fight alone; + means the network is ahead)\n"
    );
    type Edit = fn(&mut Scenario, f64);
    type ParamEdit = fn(&mut Params);
    let sweeps: [(&str, Edit, [f64; 5]); 4] = [
        ("host_openness", |s, v| s.environment.host_openness = v, [0.1, 0.3, 0.55, 0.8, 1.0]),
        (
            "credit capacity x",
            |s, v| s.finance.iter_mut().for_each(|f| f.credit_capacity_usd *= v),
            [0.0, 0.01, 0.05, 0.2, 1.0],
        ),
        (
            "partner capacity x",
            |s, v| {
                s.universities.iter_mut().for_each(|u| {
                    u.talent_per_period *= v;
                    u.training_places *= v;
                });
                s.research_institutes.iter_mut().for_each(|r| r.technology_per_period *= v);
            },
            [0.0, 0.25, 1.0, 4.0, 16.0],
        ),
        (
            "park plots x",
            |s, v| {
                s.parks.iter_mut().for_each(|p| p.plots = (f64::from(p.plots) * v).round() as u32)
            },
            [0.25, 0.5, 1.0, 2.0, 4.0],
        ),
    ];
    header("setting");
    for (name, edit, values) in &sweeps {
        for v in values {
            let mut s2 = s.clone();
            edit(&mut s2, *v);
            let n = b.measure(&s2, &net);
            let f = b.measure(&s2, &fa);
            let cells: Vec<String> = n
                .iter()
                .zip(&f)
                .map(|((a, ha), (c, hc))| format!("{:+} (±{})", fmt(a - c), fmt(ha + hc)))
                .collect();
            println!("| {name} = {v} | {} |", cells.join(" | "));
        }
    }

    println!("\n### Mechanism parameters (network minus fight alone)\n");
    let edits: [(&str, ParamEdit); 6] = [
        ("defaults", |_| {}),
        ("congestion_wage = 0", |p| p.congestion_wage = 0.0),
        ("hazard_misfit = 0", |p| p.hazard_misfit = 0.0),
        ("info_free_ride = 2", |p| p.info_free_ride = 2.0),
        ("hazard_gap = 0.12", |p| p.hazard_gap = 0.12),
        ("crowd_out = 0", |p| p.crowd_out = 0.0),
    ];
    header("parameters");
    for (name, edit) in &edits {
        let mut b2 = Bench { pops: b.pops.clone(), params: Params::default() };
        edit(&mut b2.params);
        let n = b2.measure(&s, &net);
        let f = b2.measure(&s, &fa);
        let cells: Vec<String> = n
            .iter()
            .zip(&f)
            .map(|((a, ha), (c, hc))| format!("{:+} (±{})", fmt(a - c), fmt(ha + hc)))
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}
