//! Raw TOML (with spans) to a checked [`Scenario`].
//!
//! Two passes. The first reads every table through [`raw::Table`], collecting type, range and
//! unknown-key problems and the ids with their spans. The second resolves references (regions,
//! sectors, units, modes) and checks cross-field rules. All problems are returned together,
//! sorted by position.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic, Diagnostics, clip, num_text};
use crate::dist::Dist;
use crate::levers::{Levers, words};
use crate::raw::{Cx, MAX_MAGNITUDE, Rule, Table, did_you_mean, type_name};
use crate::scenario::*;

/// Parse and check a scenario. `origin` names the source in messages (usually the file path).
pub fn parse_scenario(source: &str, origin: &str) -> Result<Scenario, Diagnostics> {
    let mut cx = Cx::new(source, origin);
    let doc = match DeTable::parse(source) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            cx.error(
                Code::Syntax,
                span,
                "",
                format!("invalid TOML: {msg}"),
                Some("valid TOML".into()),
                None,
            );
            return Err(Diagnostics { items: cx.diags });
        }
    };
    let root = Table::new(doc.get_ref(), doc.span(), String::new());
    let scenario = Builder::default().build(&mut cx, root);
    let mut items = cx.diags;
    items.sort_by_key(|d| (d.span.start, d.span.end));
    items.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    match scenario {
        Some(s) if items.is_empty() => Ok(s),
        _ => {
            if items.is_empty() {
                // Defensive: a missing piece must always have been reported.
                items.push(Diagnostic {
                    code: Code::Inconsistent,
                    origin: origin.to_string(),
                    span: 0..0,
                    line: 1,
                    column: 1,
                    path: String::new(),
                    message: "the scenario is incomplete".into(),
                    expected: None,
                    help: None,
                });
            }
            Err(Diagnostics { items })
        }
    }
}

/// Words for the enums that the scenario spells out.
const SIDES: &[(&str, Side)] = &[("home", Side::Home), ("host", Side::Host)];
const CHAIN: &[(&str, ChainPos)] = &[
    ("upstream", ChainPos::Upstream),
    ("midstream", ChainPos::Midstream),
    ("downstream", ChainPos::Downstream),
];
const PARK_KINDS: &[(&str, ParkKind)] = &[
    ("industrial", ParkKind::Industrial),
    ("science", ParkKind::Science),
    ("cultural", ParkKind::Cultural),
    ("urban", ParkKind::Urban),
];
const SERVICES: &[(&str, ServiceKind)] = &[
    ("law_firm", ServiceKind::LawFirm),
    ("investment_bank", ServiceKind::InvestmentBank),
    ("ip_exchange", ServiceKind::IpExchange),
    ("technology_transfer", ServiceKind::TechnologyTransfer),
    ("property_transfer", ServiceKind::PropertyTransfer),
    ("industry_association", ServiceKind::IndustryAssociation),
    ("chamber_of_commerce", ServiceKind::ChamberOfCommerce),
    ("consultancy", ServiceKind::Consultancy),
];
const REDUCES: &[(&str, Reduces)] = &[
    ("approval_risk", Reduces::ApprovalRisk),
    ("approval_delay", Reduces::ApprovalDelay),
    ("information_cost", Reduces::InformationCost),
    ("finance_premium", Reduces::FinancePremium),
    ("technology_gap", Reduces::TechnologyGap),
    ("operating_risk", Reduces::OperatingRisk),
];
const FACTORS: &[(&str, Factor)] = &[
    ("talent", Factor::Talent),
    ("capital", Factor::Capital),
    ("information", Factor::Information),
    ("technology", Factor::Technology),
    ("land", Factor::Land),
    ("labour", Factor::Labour),
];
const DRIVERS: &[(&str, Driver)] = &[
    ("host_openness", Driver::HostOpenness),
    ("home_push", Driver::HomePush),
    ("coordinated_demand", Driver::CoordinatedDemand),
    ("shock_volatility", Driver::ShockVolatility),
    ("transport_cost", Driver::TransportCost),
    ("tariff", Driver::Tariff),
];
const OPS: &[(&str, ChangeOp)] =
    &[("set", ChangeOp::Set), ("add", ChangeOp::Add), ("scale", ChangeOp::Scale)];

pub(crate) fn service_word(v: ServiceKind) -> &'static str {
    words::word(SERVICES, v)
}
pub(crate) fn reduces_word(v: Reduces) -> &'static str {
    words::word(REDUCES, v)
}
pub(crate) fn park_word(v: ParkKind) -> &'static str {
    words::word(PARK_KINDS, v)
}
pub(crate) fn op_word(v: ChangeOp) -> &'static str {
    words::word(OPS, v)
}

/// Which values a distribution may produce.
#[derive(Clone, Copy)]
enum Domain {
    /// Strictly positive (capital, productivity, times).
    Positive,
    /// Inside [0, 1] (shares, capabilities).
    Unit,
}

/// A reference by id, to resolve in the second pass.
struct Ref {
    id: Spanned<String>,
    path: String,
}

fn ref_of(s: Spanned<String>, path: String) -> Ref {
    Ref { id: s, path }
}

#[derive(Default)]
struct Builder {
    /// Unit ids, globally unique: id -> (span, unit).
    units: HashMap<String, (Range<usize>, UnitRef)>,
    regions: HashMap<String, (Range<usize>, usize)>,
    sectors: HashMap<String, (Range<usize>, usize)>,
}

/// The longest id, in characters.
const MAX_ID_LEN: usize = 128;

/// The largest transport-cost multiplier (1 = the baseline), at the start or after events.
const MAX_TRANSPORT: f64 = 1000.0;

/// The largest `sigma` of a lognormal: beyond it, draws and the mean leave the range of a double.
const MAX_LOG_SIGMA: f64 = 10.0;

/// The shape parameters a beta may have: outside, its sampler loses all precision.
const BETA_SHAPE: std::ops::RangeInclusive<f64> = 1e-3..=1e6;

/// At most this many ids are listed in an "expected one of" message.
const MAX_LISTED: usize = 20;

/// `"a", "b", "c"`, or the first [`MAX_LISTED`] and "and N more".
fn quoted_list(ids: &[&str]) -> String {
    let mut s = ids
        .iter()
        .take(MAX_LISTED)
        .map(|k| format!("\"{}\"", clip(k)))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > MAX_LISTED {
        s.push_str(&format!(" and {} more", ids.len() - MAX_LISTED));
    }
    s
}

