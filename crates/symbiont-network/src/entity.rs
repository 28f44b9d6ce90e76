//! The collaboration network among the *entities* of one run: which enterprise borrowed from
//! which bank, which park hosted which firm, which university trained whose staff. The
//! kind-level [`crate::Network`] puts every enterprise of a side into one node, so every mode
//! looks like a hub around it; here each unit is its own node.
//!
//! - [`EntityGraph`] is the input: [`Entity`]s (label, kind, side, support) and directed,
//!   weighted [`Tie`]s (kind, factor [`Layer`], period). [`EntityGraph::new`] checks it.
//! - [`EntityGraph::structure`] computes the continuous [`Structure`] measures.
//! - [`classify`] decides the [`StructureClass`] from them by a written rule with stated
//!   [`EntityThresholds`], and says why in one line.
//! - [`EntityGraph::sample`] cuts a big run down for export, keeping every support unit;
//!   [`entity_gexf`], [`entity_graphml`], [`entity_json`] write it.
//!
//! ```
//! use symbiont_network::{
//!     Entity, EntityGraph, EntitySide, EntityThresholds, Layer, StructureClass,
//!     StructureOptions, Tie, classify,
//! };
//!
//! // Two home enterprises and one host government, each enterprise tied both ways to it,
//! // exchanging information only: balanced, but one factor of five.
//! let entities = vec![
//!     Entity::new("e0", "enterprise", EntitySide::Home),
//!     Entity::new("e1", "enterprise", EntitySide::Home),
//!     Entity::new("gov", "government", EntitySide::Host),
//! ];
//! let tie = |source, target| Tie {
//!     source, target, kind: "service".into(), layer: Layer::Information, weight: 1.0, period: 0,
//! };
//! let ties = vec![tie(0, 2), tie(2, 0), tie(1, 2), tie(2, 1)];
//! let g = EntityGraph::new(entities, ties).unwrap();
//! let s = g.structure(&StructureOptions::default());
//! assert_eq!(s.cross_border_reciprocity, 0.2);
//! let class = classify(&s, &EntityThresholds::default());
//! assert_eq!(class.class, StructureClass::Hub);
//! ```

mod export;

use std::collections::BTreeMap;
use std::fmt;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Communities, Digraph, Layer, LayerScale, NetworkError, StructureClass, louvain};

pub use export::{entity_gexf, entity_graphml, entity_json, export_entities};

/// The kind word of an enterprise: [`Structure::multiplexity`] is measured over these.
pub const ENTERPRISE: &str = "enterprise";
/// The kind word of a host-country firm; like an enterprise, it is not a support unit.
pub const HOST_FIRM: &str = "host_firm";
/// How many distinct support kinds an enterprise must be tied to to count as multiplex.
pub const MULTIPLEX_KINDS: usize = 3;
/// The factors a cross-border system can exchange both ways (MODEL M11), over which
/// [`Structure::cross_border_reciprocity`] averages.
pub const EXCHANGE_FACTORS: [Layer; 5] =
    [Layer::Capital, Layer::Technology, Layer::Talent, Layer::Information, Layer::Goods];

/// The side of the border an entity is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntitySide {
    Home,
    Host,
}

impl EntitySide {
    /// `home` or `host`, as in files.
    pub fn name(self) -> &'static str {
        match self {
            EntitySide::Home => "home",
            EntitySide::Host => "host",
        }
    }
}

impl fmt::Display for EntitySide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One unit of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub label: String,
    /// The unit kind word: `enterprise`, `government`, `park`, `university`,
    /// `research_institute`, `finance`, `intermediary`, `host_firm`, ...
    pub kind: String,
    pub side: EntitySide,
    /// Whether the unit supports enterprises: true for every unit that is not an enterprise
    /// or a host firm. Taken as given; [`Entity::new`] derives it from the kind.
    pub support: bool,
}

impl Entity {
    /// An entity whose `support` flag follows from its kind (neither [`ENTERPRISE`] nor
    /// [`HOST_FIRM`]).
    pub fn new(label: impl Into<String>, kind: impl Into<String>, side: EntitySide) -> Entity {
        let kind = kind.into();
        let support = kind != ENTERPRISE && kind != HOST_FIRM;
        Entity { label: label.into(), kind, side, support }
    }
}

/// One directed tie `source -> target` between entities (indices into
/// [`EntityGraph::entities`]), of one kind and factor layer, in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Tie {
    pub source: u32,
    pub target: u32,
    /// What the tie is: `loan`, `service`, `placement`, `technology`, `supplier`, `cohort`,
    /// `approval`, `training`, `research`, `tenancy`, `investment`, `export`, `exchange`, ...
    pub kind: String,
    /// The factor it carries (or [`Layer::Relation`]).
    pub layer: Layer,
    /// Finite and not negative; a tie of weight 0 is kept in the data but ties nothing.
    pub weight: f64,
    pub period: u32,
}

