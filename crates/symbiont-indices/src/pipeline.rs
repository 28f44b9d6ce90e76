//! The hierarchical pipeline of METHODS §5-6 on a panel: indicators → weights within each
//! subsystem → subsystem scores U_i → coupling coordination or synergy degree.
//!
//! Each report carries the options it was computed with (its part of [`crate::IndexOptions`]), so a
//! report can print them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::coupling::{self, Coordination, CouplingOptions};
use crate::criteria::{Criteria, Direction, min_max};
use crate::entropy::{EntropyOptions, Pooling, entropy_weights};
use crate::error::IndexError;
use crate::panel::{Panel, RowKey};
use crate::spec::{Missing, PanelSpec, Subsystem};
use crate::synergy::{self, Aggregation, BaseMode, Bounds, SynergyOptions};
use crate::topsis::{self, TopsisOptions, WeightSource};

/// A panel checked against a spec: rows filtered and complete, indicators resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub panel: Panel,
    pub subsystems: Vec<Subsystem>,
    /// `columns[s][k]`: the panel column of indicator k of subsystem s.
    columns: Vec<Vec<usize>>,
    /// Rows dropped because a value was missing (with [`Missing::Drop`]).
    pub dropped: Vec<RowKey>,
}

fn suggestion(name: &str, names: &[String]) -> String {
    if names.iter().any(|n| n == name) {
        return " with a value: every value of it is missing".into();
    }
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()), n))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, n)) => format!("; did you mean \"{n}\"?"),
        None if names.len() <= 12 => format!(
            "; it has {}",
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
        ),
        None => format!("; it has {} indicators", names.len()),
    }
}

/// Resolve the spec's indicators in the panel, filter its rows, and handle missing values.
pub fn prepare(panel: &Panel, spec: &PanelSpec) -> Result<Prepared, IndexError> {
    let mut columns = Vec::new();
    for s in &spec.subsystems {
        let mut cols = Vec::new();
        for ind in &s.indicators {
            match panel.indicator_index(&ind.name) {
                Some(j) => cols.push(j),
                None => {
                    return Err(IndexError::UnknownIndicator {
                        subsystem: s.name.clone(),
                        indicator: ind.name.clone(),
                        hint: suggestion(&ind.name, panel.names_in_file()),
                    });
                }
            }
        }
        columns.push(cols);
    }
    let years = spec.panel.years.map(|[a, b]| (a, b));
    let filtered = panel.filter(spec.panel.entities.as_deref(), years);
    let used: Vec<usize> = {
        let mut u: Vec<usize> = columns.iter().flatten().copied().collect();
        u.sort_unstable();
        u.dedup();
        u
    };
    let mut keep = vec![true; filtered.rows().len()];
    let mut dropped = Vec::new();
    for (i, key) in filtered.rows().iter().enumerate() {
        if let Some(&j) = used.iter().find(|&&j| filtered.value(i, j).is_none()) {
            match spec.panel.missing {
                Missing::Error => {
                    return Err(IndexError::Missing {
                        indicator: filtered.indicators()[j].clone(),
                        row: key.to_string(),
                    });
                }
                Missing::Drop => {
                    keep[i] = false;
                    dropped.push(key.clone());
                }
            }
        }
    }
    let panel = filtered.retain_rows(&keep);
    if panel.rows().is_empty() {
        let mut filters = Vec::new();
        if let Some(es) = &spec.panel.entities {
            filters.push(format!("entities {}", es.join(", ")));
        }
        if let Some([a, b]) = spec.panel.years {
            filters.push(format!("years {a}-{b}"));
        }
        if !dropped.is_empty() {
            filters.push(format!("{} incomplete rows dropped", dropped.len()));
        }
        return Err(IndexError::NoRows {
            how: if filters.is_empty() { "no filter".into() } else { filters.join("; ") },
        });
    }
    Ok(Prepared { panel, subsystems: spec.subsystems.clone(), columns, dropped })
}

impl Prepared {
    /// Subsystem `s` on the given rows as a decision matrix.
    fn criteria(&self, s: usize, rows: &[usize]) -> Criteria {
        let sub = &self.subsystems[s];
        Criteria {
            names: sub.indicators.iter().map(|i| i.name.clone()).collect(),
            directions: sub.indicators.iter().map(|i| i.direction).collect(),
            rows: rows.iter().map(|&i| self.panel.rows()[i].to_string()).collect(),
            values: rows
                .iter()
                .map(|&i| {
                    self.columns[s]
                        .iter()
                        .map(|&j| self.panel.value(i, j).unwrap_or(f64::NAN))
                        .collect()
                })
                .collect(),
        }
    }