impl Builder {
    fn check_id(cx: &mut Cx<'_>, id: &Spanned<String>, path: &str) {
        let n = id.get_ref().chars().count();
        if n > MAX_ID_LEN {
            cx.error(
                Code::OutOfRange,
                id.span(),
                path,
                format!("id \"{}\" is too long", clip(id.get_ref())),
                Some(format!("an id of at most {MAX_ID_LEN} characters")),
                None,
            );
            return;
        }
        let ok = id.get_ref().chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !ok {
            cx.error(
                Code::OutOfRange,
                id.span(),
                path,
                format!("id \"{}\" has characters an id may not have", clip(id.get_ref())),
                Some("letters, digits, '-', '_' or '.' only".into()),
                None,
            );
        }
    }

    fn declare(
        cx: &mut Cx<'_>,
        map: &mut HashMap<String, (Range<usize>, usize)>,
        what: &str,
        id: &Spanned<String>,
        index: usize,
        path: &str,
    ) {
        Self::check_id(cx, id, path);
        if let Some((first, _)) = map.get(id.get_ref()) {
            let first = cx.place(first.start);
            cx.error(
                Code::DuplicateId,
                id.span(),
                path,
                format!("duplicate {what} id \"{}\"", clip(id.get_ref())),
                Some(format!("an id no other {what} has")),
                Some(format!("first declared at {first}")),
            );
        } else {
            map.insert(id.get_ref().clone(), (id.span(), index));
        }
    }

    fn declare_unit(&mut self, cx: &mut Cx<'_>, id: &Spanned<String>, unit: UnitRef, path: &str) {
        Self::check_id(cx, id, path);
        if let Some((first, prev)) = self.units.get(id.get_ref()) {
            let (first, prev) = (cx.place(first.start), *prev);
            cx.error(
                Code::DuplicateId,
                id.span(),
                path,
                format!(
                    "duplicate unit id \"{}\" (already used by a {})",
                    clip(id.get_ref()),
                    prev.kind.word()
                ),
                Some("an id no other unit has (unit ids are shared by all kinds)".into()),
                Some(format!("first declared at {first}")),
            );
        } else {
            self.units.insert(id.get_ref().clone(), (id.span(), unit));
        }
    }

    fn resolve(
        cx: &mut Cx<'_>,
        map: &HashMap<String, (Range<usize>, usize)>,
        what: &str,
        r: &Ref,
    ) -> Option<usize> {
        if let Some((_, i)) = map.get(r.id.get_ref()) {
            return Some(*i);
        }
        let mut known: Vec<&str> = map.keys().map(String::as_str).collect();
        known.sort_unstable();
        cx.error(
            Code::DanglingReference,
            r.id.span(),
            &r.path,
            format!("unknown {what} \"{}\"", clip(r.id.get_ref())),
            Some(if known.is_empty() {
                format!("the id of a declared {what} (none is declared)")
            } else {
                format!("one of {}", quoted_list(&known))
            }),
            did_you_mean(r.id.get_ref(), known.iter().copied()),
        );
        None
    }

    fn region_ref(
        &self,
        cx: &mut Cx<'_>,
        r: Option<Ref>,
        want: Option<Side>,
        regions: &[Region],
    ) -> Option<usize> {
        let r = r?;
        let ix = Self::resolve(cx, &self.regions, "region", &r)?;
        if let (Some(want), Some(region)) = (want, regions.get(ix))
            && region.side != want
        {
            cx.error(
                Code::Inconsistent,
                r.id.span(),
                &r.path,
                format!(
                    "region \"{}\" is on the {} side, but this unit belongs on the {} side",
                    clip(r.id.get_ref()),
                    region.side.word(),
                    want.word()
                ),
                Some(format!("a region with side = \"{}\"", want.word())),
                None,
            );
        }
        Some(ix)
    }

