//! PRIM, the Patient Rule Induction Method, for a yes/no outcome, as the EMA Workbench's
//! `Prim` (3.0) runs it: the same quantiles, candidate order, objective, stopping rules and
//! quasi-p values, so that on the same data the peeling trajectories agree (checked against a
//! fixture the Workbench produced, `tests/fixtures/prim_*`).
//!
//! **Peeling.** From the box holding every point, each step tries, for every input, cutting
//! the `peel_alpha` quantile off its lower and off its upper end (a whole value for integers;
//! one level for a category) and keeps the cut with the best objective; ties go to the cut
//! that leaves more inputs unrestricted, then to the first tried (real inputs, then integers,
//! then categories, in column order; the upper end before the lower). The default objective
//! (`Lenient1`) is the gain in density per point removed. Peeling stops when the best cut
//! does not raise the density or would leave less than `mass_min` of the points.
//!
//! **Pasting.** Then each restricted end is tried widened by the `paste_alpha` share of the
//! box's points outside it, and the best widening is kept while it raises the density.
//!
//! Every box on the way is a step of the trajectory, with its coverage (share of all cases
//! of interest inside), density (share of the points inside that are cases), mass and number
//! of restricted inputs, and for each restricted end the one-sided quasi-p value of removing
//! that restriction (Bryant and Lempert 2010): the probability of a density at least this
//! high if the box's points had been drawn from the box without that restriction.
//!
//! One difference from the Workbench, on purpose: its pasting returns as soon as no real
//! input is restricted (an early `return` inside the loop over column types), so a box
//! restricted only on integers or categories is never pasted; here every restricted input is
//! tried.
//!
//! Cost: the inputs are sorted once; a peeling step is one pass over the points left in the
//! box for each input, and a pasting or quasi-p step one pass over the points.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use symbiont_model::seed::label;

use crate::{BoxLimits, DiscoverError, Inputs, Kind, Limit, check_len, rng};

/// What peeling and pasting maximise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Gain in mean per point removed (the Workbench's default).
    Lenient1,
    /// Gain in mean times the new box's size per point removed (Friedman and Fisher, 14.6).
    Lenient2,
    /// The mean inside the new box (Friedman and Fisher's original).
    Original,
}

/// PRIM's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrimParams {
    /// Share of the box's points a peel removes (0 < alpha < 0.5).
    pub peel_alpha: f64,
    /// Share of the box's points a paste may add (0 < alpha < 1).
    pub paste_alpha: f64,
    /// Smallest box, as a share of all points (0 <= mass_min < 1).
    pub mass_min: f64,
    pub objective: Objective,
}

impl Default for PrimParams {
    fn default() -> Self {
        PrimParams {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            objective: Objective::Lenient1,
        }
    }
}

impl PrimParams {
    /// Check the ranges; the error names the field.
    pub fn check(&self) -> Result<(), DiscoverError> {
        let bad = |field, message: String| Err(DiscoverError::Params { field, message });
        if !(self.peel_alpha > 0.0 && self.peel_alpha < 0.5) {
            return bad(
                "peel_alpha",
                format!("expected 0 < peel_alpha < 0.5, got {}", self.peel_alpha),
            );
        }
        if !(self.paste_alpha > 0.0 && self.paste_alpha < 1.0) {
            return bad(
                "paste_alpha",
                format!("expected 0 < paste_alpha < 1, got {}", self.paste_alpha),
            );
        }
        if !(self.mass_min >= 0.0 && self.mass_min < 1.0) {
            return bad("mass_min", format!("expected 0 <= mass_min < 1, got {}", self.mass_min));
        }
        Ok(())
    }
}

/// The tail probabilities of one restricted end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tail {
    /// One-sided binomial test, as the Workbench computes it.
    pub binomial: f64,
    /// One-sided hypergeometric test (exact for drawing without replacement).
    pub hypergeometric: f64,
}

/// Quasi-p values of one restricted input: its lower and upper end (a category has only
/// `lower`, for its set of levels); `None` where that end is not restricted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuasiP {
    pub input: usize,
    pub lower: Option<Tail>,
    pub upper: Option<Tail>,
}

impl QuasiP {
    /// The larger binomial quasi-p of its ends (the weaker evidence).
    pub fn worst(&self) -> f64 {
        [self.lower, self.upper].iter().flatten().map(|t| t.binomial).fold(0.0, f64::max)
    }
}