    fn all_rows(&self) -> Vec<usize> {
        (0..self.panel.rows().len()).collect()
    }

    fn given_weights(&self, s: usize) -> Result<Vec<f64>, IndexError> {
        let sub = &self.subsystems[s];
        // A lone indicator can only have weight 1, so the spec need not say it.
        if sub.indicators.len() == 1 && sub.indicators[0].weight.is_none() {
            return Ok(vec![1.0]);
        }
        if let Some(i) = sub.indicators.iter().find(|i| i.weight.is_none()) {
            return Err(IndexError::Weights {
                what: format!("subsystem \"{}\"", sub.name),
                why: format!(
                    "weights = \"given\" needs a weight for every indicator, and \"{}\" has none \
                     in the subsystem's weights table",
                    i.name
                ),
            });
        }
        let w: Vec<f64> = sub.indicators.iter().filter_map(|i| i.weight).collect();
        topsis::check_weights(&format!("subsystem \"{}\"", sub.name), &w, w.len())?;
        Ok(w)
    }
}

/// The weights of one subsystem in one pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightTable {
    pub subsystem: String,
    /// "all rows", "year 2005" or "entity LAO".
    pub pool: String,
    pub indicators: Vec<IndicatorWeight>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorWeight {
    pub name: String,
    pub direction: Direction,
    /// e_j and d_j when the weight is an entropy weight.
    pub entropy: Option<f64>,
    pub divergence: Option<f64>,
    pub weight: f64,
}

/// Entropy weights within each subsystem and the subsystem scores of every row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntropyReport {
    pub options: EntropyOptions,
    pub subsystems: Vec<String>,
    pub weights: Vec<WeightTable>,
    pub rows: Vec<RowKey>,
    /// `scores[row][subsystem]`.
    pub scores: Vec<Vec<f64>>,
    pub dropped: Vec<RowKey>,
}

fn pools(p: &Prepared, pooling: Pooling) -> Result<Vec<(String, Vec<usize>)>, IndexError> {
    let rows = p.panel.rows();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    match pooling {
        Pooling::Global => return Ok(vec![("all rows".into(), p.all_rows())]),
        Pooling::PerYear => {
            for (i, r) in rows.iter().enumerate() {
                let y = r.year.ok_or_else(|| IndexError::Option {
                    option: "pooling = per-year".into(),
                    why: "the panel has no year column".into(),
                })?;
                groups.entry(format!("year {y}")).or_default().push(i);
            }
        }
        Pooling::PerEntity => {
            for (i, r) in rows.iter().enumerate() {
                groups.entry(format!("entity {}", r.entity)).or_default().push(i);
            }
        }
    }
    Ok(groups.into_iter().collect())
}

/// Entropy weights per subsystem (and pool) and the scores U of every row.
pub fn entropy(p: &Prepared, o: &EntropyOptions) -> Result<EntropyReport, IndexError> {
    let n = p.panel.rows().len();
    let k = p.subsystems.len();
    let mut scores = vec![vec![0.0; k]; n];
    let mut weights = Vec::new();
    for (s, sub) in p.subsystems.iter().enumerate() {
        for (pool, rows) in pools(p, o.pooling)? {
            let c = p.criteria(s, &rows);
            let w = entropy_weights(&c, o).map_err(|e| p.scope_error(e, &sub.name, &pool))?;
            for (r, &i) in rows.iter().enumerate() {
                scores[i][s] = w.scores[r];
            }
            weights.push(WeightTable {
                subsystem: sub.name.clone(),
                pool,
                indicators: (0..c.n_indicators())
                    .map(|j| IndicatorWeight {
                        name: c.names[j].clone(),
                        direction: c.directions[j],
                        entropy: Some(w.entropy[j]),
                        divergence: Some(w.divergence[j]),
                        weight: w.weights[j],
                    })
                    .collect(),
            });
        }
        if o.rescale_scores {
            let col: Vec<f64> = scores.iter().map(|r| r[s]).collect();
            let (lo, hi) = min_max(&col);
            if hi - lo <= 0.0 {
                return Err(IndexError::NoVariance {
                    indicator: format!("score of subsystem {}", sub.name),
                    scope: " (asked to rescale scores to [0, 1])".into(),
                    value: lo,
                });
            }
            scores.iter_mut().for_each(|r| r[s] = (r[s] - lo) / (hi - lo));
        }
    }
    Ok(EntropyReport {
        options: o.clone(),
        subsystems: p.subsystems.iter().map(|s| s.name.clone()).collect(),
        weights,
        rows: p.panel.rows().to_vec(),
        scores,
        dropped: p.dropped.clone(),
    })
}