/// The entities of a run and the ties among them, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityGraph {
    entities: Vec<Entity>,
    ties: Vec<Tie>,
}

/// Choices that change the [`Structure`] numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StructureOptions {
    /// Seed of the Louvain visiting order.
    pub seed: u64,
    /// How weights of different layers are combined. The default
    /// [`LayerScale::ShareOfLayer`] divides each tie's weight by its layer's total first, so
    /// that layers measured in different units (US$, persons, packages) count equally;
    /// [`LayerScale::Raw`] uses the weights as they are.
    pub scale: LayerScale,
}

impl Default for StructureOptions {
    fn default() -> StructureOptions {
        StructureOptions { seed: 0, scale: LayerScale::ShareOfLayer }
    }
}

/// Structure measures of an [`EntityGraph`]. Every share lies in `[0, 1]` and is 0 when its
/// denominator is 0; none is ever NaN.
///
/// Notation: `n` entities; a *tie* is an ordered pair `(i, j)`, `i != j`, whose tie weights,
/// summed over kinds, layers and periods (after [`StructureOptions::scale`]), are positive;
/// `m` ties. Ties of an entity with itself are ignored. `N(i)` is the set of entities tied to
/// `i` in either direction, `d_i = |N(i)|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// `n`.
    pub entities: usize,
    /// `m`, the tied ordered pairs.
    pub ties: usize,
    /// `m / (n (n-1))`.
    pub density: f64,
    /// Share of ties `(i, j)` for which `(j, i)` is a tie too.
    pub reciprocity: f64,
    /// Weight of ties between a home and a host entity / weight of all ties.
    pub cross_border_share: f64,
    /// `(1/5) sum_l min(out_l, back_l) / max(out_l, back_l)` over the five exchange factors
    /// `l` (capital, technology, talent, information, goods; [`EXCHANGE_FACTORS`]), where
    /// `out_l` is the weight in layer `l` from home to host entities and `back_l` from host to
    /// home, and a factor that does not cross the border scores 0: 1 when every factor flows
    /// both ways equally, 0 when each factor flows one way only (e.g. capital out, technology
    /// back), and low when few factors cross the border at all, however balanced they are.
    pub cross_border_reciprocity: f64,
    /// Freeman degree centralization of the undirected simple graph,
    /// `sum_i (d_max - d_i) / ((n-1)(n-2))`: 1 for a star, 0 when all degrees are equal; 0
    /// for fewer than three entities.
    pub centralization: f64,
    /// Share of the `m` ties that touch the single most-tied entity
    /// (`max_i (in_i + out_i) / m`, counting tied ordered pairs).
    pub top_share: f64,
    /// Share of enterprises (kind `enterprise`) tied, either way, to support units of at
    /// least [`MULTIPLEX_KINDS`] (3) distinct kinds.
    pub multiplexity: f64,
    /// Share of support units tied, either way, to at least one other support unit.
    pub support_ties: f64,
    /// Louvain communities (resolution 1, seeded) of the undirected weighted projection
    /// `w_ij + w_ji`, counting only communities with at least one tied entity.
    pub communities: usize,
    /// Newman modularity of that partition (in `[-1/2, 1)`).
    pub modularity: f64,
}

/// The thresholds of [`classify`]. Round numbers, not fitted values: change them and report
/// them with the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityThresholds {
    /// Below this [`Structure::cross_border_reciprocity`]: one-way street.
    pub one_way_below: f64,
    /// A network needs [`Structure::multiplexity`] at least this.
    pub multiplexity_at_least: f64,
    /// A network needs [`Structure::support_ties`] at least this.
    pub support_ties_at_least: f64,
    /// A network needs [`Structure::top_share`] below this.
    pub top_share_below: f64,
}

impl Default for EntityThresholds {
    fn default() -> EntityThresholds {
        EntityThresholds {
            one_way_below: 0.2,
            multiplexity_at_least: 0.5,
            support_ties_at_least: 0.25,
            top_share_below: 0.5,
        }
    }
}

/// The class of an entity graph and why.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityClass {
    pub class: StructureClass,
    /// One line naming the measures and values that decided the class.
    pub reason: String,
    pub thresholds: EntityThresholds,
}