/// One box of the peeling and pasting trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: usize,
    pub coverage: f64,
    pub density: f64,
    /// The mean of the outcome inside (the density, for a yes/no outcome).
    pub mean: f64,
    pub mass: f64,
    pub res_dim: usize,
    /// Points inside.
    pub n: usize,
    /// Cases of interest inside.
    pub k: usize,
    pub limits: BoxLimits,
    /// Restricted inputs, in column order.
    pub restricted: Vec<usize>,
    /// One entry per restricted input, in the same order.
    pub quasi_p: Vec<QuasiP>,
    /// Whether the step was a paste (after peeling ended).
    pub pasted: bool,
}

/// A box found by PRIM, with its whole trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimBox {
    pub trajectory: Vec<Step>,
    /// The points PRIM started this box from (every point for the first box).
    pub initial: Vec<u32>,
}

/// The first box of PRIM on inputs `x` and outcome `y`.
pub fn prim(x: &Inputs, y: &[bool], params: &PrimParams) -> Result<PrimBox, DiscoverError> {
    let mut boxes = prim_boxes(x, y, params, 1)?;
    Ok(boxes.remove(0))
}

/// Up to `count` boxes: each found on the points the earlier boxes (at their last step) left
/// out, as the Workbench's repeated `find_box`. Stops early when no case of interest is left
/// or a box restricts nothing.
pub fn prim_boxes(
    x: &Inputs,
    y: &[bool],
    params: &PrimParams,
    count: usize,
) -> Result<Vec<PrimBox>, DiscoverError> {
    params.check()?;
    check_len("the outcome", x.n(), y.len())?;
    let p = Prim::new(x, y, *params);
    let mut remaining: Vec<u32> = (0..x.n() as u32).collect();
    let mut out = Vec::new();
    while out.len() < count.max(1) && !remaining.is_empty() {
        let b = p.find_box(&remaining);
        let last = b.trajectory.last().map(|s| s.limits.clone());
        let restricted = b.trajectory.last().is_some_and(|s| s.res_dim > 0);
        out.push(b);
        let Some(lims) = last else { break };
        remaining.retain(|&i| !lims.contains(x, i as usize));
        if !restricted || !remaining.iter().any(|&i| y[i as usize]) {
            break;
        }
    }
    Ok(out)
}

/// The share (0..1) of resampled boxes restricting each input, as the Workbench's
/// `PrimBox.resample`: PRIM is rerun on `iterations` subsamples of `share` of the box's
/// initial points (drawn without replacement, stream `(seed, "resample", j)`); on each, the
/// step closest in coverage to step `step` (and, separately, closest in density) is taken,
/// and every input it restricts is counted. Returns `(reproduce coverage, reproduce density)`
/// per input, in input order. Subsamples run in parallel; the result does not depend on the
/// number of threads.
#[allow(clippy::too_many_arguments)] // the Workbench's parameters, each plain
pub fn resample(
    x: &Inputs,
    y: &[bool],
    found: &PrimBox,
    step: usize,
    params: &PrimParams,
    iterations: u32,
    share: f64,
    seed: u64,
) -> Result<Vec<(f64, f64)>, DiscoverError> {
    params.check()?;
    check_len("the outcome", x.n(), y.len())?;
    let Some(target) = found.trajectory.get(step) else {
        return Err(DiscoverError::Params {
            field: "select",
            message: format!(
                "the trajectory has {} boxes; {step} is out of range",
                found.trajectory.len()
            ),
        });
    };
    if !(share > 0.0 && share < 1.0) {
        return Err(DiscoverError::Params {
            field: "resample_share",
            message: format!("expected 0 < share < 1, got {share}"),
        });
    }
    let (cov, den) = (target.coverage, target.density);
    let size = (found.initial.len() as f64 * share) as usize;
    let counts: Vec<(Vec<usize>, Vec<usize>)> = (0..iterations)
        .into_par_iter()
        .map(|j| {
            use rand::RngExt;
            let mut r = rng(seed, &[label("resample"), u64::from(j)]);
            let mut pool = found.initial.clone();
            for t in 0..size.min(pool.len()) {
                let pick = r.random_range(t..pool.len());
                pool.swap(t, pick);
            }
            pool.truncate(size);
            let xs = x.subset(&pool);
            let ys: Vec<bool> = pool.iter().map(|&i| y[i as usize]).collect();
            let all: Vec<u32> = (0..xs.n() as u32).collect();
            let b = Prim::new(&xs, &ys, *params).find_box(&all);
            let closest = |f: &dyn Fn(&Step) -> f64, target: f64| {
                let mut best = 0;
                for (i, s) in b.trajectory.iter().enumerate() {
                    if (f(s) - target).abs() < (f(&b.trajectory[best]) - target).abs() {
                        best = i;
                    }
                }
                b.trajectory[best].restricted.clone()
            };
            (closest(&|s| s.coverage, cov), closest(&|s| s.density, den))
        })
        .collect();
    let mut out = vec![(0.0, 0.0); x.k()];
    let w = 1.0 / f64::from(iterations.max(1));
    for (c, d) in &counts {
        for &j in c {
            out[j].0 += w;
        }
        for &j in d {
            out[j].1 += w;
        }
    }
    Ok(out)
}

