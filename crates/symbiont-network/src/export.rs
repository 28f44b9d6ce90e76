//! Exports: GEXF 1.3 (Gephi: node attributes, one edge kind per layer, per-period spells),
//! GraphML, and JSON for the dashboard.
//!
//! Each export takes the [`Network`] (all layers and periods, as built) and optionally the
//! [`Report`] of the projection that was analysed; its node metrics become node attributes.
//! Node `v` of the report is node `v` of the network, as [`Network::project`] keeps all nodes.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::{Layer, Network, NetworkError, Report};

pub(crate) type XmlWriter = Writer<Vec<u8>>;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gexf,
    GraphMl,
    Json,
}

impl Format {
    /// The format for a file name's extension (`.gexf`, `.graphml`, `.json`), case-insensitive.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "gexf" => Some(Format::Gexf),
            "graphml" => Some(Format::GraphMl),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Write `net` (and `report`'s node metrics, if given) in `format`.
pub fn export(
    net: &Network,
    report: Option<&Report>,
    format: Format,
) -> Result<String, NetworkError> {
    match format {
        Format::Gexf => gexf(net, report),
        Format::GraphMl => graphml(net, report),
        Format::Json => json(net, report),
    }
}

/// A node attribute: id, GEXF/GraphML type, and its value for node `v`.
struct Attr {
    id: &'static str,
    gexf_type: &'static str,
    graphml_type: &'static str,
    value: Box<dyn Fn(usize) -> String>,
}

fn node_attrs(net: &Network, report: Option<&Report>) -> Vec<Attr> {
    let kinds: Vec<String> = net.nodes().iter().map(|n| n.kind.clone()).collect();
    let sides: Vec<String> = net.nodes().iter().map(|n| n.side.clone()).collect();
    let mut attrs = vec![
        Attr {
            id: "kind",
            gexf_type: "string",
            graphml_type: "string",
            value: Box::new(move |v| kinds[v].clone()),
        },
        Attr {
            id: "side",
            gexf_type: "string",
            graphml_type: "string",
            value: Box::new(move |v| sides[v].clone()),
        },
    ];
    if let Some(r) = report {
        type Get = fn(&crate::NodeMetrics) -> String;
        let metrics: [(&'static str, &'static str, &'static str, Get); 9] = [
            ("in_strength", "double", "double", |m| m.in_strength.to_string()),
            ("out_strength", "double", "double", |m| m.out_strength.to_string()),
            ("betweenness", "double", "double", |m| m.betweenness.to_string()),
            ("closeness", "double", "double", |m| m.closeness.to_string()),
            ("eigenvector", "double", "double", |m| m.eigenvector.unwrap_or(0.0).to_string()),
            ("pagerank", "double", "double", |m| m.pagerank.to_string()),
            ("clustering", "double", "double", |m| m.clustering.to_string()),
            ("community", "integer", "int", |m| m.community.to_string()),
            ("core_number", "integer", "int", |m| m.core_number.to_string()),
        ];
        for (id, gexf_type, graphml_type, get) in metrics {
            let values: Vec<String> = r.nodes.iter().map(get).collect();
            attrs.push(Attr {
                id,
                gexf_type,
                graphml_type,
                value: Box::new(move |v| values[v].clone()),
            });
        }
    }
    attrs
}

/// Edges grouped by (source, target, layer), each with its per-period weights (`None` =
/// aggregated), in a stable order.
type Grouped = BTreeMap<(usize, usize, Layer), Vec<(Option<u32>, f64)>>;

fn grouped_edges(net: &Network) -> Grouped {
    let mut g = Grouped::new();
    for e in net.edges() {
        g.entry((e.source, e.target, e.layer)).or_default().push((e.period, e.weight));
    }
    for v in g.values_mut() {
        v.sort_by_key(|p| p.0);
    }
    g
}

pub(crate) fn io(e: std::io::Error) -> NetworkError {
    NetworkError::Export(e.to_string())
}

/// A GEXF `<spells>` element with one single-period spell per period.
pub(crate) fn spells(w: &mut XmlWriter, periods: impl Iterator<Item = u32>) -> std::io::Result<()> {
    w.create_element("spells").write_inner_content(|w| {
        for p in periods {
            let p = p.to_string();
            w.create_element("spell")
                .with_attributes([("start", p.as_str()), ("end", p.as_str())])
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

pub(crate) fn finish(w: XmlWriter) -> Result<String, NetworkError> {
    String::from_utf8(w.into_inner()).map_err(|e| NetworkError::Export(e.to_string()))
}

/// GEXF 1.3. Layers are edge kinds (Gephi's "Edge Type", so parallel edges of different
/// factors stay apart) and an edge attribute `factor`. A per-period network is written in
/// dynamic mode with integer time: each edge has one spell per period it carries flow in and
/// a dynamic `weight` value per period.
pub fn gexf(net: &Network, report: Option<&Report>) -> Result<String, NetworkError> {
    let dynamic = !net.periods().is_empty();
    let attrs = node_attrs(net, report);
    let edges = grouped_edges(net);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    let mut graph_attrs = vec![("defaultedgetype", "directed")];
    if dynamic {
        graph_attrs.extend([("mode", "dynamic"), ("timeformat", "integer")]);
    } else {
        graph_attrs.push(("mode", "static"));
    }
    w.create_element("gexf")
        .with_attributes([("xmlns", "http://gexf.net/1.3"), ("version", "1.3")])
        .write_inner_content(|w| {
            w.create_element("meta").write_inner_content(|w| {
                w.create_element("creator").write_text_content(BytesText::new("symbiont"))?;
                w.create_element("description").write_text_content(BytesText::new(
                    "Collaboration network: one edge kind per factor layer",
                ))?;
                Ok(())
            })?;
            w.create_element("graph")
                .with_attributes(graph_attrs.iter().copied())
                .write_inner_content(|w| {
                    w.create_element("attributes")
                        .with_attribute(("class", "node"))
                        .write_inner_content(|w| {
                            for a in &attrs {
                                w.create_element("attribute")
                                    .with_attributes([
                                        ("id", a.id),
                                        ("title", a.id),
                                        ("type", a.gexf_type),
                                    ])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                    w.create_element("attributes")
                        .with_attribute(("class", "edge"))
                        .write_inner_content(|w| {
                            for (id, ty) in [("factor", "string"), ("unit", "string")] {
                                w.create_element("attribute")
                                    .with_attributes([("id", id), ("title", id), ("type", ty)])
                                    .write_empty()?;
                            }
                            if dynamic {
                                w.create_element("attribute")
                                    .with_attributes([
                                        ("id", "weight"),
                                        ("title", "weight"),
                                        ("type", "double"),
                                    ])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                    w.create_element("nodes").write_inner_content(|w| {
                        for (v, node) in net.nodes().iter().enumerate() {
                            let id = format!("n{v}");
                            w.create_element("node")
                                .with_attributes([
                                    ("id", id.as_str()),
                                    ("label", node.label.as_str()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("attvalues").write_inner_content(|w| {
                                        for a in &attrs {
                                            let value = (a.value)(v);
                                            w.create_element("attvalue")
                                                .with_attributes([
                                                    ("for", a.id),
                                                    ("value", value.as_str()),
                                                ])
                                                .write_empty()?;
                                        }
                                        Ok(())
                                    })?;
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
                    w.create_element("edges").write_inner_content(|w| {
                        for (k, ((s, t, layer), periods)) in edges.iter().enumerate() {
                            let (id, src, tgt) =
                                (format!("e{k}"), format!("n{s}"), format!("n{t}"));
                            let total: f64 = periods.iter().map(|p| p.1).sum();
                            let weight = total.to_string();
                            w.create_element("edge")
                                .with_attributes([
                                    ("id", id.as_str()),
                                    ("source", src.as_str()),
                                    ("target", tgt.as_str()),
                                    ("kind", layer.name()),
                                    ("label", layer.name()),
                                    ("weight", weight.as_str()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("attvalues").write_inner_content(|w| {
                                        w.create_element("attvalue")
                                            .with_attributes([
                                                ("for", "factor"),
                                                ("value", layer.name()),
                                            ])
                                            .write_empty()?;
                                        w.create_element("attvalue")
                                            .with_attributes([
                                                ("for", "unit"),
                                                ("value", layer.unit()),
                                            ])
                                            .write_empty()?;
                                        for &(p, x) in periods {
                                            if let Some(p) = p {
                                                let (p, x) = (p.to_string(), x.to_string());
                                                w.create_element("attvalue")
                                                    .with_attributes([
                                                        ("for", "weight"),
                                                        ("value", x.as_str()),
                                                        ("start", p.as_str()),
                                                        ("end", p.as_str()),
                                                    ])
                                                    .write_empty()?;
                                            }
                                        }
                                        Ok(())
                                    })?;
                                    if dynamic {
                                        spells(w, periods.iter().filter_map(|&(p, _)| p))?;
                                    }
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            Ok(())
        })
        .map_err(io)?;
    finish(w)
}

/// GraphML with typed keys for the node attributes, and `factor`, `period` (-1 when
/// aggregated) and `weight` on each edge. Parallel edges (one per factor and period) are kept.
pub fn graphml(net: &Network, report: Option<&Report>) -> Result<String, NetworkError> {
    let attrs = node_attrs(net, report);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    w.create_element("graphml")
        .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
        .write_inner_content(|w| {
            w.create_element("key")
                .with_attributes([
                    ("id", "label"),
                    ("for", "node"),
                    ("attr.name", "label"),
                    ("attr.type", "string"),
                ])
                .write_empty()?;
            for a in &attrs {
                w.create_element("key")
                    .with_attributes([
                        ("id", a.id),
                        ("for", "node"),
                        ("attr.name", a.id),
                        ("attr.type", a.graphml_type),
                    ])
                    .write_empty()?;
            }
            for (id, ty) in [("factor", "string"), ("period", "int"), ("weight", "double")] {
                w.create_element("key")
                    .with_attributes([
                        ("id", id),
                        ("for", "edge"),
                        ("attr.name", id),
                        ("attr.type", ty),
                    ])
                    .write_empty()?;
            }
            w.create_element("graph")
                .with_attributes([("id", "G"), ("edgedefault", "directed")])
                .write_inner_content(|w| {
                for (v, node) in net.nodes().iter().enumerate() {
                    let id = format!("n{v}");
                    w.create_element("node")
                        .with_attribute(("id", id.as_str()))
                        .write_inner_content(|w| {
                            w.create_element("data")
                                .with_attribute(("key", "label"))
                                .write_text_content(BytesText::new(&node.label))?;
                            for a in &attrs {
                                let value = (a.value)(v);
                                w.create_element("data")
                                    .with_attribute(("key", a.id))
                                    .write_text_content(BytesText::new(&value))?;
                            }
                            Ok(())
                        })?;
                }
                for (k, e) in net.edges().iter().enumerate() {
                    let (id, src, tgt) =
                        (format!("e{k}"), format!("n{}", e.source), format!("n{}", e.target));
                    let period = e.period.map_or(-1, i64::from).to_string();
                    let weight = e.weight.to_string();
                    w.create_element("edge")
                        .with_attributes([
                            ("id", id.as_str()),
                            ("source", src.as_str()),
                            ("target", tgt.as_str()),
                        ])
                        .write_inner_content(|w| {
                            for (key, value) in [
                                ("factor", e.layer.name()),
                                ("period", period.as_str()),
                                ("weight", weight.as_str()),
                            ] {
                                w.create_element("data")
                                    .with_attribute(("key", key))
                                    .write_text_content(BytesText::new(value))?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
            Ok(())
        })
        .map_err(io)?;
    finish(w)
}

/// JSON for the dashboard: `nodes` (with metrics when a report is given), `edges` (with
/// factor, unit, period and weight), and `metrics` and `class` from the report.
pub fn json(net: &Network, report: Option<&Report>) -> Result<String, NetworkError> {
    use serde_json::{Value, json};
    let nodes: Vec<Value> = net
        .nodes()
        .iter()
        .enumerate()
        .map(|(v, n)| {
            let mut o = json!({ "id": v, "label": n.label, "kind": n.kind, "side": n.side });
            if let Some(m) = report.map(|r| &r.nodes[v]) {
                o["metrics"] = json!({
                    "in_degree": m.in_degree, "out_degree": m.out_degree,
                    "in_strength": m.in_strength, "out_strength": m.out_strength,
                    "betweenness": m.betweenness, "closeness": m.closeness,
                    "eigenvector": m.eigenvector, "pagerank": m.pagerank,
                    "clustering": m.clustering, "community": m.community,
                    "core_number": m.core_number, "core": m.core,
                });
            }
            o
        })
        .collect();
    let edges: Vec<Value> = net
        .edges()
        .iter()
        .map(|e| {
            json!({ "source": e.source, "target": e.target, "factor": e.layer.name(),
                    "unit": e.layer.unit(), "period": e.period, "weight": e.weight })
        })
        .collect();
    let mut doc = json!({ "nodes": nodes, "edges": edges });
    if let Some(r) = report {
        let g = &r.graph;
        doc["metrics"] = json!({
            "nodes": g.nodes, "edges": g.edges, "density": g.density,
            "reciprocity": g.reciprocity, "two_way_index": g.two_way_index,
            "cross_border": g.cross_border.map(|c| json!({
                "outward": c.outward, "backward": c.backward, "balance": c.balance })),
            "herfindahl": g.herfindahl, "gini": g.gini, "centralization": g.centralization,
            "average_clustering": g.average_clustering, "transitivity": g.transitivity,
            "communities": g.communities, "modularity": g.modularity,
            "core_periphery_fit": g.core_periphery_fit, "core_size": g.core_size,
            "eigenvector_converged": g.eigenvector_converged,
        });
        doc["m11"] = json!(r.m11.as_ref().map(|m| json!({
            "index": m.index,
            "layers": m.layers.iter().map(|(l, o, b, x)| json!({
                "factor": l.name(), "out": o, "back": b, "balance": x })).collect::<Vec<_>>(),
        })));
        let c = &r.class;
        doc["class"] = json!({
            "class": c.class.name(), "reason": c.reason(),
            "two_way_index": c.two_way_index, "basis": c.basis.name(),
            "centralization": c.centralization,
            "thresholds": { "one_way_below": c.thresholds.one_way_below,
                            "hub_at_least": c.thresholds.hub_at_least },
        });
    }
    let mut out =
        serde_json::to_string_pretty(&doc).map_err(|e| NetworkError::Export(e.to_string()))?;
    out.push('\n');
    Ok(out)
}