impl Prepared {
    /// Add the subsystem and pool to an error about an indicator, and the file line to an
    /// error about one value.
    fn scope_error(&self, e: IndexError, subsystem: &str, pool: &str) -> IndexError {
        match e {
            IndexError::NoVariance { indicator, scope, value } => IndexError::NoVariance {
                indicator,
                scope: format!("{scope} in subsystem \"{subsystem}\" ({pool})"),
                value,
            },
            IndexError::BadValue { indicator, row, value, method, expected } => {
                let i = self.panel.rows().iter().position(|k| k.to_string() == row);
                let j = self.panel.indicator_index(&indicator);
                let origin = i.zip(j).and_then(|(i, j)| self.panel.origin(i, j));
                let row = match origin {
                    Some(o) => format!("{row} ({o})"),
                    None => row,
                };
                IndexError::BadValue { indicator, row, value, method, expected }
            }
            other => other,
        }
    }
}

/// TOPSIS closeness per subsystem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopsisReport {
    pub options: TopsisOptions,
    /// The entropy options, when entropy weights were used.
    pub entropy: Option<EntropyOptions>,
    pub subsystems: Vec<String>,
    pub weights: Vec<WeightTable>,
    pub rows: Vec<RowKey>,
    /// `results[subsystem]`: distances, closeness and rank of every row.
    pub results: Vec<topsis::Topsis>,
    pub dropped: Vec<RowKey>,
}

fn subsystem_weights(
    p: &Prepared,
    s: usize,
    source: WeightSource,
    eo: &EntropyOptions,
) -> Result<WeightTable, IndexError> {
    let sub = &p.subsystems[s];
    let c = p.criteria(s, &p.all_rows());
    let row = |j: usize, w: f64, e: Option<(f64, f64)>| IndicatorWeight {
        name: c.names[j].clone(),
        direction: c.directions[j],
        entropy: e.map(|e| e.0),
        divergence: e.map(|e| e.1),
        weight: w,
    };
    let indicators = match source {
        WeightSource::Entropy => {
            let w = entropy_weights(&c, eo).map_err(|e| p.scope_error(e, &sub.name, "all rows"))?;
            (0..c.n_indicators())
                .map(|j| row(j, w.weights[j], Some((w.entropy[j], w.divergence[j]))))
                .collect()
        }
        WeightSource::Equal => {
            let w = 1.0 / c.n_indicators() as f64;
            (0..c.n_indicators()).map(|j| row(j, w, None)).collect()
        }
        WeightSource::Given => {
            let w = p.given_weights(s)?;
            (0..c.n_indicators()).map(|j| row(j, w[j], None)).collect()
        }
    };
    Ok(WeightTable { subsystem: sub.name.clone(), pool: "all rows".into(), indicators })
}

/// TOPSIS within each subsystem, all rows pooled.
pub fn topsis(
    p: &Prepared,
    o: &TopsisOptions,
    eo: &EntropyOptions,
) -> Result<TopsisReport, IndexError> {
    let mut weights = Vec::new();
    let mut results = Vec::new();
    for s in 0..p.subsystems.len() {
        let wt = subsystem_weights(p, s, o.weights, eo)?;
        let w: Vec<f64> = wt.indicators.iter().map(|i| i.weight).collect();
        let c = p.criteria(s, &p.all_rows());
        results.push(
            topsis::topsis(&c, &w, o)
                .map_err(|e| p.scope_error(e, &p.subsystems[s].name, "all rows"))?,
        );
        weights.push(wt);
    }
    Ok(TopsisReport {
        options: o.clone(),
        entropy: (o.weights == WeightSource::Entropy).then(|| eo.clone()),
        subsystems: p.subsystems.iter().map(|s| s.name.clone()).collect(),
        weights,
        rows: p.panel.rows().to_vec(),
        results,
        dropped: p.dropped.clone(),
    })
}