    /// A distribution: a plain number (constant) or `{ dist = "...", ... }`.
    fn dist(
        cx: &mut Cx<'_>,
        t: &mut Table<'_, '_>,
        key: &'static str,
        domain: Domain,
    ) -> Option<Dist> {
        let path = t.field_path(key);
        let v = t.get(key);
        let Some(v) = v else {
            cx.error(
                Code::MissingKey,
                t.span.start..t.span.start + 1,
                &path,
                format!("missing key `{key}` in `{}`", t.path),
                Some("a number or a distribution such as { dist = \"lognormal\", median = 1.0, sigma = 0.5 }".into()),
                None,
            );
            return None;
        };
        let span = v.span();
        let d = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => match crate::raw::as_f64(v.get_ref()) {
                Some(x) => Dist::Constant(x),
                None => {
                    cx.error(
                        Code::WrongType,
                        span,
                        &path,
                        format!("`{key}` is not a number that can be read"),
                        Some("a finite number".into()),
                        None,
                    );
                    return None;
                }
            },
            DeValue::Table(_) => {
                let mut dt = Table::from_val(cx, v, path.clone())?;
                let kinds: &[(&str, u8)] = &[
                    ("constant", 0),
                    ("uniform", 1),
                    ("normal", 2),
                    ("lognormal", 3),
                    ("beta", 4),
                    ("triangular", 5),
                ];
                let kind = dt.choice(cx, "dist", kinds);
                let d = match kind {
                    Some(0) => dt.num(cx, "value", Rule::Any).map(Dist::Constant),
                    Some(1) => {
                        match (dt.num(cx, "low", Rule::Any), dt.num(cx, "high", Rule::Any)) {
                            (Some(low), Some(high)) => Some(Dist::Uniform { low, high }),
                            _ => None,
                        }
                    }
                    Some(2) => match (dt.num(cx, "mean", Rule::Any), dt.num(cx, "sd", Rule::Any)) {
                        (Some(mean), Some(sd)) => Some(Dist::Normal { mean, sd }),
                        _ => None,
                    },
                    Some(3) => {
                        match (dt.num(cx, "median", Rule::Any), dt.num(cx, "sigma", Rule::Any)) {
                            (Some(median), Some(sigma)) => Some(Dist::LogNormal { median, sigma }),
                            _ => None,
                        }
                    }
                    Some(4) => {
                        match (dt.num(cx, "alpha", Rule::Any), dt.num(cx, "beta", Rule::Any)) {
                            (Some(alpha), Some(beta)) => Some(Dist::Beta { alpha, beta }),
                            _ => None,
                        }
                    }
                    Some(5) => match (
                        dt.num(cx, "low", Rule::Any),
                        dt.num(cx, "mode", Rule::Any),
                        dt.num(cx, "high", Rule::Any),
                    ) {
                        (Some(low), Some(mode), Some(high)) => {
                            Some(Dist::Triangular { low, mode, high })
                        }
                        _ => None,
                    },
                    _ => None,
                };
                dt.finish(cx);
                d?
            }
            other => {
                cx.error(
                    Code::WrongType,
                    span.clone(),
                    &path,
                    format!(
                        "`{key}` must be a number or a distribution table, found {}",
                        type_name(other)
                    ),
                    Some("a number or { dist = \"...\", ... }".into()),
                    None,
                );
                return None;
            }
        };
        if let Some(problem) = dist_problem(&d, domain) {
            cx.error(
                Code::BadDistribution,
                span,
                &path,
                format!("`{key}` = {} is impossible: {problem}", d.describe()),
                Some(match domain {
                    Domain::Positive => "a distribution of positive values, e.g. { dist = \"lognormal\", median = 1.0, sigma = 0.5 }".into(),
                    Domain::Unit => "a distribution on 0..=1, e.g. { dist = \"beta\", alpha = 2, beta = 5 }".into(),
                }),
                None,
            );
            return None;
        }
        Some(d)
    }

    /// A mix `{ key = share, ... }` over declared ids; shares >= 0 and summing to 1.
    fn mix(
        &self,
        cx: &mut Cx<'_>,
        t: &mut Table<'_, '_>,
        key: &'static str,
        map: &HashMap<String, (Range<usize>, usize)>,
        what: &str,
    ) -> Option<Vec<(usize, f64)>> {
        let path = t.field_path(key);
        let Some(v) = t.get(key) else {
            cx.error(
                Code::MissingKey,
                t.span.start..t.span.start + 1,
                &path,
                format!("missing key `{key}` in `{}`", t.path),
                Some(format!(
                    "a table of {what} shares, e.g. {{ textiles = 0.6, agro_processing = 0.4 }}"
                )),
                None,
            );
            return None;
        };
        let mt = Table::from_val(cx, v, path.clone())?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, val) in mt.entries() {
            let kpath = format!("{path}.{}", clip(k.get_ref()));
            let share = crate::raw::as_f64(val.get_ref());
            match share {
                Some(s) if s.is_finite() && s >= 0.0 => {}
                _ => {
                    cx.error(
                        Code::OutOfRange,
                        val.span(),
                        &kpath,
                        format!("the share of \"{}\" must be a number >= 0", clip(k.get_ref())),
                        Some("a number in 0..=1".into()),
                        None,
                    );
                    ok = false;
                    continue;
                }
            }
            let r = ref_of(k.clone(), kpath);
            match Self::resolve(cx, map, what, &r) {
                Some(ix) => out.push((ix, share.unwrap_or(0.0))),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let sum: f64 = out.iter().map(|(_, s)| s).sum();
        if (sum - 1.0).abs() > 1e-6 {
            cx.error(
                Code::Inconsistent,
                v.span(),
                &path,
                format!("the shares of `{key}` sum to {}, not 1", num_text(sum)),
                Some("shares that sum to 1".into()),
                None,
            );
            return None;
        }
        Some(out)
    }

    fn build(mut self, cx: &mut Cx<'_>, mut root: Table<'_, '_>) -> Option<Scenario> {
        // --- scenario, study (study.compare is resolved after modes) ---
        let meta = match root.opt_table(cx, "scenario") {
            Some(mut t) => {
                let name = t.str(cx, "name").map(|s| s.into_inner()).unwrap_or_default();
                let title =
                    t.opt_str(cx, "title").map(|s| s.into_inner()).unwrap_or_else(|| name.clone());
                let description =
                    t.opt_str(cx, "description").map(|s| s.into_inner()).unwrap_or_default();
                t.finish(cx);
                Meta { name, title, description }
            }
            None => {
                if root.get("scenario").is_none() {
                    cx.error(
                        Code::MissingKey,
                        0..0,
                        "scenario",
                        "missing table [scenario]",
                        Some("[scenario] with at least `name`".into()),
                        None,
                    );
                }
                Meta { name: String::new(), title: String::new(), description: String::new() }
            }
        };

        let mut study_t = root.opt_table(cx, "study");
        let (horizon, period_days, start_year, runs, seed) = match study_t.as_mut() {
            Some(t) => (
                t.opt_int(cx, "horizon_periods", 1, 1000).unwrap_or(20) as u32,
                t.num_or(cx, "period_days", Rule::Between(1.0, 3660.0), 365.0),
                t.opt_int(cx, "start_year", 1900, 2200).unwrap_or(2013) as i32,
                t.opt_int(cx, "runs", 1, 1_000_000).unwrap_or(100) as u32,
                t.opt_int(cx, "seed", 0, i64::MAX).unwrap_or(2013) as u64,
            ),
            None => (20, 365.0, 2013, 100, 2013),
        };
        let compare_refs: Option<Vec<Spanned<String>>> =
            study_t.as_mut().and_then(|t| t.opt_strs(cx, "compare"));
        let home_trade_share =
            study_t.as_mut().and_then(|t| t.opt_num(cx, "home_trade_share", Rule::Unit));

        // --- regions ---
        let mut regions = Vec::new();
        for (i, mut t) in root.tables(cx, "region").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                Self::declare(cx, &mut self.regions, "region", id, i, &t.field_path("id"));
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let side = t.choice(cx, "side", SIDES);
            let country = t.str(cx, "country");
            if let Some(c) = &country
                && !(c.get_ref().len() == 3
                    && c.get_ref().chars().all(|ch| ch.is_ascii_uppercase()))
            {
                cx.error(
                    Code::OutOfRange,
                    c.span(),
                    &t.field_path("country"),
                    format!("country \"{}\" is not an ISO 3166 alpha-3 code", clip(c.get_ref())),
                    Some("three capital letters, e.g. \"LAO\" or \"CHN\"".into()),
                    None,
                );
            }
            let provinces = t.opt_strs(cx, "provinces").unwrap_or_default();
            let wage_usd = t.num(cx, "wage_usd", Rule::Pos);
            let land_rent = t.num(cx, "land_rent_usd_per_ha", Rule::NonNeg);
            let mut series = Vec::new();
            for mut st in t.tables(cx, "series") {
                let indicator = st.str(cx, "indicator");
                let unit = st.opt_str(cx, "unit").map(|s| s.into_inner()).unwrap_or_default();
                let source = st.opt_str(cx, "source").map(|s| s.into_inner()).unwrap_or_default();
                let sy = st.int(cx, "start_year", 1800, 2200);
                let values = st.opt_nums(cx, "values");
                if values.is_none() && st.get("values").is_none() {
                    cx.error(
                        Code::MissingKey,
                        st.span.clone(),
                        &st.field_path("values"),
                        format!("missing key `values` in `{}`", st.path),
                        Some("an array of numbers, one per year".into()),
                        None,
                    );
                }
                st.finish(cx);
                if let (Some(indicator), Some(sy), Some(values)) = (indicator, sy, values) {
                    series.push(Series {
                        indicator: indicator.into_inner(),
                        unit,
                        source,
                        start_year: sy as i32,
                        values,
                    });
                }
            }
            t.finish(cx);
            if let (Some(id), Some(side), Some(country), Some(wage_usd), Some(land_rent)) =
                (id, side, country, wage_usd, land_rent)
            {
                regions.push(Region {
                    name: name.unwrap_or_else(|| id.get_ref().clone()),
                    id: id.into_inner(),
                    side,
                    country: country.into_inner(),
                    provinces: provinces.into_iter().map(|p| p.into_inner()).collect(),
                    costs: RegionCosts { wage_usd, land_rent_usd_per_ha: land_rent },
                    series,
                });
            } else {
                // Keep indices aligned with declarations even when a region is broken.
                regions.push(Region {
                    id: String::new(),
                    name: String::new(),
                    side: side.unwrap_or(Side::Home),
                    country: String::new(),
                    provinces: Vec::new(),
                    costs: RegionCosts { wage_usd: 1.0, land_rent_usd_per_ha: 0.0 },
                    series: Vec::new(),
                });
            }
        }
        if regions.is_empty() && root.get("region").is_none() {
            cx.error(
                Code::MissingKey,
                0..0,
                "region",
                "no [[region]] is declared",
                Some("one [[region]] with side = \"home\" and one with side = \"host\"".into()),
                None,
            );
        } else if !regions.is_empty() {
            for side in [Side::Home, Side::Host] {
                if !regions.iter().any(|r| r.side == side) {
                    cx.error(
                        Code::Inconsistent,
                        0..0,
                        "region",
                        format!("no region on the {} side", side.word()),
                        Some(format!("a [[region]] with side = \"{}\"", side.word())),
                        None,
                    );
                }
            }
        }

        // --- sectors ---
        let mut sectors = Vec::new();
        for (i, mut t) in root.tables(cx, "sector").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                Self::declare(cx, &mut self.sectors, "sector", id, i, &t.field_path("id"));
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let host_output_usd = t.num(cx, "host_output_usd", Rule::Pos);
            let margin = t.num(cx, "margin", Rule::Between(-1.0, 1.0));
            let workers = t.num(cx, "workers_per_musd", Rule::NonNeg);
            let talent = t.num(cx, "talent_per_musd", Rule::NonNeg);
            let tech = t.num(cx, "technology_per_musd", Rule::NonNeg);
            let credit = t.num(cx, "credit_share", Rule::Unit);
            let land = t.num(cx, "land_ha_per_musd", Rule::NonNeg);
            t.finish(cx);
            sectors.push(Sector {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                host_output_usd: host_output_usd.unwrap_or(1.0),
                margin: margin.unwrap_or(0.0),
                workers_per_musd: workers.unwrap_or(0.0),
                talent_per_musd: talent.unwrap_or(0.0),
                technology_per_musd: tech.unwrap_or(0.0),
                credit_share: credit.unwrap_or(0.0),
                land_ha_per_musd: land.unwrap_or(0.0),
            });
        }
        if sectors.is_empty() {
            cx.error(
                Code::MissingKey,
                0..0,
                "sector",
                "no [[sector]] is declared",
                Some("at least one [[sector]]".into()),
                None,
            );
        }

        // --- factors ---
        let mut factors: Vec<FactorSpec> = Factor::ALL
            .iter()
            .map(|&f| FactorSpec {
                factor: f,
                unit: f.default_unit().to_string(),
                price_usd: default_price(f),
            })
            .collect();
        if let Some(mut ft) = root.opt_table(cx, "factors") {
            for (word, f) in FACTORS {
                if let Some(mut t) = ft.opt_table(cx, word) {
                    let spec = &mut factors[*f as usize];
                    if let Some(u) = t.opt_str(cx, "unit") {
                        spec.unit = u.into_inner();
                    }
                    spec.price_usd = t.num_or(cx, "price_usd", Rule::NonNeg, spec.price_usd);
                    t.finish(cx);
                }
            }
            ft.finish(cx);
        }

        // --- units ---
        let mut governments = Vec::new();
        let mut dep_count = 0usize;
        for (i, mut t) in root.tables(cx, "government").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                self.declare_unit(
                    cx,
                    id,
                    UnitRef { kind: UnitKind::Government, index: i },
                    &t.field_path("id"),
                );
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let region = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
            let region = self.region_ref(cx, region, None, &regions);
            let mut departments = Vec::new();
            for mut dt in t.tables(cx, "department") {
                let did = dt.str(cx, "id");
                if let Some(did) = &did {
                    self.declare_unit(
                        cx,
                        did,
                        UnitRef { kind: UnitKind::Department, index: dep_count },
                        &dt.field_path("id"),
                    );
                }
                dep_count += 1;
                let dname = dt.opt_str(cx, "name").map(|s| s.into_inner());
                let days = Self::dist(cx, &mut dt, "processing_days", Domain::Positive);
                let p = dt.num(cx, "approval_probability", Rule::Unit);
                dt.finish(cx);
                departments.push(Department {
                    name: dname.unwrap_or_else(|| {
                        did.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                    }),
                    id: did.map(|s| s.into_inner()).unwrap_or_default(),
                    processing_days: days.unwrap_or(Dist::Constant(1.0)),
                    approval_probability: p.unwrap_or(1.0),
                });
            }
            t.finish(cx);
            governments.push(Government {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                region: region.unwrap_or(0),
                departments,
            });
        }

        let mut enterprises = Vec::new();
        for (i, mut t) in root.tables(cx, "enterprise").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                self.declare_unit(
                    cx,
                    id,
                    UnitRef { kind: UnitKind::Enterprise, index: i },
                    &t.field_path("id"),
                );
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let region = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
            let region = self.region_ref(cx, region, Some(Side::Home), &regions);
            let sector = t.str(cx, "sector").map(|r| ref_of(r, t.field_path("sector")));
            let sector = sector.and_then(|r| Self::resolve(cx, &self.sectors, "sector", &r));
            let chain = t.choice(cx, "chain", CHAIN);
            let capital = t.num(cx, "capital_usd", Rule::Pos);
            let productivity = t.num(cx, "productivity", Rule::Pos);
            let excess = t.num(cx, "excess_capacity", Rule::Unit);
            t.finish(cx);
            enterprises.push(Enterprise {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                region: region.unwrap_or(0),
                sector: sector.unwrap_or(0),
                chain: chain.unwrap_or(ChainPos::Midstream),
                capital_usd: capital.unwrap_or(1.0),
                productivity: productivity.unwrap_or(1.0),
                excess_capacity: excess.unwrap_or(0.0),
            });
        }

        let mut enterprise_groups = Vec::new();
        for (i, mut t) in root.tables(cx, "enterprise_group").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                self.declare_unit(
                    cx,
                    id,
                    UnitRef { kind: UnitKind::Enterprise, index: enterprises.len() + i },
                    &t.field_path("id"),
                );
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let region = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
            let region = self.region_ref(cx, region, Some(Side::Home), &regions);
            let count = t.int(cx, "count", 0, 100_000_000);
            let sector_mix = self.mix(cx, &mut t, "sectors", &self.sectors.clone(), "sector");
            let chain_mix = chain_mix(cx, &mut t);
            let capital = Self::dist(cx, &mut t, "capital_usd", Domain::Positive);
            let productivity = Self::dist(cx, &mut t, "productivity", Domain::Positive);
            let excess = Self::dist(cx, &mut t, "excess_capacity", Domain::Unit);
            t.finish(cx);
            enterprise_groups.push(EnterpriseGroup {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                region: region.unwrap_or(0),
                count: count.unwrap_or(0) as u32,
                sector_mix: sector_mix.unwrap_or_default(),
                chain_mix: chain_mix.unwrap_or([1.0 / 3.0; 3]),
                capital_usd: capital.unwrap_or(Dist::Constant(1.0)),
                productivity: productivity.unwrap_or(Dist::Constant(1.0)),
                excess_capacity: excess.unwrap_or(Dist::Constant(0.0)),
            });
        }

        let mut host_firm_groups = Vec::new();
        for (i, mut t) in root.tables(cx, "host_firm_group").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                self.declare_unit(
                    cx,
                    id,
                    UnitRef { kind: UnitKind::HostFirm, index: i },
                    &t.field_path("id"),
                );
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let region = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
            let region = self.region_ref(cx, region, Some(Side::Host), &regions);
            let count = t.int(cx, "count", 0, 100_000_000);
            let sector_mix = self.mix(cx, &mut t, "sectors", &self.sectors.clone(), "sector");
            let capability = Self::dist(cx, &mut t, "capability", Domain::Unit);
            let employment = Self::dist(cx, &mut t, "employment", Domain::Positive);
            let home_investment = t.num_or(cx, "home_investment_usd", Rule::NonNeg, 0.0);
            t.finish(cx);
            host_firm_groups.push(HostFirmGroup {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                region: region.unwrap_or(0),
                count: count.unwrap_or(0) as u32,
                sector_mix: sector_mix.unwrap_or_default(),
                capability: capability.unwrap_or(Dist::Constant(0.5)),
                employment: employment.unwrap_or(Dist::Constant(1.0)),
                home_investment_usd: home_investment,
            });
        }

        let mut universities = Vec::new();
        for (i, mut t) in root.tables(cx, "university").into_iter().enumerate() {
            let (id, name, region) = self.unit_head(cx, &mut t, UnitKind::University, i, &regions);
            let talent = t.num(cx, "talent_per_period", Rule::NonNeg);
            let places = t.num_or(cx, "training_places", Rule::NonNeg, 0.0);
            let students = t.num_or(cx, "students_to_home_per_period", Rule::NonNeg, 0.0);
            t.finish(cx);
            universities.push(University {
                id,
                name,
                region,
                talent_per_period: talent.unwrap_or(0.0),
                training_places: places,
                students_to_home_per_period: students,
            });
        }

        let mut research_institutes = Vec::new();
        for (i, mut t) in root.tables(cx, "research_institute").into_iter().enumerate() {
            let (id, name, region) =
                self.unit_head(cx, &mut t, UnitKind::ResearchInstitute, i, &regions);
            let tech = t.num(cx, "technology_per_period", Rule::NonNeg);
            let fit = t.num(cx, "host_fit", Rule::Unit);
            t.finish(cx);
            research_institutes.push(ResearchInstitute {
                id,
                name,
                region,
                technology_per_period: tech.unwrap_or(0.0),
                host_fit: fit.unwrap_or(0.0),
            });
        }

        let mut finance = Vec::new();
        for (i, mut t) in root.tables(cx, "finance").into_iter().enumerate() {
            let (id, name, region) = self.unit_head(cx, &mut t, UnitKind::Finance, i, &regions);
            let cap = t.num(cx, "credit_capacity_usd", Rule::NonNeg);
            let rate = t.num(cx, "base_rate", Rule::Between(0.0, 1.0));
            let appetite = t.num(cx, "risk_appetite", Rule::Unit);
            t.finish(cx);
            finance.push(FinanceOrg {
                id,
                name,
                region,
                credit_capacity_usd: cap.unwrap_or(0.0),
                base_rate: rate.unwrap_or(0.0),
                risk_appetite: appetite.unwrap_or(0.0),
            });
        }

        let mut intermediaries = Vec::new();
        for (i, mut t) in root.tables(cx, "intermediary").into_iter().enumerate() {
            let (id, name, region) =
                self.unit_head(cx, &mut t, UnitKind::Intermediary, i, &regions);
            let service = t.choice(cx, "service", SERVICES);
            let cap = t.num(cx, "capacity_clients", Rule::NonNeg);
            let reduces = t.choice(cx, "reduces", REDUCES);
            let effect = t.num(cx, "effect", Rule::Unit);
            t.finish(cx);
            intermediaries.push(Intermediary {
                id,
                name,
                region,
                service: service.unwrap_or(ServiceKind::Consultancy),
                capacity_clients: cap.unwrap_or(0.0),
                reduces: reduces.unwrap_or(Reduces::OperatingRisk),
                effect: effect.unwrap_or(0.0),
            });
        }

        let mut promoting_orgs = Vec::new();
        for (i, mut t) in root.tables(cx, "promoting_org").into_iter().enumerate() {
            let (id, name, region) =
                self.unit_head(cx, &mut t, UnitKind::PromotingOrg, i, &regions);
            let overhead = t.num(cx, "coordination_overhead_days", Rule::NonNeg);
            t.finish(cx);
            promoting_orgs.push(PromotingOrg {
                id,
                name,
                region,
                coordination_overhead_days: overhead.unwrap_or(0.0),
            });
        }

        let mut parks = Vec::new();
        for (i, mut t) in root.tables(cx, "park").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                self.declare_unit(
                    cx,
                    id,
                    UnitRef { kind: UnitKind::Park, index: i },
                    &t.field_path("id"),
                );
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let kind = t.choice(cx, "kind", PARK_KINDS);
            let region_ref = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
            let region = self.region_ref(cx, region_ref, Some(Side::Host), &regions);
            let province = t.str(cx, "province");
            if let (Some(p), Some(r)) = (&province, region.and_then(|r| regions.get(r)))
                && !r.provinces.is_empty()
                && !r.provinces.iter().any(|q| q == p.get_ref())
            {
                cx.error(
                    Code::DanglingReference,
                    p.span(),
                    &t.field_path("province"),
                    format!(
                        "province \"{}\" is not a province of region \"{}\"",
                        clip(p.get_ref()),
                        clip(&r.id)
                    ),
                    Some(format!(
                        "one of {}",
                        quoted_list(&r.provinces.iter().map(String::as_str).collect::<Vec<_>>())
                    )),
                    did_you_mean(p.get_ref(), r.provinces.iter().map(String::as_str)),
                );
            }
            let area = t.num(cx, "area_ha", Rule::Pos);
            let plots = t.int(cx, "plots", 1, 1_000_000);
            let shared = t.num(cx, "shared_infrastructure_cost_usd", Rule::NonNeg);
            let targets = t.opt_strs(cx, "target_sectors").unwrap_or_default();
            let target_sectors: Vec<usize> = targets
                .into_iter()
                .filter_map(|s| {
                    let r = ref_of(s, t.field_path("target_sectors"));
                    Self::resolve(cx, &self.sectors, "sector", &r)
                })
                .collect();
            let designated = t.opt_bool(cx, "designated").unwrap_or(false);
            let hub_access = t.num(cx, "hub_access", Rule::Unit);
            let labour_pool = t.num(cx, "labour_pool", Rule::NonNeg);
            let opened = t.opt_int(cx, "opened_year", 1900, 2200);
            let incentives = match t.opt_table(cx, "incentives") {
                Some(mut it) => {
                    let inc = Incentives {
                        tax_holiday_periods: it
                            .opt_int(cx, "tax_holiday_periods", 0, 100)
                            .unwrap_or(0) as u32,
                        rent_discount: it.num_or(cx, "rent_discount", Rule::Unit, 0.0),
                        entry_subsidy_usd: it.num_or(cx, "entry_subsidy_usd", Rule::NonNeg, 0.0),
                    };
                    it.finish(cx);
                    inc
                }
                None => Incentives::default(),
            };
            t.finish(cx);
            parks.push(Park {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                kind: kind.unwrap_or(ParkKind::Industrial),
                region: region.unwrap_or(0),
                province: province.map(|s| s.into_inner()).unwrap_or_default(),
                area_ha: area.unwrap_or(1.0),
                plots: plots.unwrap_or(1) as u32,
                shared_infrastructure_cost_usd: shared.unwrap_or(0.0),
                incentives,
                target_sectors,
                designated,
                hub_access: hub_access.unwrap_or(0.0),
                labour_pool: labour_pool.unwrap_or(0.0),
                opened_year: opened.unwrap_or(i64::from(start_year)) as i32,
            });
        }

        // --- relations ---
        let mut relations = Vec::new();
        for mut t in root.tables(cx, "relation") {
            let a = t.str(cx, "a").map(|r| ref_of(r, t.field_path("a")));
            let b = t.str(cx, "b").map(|r| ref_of(r, t.field_path("b")));
            let a = a.and_then(|r| self.unit_ref(cx, &r));
            let b = b.and_then(|r| self.unit_ref(cx, &r));
            let factor = t.opt_choice(cx, "factor", FACTORS);
            let weight = t.num_or(cx, "weight", Rule::Pos, 1.0);
            let two_way = t.opt_bool(cx, "two_way").unwrap_or(true);
            let sab = t.opt_num(cx, "sigma_ab", Rule::Between(-1000.0, 1000.0));
            let sba = t.opt_num(cx, "sigma_ba", Rule::Between(-1000.0, 1000.0));
            if sab.is_some() != sba.is_some() {
                cx.error(
                    Code::Inconsistent,
                    t.span.clone(),
                    &t.path,
                    "a relation declares only one of `sigma_ab` and `sigma_ba`",
                    Some("both sigma_ab and sigma_ba, or neither".into()),
                    None,
                );
            }
            t.finish(cx);
            if let (Some(a), Some(b)) = (a, b) {
                relations.push(Relation { a, b, factor, weight, two_way, sigma: sab.zip(sba) });
            }
        }

        // --- environment and events ---
        let environment = match root.opt_table(cx, "environment") {
            Some(mut t) => {
                let env = Environment {
                    host_openness: t.num_or(cx, "host_openness", Rule::Unit, 0.5),
                    home_push: t.num_or(cx, "home_push", Rule::Unit, 0.5),
                    coordinated_demand: t.num_or(cx, "coordinated_demand", Rule::Unit, 0.5),
                    shock_volatility: t.num_or(cx, "shock_volatility", Rule::Unit, 0.1),
                    transport_cost: t.num_or(
                        cx,
                        "transport_cost",
                        Rule::Between(0.0, MAX_TRANSPORT),
                        1.0,
                    ),
                    tariff: t.num_or(cx, "tariff", Rule::Unit, 0.0),
                };
                t.finish(cx);
                env
            }
            None => Environment {
                host_openness: 0.5,
                home_push: 0.5,
                coordinated_demand: 0.5,
                shock_volatility: 0.1,
                transport_cost: 1.0,
                tariff: 0.0,
            },
        };

        let mut events = Vec::new();
        let mut event_ids = HashMap::new();
        let mut transport = TransportBound::new(environment.transport_cost);
        for (i, mut t) in root.tables(cx, "event").into_iter().enumerate() {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                Self::declare(cx, &mut event_ids, "event", id, i, &t.field_path("id"));
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let year_v = t.get("year").map(|v| v.span());
            let year = t.int(cx, "year", 1900, 2200);
            if let (Some(y), Some(span)) = (year, year_v)
                && y < i64::from(start_year)
            {
                cx.error(
                    Code::OutOfRange,
                    span,
                    &t.field_path("year"),
                    format!("event year {y} is before the study's start_year {start_year}"),
                    Some(format!(
                        "a year >= {start_year} (fold earlier events into [environment])"
                    )),
                    None,
                );
            }
            let source = t.opt_str(cx, "source").map(|s| s.into_inner()).unwrap_or_default();
            let mut changes = Vec::new();
            for mut ct in t.tables(cx, "change") {
                let driver = ct.choice(cx, "driver", DRIVERS);
                let op = ct.choice(cx, "op", OPS);
                let value_span = ct.get("value").map(|v| v.span());
                let value = ct.num(cx, "value", Rule::Any);
                let path = ct.field_path("value");
                ct.finish(cx);
                if let (Some(driver), Some(op), Some(value)) = (driver, op, value) {
                    let change = Change { driver, op, value };
                    if driver == Driver::TransportCost {
                        transport.check(cx, &change, value_span.unwrap_or(0..0), &path);
                    }
                    changes.push(change);
                }
            }
            t.finish(cx);
            events.push(Event {
                name: name.unwrap_or_else(|| {
                    id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
                }),
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                year: year.unwrap_or(i64::from(start_year)) as i32,
                source,
                changes,
            });
        }

        // --- modes: presets, then custom ones ---
        let mut modes: Vec<ModeDef> = Levers::presets()
            .into_iter()
            .map(|(id, name, levers)| ModeDef {
                id: id.into(),
                name: name.into(),
                levers,
                preset: true,
            })
            .collect();
        let mut mode_ids: HashMap<String, (Range<usize>, usize)> =
            modes.iter().enumerate().map(|(i, m)| (m.id.clone(), (0..0, i))).collect();
        for mut t in root.tables(cx, "mode") {
            let id = t.str(cx, "id");
            if let Some(id) = &id {
                if mode_ids.get(id.get_ref()).is_some_and(|(_, i)| *i < 4) {
                    cx.error(
                        Code::DuplicateId,
                        id.span(),
                        &t.field_path("id"),
                        format!(
                            "\"{}\" is a built-in mode; a custom mode needs its own id",
                            id.get_ref()
                        ),
                        Some("an id other than fight_alone, one_way_street, hub, network".into()),
                        Some(format!("write base = \"{}\" to start from it", id.get_ref())),
                    );
                } else {
                    let ix = modes.len();
                    Self::declare(cx, &mut mode_ids, "mode", id, ix, &t.field_path("id"));
                }
            }
            let name = t.opt_str(cx, "name").map(|s| s.into_inner());
            let base = t.opt_str(cx, "base").map(|r| ref_of(r, t.field_path("base")));
            let mut levers = match base.and_then(|r| Self::resolve(cx, &mode_ids, "mode", &r)) {
                Some(ix) if ix < modes.len() => modes[ix].levers.clone(),
                _ => Levers::fight_alone(),
            };
            read_levers(cx, &mut t, &mut levers);
            t.finish(cx);
            if let Some(id) = id {
                modes.push(ModeDef {
                    name: name.unwrap_or_else(|| id.get_ref().clone()),
                    id: id.into_inner(),
                    levers,
                    preset: false,
                });
            }
        }
        let compare = match compare_refs {
            Some(refs) => {
                let path = "study.compare".to_string();
                refs.into_iter()
                    .filter_map(|r| Self::resolve(cx, &mode_ids, "mode", &ref_of(r, path.clone())))
                    .collect()
            }
            None => (0..4).collect(),
        };
        if let Some(t) = study_t {
            t.finish(cx);
        }
        root.finish(cx);

        Some(Scenario {
            meta,
            study: Study {
                horizon_periods: horizon,
                period_days,
                start_year,
                runs,
                seed,
                compare,
                home_trade_share,
            },
            regions,
            sectors,
            factors,
            governments,
            enterprises,
            enterprise_groups,
            host_firm_groups,
            universities,
            research_institutes,
            finance,
            intermediaries,
            promoting_orgs,
            parks,
            relations,
            environment,
            events,
            modes,
        })
    }

    /// `id`, `name`, `region` of a simple unit.
    fn unit_head(
        &mut self,
        cx: &mut Cx<'_>,
        t: &mut Table<'_, '_>,
        kind: UnitKind,
        index: usize,
        regions: &[Region],
    ) -> (String, String, usize) {
        let id = t.str(cx, "id");
        if let Some(id) = &id {
            self.declare_unit(cx, id, UnitRef { kind, index }, &t.field_path("id"));
        }
        let name = t.opt_str(cx, "name").map(|s| s.into_inner());
        let region = t.str(cx, "region").map(|r| ref_of(r, t.field_path("region")));
        let region = self.region_ref(cx, region, None, regions);
        let id = id.map(|s| s.into_inner()).unwrap_or_default();
        let name = name.unwrap_or_else(|| id.clone());
        (id, name, region.unwrap_or(0))
    }

    fn unit_ref(&self, cx: &mut Cx<'_>, r: &Ref) -> Option<UnitRef> {
        if let Some((_, u)) = self.units.get(r.id.get_ref()) {
            return Some(*u);
        }
        let mut known: Vec<&str> = self.units.keys().map(String::as_str).collect();
        known.sort_unstable();
        cx.error(
            Code::DanglingReference,
            r.id.span(),
            &r.path,
            format!("unknown unit \"{}\"", clip(r.id.get_ref())),
            Some("the id of a declared unit (government, department, enterprise, group, university, ...)".into()),
            did_you_mean(r.id.get_ref(), known.iter().copied()),
        );
        None
    }
}