/// The Workbench's quantile (modelled on sdtoolkit): between the two order statistics around
/// `(len - 1) q`, moved outwards past ties so that a cut always falls between two distinct
/// values. `v(i)` is the i-th smallest value.
pub fn quantile(len: usize, v: impl Fn(usize) -> f64, q: f64) -> f64 {
    let i = (len - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while v(lo) == v(hi) && lo > 0 {
            lo -= 1;
        }
    } else {
        while v(lo) == v(hi) && hi < len - 1 {
            hi += 1;
        }
    }
    (v(lo) + v(hi)) / 2.0
}

/// A candidate change of one limit.
#[derive(Debug, Clone)]
struct Candidate {
    input: usize,
    limit: Limit,
    n: usize,
    k: usize,
    obj: f64,
    non_res: usize,
}

struct Prim<'a> {
    x: &'a Inputs,
    y: &'a [bool],
    params: PrimParams,
    full: BoxLimits,
    /// Inputs in the Workbench's candidate order: reals, integers, categories.
    order: Vec<usize>,
    n: usize,
    cases: usize,
}

impl<'a> Prim<'a> {
    fn new(x: &'a Inputs, y: &'a [bool], params: PrimParams) -> Self {
        let kind_rank = |k: &Kind| match k {
            Kind::Real => 0,
            Kind::Integer => 1,
            Kind::Categorical { .. } => 2,
        };
        let mut order: Vec<usize> = (0..x.k()).collect();
        order.sort_by_key(|&j| kind_rank(&x.column(j).kind));
        Prim {
            x,
            y,
            params,
            full: x.full_box(),
            order,
            n: x.n(),
            cases: y.iter().filter(|&&v| v).count(),
        }
    }

    fn objective(&self, k_old: usize, n_old: usize, k_new: usize, n_new: usize) -> f64 {
        let mean_old = k_old as f64 / n_old as f64;
        let mean_new = if n_new > 0 { k_new as f64 / n_new as f64 } else { 0.0 };
        let change = n_old.abs_diff(n_new) as f64;
        match self.params.objective {
            _ if mean_old == mean_new && self.params.objective != Objective::Original => 0.0,
            Objective::Lenient1 => (mean_new - mean_old) / change,
            Objective::Lenient2 => n_new as f64 * (mean_new - mean_old) / change,
            Objective::Original => {
                if n_new > 0 {
                    mean_new
                } else {
                    -1.0
                }
            }
        }
    }

    fn restricted_count(&self, lims: &BoxLimits) -> usize {
        lims.limits.iter().zip(&self.full.limits).filter(|(a, b)| a != b).count()
    }

    /// Whether candidate `c` beats `best`: higher objective, then more unrestricted inputs;
    /// the first tried wins ties (the Workbench sorts stably on both keys).
    fn better(c: &Candidate, best: &Option<Candidate>) -> bool {
        match best {
            None => true,
            Some(b) => c.obj > b.obj || (c.obj == b.obj && c.non_res > b.non_res),
        }
    }

    /// Keep `c` in `best` if it is better.
    fn consider(&self, c: Candidate, best: &mut Option<Candidate>) {
        if Self::better(&c, best) {
            *best = Some(c);
        }
    }

