//! Experimental designs in the unit hypercube. Every design gives point `i` on its own
//! ([`Design::point`]), so a shard or a resumed run computes exactly its own points, and a
//! design of 10,000 points is never held in memory (only a Latin hypercube keeps one
//! permutation per parameter).

use symbiont_model::seed::{derive, label};

use crate::sobol::{MAX_DIMS, Sobol};

/// Which design, with its size.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignKind {
    /// Every combination of the parameters' grid levels (unit coordinates per parameter);
    /// the last parameter varies fastest, as in a nested loop.
    Factorial { grids: Vec<Vec<f64>> },
    /// `n` independent uniform points.
    Random { n: u64 },
    /// A Latin hypercube of `n` points: each parameter's range is cut into `n` equal strata
    /// and every stratum holds exactly one point.
    Lhs { n: u64 },
    /// Saltelli's scheme on a Sobol sequence of `2k` dimensions: `n` base rows, each giving the
    /// points `A`, `AB_1 .. AB_k`, `B` (so `n (k + 2)` points), for first and total indices.
    Saltelli { n: u64 },
    /// Morris elementary effects: `r` one-at-a-time trajectories of `k + 1` points on a grid
    /// of `p` levels (even), steps of `p / (2 (p - 1))`.
    Morris { r: u64, p: u32 },
}

/// A design for `k` parameters.
#[derive(Debug, Clone)]
pub struct Design {
    kind: DesignKind,
    k: usize,
    seed: u64,
    len: u64,
    sobol: Option<Sobol>,
    lhs: Vec<Vec<u32>>,
}

/// Why a design cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error("a design needs at least one parameter")]
    NoParameters,
    #[error("the design has no points (samples must be at least 1)")]
    Empty,
    #[error(
        "the Saltelli scheme supports at most {max} parameters (it uses 2k Sobol dimensions), got {k}"
    )]
    TooManyForSobol { k: usize, max: usize },
    #[error("Morris needs an even number of levels of at least 2, got {0}")]
    MorrisLevels(u32),
    #[error("a Latin hypercube supports at most {} points", u32::MAX)]
    TooLarge,
}