/// The highest transport-cost multiplier the events can reach, in whatever order they apply:
/// `(max(start, sets) + positive adds) * scales above 1`. A change that lifts it above
/// [`MAX_TRANSPORT`] is reported (once).
struct TransportBound {
    start: f64,
    max_set: f64,
    adds: f64,
    scale: f64,
    reported: bool,
}

impl TransportBound {
    fn new(start: f64) -> Self {
        TransportBound { start, max_set: 0.0, adds: 0.0, scale: 1.0, reported: false }
    }

    fn check(&mut self, cx: &mut Cx<'_>, c: &Change, span: Range<usize>, path: &str) {
        match c.op {
            ChangeOp::Set => self.max_set = self.max_set.max(c.value),
            ChangeOp::Add => self.adds += c.value.max(0.0),
            ChangeOp::Scale => self.scale *= c.value.max(1.0),
        }
        let high = (self.start.max(self.max_set) + self.adds) * self.scale;
        if !self.reported && (high.is_nan() || high > MAX_TRANSPORT) {
            self.reported = true;
            cx.error(
                Code::OutOfRange,
                span,
                path,
                format!(
                    "with this change the events can take the transport cost to {} times the baseline",
                    num_text(high)
                ),
                Some(format!(
                    "changes that keep transport_cost within 0..={} (1 = the baseline)",
                    num_text(MAX_TRANSPORT)
                )),
                None,
            );
        }
    }
}