/// Coupling coordination of every row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouplingReport {
    pub options: CouplingOptions,
    /// The entropy step that made the U_i, when the U_i were computed from indicators.
    pub entropy: Option<EntropyReport>,
    pub subsystems: Vec<String>,
    pub legacy: bool,
    pub rows: Vec<CouplingRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouplingRow {
    pub key: RowKey,
    pub u: Vec<f64>,
    #[serde(flatten)]
    pub coordination: Coordination,
}

/// Coupling coordination with U_i = each subsystem's entropy score.
pub fn coupling(
    p: &Prepared,
    o: &CouplingOptions,
    eo: &EntropyOptions,
) -> Result<CouplingReport, IndexError> {
    let e = entropy(p, eo)?;
    let mut report = coupling_of(&e.rows, &e.subsystems, &e.scores, o)?;
    report.entropy = Some(e);
    Ok(report)
}

/// Coupling coordination of rows whose subsystem indices U are given directly
/// (`u[row][subsystem]`), e.g. the columns of a wide table of U values.
pub fn coupling_of(
    rows: &[RowKey],
    subsystems: &[String],
    u: &[Vec<f64>],
    o: &CouplingOptions,
) -> Result<CouplingReport, IndexError> {
    coupling::check_options(o)?;
    let mut out = Vec::with_capacity(rows.len());
    for (key, u) in rows.iter().zip(u) {
        let c = coupling::coordination(u, o, &key.to_string()).map_err(|e| match e {
            IndexError::BadValue { indicator, row, value, method, expected } => {
                // Name the subsystem rather than "U2".
                let i: usize = indicator.trim_start_matches('U').parse().unwrap_or(1);
                IndexError::BadValue {
                    indicator: subsystems.get(i - 1).cloned().unwrap_or(indicator),
                    row,
                    value,
                    method,
                    expected,
                }
            }
            other => other,
        })?;
        out.push(CouplingRow { key: key.clone(), u: u.clone(), coordination: c });
    }
    Ok(CouplingReport {
        options: o.clone(),
        entropy: None,
        subsystems: subsystems.to_vec(),
        legacy: o.formula.is_legacy(),
        rows: out,
    })
}

/// Coupling of a panel whose indicators are the U_i themselves (no spec): every column is one
/// subsystem. A row with a gap is an error, or is left out with [`Missing::Drop`].
pub fn coupling_direct(
    panel: &Panel,
    columns: &[String],
    o: &CouplingOptions,
    missing: Missing,
) -> Result<CouplingReport, IndexError> {
    let mut idx = Vec::new();
    for c in columns {
        idx.push(panel.indicator_index(c).ok_or_else(|| IndexError::UnknownIndicator {
            subsystem: "(U columns)".into(),
            indicator: c.clone(),
            hint: suggestion(c, panel.names_in_file()),
        })?);
    }
    let mut u = Vec::new();
    let mut keys = Vec::new();
    'rows: for (i, key) in panel.rows().iter().enumerate() {
        let mut r = Vec::new();
        for (&j, name) in idx.iter().zip(columns) {
            match (panel.value(i, j), missing) {
                (Some(v), _) => r.push(v),
                (None, Missing::Drop) => continue 'rows,
                (None, Missing::Error) => {
                    return Err(IndexError::Missing {
                        indicator: name.clone(),
                        row: key.to_string(),
                    });
                }
            }
        }
        u.push(r);
        keys.push(key.clone());
    }
    if keys.is_empty() {
        let how = if panel.rows().is_empty() {
            "every row filtered out"
        } else {
            "rows with a gap dropped"
        };
        return Err(IndexError::NoRows { how: how.into() });
    }
    coupling_of(&keys, columns, &u, o)
}

