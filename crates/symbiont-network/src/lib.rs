//! The collaboration network: build it, measure it, classify it, export it.
//!
//! The seed paper's claim is structural: "overseas Japan" is a one-way street, "overseas
//! USA/England" a hub, "overseas Jiangsu" a network. This crate makes that measurable.
//!
//! - [`Network`] is the multiplex network as built: labelled [`Node`]s (kind, side) and
//!   [`Edge`]s with a [`Layer`] (one of the six factors of MODEL.md M11, or a declared
//!   relation) and optionally a period. Build it by hand, from a scenario's relations (in the
//!   CLI), or from a run's flows with [`FlowTable`].
//! - [`Network::project`] collapses chosen layers and periods into a [`Digraph`]: simple,
//!   directed, positive weights, CSR both ways. Every metric takes a `Digraph`.
//! - [`analyze`] computes the node metrics (degree, strength, [`betweenness`], closeness,
//!   eigenvector, PageRank, clustering, [`louvain`] community, k-core and
//!   [`core_periphery`]) and the graph metrics (density, [`reciprocity`], [`two_way_index`],
//!   [`herfindahl`], [`gini`], [`centralization`], modularity), and the [`Classification`]
//!   into a [`StructureClass`] from [`Thresholds`]. [`Network::analyze`] adds the [`M11`]
//!   index over the home/host border, per factor, as the simulation reports it, and decides
//!   the class on it.
//! - [`export`] writes GEXF 1.3 (Gephi), GraphML or JSON.
//! - [`EntityGraph`] is the network among the entities of one run (each unit its own node,
//!   each tie with a kind, factor layer and period): [`EntityGraph::structure`] measures it,
//!   [`classify`] decides its class by a written rule, [`EntityGraph::sample`] and
//!   [`export_entities`] cut it down and write it.
//!
//! Engines are pure: nothing here reads files or clocks; Louvain takes a seed.
//!
//! ```
//! use symbiont_network::{Digraph, MetricOptions, StructureClass, analyze};
//!
//! // A two-way star: the centre trades with four leaves both ways.
//! let pairs = (1..5).flat_map(|leaf| [(0, leaf), (leaf, 0)]);
//! let g = Digraph::from_pairs(5, pairs);
//! let report = analyze(&g, &[], &MetricOptions::default()).unwrap();
//! assert_eq!(report.class.class, StructureClass::Hub);
//! assert_eq!(report.graph.reciprocity, 1.0);
//! ```

mod betweenness;
mod class;
mod community;
mod entity;
mod export;
mod flows;
mod graph;
mod metrics;

pub use betweenness::{PathLength, betweenness};
pub use class::{Classification, StructureClass, Thresholds, TwoWayBasis};
pub use community::{Communities, louvain, modularity};
pub use entity::{
    ENTERPRISE, EXCHANGE_FACTORS, Entity, EntityClass, EntityGraph, EntitySide, EntityThresholds,
    HOST_FIRM, MULTIPLEX_KINDS, Structure, StructureOptions, Tie, classify, entity_gexf,
    entity_graphml, entity_json, export_entities,
};
pub use export::{Format, export, gexf, graphml, json};
pub use flows::{FLOW_COLUMNS, FlowError, FlowRow, FlowTable};
pub use graph::{Digraph, Edge, Layer, LayerScale, Network, Node, Projection};
pub use metrics::{
    CorePeriphery, CrossBorder, GraphMetrics, M11, MetricOptions, NodeMetrics, Report, analyze,
    centralization, closeness, clustering, core_numbers, core_periphery, density, eigenvector,
    gini, herfindahl, pagerank, reciprocity, throughput, two_way_index,
};

/// Errors of network construction, analysis and export.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NetworkError {
    #[error(
        "the network has {nodes} node(s) but no edges with positive weight: there is nothing \
         to measure (check the layers, periods or mode selected)"
    )]
    NoEdges { nodes: usize },
    #[error("edge refers to node {index}, but the network has {nodes} nodes")]
    UnknownNode { index: usize, nodes: usize },
    #[error("edge {source_label} -> {target_label}: weight {weight} is not a finite number >= 0")]
    BadWeight { source_label: String, target_label: String, weight: f64 },
    #[error("option {name} = {value} is not {expected}")]
    BadOption { name: &'static str, value: f64, expected: &'static str },
    #[error(
        "tie {tie}: {field} {index} is not an entity (there are {entities} entities, numbered \
         from 0)"
    )]
    TieUnknownEntity { tie: usize, field: &'static str, index: u32, entities: usize },
    #[error("tie {tie}: weight {weight} is not a finite number >= 0")]
    TieBadWeight { tie: usize, weight: f64 },
    #[error("writing the export: {0}")]
    Export(String),
}

impl Network {
    /// Project with `projection` and [`analyze`] the result, passing the nodes' sides. When
    /// flows cross the home/host border, the class is decided on the [`M11`] index (as the
    /// simulation reports it) instead of the pairwise one.
    pub fn analyze(
        &self,
        projection: &Projection,
        opts: &MetricOptions,
    ) -> Result<Report, NetworkError> {
        let g = self.project(projection);
        let sides: Vec<String> = self.nodes().iter().map(|n| n.side.clone()).collect();
        let mut report = analyze(&g, &sides, opts)?;
        report.m11 = self.m11(projection);
        if let Some(m) = &report.m11 {
            report.class = Classification::new(
                m.index,
                TwoWayBasis::M11,
                report.graph.centralization,
                opts.thresholds,
            );
        }
        Ok(report)
    }
}