/// Classify by the written rule:
///
/// 1. **one-way street** if `cross_border_reciprocity < one_way_below` (0.2);
/// 2. else **network** if `multiplexity >= multiplexity_at_least` (0.5) and
///    `support_ties >= support_ties_at_least` (0.25) and `top_share < top_share_below` (0.5);
/// 3. else **hub**.
pub fn classify(s: &Structure, t: &EntityThresholds) -> EntityClass {
    let cbr = s.cross_border_reciprocity;
    let (class, reason) = if cbr < t.one_way_below {
        let why = format!("cross_border_reciprocity {cbr:.3} < {}", t.one_way_below);
        let why = if s.ties == 0 { format!("no ties: {why}") } else { why };
        (StructureClass::OneWayStreet, why)
    } else {
        let two_way = format!("cross_border_reciprocity {cbr:.3} >= {}", t.one_way_below);
        let (mx, st, top) = (s.multiplexity, s.support_ties, s.top_share);
        let conditions = [
            (mx >= t.multiplexity_at_least, "multiplexity", mx, ">=", "<", t.multiplexity_at_least),
            (st >= t.support_ties_at_least, "support_ties", st, ">=", "<", t.support_ties_at_least),
            (top < t.top_share_below, "top_share", top, "<", ">=", t.top_share_below),
        ];
        let failed: Vec<String> = conditions
            .iter()
            .filter(|c| !c.0)
            .map(|&(_, name, x, _, op, limit)| format!("{name} {x:.3} {op} {limit}"))
            .collect();
        if failed.is_empty() {
            let held: Vec<String> = conditions
                .iter()
                .map(|&(_, name, x, op, _, limit)| format!("{name} {x:.3} {op} {limit}"))
                .collect();
            (StructureClass::Network, format!("{two_way}, {}", join_and(&held)))
        } else {
            (StructureClass::Hub, format!("{two_way}, but {}", join_and(&failed)))
        }
    };
    EntityClass { class, reason, thresholds: *t }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl EntityGraph {
    /// Check and wrap the entities and ties: every tie's `source` and `target` must be an
    /// index into `entities`, and its weight finite and not negative.
    pub fn new(entities: Vec<Entity>, ties: Vec<Tie>) -> Result<EntityGraph, NetworkError> {
        let n = entities.len();
        for (k, t) in ties.iter().enumerate() {
            for (field, index) in [("source", t.source), ("target", t.target)] {
                if index as usize >= n {
                    return Err(NetworkError::TieUnknownEntity {
                        tie: k,
                        field,
                        index,
                        entities: n,
                    });
                }
            }
            if !t.weight.is_finite() || t.weight < 0.0 {
                return Err(NetworkError::TieBadWeight { tie: k, weight: t.weight });
            }
        }
        Ok(EntityGraph { entities, ties })
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn ties(&self) -> &[Tie] {
        &self.ties
    }

    /// The entities and ties back.
    pub fn into_parts(self) -> (Vec<Entity>, Vec<Tie>) {
        (self.entities, self.ties)
    }

    /// Each tie's weight after `scale`, with self-ties set to 0.
    fn scaled_weights(&self, scale: LayerScale) -> Vec<f64> {
        let mut totals: BTreeMap<Layer, f64> = BTreeMap::new();
        if scale == LayerScale::ShareOfLayer {
            for t in self.ties.iter().filter(|t| t.source != t.target) {
                *totals.entry(t.layer).or_default() += t.weight;
            }
        }
        self.ties
            .iter()
            .map(|t| {
                if t.source == t.target || t.weight == 0.0 {
                    0.0
                } else {
                    match scale {
                        LayerScale::Raw => t.weight,
                        LayerScale::ShareOfLayer => t.weight / totals[&t.layer],
                    }
                }
            })
            .collect()
    }

    /// The simple weighted digraph of the ties (parallel ties summed, after `scale`).
    pub fn digraph(&self, scale: LayerScale) -> Digraph {
        let w = self.scaled_weights(scale);
        Digraph::from_weighted_edges(
            self.entities.iter().map(|e| e.label.clone()).collect(),
            self.ties.iter().zip(w).map(|(t, w)| (t.source as usize, t.target as usize, w)),
        )
    }

    /// Louvain communities (resolution 1) of the undirected weighted projection, as used by
    /// [`EntityGraph::structure`]; entities without ties are communities of their own.
    pub fn communities(&self, opts: &StructureOptions) -> Communities {
        louvain(&self.digraph(opts.scale), true, 1.0, opts.seed)
    }

    /// The [`Structure`] measures. `O(m log m)` plus Louvain; never fails, and a graph
    /// without ties measures 0 everywhere.
    pub fn structure(&self, opts: &StructureOptions) -> Structure {
        let w = self.scaled_weights(opts.scale);
        let g = Digraph::from_weighted_edges(
            vec![String::new(); self.entities.len()],
            self.ties.iter().zip(&w).map(|(t, &w)| (t.source as usize, t.target as usize, w)),
        );
        let n = g.node_count();
        let m = g.edge_count();
        let share = |num: f64, den: f64| if den > 0.0 { (num / den).clamp(0.0, 1.0) } else { 0.0 };
        let side = |v: usize| self.entities[v].side;

        let density = if n < 2 { 0.0 } else { m as f64 / (n as f64 * (n - 1) as f64) };
        let both = g.edges().filter(|&(s, t, _)| g.weight(t, s).is_some()).count();
        let reciprocity = share(both as f64, m as f64);

        let cross: f64 = g.edges().filter(|&(s, t, _)| side(s) != side(t)).map(|e| e.2).sum();
        let cross_border_share = share(cross, g.total_weight());

        let mut by_layer: BTreeMap<Layer, (f64, f64)> = BTreeMap::new();
        for (t, &w) in self.ties.iter().zip(&w) {
            let (s, d) = (side(t.source as usize), side(t.target as usize));
            if w > 0.0 && s != d {
                let e = by_layer.entry(t.layer).or_default();
                if s == EntitySide::Home {
                    e.0 += w;
                } else {
                    e.1 += w;
                }
            }
        }
        let cross_border_reciprocity = EXCHANGE_FACTORS
            .iter()
            .map(|l| by_layer.get(l).map_or(0.0, |&(o, b)| share(o.min(b), o.max(b))))
            .sum::<f64>()
            / EXCHANGE_FACTORS.len() as f64;

        let nb = g.undirected_neighbours();
        let d_max = nb.iter().map(Vec::len).max().unwrap_or(0);
        let centralization = if n < 3 {
            0.0
        } else {
            let gap: usize = nb.iter().map(|row| d_max - row.len()).sum();
            share(gap as f64, ((n - 1) * (n - 2)) as f64)
        };
        let touch_max = (0..n).map(|v| g.in_degree(v) + g.out_degree(v)).max().unwrap_or(0);
        let top_share = share(touch_max as f64, m as f64);

        let is_support = |u: &u32| self.entities[*u as usize].support;
        let (mut enterprises, mut multiplex) = (0usize, 0usize);
        let (mut supports, mut tied_supports) = (0usize, 0usize);
        let mut kinds: Vec<&str> = Vec::new();
        for (v, e) in self.entities.iter().enumerate() {
            if e.kind == ENTERPRISE {
                enterprises += 1;
                kinds.clear();
                kinds.extend(
                    nb[v]
                        .iter()
                        .filter(|u| is_support(u))
                        .map(|&u| self.entities[u as usize].kind.as_str()),
                );
                kinds.sort_unstable();
                kinds.dedup();
                if kinds.len() >= MULTIPLEX_KINDS {
                    multiplex += 1;
                }
            }
            if e.support {
                supports += 1;
                if nb[v].iter().any(is_support) {
                    tied_supports += 1;
                }
            }
        }

        let comm = louvain(&g, true, 1.0, opts.seed);
        let mut tied_comms: Vec<usize> =
            (0..n).filter(|&v| !nb[v].is_empty()).map(|v| comm.membership[v]).collect();
        tied_comms.sort_unstable();
        tied_comms.dedup();

        Structure {
            entities: n,
            ties: m,
            density,
            reciprocity,
            cross_border_share,
            cross_border_reciprocity,
            centralization,
            top_share,
            multiplexity: share(multiplex as f64, enterprises as f64),
            support_ties: share(tied_supports as f64, supports as f64),
            communities: tied_comms.len(),
            modularity: comm.modularity,
        }
    }

    /// A smaller graph for export: every support unit, plus a uniform sample (seeded ChaCha8,
    /// so the same seed gives the same sample) of `max_entities - supports` of the other
    /// entities, and the ties among the kept entities, reindexed in the original order. When
    /// the graph has at most `max_entities` entities it is returned whole; when the support
    /// units alone exceed `max_entities`, they are all kept and no other entity is.
    ///
    /// Measures of a sample are not those of the run (density and shares change with the
    /// sample): measure the whole graph, export the sample.
    pub fn sample(&self, max_entities: usize, seed: u64) -> EntityGraph {
        let n = self.entities.len();
        if n <= max_entities {
            return self.clone();
        }
        let others: Vec<usize> = (0..n).filter(|&v| !self.entities[v].support).collect();
        let supports = n - others.len();
        let amount = max_entities.saturating_sub(supports).min(others.len());
        let mut keep: Vec<bool> = self.entities.iter().map(|e| e.support).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for k in rand::seq::index::sample(&mut rng, others.len(), amount) {
            keep[others[k]] = true;
        }
        let mut new_index = vec![u32::MAX; n];
        let mut entities = Vec::new();
        for (v, e) in self.entities.iter().enumerate() {
            if keep[v] {
                new_index[v] = entities.len() as u32;
                entities.push(e.clone());
            }
        }
        let ties = self
            .ties
            .iter()
            .filter(|t| keep[t.source as usize] && keep[t.target as usize])
            .map(|t| Tie {
                source: new_index[t.source as usize],
                target: new_index[t.target as usize],
                ..t.clone()
            })
            .collect();
        EntityGraph { entities, ties }
    }
}
