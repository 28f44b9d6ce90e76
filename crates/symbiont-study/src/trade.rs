//! The simulated goods flows against the observed bilateral trade (issue 14 §1): per mode,
//! the goods the home side sends to the host side and those that come back, per year on
//! average over the horizon and the runs, beside the host region's observed trade series
//! scaled by the share of the home country's trade the scenario stands for
//! (`study.home_trade_share`).
//!
//! The observed series are the host region's `TRADE.<HOST>.IMPORTS.<HOME>` (goods from the home
//! country) and `TRADE.<HOST>.EXPORTS.<HOME>` (goods to it); only the years inside the
//! simulated horizon with a figure count.

use symbiont_model::{Scenario, Side};

use crate::summary::StudySummary;

/// One row of `trade.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeRow {
    pub mode: String,
    /// `home_to_host` (the host's imports from the home side) or `host_to_home` (its exports).
    pub direction: &'static str,
    /// Simulated goods per year, US$, mean over the horizon and the runs.
    pub simulated_usd_per_year: f64,
    /// The observed series' mean over its years inside the horizon, times the home share; NaN
    /// without a series or a share.
    pub observed_usd_per_year: f64,
    /// The observed years that count, e.g. `2013,2016,2018`.
    pub observed_years: String,
    /// `simulated / observed`.
    pub ratio: f64,
}

/// The observed series of one direction: (indicator, mean over the years inside the horizon,
/// the years).
fn observed(sc: &Scenario, direction: &str) -> Option<(f64, String)> {
    let host = &sc.regions[sc.host_region()];
    let home = &sc.regions[sc.home_region()];
    let word = if direction == "home_to_host" { "IMPORTS" } else { "EXPORTS" };
    let indicator = format!("TRADE.{}.{}.{}", host.country, word, home.country);
    let series = host.series.iter().find(|s| s.indicator == indicator)?;
    let years_in = sc.study.start_year..sc.study.start_year + horizon_years(sc).ceil() as i32;
    let mut sum = 0.0;
    let mut years = Vec::new();
    for (k, v) in series.values.iter().enumerate() {
        let y = series.start_year + k as i32;
        if v.is_finite() && years_in.contains(&y) {
            sum += v;
            years.push(y.to_string());
        }
    }
    (!years.is_empty()).then(|| (sum / years.len() as f64, years.join(",")))
}

/// The simulated horizon in years.
fn horizon_years(sc: &Scenario) -> f64 {
    f64::from(sc.study.horizon_periods) * sc.study.period_days / 365.0
}

/// The comparison rows, two per mode (empty when the summary holds no flows).
pub fn comparison(sc: &Scenario, summary: &StudySummary) -> Vec<TradeRow> {
    let years = horizon_years(sc);
    let share = sc.study.home_trade_share;
    let mut rows = Vec::new();
    for m in &summary.modes {
        for (direction, from, to) in
            [("home_to_host", Side::Home, Side::Host), ("host_to_home", Side::Host, Side::Home)]
        {
            let simulated: f64 = m
                .flows
                .iter()
                .filter(|(f, s, t, _)| f == "goods" && s.side == from && t.side == to)
                .map(|x| x.3)
                .sum::<f64>()
                / years.max(1e-9);
            let (obs, obs_years) = match (observed(sc, direction), share) {
                (Some((mean, ys)), Some(sh)) => (mean * sh, ys),
                (Some((_, ys)), None) => (f64::NAN, ys),
                _ => (f64::NAN, String::new()),
            };
            rows.push(TradeRow {
                mode: m.mode_id.clone(),
                direction,
                simulated_usd_per_year: simulated,
                observed_usd_per_year: obs,
                observed_years: obs_years,
                ratio: simulated / obs,
            });
        }
    }
    rows
}