/// Synergy degree per entity over its years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynergyReport {
    pub options: SynergyOptions,
    pub entropy: Option<EntropyOptions>,
    pub subsystems: Vec<String>,
    /// Bounds (β, α) and within-subsystem weight λ of every order parameter.
    pub parameters: Vec<OrderParameter>,
    pub rows: Vec<RowKey>,
    /// `order[row][subsystem]`: the subsystem order degree u_j.
    pub order: Vec<Vec<f64>>,
    pub steps: Vec<SynergyRow>,
    pub dropped: Vec<RowKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderParameter {
    pub subsystem: String,
    pub name: String,
    pub direction: Direction,
    pub lower: f64,
    pub upper: f64,
    pub weight: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynergyRow {
    pub entity: String,
    pub base_year: i32,
    pub year: i32,
    #[serde(flatten)]
    pub step: synergy::SynergyStep,
    pub grade: Option<crate::grade::Grade>,
}

/// Order degrees and synergy steps (fixed base or chained) for every entity.
pub fn synergy(
    p: &Prepared,
    o: &SynergyOptions,
    eo: &EntropyOptions,
) -> Result<SynergyReport, IndexError> {
    o.grades.validate()?;
    let rows = p.panel.rows();
    if rows.iter().any(|r| r.year.is_none()) {
        return Err(IndexError::Option {
            option: "synergy".into(),
            why: "the synergy degree compares years, but the panel has no year column".into(),
        });
    }
    let k = p.subsystems.len();
    if let Some(w) = &o.subsystem_weights {
        topsis::check_weights("the subsystems of the synergy degree", w, k)?;
    }
    let all = p.all_rows();
    let mut parameters = Vec::new();
    let mut order = vec![vec![0.0; k]; rows.len()];
    for (s, sub) in p.subsystems.iter().enumerate() {
        let c = p.criteria(s, &all);
        let lambda: Vec<f64> = match o.aggregation {
            Aggregation::Geometric => vec![],
            Aggregation::Weighted => subsystem_weights(p, s, o.weights, eo)?
                .indicators
                .iter()
                .map(|i| i.weight)
                .collect(),
        };
        let mut bounds = Vec::new();
        for (j, ind) in sub.indicators.iter().enumerate() {
            let (lo, hi) = match (o.bounds, ind.target) {
                (Bounds::Targets, Some([lo, hi])) => (lo, hi),
                (b, _) => synergy::bounds_of(&c.column(j), b, &ind.name)?,
            };
            bounds.push((lo, hi));
            parameters.push(OrderParameter {
                subsystem: sub.name.clone(),
                name: ind.name.clone(),
                direction: ind.direction,
                lower: lo,
                upper: hi,
                weight: lambda.get(j).copied(),
            });
        }
        for (r, row) in c.values.iter().enumerate() {
            let u: Vec<f64> = row
                .iter()
                .enumerate()
                .map(|(j, &e)| synergy::order_degree(e, bounds[j].0, bounds[j].1, c.directions[j]))
                .collect();
            order[r][s] = synergy::subsystem_order(&u, o.aggregation, &lambda);
        }
    }
    // Rows are sorted by entity then year, so each entity's years are one ascending run.
    let mut steps = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let entity = &rows[start].entity;
        let end = (start..rows.len()).find(|&i| &rows[i].entity != entity).unwrap_or(rows.len());
        let year = |i: usize| rows[i].year.unwrap_or_default();
        let base_of = |i: usize| -> Result<Option<usize>, IndexError> {
            Ok(match o.base {
                BaseMode::Chained => (i > start).then(|| i - 1),
                BaseMode::Fixed { year: None } => (i > start).then_some(start),
                BaseMode::Fixed { year: Some(y) } => {
                    let b = (start..end)
                        .find(|&j| year(j) == y)
                        .ok_or_else(|| IndexError::BaseYear { entity: entity.clone(), year: y })?;
                    // Years before the base year are not compared with it.
                    (i > b).then_some(b)
                }
            })
        };
        for i in start..end {
            if let Some(b) = base_of(i)? {
                let step =
                    synergy::synergy_degree(&order[b], &order[i], o.subsystem_weights.as_deref())?;
                let grade = o.grades.grade(step.c);
                steps.push(SynergyRow {
                    entity: entity.clone(),
                    base_year: year(b),
                    year: year(i),
                    step,
                    grade,
                });
            }
        }
        start = end;
    }
    if steps.is_empty() {
        return Err(IndexError::TooFewRows {
            what: "the synergy degree (a base year and a later year for some entity)".into(),
            needed: 2,
            got: rows.len(),
        });
    }
    Ok(SynergyReport {
        options: o.clone(),
        entropy: (o.aggregation == Aggregation::Weighted && o.weights == WeightSource::Entropy)
            .then(|| eo.clone()),
        subsystems: p.subsystems.iter().map(|s| s.name.clone()).collect(),
        parameters,
        rows: rows.to_vec(),
        order,
        steps,
        dropped: p.dropped.clone(),
    })
}
