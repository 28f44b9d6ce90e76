//! Exact betweenness centrality (Brandes 2001), parallel over sources, weighted or not.
//!
//! We write our own rather than call `rustworkx_core::centrality::betweenness_centrality`
//! because that one is unweighted only and accumulates into one locked vector. Here each fixed
//! block of sources is one rayon task with its own scratch arrays, and the block results are
//! summed in block order, so the result does not depend on the number of threads. The rustworkx
//! version stays in the tests as an oracle for the unweighted case.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::Digraph;

/// How edge weights become path lengths for shortest-path metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathLength {
    /// Every edge has length 1 (hop count).
    #[default]
    Hops,
    /// Length = 1 / weight: a strong flow is a short distance (Newman 2001). Right for flows.
    InverseWeight,
    /// Length = weight: the weight already is a distance or cost.
    Weight,
}

impl PathLength {
    /// The length of an edge of weight `w`.
    pub(crate) fn of(self, w: f64) -> f64 {
        match self {
            PathLength::Hops => 1.0,
            PathLength::InverseWeight => 1.0 / w,
            PathLength::Weight => w,
        }
    }
}

/// Sources per task. Fixed (not derived from the thread count) so results are reproducible.
fn block_size(n: usize) -> usize {
    n.div_ceil(256).max(32)
}

/// Betweenness of every node of `g`, over directed shortest paths.
///
/// `normalized` divides by `(n-1)(n-2)`, the number of ordered pairs not containing the node
/// (networkx's `normalized=True` for directed graphs). Ties between path lengths are detected
/// with a relative tolerance of 1e-12, so paths whose float sums differ only by rounding count
/// as equally short (as igraph does).
pub fn betweenness(g: &Digraph, length: PathLength, normalized: bool) -> Vec<f64> {
    let n = g.node_count();
    let lengths: Option<Vec<f64>> = match length {
        PathLength::Hops => None,
        _ => Some(g.out_csr().2.iter().map(|&w| length.of(w)).collect()),
    };
    let sources: Vec<usize> = (0..n).collect();
    let partials: Vec<Vec<f64>> = sources
        .par_chunks(block_size(n))
        .map(|block| {
            let mut bc = vec![0.0; n];
            match &lengths {
                None => {
                    let mut s = Hops::new(n);
                    for &src in block {
                        s.run(g, src, &mut bc);
                    }
                }
                Some(len) => {
                    let mut s = Weighted::new(n);
                    for &src in block {
                        s.run(g, len, src, &mut bc);
                    }
                }
            }
            bc
        })
        .collect();
    let mut bc = vec![0.0; n];
    for p in partials {
        for (b, x) in bc.iter_mut().zip(p) {
            *b += x;
        }
    }
    if normalized && n > 2 {
        let scale = 1.0 / ((n - 1) * (n - 2)) as f64;
        bc.iter_mut().for_each(|b| *b *= scale);
    }
    bc
}

// Both kernels accumulate over successors rather than predecessors: node v, taken in order
// of decreasing distance, sums `(1 + delta[w]) / sigma[w]` over its out-neighbours w one step
// further on a shortest path. Each node then writes its own delta once, and per node a single
// slot holds the distance and one number: sigma in the forward pass, then the coefficient
// `(1 + delta) / sigma` once the node is finished. One random access per edge and pass keeps
// the kernel close to memory speed.

const UNSEEN: u32 = u32::MAX;

/// Scratch space of the unweighted kernel, reset only where the last source touched it.
/// Distances are kept apart from the path counts: most edges lead to nodes already seen, and
/// that test needs only the compact `u32` array, which stays in the fastest cache.
struct Hops {
    dist: Vec<u32>,
    /// sigma (number of shortest paths) in the forward pass; the coefficient after.
    val: Vec<f64>,
    /// Nodes in order of non-decreasing distance from the source (Brandes' S), also the queue.
    order: Vec<u32>,
    /// The shortest-path successors of `order[i]` are `succ[succ_end[i-1]..succ_end[i]]`:
    /// recorded in the forward pass, so the backward pass walks only the shortest-path DAG.
    succ: Vec<u32>,
    succ_end: Vec<u32>,
}

impl Hops {
    fn new(n: usize) -> Hops {
        Hops {
            dist: vec![UNSEEN; n],
            val: vec![0.0; n],
            order: Vec::with_capacity(n),
            succ: Vec::new(),
            succ_end: Vec::with_capacity(n),
        }
    }

