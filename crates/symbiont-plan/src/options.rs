//! The planner's options: objective weights, the government's guidance and the economic
//! assumptions, with defaults, and their own small TOML file (`plan.toml`, see
//! `docs/planner.md`). A scenario has no `[plan]` table: the options are the planner's, not
//! the scenario's, so the same scenario can be planned under different guidance.

use serde::Deserialize;
use symbiont_model::Scenario;

use crate::error::OptionsError;
use crate::instance::{Guidance, SectorMinimum, Weights};

/// Economic assumptions of the planner's value function (all documented in `docs/planner.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Economics {
    /// US$ per period for each (park, sector) holding upstream, midstream and downstream.
    pub chain_bonus_usd: f64,
    /// Share of the home-host wage gap that an enterprise keeps as a cost advantage, 0..=1.
    pub labour_advantage: f64,
    /// Host profit tax rate, 0..=1.
    pub tax_rate: f64,
    /// Profit lost, 0..=1, by an enterprise in a park that does not target its sector.
    pub mismatch: f64,
    /// Share of output lost to freight at transport cost 1 and hub access 0, 0..=1.
    pub freight_share: f64,
}

impl Default for Economics {
    fn default() -> Self {
        Economics {
            chain_bonus_usd: 500_000.0,
            labour_advantage: 0.1,
            tax_rate: 0.2,
            mismatch: 0.2,
            freight_share: 0.1,
        }
    }
}

/// A sector target by ids, as the user writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumSpec {
    pub park: String,
    pub sector: String,
    pub count: u32,
}

