//! What-if: loosen capacities (`talent=+10%`, `plots=+20`, `saysettha.plots=+10`) and plan
//! again.

use serde::Serialize;

use crate::error::PlanError;
use crate::instance::{FactorKind, Instance};

/// A what-if change of capacities, e.g. `talent=+10%`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// A factor kind word, a supplier id, `plots`, `labour`, `land`, or `PARK.plots` etc.
    pub target: String,
    /// Relative change (0.1 for +10%) when `relative`, else an absolute amount.
    pub amount: f64,
    pub relative: bool,
}

impl Relaxation {
    /// Parse `KEY=+10%`, `KEY=-5%` or `KEY=+20` (absolute, in the capacity's unit).
    pub fn parse(s: &str) -> Result<Relaxation, PlanError> {
        let bad = || {
            PlanError::Relax(format!(
                "--relax `{s}`: expected KEY=+N% or KEY=+N, where KEY is capital, talent, \
                 technology, services, plots, labour, land, a supplier id, or PARK.plots / \
                 PARK.labour / PARK.land"
            ))
        };
        let (k, v) = s.split_once('=').ok_or_else(bad)?;
        let v = v.trim();
        let (num, relative) = match v.strip_suffix('%') {
            Some(n) => (n, true),
            None => (v, false),
        };
        let x: f64 = num.trim().trim_start_matches('+').parse().map_err(|_| bad())?;
        if !x.is_finite() || k.trim().is_empty() {
            return Err(bad());
        }
        Ok(Relaxation {
            target: k.trim().to_string(),
            amount: if relative { x / 100.0 } else { x },
            relative,
        })
    }

    fn change(&self, cap: &mut f64) {
        if self.relative {
            *cap *= 1.0 + self.amount;
        } else {
            *cap += self.amount;
        }
        *cap = cap.max(0.0);
    }

    /// Apply to an instance; an unknown key is an error naming what exists.
    pub fn apply(&self, inst: &mut Instance) -> Result<(), PlanError> {
        let t = self.target.as_str();
        let mut hit = false;
        for f in FactorKind::ALL {
            if t == f.word() {
                for s in inst.suppliers.iter_mut().filter(|s| s.kind == f) {
                    if self.relative || !hit {
                        self.change(&mut s.capacity);
                    }
                    hit = true;
                }
            }
        }
        for s in inst.suppliers.iter_mut().filter(|s| s.name == t) {
            self.change(&mut s.capacity);
            hit = true;
        }
        let (park, field) = match t.rsplit_once('.') {
            Some((p, f)) => (Some(p), f),
            None => (None, t),
        };
        for p in inst.parks.iter_mut().filter(|p| park.is_none_or(|n| n == p.name)) {
            match field {
                "plots" => self.change(&mut p.plots),
                "labour" => self.change(&mut p.labour_pool),
                "land" => self.change(&mut p.area_ha),
                _ => continue,
            }
            hit = true;
        }
        if hit {
            Ok(())
        } else {
            let ids: Vec<&str> = inst.suppliers.iter().map(|s| s.name.as_str()).collect();
            Err(PlanError::Relax(format!(
                "--relax `{t}`: no such factor, supplier or park capacity (suppliers: {})",
                ids.join(", ")
            )))
        }
    }
}