    fn run(&mut self, g: &Digraph, src: usize, bc: &mut [f64]) {
        for &v in &self.order {
            self.dist[v as usize] = UNSEEN;
            self.val[v as usize] = 0.0;
        }
        self.order.clear();
        self.succ.clear();
        self.succ_end.clear();
        let (start, to, _) = g.out_csr();
        self.dist[src] = 0;
        self.val[src] = 1.0;
        self.order.push(src as u32);
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head] as usize;
            head += 1;
            let next = self.dist[v] + 1;
            let sigma_v = self.val[v];
            for &w in &to[start[v]..start[v + 1]] {
                let wi = w as usize;
                let d = self.dist[wi];
                if d == UNSEEN {
                    self.dist[wi] = next;
                    self.val[wi] = sigma_v;
                    self.order.push(w);
                    self.succ.push(w);
                } else if d == next {
                    self.val[wi] += sigma_v;
                    self.succ.push(w);
                }
            }
            self.succ_end.push(self.succ.len() as u32);
        }
        let mut end = self.succ.len();
        for i in (0..self.order.len()).rev() {
            let v = self.order[i] as usize;
            let begin = if i == 0 { 0 } else { self.succ_end[i - 1] as usize };
            let mut acc = 0.0;
            for &w in &self.succ[begin..end] {
                acc += self.val[w as usize];
            }
            end = begin;
            let delta = self.val[v] * acc;
            if v != src {
                bc[v] += delta;
            }
            self.val[v] = (1.0 + delta) / self.val[v];
        }
    }
}

/// Per-node state of the weighted kernel.
#[derive(Clone, Copy)]
struct WSlot {
    dist: f64,
    val: f64,
    settled: bool,
}

/// Scratch space of the weighted (Dijkstra) kernel.
struct Weighted {
    slot: Vec<WSlot>,
    order: Vec<u32>,
    heap: BinaryHeap<Item>,
}

#[derive(PartialEq)]
struct Item(f64, u32);
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    // Reversed: BinaryHeap is a max-heap and we want the nearest node first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Equal path lengths up to rounding. An infinite length (not reached yet) equals nothing.
fn same(a: f64, b: f64) -> bool {
    b.is_finite() && (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

const FRESH: WSlot = WSlot { dist: f64::INFINITY, val: 0.0, settled: false };

impl Weighted {
    fn new(n: usize) -> Weighted {
        Weighted { slot: vec![FRESH; n], order: Vec::with_capacity(n), heap: BinaryHeap::new() }
    }

    fn run(&mut self, g: &Digraph, len: &[f64], src: usize, bc: &mut [f64]) {
        // Every node given a finite distance is eventually popped and settled (lengths are
        // positive), so `order` holds every slot to reset.
        for &v in &self.order {
            self.slot[v as usize] = FRESH;
        }
        self.order.clear();
        let (start, to, _) = g.out_csr();
        self.slot[src] = WSlot { dist: 0.0, val: 1.0, settled: false };
        self.heap.push(Item(0.0, src as u32));
        while let Some(Item(d, v)) = self.heap.pop() {
            let v = v as usize;
            if self.slot[v].settled || d > self.slot[v].dist {
                continue;
            }
            self.slot[v].settled = true;
            self.order.push(v as u32);
            let sigma_v = self.slot[v].val;
            for k in start[v]..start[v + 1] {
                let w = to[k] as usize;
                let s = &mut self.slot[w];
                if s.settled {
                    continue;
                }
                let alt = d + len[k];
                if same(alt, s.dist) {
                    s.val += sigma_v;
                } else if alt < s.dist {
                    s.dist = alt;
                    s.val = sigma_v;
                    self.heap.push(Item(alt, w as u32));
                }
            }
        }
        for i in (0..self.order.len()).rev() {
            let v = self.order[i] as usize;
            let WSlot { dist, val: sigma_v, .. } = self.slot[v];
            let mut acc = 0.0;
            for k in start[v]..start[v + 1] {
                let s = self.slot[to[k] as usize];
                if s.dist > dist && same(dist + len[k], s.dist) {
                    acc += s.val;
                }
            }
            let delta = sigma_v * acc;
            if v != src {
                bc[v] += delta;
            }
            self.slot[v].val = (1.0 + delta) / sigma_v;
        }
    }
}