/// All the planner's options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanOptions {
    pub weights: Weights,
    pub designated_share: f64,
    pub target_share: f64,
    pub minimums: Vec<MinimumSpec>,
    pub incentive_budget_usd: Option<f64>,
    pub economics: Economics,
    /// Where each minimum's park and sector ids were written (for located errors).
    locate: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    weights: Option<RawWeights>,
    guidance: Option<RawGuidance>,
    economics: Option<RawEconomics>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    home: Option<toml::Spanned<f64>>,
    host: Option<toml::Spanned<f64>>,
    jobs: Option<toml::Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuidance {
    designated_share: Option<toml::Spanned<f64>>,
    target_share: Option<toml::Spanned<f64>>,
    incentive_budget_usd: Option<toml::Spanned<f64>>,
    #[serde(default)]
    minimum: Vec<RawMinimum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMinimum {
    park: toml::Spanned<String>,
    sector: toml::Spanned<String>,
    count: toml::Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEconomics {
    chain_bonus_usd: Option<toml::Spanned<f64>>,
    labour_advantage: Option<toml::Spanned<f64>>,
    tax_rate: Option<toml::Spanned<f64>>,
    mismatch: Option<toml::Spanned<f64>>,
    freight_share: Option<toml::Spanned<f64>>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// Check one number of the file and store it, or record where it is wrong and why.
struct Field<'a> {
    value: Option<&'a toml::Spanned<f64>>,
    name: &'static str,
    range: (f64, f64),
    expected: &'static str,
}

impl Field<'_> {
    fn take(&self, text: &str, file: &str, problems: &mut Vec<String>, slot: &mut f64) {
        let Some(v) = self.value else { return };
        let x = *v.get_ref();
        if x.is_finite() && x >= self.range.0 && x <= self.range.1 {
            *slot = x;
        } else {
            let (line, column) = line_col(text, v.span().start);
            let (name, expected) = (self.name, self.expected);
            problems.push(format!("{file}:{line}:{column}: `{name}` is {x}: expected {expected}"));
        }
    }
}

const SHARE: (f64, f64) = (0.0, 1.0);
const NONNEG: (f64, f64) = (0.0, f64::INFINITY);

impl PlanOptions {
    /// Parse a plan options file. Every problem is reported with file, line and column.
    pub fn from_toml(text: &str, file: &str) -> Result<PlanOptions, OptionsError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            OptionsError {
                problems: vec![format!("{file}:{line}:{column}: {}", e.message().trim())],
            }
        })?;
        let mut o = PlanOptions::default();
        let mut problems = Vec::new();
        let mut budget = -1.0;
        let field = |value, name, range, expected| Field { value, name, range, expected };
        let (w, e, g) = (raw.weights.as_ref(), raw.economics.as_ref(), raw.guidance.as_ref());
        let ec = &mut o.economics;
        let fields = [
            (
                field(w.and_then(|w| w.home.as_ref()), "weights.home", NONNEG, "a weight >= 0"),
                &mut o.weights.home,
            ),
            (
                field(w.and_then(|w| w.host.as_ref()), "weights.host", NONNEG, "a weight >= 0"),
                &mut o.weights.host,
            ),
            (
                field(w.and_then(|w| w.jobs.as_ref()), "weights.jobs", NONNEG, "US$ per job >= 0"),
                &mut o.weights.jobs,
            ),
            (
                field(
                    e.and_then(|e| e.chain_bonus_usd.as_ref()),
                    "economics.chain_bonus_usd",
                    NONNEG,
                    "US$ >= 0",
                ),
                &mut ec.chain_bonus_usd,
            ),
            (
                field(
                    e.and_then(|e| e.labour_advantage.as_ref()),
                    "economics.labour_advantage",
                    SHARE,
                    "a share in 0..=1",
                ),
                &mut ec.labour_advantage,
            ),
            (
                field(
                    e.and_then(|e| e.tax_rate.as_ref()),
                    "economics.tax_rate",
                    SHARE,
                    "a share in 0..=1",
                ),
                &mut ec.tax_rate,
            ),
            (
                field(
                    e.and_then(|e| e.mismatch.as_ref()),
                    "economics.mismatch",
                    SHARE,
                    "a share in 0..=1",
                ),
                &mut ec.mismatch,
            ),
            (
                field(
                    e.and_then(|e| e.freight_share.as_ref()),
                    "economics.freight_share",
                    SHARE,
                    "a share in 0..=1",
                ),
                &mut ec.freight_share,
            ),
            (
                field(
                    g.and_then(|g| g.designated_share.as_ref()),
                    "guidance.designated_share",
                    SHARE,
                    "a share in 0..=1 (60% is 0.6)",
                ),
                &mut o.designated_share,
            ),
            (
                field(
                    g.and_then(|g| g.target_share.as_ref()),
                    "guidance.target_share",
                    SHARE,
                    "a share in 0..=1",
                ),
                &mut o.target_share,
            ),
            (
                field(
                    g.and_then(|g| g.incentive_budget_usd.as_ref()),
                    "guidance.incentive_budget_usd",
                    NONNEG,
                    "US$ >= 0",
                ),
                &mut budget,
            ),
        ];
        for (f, slot) in fields {
            f.take(text, file, &mut problems, slot);
        }
        if budget >= 0.0 {
            o.incentive_budget_usd = Some(budget);
        }
        if let Some(g) = g {
            o.take_minimums(text, file, &g.minimum, &mut problems);
        }
        if problems.is_empty() { Ok(o) } else { Err(OptionsError { problems }) }
    }

    /// The sector targets of the file (`[[guidance.minimum]]`), with where their ids were
    /// written (they are checked against the scenario later).
    fn take_minimums(
        &mut self,
        text: &str,
        file: &str,
        minimum: &[RawMinimum],
        problems: &mut Vec<String>,
    ) {
        for m in minimum {
            let c = *m.count.get_ref();
            if c < 0 || c > i64::from(u32::MAX) {
                let (line, column) = line_col(text, m.count.span().start);
                problems.push(format!(
                    "{file}:{line}:{column}: `count` is {c}: expected a whole number >= 0"
                ));
                continue;
            }
            self.minimums.push(MinimumSpec {
                park: m.park.get_ref().clone(),
                sector: m.sector.get_ref().clone(),
                count: c as u32,
            });
        }
        self.locate = minimum
            .iter()
            .map(|m| {
                let (pl, pc) = line_col(text, m.park.span().start);
                let (sl, sc) = line_col(text, m.sector.span().start);
                (format!("{file}:{pl}:{pc}"), format!("{file}:{sl}:{sc}"))
            })
            .collect();
    }

    /// Resolve the guidance against a scenario's park and sector ids.
    pub(crate) fn guidance_for(&self, sc: &Scenario, problems: &mut Vec<String>) -> Guidance {
        let mut minimums = Vec::new();
        for (n, m) in self.minimums.iter().enumerate() {
            let (pl, sl) = self
                .locate
                .get(n)
                .cloned()
                .unwrap_or_else(|| ("guidance".to_string(), "guidance".to_string()));
            let park = sc.parks.iter().position(|p| p.id == m.park);
            let sector = sc.sectors.iter().position(|s| s.id == m.sector);
            if park.is_none() {
                let ids: Vec<&str> = sc.parks.iter().map(|p| p.id.as_str()).collect();
                problems.push(format!(
                    "{pl}: unknown park `{}`: expected one of {}",
                    m.park,
                    ids.join(", ")
                ));
            }
            if sector.is_none() {
                let ids: Vec<&str> = sc.sectors.iter().map(|s| s.id.as_str()).collect();
                problems.push(format!(
                    "{sl}: unknown sector `{}`: expected one of {}",
                    m.sector,
                    ids.join(", ")
                ));
            }
            if let (Some(park), Some(sector)) = (park, sector) {
                minimums.push(SectorMinimum { park, sector, count: f64::from(m.count) });
            }
        }
        Guidance {
            designated_share: self.designated_share,
            target_share: self.target_share,
            sector_minimums: minimums,
            incentive_budget: self.incentive_budget_usd,
        }
    }
}
