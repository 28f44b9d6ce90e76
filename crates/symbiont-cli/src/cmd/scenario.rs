//! `symbiont scenario check|show|init`.

use std::path::PathBuf;

use symbiont_model::levers::words;
use symbiont_model::{Scenario, Side, UnitKind};

use crate::diag::{check_source, problems, read_source};
use crate::out::{num, table};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate scenario files; print every problem with file:line:column. Exit 1 if any is invalid.
    #[command(after_help = "Example:\n  symbiont scenario check scenarios/*.toml")]
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the problems as JSON (one object per file) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a readable summary of a scenario (the embedded default if no file is given).
    Show {
        /// Scenario file; omit for the embedded default.
        file: Option<PathBuf>,
    },
    /// Write the default scenario to a file to edit.
    Init {
        /// Where to write it.
        #[arg(default_value = symbiont_model::DEFAULT_SCENARIO_NAME)]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(c: Command) -> anyhow::Result<()> {
    match c {
        Command::Check { files, json } => check(&files, json),
        Command::Show { file } => {
            let src = read_source(file.as_deref())?;
            let s = check_source(&src).map_err(|d| {
                anyhow::anyhow!("{} is not a valid scenario ({})", src.origin, problems(d.len()))
            })?;
            show(&s);
            Ok(())
        }
        Command::Init { path, force } => {
            if path.exists() && !force {
                anyhow::bail!("{} exists already; pass --force to overwrite it", path.display());
            }
            crate::out::write_file(&path, symbiont_model::DEFAULT_SCENARIO.as_bytes())?;
            println!("wrote the default scenario to {}", path.display());
            println!("next: edit it, then `symbiont scenario check {}`", path.display());
            Ok(())
        }
    }
}