/// Read lever overrides from a `[[mode]]` table.
fn read_levers(cx: &mut Cx<'_>, t: &mut Table<'_, '_>, l: &mut Levers) {
    if let Some(v) = t.opt_choice(cx, "site_choice", words::SITE_CHOICE) {
        l.site_choice = v;
    }
    l.site_search_noise = t.num_or(cx, "site_search_noise", Rule::Unit, l.site_search_noise);
    if let Some(v) = t.opt_bool(cx, "cohort") {
        l.cohort = v;
    }
    if let Some(v) = t.opt_choice(cx, "approvals", words::APPROVALS) {
        l.approvals = v;
    }
    if let Some(v) = t.opt_choice(cx, "finance", words::FINANCE) {
        l.finance = v;
    }
    if let Some(v) = t.opt_choice(cx, "talent_technology", words::TALENT_TECHNOLOGY) {
        l.talent_technology = v;
    }
    if let Some(v) = t.opt_bool(cx, "host_training") {
        l.host_training = v;
    }
    if let Some(v) = t.opt_choice(cx, "intermediaries", words::INTERMEDIARIES) {
        l.intermediaries = v;
    }
    if let Some(v) = t.opt_choice(cx, "information_sharing", words::INFORMATION_SHARING) {
        l.information_sharing = v;
    }
    if let Some(v) = t.opt_choice(cx, "profit", words::PROFIT) {
        l.profit = v;
    }
    l.reinvest_share = t.num_or(cx, "reinvest_share", Rule::Unit, l.reinvest_share);
    l.host_linkage = t.num_or(cx, "host_linkage", Rule::Unit, l.host_linkage);
}