    fn non_res_with(&self, lims: &BoxLimits, res: usize, j: usize, limit: &Limit) -> usize {
        let before = usize::from(lims.limits[j] != self.full.limits[j]);
        let after = usize::from(*limit != self.full.limits[j]);
        self.x.k() - (res - before + after)
    }

    fn find_box(&self, remaining: &[u32]) -> PrimBox {
        let x = self.x;
        let y = self.y;
        let mut inbox = vec![false; self.n];
        for &i in remaining {
            inbox[i as usize] = true;
        }
        // Per numeric input, the box's points sorted by value.
        let mut sorted: Vec<Vec<u32>> = (0..x.k())
            .into_par_iter()
            .map(|j| {
                let c = x.column(j);
                if matches!(c.kind, Kind::Categorical { .. }) {
                    return Vec::new();
                }
                let mut s = remaining.to_vec();
                s.sort_by(|&a, &b| c.values[a as usize].total_cmp(&c.values[b as usize]));
                s
            })
            .collect();
        let mut lims = self.full.clone();
        let mut members: Vec<u32> = remaining.to_vec();
        let mut k_box = members.iter().filter(|&&i| y[i as usize]).count();
        let mut out = PrimBox { trajectory: Vec::new(), initial: remaining.to_vec() };
        self.record(&mut out, &lims, remaining, false);

        // Peeling.
        loop {
            let m = members.len();
            let res = self.restricted_count(&lims);
            let mut best: Option<Candidate> = None;
            for &j in &self.order {
                let c = x.column(j);
                let vals = &c.values;
                match &c.kind {
                    Kind::Real | Kind::Integer => {
                        let s = &sorted[j];
                        if s.is_empty() {
                            continue;
                        }
                        let v = |i: usize| vals[s[i] as usize];
                        let Limit::Range { low, high } = lims.limits[j] else { continue };
                        let integer = matches!(c.kind, Kind::Integer);
                        // Upper end first, then lower, as the Workbench.
                        for upper in [true, false] {
                            let q = if upper {
                                1.0 - self.params.peel_alpha
                            } else {
                                self.params.peel_alpha
                            };
                            let cut = quantile(m, v, q);
                            let (kept_from, kept_to, limit) = if !integer {
                                if upper {
                                    let e = s.partition_point(|&i| vals[i as usize] <= cut);
                                    (0, e, Limit::Range { low, high: cut })
                                } else {
                                    let b = s.partition_point(|&i| vals[i as usize] < cut);
                                    (b, m, Limit::Range { low: cut, high })
                                }
                            } else {
                                let cut = cut.trunc();
                                let (b, e) = if upper {
                                    let e = if cut == high {
                                        s.partition_point(|&i| vals[i as usize] < high)
                                    } else {
                                        s.partition_point(|&i| vals[i as usize] <= cut)
                                    };
                                    (0, e)
                                } else {
                                    let b = if cut == low {
                                        s.partition_point(|&i| vals[i as usize] <= low)
                                    } else {
                                        s.partition_point(|&i| vals[i as usize] < cut)
                                    };
                                    (b, m)
                                };
                                let new = if b >= e {
                                    if upper { v(m - 1) } else { v(0) }
                                } else if upper {
                                    v(e - 1)
                                } else {
                                    v(b)
                                };
                                let limit = if upper {
                                    Limit::Range { low, high: new }
                                } else {
                                    Limit::Range { low: new, high }
                                };
                                (b, e.max(b), limit)
                            };
                            // Count the cases in the (small) removed part.
                            let removed_k = s[..kept_from]
                                .iter()
                                .chain(&s[kept_to..])
                                .filter(|&&i| y[i as usize])
                                .count();
                            let (n_new, k_new) = (kept_to - kept_from, k_box - removed_k);
                            self.consider(
                                Candidate {
                                    input: j,
                                    non_res: self.non_res_with(&lims, res, j, &limit),
                                    limit,
                                    n: n_new,
                                    k: k_new,
                                    obj: self.objective(k_box, m, k_new, n_new),
                                },
                                &mut best,
                            );
                        }
                    }
                    Kind::Categorical { levels } => {
                        let Limit::Set(set) = &lims.limits[j] else { continue };
                        if set.len() < 2 {
                            continue;
                        }
                        let mut nn = vec![0usize; levels.len()];
                        let mut kk = vec![0usize; levels.len()];
                        for &i in &members {
                            let l = vals[i as usize] as usize;
                            nn[l] += 1;
                            kk[l] += usize::from(y[i as usize]);
                        }
                        for &l in set {
                            let rest: Vec<u32> = set.iter().copied().filter(|&o| o != l).collect();
                            let limit = Limit::Set(rest);
                            let (n_new, k_new) = (m - nn[l as usize], k_box - kk[l as usize]);
                            self.consider(
                                Candidate {
                                    input: j,
                                    non_res: self.non_res_with(&lims, res, j, &limit),
                                    limit,
                                    n: n_new,
                                    k: k_new,
                                    obj: self.objective(k_box, m, k_new, n_new),
                                },
                                &mut best,
                            );
                        }
                    }
                }
            }
            let Some(b) = best else { break };
            let mass_new = b.n as f64 / self.n as f64;
            let mass_old = m as f64 / self.n as f64;
            if !(mass_new >= self.params.mass_min && mass_new < mass_old && b.obj > 0.0) {
                break;
            }
            let col = &x.column(b.input).values;
            for &i in &members {
                if !b.limit.holds(col[i as usize]) {
                    inbox[i as usize] = false;
                }
            }
            lims.limits[b.input] = b.limit;
            members.retain(|&i| inbox[i as usize]);
            for s in sorted.iter_mut().filter(|s| !s.is_empty()) {
                s.retain(|&i| inbox[i as usize]);
            }
            k_box = b.k;
            debug_assert_eq!(members.len(), b.n);
            self.record(&mut out, &lims, remaining, false);
        }

        // Pasting, over the points this box started from.
        loop {
            let res_dims = lims.restricted(&self.full);
            if res_dims.is_empty() {
                break;
            }
            let (count, which) = self.violations(&lims, &res_dims, remaining);
            let m = members.len();
            let res = res_dims.len();
            let mut best: Option<Candidate> = None;
            // Points outside the box on input j alone.
            let mut outside: Vec<Vec<u32>> = vec![Vec::new(); x.k()];
            for &i in remaining {
                if count[i as usize] == 1 {
                    outside[which[i as usize] as usize].push(i);
                }
            }
            let only = |j: usize| outside[j].iter().copied();
            for &j in self.order.iter().filter(|j| res_dims.contains(j)) {
                let c = x.column(j);
                let vals = &c.values;
                let push = |limit: Limit, best: &mut Option<Candidate>| {
                    let (mut n_new, mut k_new) = (m, k_box);
                    for i in only(j) {
                        if limit.holds(vals[i as usize]) {
                            n_new += 1;
                            k_new += usize::from(y[i as usize]);
                        }
                    }
                    let cand = Candidate {
                        input: j,
                        non_res: self.non_res_with(&lims, res, j, &limit),
                        limit,
                        n: n_new,
                        k: k_new,
                        obj: self.objective(k_box, m, k_new, n_new),
                    };
                    if Self::better(&cand, best) {
                        *best = Some(cand);
                    }
                };
                match (&lims.limits[j], &self.full.limits[j]) {
                    (Limit::Range { low, high }, Limit::Range { low: min, high: max }) => {
                        let (low, high, min, max) = (*low, *high, *min, *max);
                        // Lower end, then upper, as the Workbench.
                        for upper in [false, true] {
                            let mut data: Vec<f64> = members
                                .iter()
                                .map(|&i| vals[i as usize])
                                .filter(|&v| if upper { v == high } else { v == low })
                                .chain(
                                    only(j)
                                        .map(|i| vals[i as usize])
                                        .filter(|&v| if upper { v > high } else { v < low }),
                                )
                                .collect();
                            let value = if data.is_empty() {
                                if upper { max } else { min }
                            } else {
                                data.sort_by(f64::total_cmp);
                                let q = if upper {
                                    self.params.paste_alpha
                                } else {
                                    1.0 - self.params.paste_alpha
                                };
                                quantile(data.len(), |i| data[i], q)
                            };
                            let limit = if upper {
                                Limit::Range { low, high: value }
                            } else {
                                Limit::Range { low: value, high }
                            };
                            push(limit, &mut best);
                        }
                    }
                    (Limit::Set(set), Limit::Set(all)) => {
                        for l in all.iter().filter(|l| !set.contains(l)) {
                            let mut more = set.clone();
                            more.push(*l);
                            more.sort_unstable();
                            push(Limit::Set(more), &mut best);
                        }
                    }
                    _ => {}
                }
            }
            let Some(b) = best else { break };
            let mass_new = b.n as f64 / self.n as f64;
            let mass_old = m as f64 / self.n as f64;
            let mean_old = k_box as f64 / m as f64;
            let mean_new = b.k as f64 / b.n as f64;
            if !(mass_new >= self.params.mass_min
                && mass_new > mass_old
                && b.obj > 0.0
                && mean_new > mean_old)
            {
                break;
            }
            let col = &x.column(b.input).values;
            for &i in &outside[b.input] {
                if b.limit.holds(col[i as usize]) {
                    inbox[i as usize] = true;
                }
            }
            lims.limits[b.input] = b.limit;
            members = remaining.iter().copied().filter(|&i| inbox[i as usize]).collect();
            k_box = b.k;
            self.record(&mut out, &lims, remaining, true);
        }
        for (id, s) in out.trajectory.iter_mut().enumerate() {
            s.id = id;
        }
        out
    }