/// A uniform number in `[0, 1)` from a counter: the same everywhere, in any order.
pub fn unit(seed: u64, path: &[u64]) -> f64 {
    (derive(seed, path) >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A uniform integer in `0..n` from a counter.
fn below(seed: u64, path: &[u64], n: u64) -> u64 {
    ((unit(seed, path) * n as f64) as u64).min(n - 1)
}

/// A permutation of `0..n` (Fisher-Yates on counter-based draws).
fn permutation(seed: u64, tag: &[u64], n: u64) -> Vec<u32> {
    let mut p: Vec<u32> = (0..n as u32).collect();
    let mut path = tag.to_vec();
    path.push(0);
    for pos in (1..n).rev() {
        *path.last_mut().expect("path has a slot") = pos;
        let j = below(seed, &path, pos + 1);
        p.swap(pos as usize, j as usize);
    }
    p
}

impl Design {
    /// Build a design for `k` parameters; `seed` drives the random designs.
    pub fn new(kind: DesignKind, k: usize, seed: u64) -> Result<Self, DesignError> {
        if k == 0 {
            return Err(DesignError::NoParameters);
        }
        let (len, sobol, lhs) = match &kind {
            DesignKind::Factorial { grids } => {
                (grids.iter().map(|g| g.len() as u64).product(), None, Vec::new())
            }
            DesignKind::Random { n } => (*n, None, Vec::new()),
            DesignKind::Lhs { n } => {
                if *n > u64::from(u32::MAX) {
                    return Err(DesignError::TooLarge);
                }
                let perms =
                    (0..k as u64).map(|d| permutation(seed, &[label("lhs-perm"), d], *n)).collect();
                (*n, None, perms)
            }
            DesignKind::Saltelli { n } => {
                let max = MAX_DIMS / 2;
                let sobol = Sobol::new(2 * k).ok_or(DesignError::TooManyForSobol { k, max })?;
                (n * (k as u64 + 2), Some(sobol), Vec::new())
            }
            DesignKind::Morris { r, p } => {
                if *p < 2 || p % 2 == 1 {
                    return Err(DesignError::MorrisLevels(*p));
                }
                (r * (k as u64 + 1), None, Vec::new())
            }
        };
        if len == 0 {
            return Err(DesignError::Empty);
        }
        Ok(Design { kind, k, seed, len, sobol, lhs })
    }

    pub fn kind(&self) -> &DesignKind {
        &self.kind
    }

    /// Number of parameters.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Number of points.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// A design is never empty (see [`DesignError::Empty`]); here for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Point `i` (< [`Design::len`]) in the unit hypercube.
    pub fn point(&self, i: u64) -> Vec<f64> {
        let k = self.k;
        match &self.kind {
            DesignKind::Factorial { grids } => {
                let mut rest = i;
                let mut x = vec![0.0; k];
                for d in (0..k).rev() {
                    let n = grids[d].len() as u64;
                    x[d] = grids[d][(rest % n) as usize];
                    rest /= n;
                }
                x
            }
            DesignKind::Random { .. } => {
                (0..k as u64).map(|d| unit(self.seed, &[label("random"), i, d])).collect()
            }
            DesignKind::Lhs { n } => (0..k)
                .map(|d| {
                    let jitter = unit(self.seed, &[label("lhs"), i, d as u64]);
                    (f64::from(self.lhs[d][i as usize]) + jitter) / *n as f64
                })
                .collect(),
            DesignKind::Saltelli { .. } => {
                let row = i / (k as u64 + 2);
                let col = (i % (k as u64 + 2)) as usize;
                // Skip the origin, which every Sobol sequence starts with.
                let s = self
                    .sobol
                    .as_ref()
                    .expect("a Saltelli design holds its sequence")
                    .point(row + 1);
                let (a, b) = s.split_at(k);
                let mut x = a.to_vec();
                if col == k + 1 {
                    x.copy_from_slice(b);
                } else if col >= 1 {
                    x[col - 1] = b[col - 1];
                }
                x
            }
            DesignKind::Morris { p, .. } => {
                let t = i / (k as u64 + 1);
                let step = (i % (k as u64 + 1)) as usize;
                let traj = self.trajectory(t, *p);
                let delta = morris_delta(*p);
                let mut x = traj.start;
                for &d in &traj.order[..step] {
                    x[d] += traj.sign[d] * delta;
                }
                x
            }
        }
    }

    /// For a Morris design: which parameter moved into point `i` and in which direction
    /// (`+1` or `-1`); `None` at the start of a trajectory or for other designs.
    pub fn morris_step(&self, i: u64) -> Option<(usize, f64)> {
        let DesignKind::Morris { p, .. } = self.kind else { return None };
        let k = self.k as u64;
        let step = (i % (k + 1)) as usize;
        if step == 0 {
            return None;
        }
        let traj = self.trajectory(i / (k + 1), p);
        let d = traj.order[step - 1];
        Some((d, traj.sign[d]))
    }

    fn trajectory(&self, t: u64, p: u32) -> Trajectory {
        let half = u64::from(p / 2);
        let grid = f64::from(p - 1);
        let mut start = Vec::with_capacity(self.k);
        let mut sign = Vec::with_capacity(self.k);
        for d in 0..self.k as u64 {
            // Base level in the lower half of the grid, so that one step of Delta stays inside.
            let b = below(self.seed, &[label("morris-base"), t, d], half);
            let up = unit(self.seed, &[label("morris-sign"), t, d]) < 0.5;
            if up {
                start.push(b as f64 / grid);
                sign.push(1.0);
            } else {
                start.push((b + half) as f64 / grid);
                sign.push(-1.0);
            }
        }
        let order = permutation(self.seed, &[label("morris-order"), t], self.k as u64)
            .into_iter()
            .map(|d| d as usize)
            .collect();
        Trajectory { start, sign, order }
    }
}

/// Morris's step `p / (2 (p - 1))` in unit coordinates.
pub fn morris_delta(p: u32) -> f64 {
    f64::from(p) / (2.0 * f64::from(p - 1))
}

struct Trajectory {
    start: Vec<f64>,
    sign: Vec<f64>,
    order: Vec<usize>,
}