fn check(files: &[PathBuf], json: bool) -> anyhow::Result<()> {
    let mut bad = 0usize;
    let mut reports = Vec::new();
    for f in files {
        let src = match read_source(Some(f)) {
            Ok(src) => src,
            // Text that is not UTF-8 is a located problem of this file, as any other.
            Err(e) if e.downcast_ref::<crate::diag::Invalid>().is_some() => {
                let d = &e.downcast_ref::<crate::diag::Invalid>().expect("checked").diags;
                bad += 1;
                reports.push(report(&f.display().to_string(), d));
                if !json {
                    eprintln!("invalid: {} ({})\n", f.display(), problems(d.len()));
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let result = if json {
            symbiont_model::parse_scenario(&src.text, &src.origin)
        } else {
            check_source(&src)
        };
        match result {
            Ok(s) => {
                let warnings = symbiont_model::consistency::warnings(&s);
                if !json {
                    println!(
                        "ok: {} ({} regions, {} parks, {} enterprises, {} modes)",
                        src.origin,
                        s.regions.len(),
                        s.parks.len(),
                        s.enterprise_count(),
                        s.modes.len()
                    );
                    for w in &warnings {
                        println!("warning: {}: {}: {}", src.origin, w.field, w.message);
                    }
                }
                let warnings: Vec<_> = warnings
                    .iter()
                    .map(|w| serde_json::json!({ "field": w.field, "message": w.message }))
                    .collect();
                reports.push(serde_json::json!({
                    "file": src.origin, "ok": true, "problems": [], "warnings": warnings,
                }));
            }
            Err(d) => {
                bad += 1;
                if !json {
                    eprintln!("invalid: {} ({})\n", src.origin, problems(d.len()));
                }
                reports.push(report(&src.origin, &d));
            }
        }
    }
    if json {
        crate::out::print_json(&reports)?;
    }
    if bad > 0 {
        anyhow::bail!("{bad} of {} scenario file(s) invalid", files.len());
    }
    Ok(())
}

/// The JSON report of an invalid file: every problem with its place.
fn report(file: &str, d: &symbiont_model::Diagnostics) -> serde_json::Value {
    let items: Vec<_> = d
        .items
        .iter()
        .map(|x| {
            serde_json::json!({
                "code": x.code.name(), "line": x.line, "column": x.column,
                "field": x.path, "message": x.message,
                "expected": x.expected, "help": x.help,
            })
        })
        .collect();
    serde_json::json!({ "file": file, "ok": false, "problems": items })
}

fn show(s: &Scenario) {
    println!("{}", s.meta.title);
    if !s.meta.description.is_empty() {
        println!("{}\n", s.meta.description);
    }
    let st = &s.study;
    println!(
        "Study: {} periods of {} days from {}, {} runs per mode, seed {}",
        st.horizon_periods, st.period_days, st.start_year, st.runs, st.seed
    );
    let compare: Vec<&str> = st.compare.iter().map(|&i| s.modes[i].id.as_str()).collect();
    println!("Modes compared: {}\n", compare.join(", "));

    let mut t = table([
        "region",
        "side",
        "country",
        "provinces",
        "wage US$/yr",
        "land rent US$/ha/yr",
        "series",
    ]);
    for r in &s.regions {
        t.add_row([
            format!("{} ({})", r.name, r.id),
            r.side.word().to_string(),
            r.country.clone(),
            r.provinces.len().to_string(),
            num(r.costs.wage_usd),
            num(r.costs.land_rent_usd_per_ha),
            r.series.iter().map(|x| x.indicator.as_str()).collect::<Vec<_>>().join(", "),
        ]);
    }
    println!("{t}\n");

    // Units by kind and side; populations count their members.
    let mut t = table(["unit kind", "home", "host"]);
    for kind in UnitKind::ALL {
        let count = |side: Side| -> usize {
            let side_of = |r: usize| s.regions[r].side;
            match kind {
                UnitKind::Enterprise => {
                    s.enterprises.iter().filter(|e| side_of(e.region) == side).count()
                        + s.enterprise_groups
                            .iter()
                            .filter(|g| side_of(g.region) == side)
                            .map(|g| g.count as usize)
                            .sum::<usize>()
                }
                UnitKind::HostFirm => s
                    .host_firm_groups
                    .iter()
                    .filter(|g| side_of(g.region) == side)
                    .map(|g| g.count as usize)
                    .sum(),
                UnitKind::Department => s
                    .governments
                    .iter()
                    .filter(|g| side_of(g.region) == side)
                    .map(|g| g.departments.len())
                    .sum(),
                _ => s.units().iter().filter(|u| u.unit.kind == kind && u.side == side).count(),
            }
        };
        let (h, o) = (count(Side::Home), count(Side::Host));
        if h + o > 0 {
            t.add_row([kind.word().to_string(), h.to_string(), o.to_string()]);
        }
    }
    println!("{t}\n");

    let mut t = table([
        "park",
        "kind",
        "province",
        "area ha",
        "plots",
        "opened",
        "designated",
        "target sectors",
    ]);
    for p in &s.parks {
        t.add_row([
            format!("{} ({})", p.name, p.id),
            format!("{:?}", p.kind).to_lowercase(),
            p.province.clone(),
            num(p.area_ha),
            p.plots.to_string(),
            p.opened_year.to_string(),
            if p.designated { "yes" } else { "no" }.to_string(),
            p.target_sectors
                .iter()
                .map(|&i| s.sectors[i].id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    println!("{t}\n");

    let mut t = table(["factor", "unit", "price US$"]);
    for f in &s.factors {
        t.add_row([f.factor.word().to_string(), f.unit.clone(), num(f.price_usd)]);
    }
    println!("{t}\n");

    let mut t = table([
        "mode",
        "site choice",
        "approvals",
        "finance",
        "talent & tech",
        "intermediaries",
        "information",
        "profit",
        "host linkage",
    ]);
    for m in &s.modes {
        let l = &m.levers;
        t.add_row([
            format!("{}{}", m.id, if m.preset { "" } else { " (custom)" }),
            words::word(words::SITE_CHOICE, l.site_choice).to_string(),
            words::word(words::APPROVALS, l.approvals).to_string(),
            words::word(words::FINANCE, l.finance).to_string(),
            words::word(words::TALENT_TECHNOLOGY, l.talent_technology).to_string(),
            words::word(words::INTERMEDIARIES, l.intermediaries).to_string(),
            words::word(words::INFORMATION_SHARING, l.information_sharing).to_string(),
            words::word(words::PROFIT, l.profit).to_string(),
            num(l.host_linkage),
        ]);
    }
    println!("{t}\n");

    let mut t = table(["year", "event", "changes", "source"]);
    for e in &s.events {
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|c| format!("{} {:?} {}", c.driver.word(), c.op, c.value).to_lowercase())
            .collect();
        t.add_row([e.year.to_string(), e.name.clone(), changes.join("; "), e.source.clone()]);
    }
    println!("{t}");
    let env = &s.environment;
    println!(
        "\nEnvironment at start: host openness {}, home push {}, coordinated demand {}, shock volatility {}, transport cost {}, tariff {}",
        env.host_openness,
        env.home_push,
        env.coordinated_demand,
        env.shock_volatility,
        env.transport_cost,
        env.tariff
    );
}