/// `chain = { upstream = .., midstream = .., downstream = .. }`, summing to 1.
fn chain_mix(cx: &mut Cx<'_>, t: &mut Table<'_, '_>) -> Option<[f64; 3]> {
    let mut ct = t.opt_table(cx, "chain")?;
    let span = ct.span.clone();
    let path = ct.path.clone();
    let mut m = [0.0; 3];
    for (i, w) in ["upstream", "midstream", "downstream"].into_iter().enumerate() {
        m[i] = ct.num_or(cx, w, Rule::Unit, 0.0);
    }
    ct.finish(cx);
    let sum: f64 = m.iter().sum();
    if (sum - 1.0).abs() > 1e-6 {
        cx.error(
            Code::Inconsistent,
            span,
            &path,
            format!("the chain shares sum to {}, not 1", num_text(sum)),
            Some("upstream + midstream + downstream = 1".into()),
            None,
        );
        return None;
    }
    Some(m)
}

/// Why a distribution cannot describe a quantity in `domain`, if it cannot.
fn dist_problem(d: &Dist, domain: Domain) -> Option<String> {
    let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
    let param = match *d {
        Dist::Constant(x) if !x.is_finite() => Some("the value is not finite".to_string()),
        Dist::Uniform { low, high } if !finite(&[low, high]) || low >= high => Some(format!(
            "a uniform needs low < high (got {} and {})",
            num_text(low),
            num_text(high)
        )),
        Dist::Normal { mean, sd } if !finite(&[mean, sd]) || sd <= 0.0 => {
            Some(format!("sd must be > 0 (got {})", num_text(sd)))
        }
        Dist::LogNormal { median, sigma }
            if !finite(&[median, sigma]) || median <= 0.0 || sigma <= 0.0 =>
        {
            Some(format!(
                "a lognormal needs median > 0 and sigma > 0 (got {} and {})",
                num_text(median),
                num_text(sigma)
            ))
        }
        Dist::Beta { alpha, beta } if !finite(&[alpha, beta]) || alpha <= 0.0 || beta <= 0.0 => {
            Some(format!(
                "a beta needs alpha > 0 and beta > 0 (got {} and {})",
                num_text(alpha),
                num_text(beta)
            ))
        }
        Dist::Triangular { low, mode, high }
            if !(finite(&[low, mode, high]) && low <= mode && mode <= high && low < high) =>
        {
            Some(format!(
                "a triangular needs low <= mode <= high and low < high (got {}, {}, {})",
                num_text(low),
                num_text(mode),
                num_text(high)
            ))
        }
        _ => None,
    };
    if param.is_some() {
        return param;
    }
    let big = |xs: &[f64]| xs.iter().any(|x| x.abs() > MAX_MAGNITUDE);
    let size = match *d {
        Dist::Constant(x) if big(&[x]) => Some(num_text(x)),
        Dist::Uniform { low, high } if big(&[low, high]) => {
            Some(format!("{} to {}", num_text(low), num_text(high)))
        }
        Dist::Normal { mean, sd } if big(&[mean, sd]) => {
            Some(format!("mean {}, sd {}", num_text(mean), num_text(sd)))
        }
        Dist::LogNormal { median, .. } if big(&[median]) => {
            Some(format!("median {}", num_text(median)))
        }
        Dist::Beta { alpha, beta } if big(&[alpha, beta]) => {
            Some(format!("alpha {}, beta {}", num_text(alpha), num_text(beta)))
        }
        Dist::Triangular { low, mode, high } if big(&[low, mode, high]) => {
            Some(format!("{}, {}, {}", num_text(low), num_text(mode), num_text(high)))
        }
        _ => None,
    };
    if let Some(size) = size {
        return Some(format!("its parameters ({size}) go beyond 1e15 in magnitude"));
    }
    if let Dist::Beta { alpha, beta } = *d
        && !(BETA_SHAPE.contains(&alpha) && BETA_SHAPE.contains(&beta))
    {
        return Some(format!(
            "a beta's shape parameters must lie in 1e-3..=1e6 (got {} and {})",
            num_text(alpha),
            num_text(beta)
        ));
    }
    if let Dist::LogNormal { sigma, .. } = *d
        && sigma > MAX_LOG_SIGMA
    {
        return Some(format!(
            "sigma {} is above {MAX_LOG_SIGMA}: its draws and its mean would overflow",
            num_text(sigma)
        ));
    }
    let (lo, hi) = d.support();
    match domain {
        Domain::Positive
            if lo < 0.0
                || (lo == 0.0
                    && matches!(
                        d,
                        Dist::Constant(_) | Dist::Uniform { .. } | Dist::Triangular { .. }
                    )) =>
        {
            Some(format!(
                "it can give values <= 0 (lowest {}), and this quantity must be positive",
                num_text(lo)
            ))
        }
        Domain::Unit if lo < 0.0 || hi > 1.0 => Some(format!(
            "it can give values outside 0..=1 ({} to {}), and this quantity is a share",
            num_text(lo),
            num_text(hi)
        )),
        _ => None,
    }
}

/// Default market prices of the factors, US$ per unit (assumptions, see docs/model.md).
fn default_price(f: Factor) -> f64 {
    match f {
        Factor::Talent => 30_000.0,
        Factor::Capital => 0.04,
        Factor::Information => 20_000.0,
        Factor::Technology => 250_000.0,
        Factor::Land => 3_000.0,
        Factor::Labour => 2_500.0,
    }
}