    /// For each point of `pts`: how many restricted inputs put it outside `lims`, and the
    /// last such input.
    fn violations(&self, lims: &BoxLimits, res_dims: &[usize], pts: &[u32]) -> (Vec<u8>, Vec<u32>) {
        let mut count = vec![0u8; self.n];
        let mut which = vec![u32::MAX; self.n];
        for &j in res_dims {
            let col = &self.x.column(j).values;
            let l = &lims.limits[j];
            for &i in pts {
                let i = i as usize;
                if !l.holds(col[i]) {
                    count[i] = count[i].saturating_add(1);
                    which[i] = j as u32;
                }
            }
        }
        (count, which)
    }

    /// Append the box `lims` (over the points `pts` it may hold) to the trajectory, with its
    /// quasi-p values.
    fn record(&self, out: &mut PrimBox, lims: &BoxLimits, pts: &[u32], pasted: bool) {
        let res_dims = lims.restricted(&self.full);
        let (count, which) = self.violations(lims, &res_dims, pts);
        let (mut n, mut k) = (0usize, 0usize);
        // Per restricted input: points (and cases) outside on its lower / upper end alone.
        let mut side = vec![[(0usize, 0usize); 2]; self.x.k()];
        for &i in pts {
            let i = i as usize;
            let yi = usize::from(self.y[i]);
            match count[i] {
                0 => {
                    n += 1;
                    k += yi;
                }
                1 => {
                    let j = which[i] as usize;
                    let s = match &lims.limits[j] {
                        Limit::Range { high, .. } if self.x.column(j).values[i] > *high => 1,
                        _ => 0,
                    };
                    side[j][s].0 += 1;
                    side[j][s].1 += yi;
                }
                _ => {}
            }
        }
        let tail = |s: usize, j: usize| {
            let (tj, hj) = (n + side[j][s].0, k + side[j][s].1);
            let p = hj as f64 / tj as f64;
            Tail {
                binomial: crate::stats::binomial_upper(k as u64, n as u64, p),
                hypergeometric: crate::stats::hypergeometric_upper(
                    k as u64, tj as u64, hj as u64, n as u64,
                ),
            }
        };
        let quasi_p = res_dims
            .iter()
            .map(|&j| match (&lims.limits[j], &self.full.limits[j]) {
                (Limit::Range { low, high }, Limit::Range { low: a, high: b }) => QuasiP {
                    input: j,
                    lower: (low != a).then(|| tail(0, j)),
                    upper: (high != b).then(|| tail(1, j)),
                },
                _ => QuasiP { input: j, lower: Some(tail(0, j)), upper: None },
            })
            .collect();
        let density = if n > 0 { k as f64 / n as f64 } else { 0.0 };
        out.trajectory.push(Step {
            id: out.trajectory.len(),
            coverage: k as f64 / self.cases.max(1) as f64,
            density,
            mean: density,
            mass: n as f64 / self.n as f64,
            res_dim: res_dims.len(),
            n,
            k,
            limits: lims.clone(),
            restricted: res_dims,
            quasi_p,
            pasted,
        });
    }
}
