//! Exports of an [`EntityGraph`]: GEXF 1.3 (Gephi), GraphML and JSON.
//!
//! Node attributes are `kind`, `side` and `support`; edge attributes `kind`, `layer`,
//! `weight` and `period`. For big runs, export an [`EntityGraph::sample`].

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{EntityClass, EntityGraph, Structure};
use crate::export::{finish, io};
use crate::{Format, Layer, NetworkError};

/// Write `g` in `format` (JSON without a structure summary; see [`entity_json`]).
pub fn export_entities(g: &EntityGraph, format: Format) -> Result<String, NetworkError> {
    match format {
        Format::Gexf => entity_gexf(g),
        Format::GraphMl => entity_graphml(g),
        Format::Json => entity_json(g, None),
    }
}

/// Ties grouped by (source, target, tie kind, layer), each with its per-period weights
/// (summed when one period has several ties of the group), in a stable order.
type Grouped<'a> = BTreeMap<(u32, u32, &'a str, Layer), BTreeMap<u32, f64>>;

fn grouped(g: &EntityGraph) -> Grouped<'_> {
    let mut out = Grouped::new();
    for t in g.ties() {
        *out.entry((t.source, t.target, t.kind.as_str(), t.layer))
            .or_default()
            .entry(t.period)
            .or_default() += t.weight;
    }
    out
}

/// GEXF `<attributes class=...>` with one string-valued `(id, type)` per attribute.
fn declare(w: &mut Writer<Vec<u8>>, class: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.create_element("attributes").with_attribute(("class", class)).write_inner_content(|w| {
        for &(id, ty) in attrs {
            w.create_element("attribute")
                .with_attributes([("id", id), ("title", id), ("type", ty)])
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// GEXF `<attvalues>` with one `(for, value)` per attribute.
fn attvalues(w: &mut Writer<Vec<u8>>, values: &[(&str, &str)]) -> std::io::Result<()> {
    w.create_element("attvalues").write_inner_content(|w| {
        for &(key, value) in values {
            w.create_element("attvalue")
                .with_attributes([("for", key), ("value", value)])
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// GEXF 1.3, dynamic with integer time. Ties of the same source, target, kind and layer are
/// one edge whose Gephi edge type is the tie kind (so ties of different kinds stay apart),
/// with static attributes `kind` and `layer`, one spell per period (the tie's `period`) and a
/// dynamic `weight` per period; the edge's own `weight` is the total.
pub fn entity_gexf(g: &EntityGraph) -> Result<String, NetworkError> {
    let edges = grouped(g);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    w.create_element("gexf")
        .with_attributes([("xmlns", "http://gexf.net/1.3"), ("version", "1.3")])
        .write_inner_content(|w| {
            w.create_element("meta").write_inner_content(|w| {
                w.create_element("creator").write_text_content(BytesText::new("symbiont"))?;
                w.create_element("description").write_text_content(BytesText::new(
                    "Entity collaboration network: one edge per tie kind, one spell per period",
                ))?;
                Ok(())
            })?;
            w.create_element("graph")
                .with_attributes([
                    ("defaultedgetype", "directed"),
                    ("mode", "dynamic"),
                    ("timeformat", "integer"),
                ])
                .write_inner_content(|w| {
                    declare(
                        w,
                        "node",
                        &[("kind", "string"), ("side", "string"), ("support", "boolean")],
                    )?;
                    declare(
                        w,
                        "edge",
                        &[("kind", "string"), ("layer", "string"), ("weight", "double")],
                    )?;
                    w.create_element("nodes").write_inner_content(|w| {
                        for (v, e) in g.entities().iter().enumerate() {
                            let id = format!("n{v}");
                            let support = e.support.to_string();
                            w.create_element("node")
                                .with_attributes([("id", id.as_str()), ("label", e.label.as_str())])
                                .write_inner_content(|w| {
                                    attvalues(
                                        w,
                                        &[
                                            ("kind", e.kind.as_str()),
                                            ("side", e.side.name()),
                                            ("support", support.as_str()),
                                        ],
                                    )?;
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
                    w.create_element("edges").write_inner_content(|w| {
                        for (k, ((s, t, kind, layer), periods)) in edges.iter().enumerate() {
                            let (id, src, tgt) =
                                (format!("e{k}"), format!("n{s}"), format!("n{t}"));
                            let weight = periods.values().sum::<f64>().to_string();
                            w.create_element("edge")
                                .with_attributes([
                                    ("id", id.as_str()),
                                    ("source", src.as_str()),
                                    ("target", tgt.as_str()),
                                    ("kind", kind),
                                    ("label", kind),
                                    ("weight", weight.as_str()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("attvalues").write_inner_content(|w| {
                                        for (key, value) in
                                            [("kind", *kind), ("layer", layer.name())]
                                        {
                                            w.create_element("attvalue")
                                                .with_attributes([("for", key), ("value", value)])
                                                .write_empty()?;
                                        }
                                        for (p, x) in periods {
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
                                        Ok(())
                                    })?;
                                    crate::export::spells(w, periods.keys().copied())?;
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

/// GraphML with typed keys: node `label`, `kind`, `side`, `support` (boolean); one edge per
/// tie (parallel edges kept) with `kind`, `layer`, `weight` and `period`.
pub fn entity_graphml(g: &EntityGraph) -> Result<String, NetworkError> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    let keys: [(&str, &str, &str); 8] = [
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("side", "node", "string"),
        ("support", "node", "boolean"),
        ("tie_kind", "edge", "string"),
        ("layer", "edge", "string"),
        ("weight", "edge", "double"),
        ("period", "edge", "int"),
    ];
    let data = |w: &mut Writer<Vec<u8>>, values: &[(&str, &str)]| -> std::io::Result<()> {
        for &(key, value) in values {
            w.create_element("data")
                .with_attribute(("key", key))
                .write_text_content(BytesText::new(value))?;
        }
        Ok(())
    };
    w.create_element("graphml")
        .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
        .write_inner_content(|w| {
            for (id, domain, ty) in keys {
                // The edge's kind is keyed `tie_kind` (GraphML key ids are shared by nodes and
                // edges) but named `kind`.
                let name = if id == "tie_kind" { "kind" } else { id };
                w.create_element("key")
                    .with_attributes([
                        ("id", id),
                        ("for", domain),
                        ("attr.name", name),
                        ("attr.type", ty),
                    ])
                    .write_empty()?;
            }
            w.create_element("graph")
                .with_attributes([("id", "G"), ("edgedefault", "directed")])
                .write_inner_content(|w| {
                for (v, e) in g.entities().iter().enumerate() {
                    let id = format!("n{v}");
                    let support = e.support.to_string();
                    w.create_element("node")
                        .with_attribute(("id", id.as_str()))
                        .write_inner_content(|w| {
                            data(
                                w,
                                &[
                                    ("label", e.label.as_str()),
                                    ("kind", e.kind.as_str()),
                                    ("side", e.side.name()),
                                    ("support", support.as_str()),
                                ],
                            )
                        })?;
                }
                for (k, t) in g.ties().iter().enumerate() {
                    let (id, src, tgt) =
                        (format!("e{k}"), format!("n{}", t.source), format!("n{}", t.target));
                    let (weight, period) = (t.weight.to_string(), t.period.to_string());
                    w.create_element("edge")
                        .with_attributes([
                            ("id", id.as_str()),
                            ("source", src.as_str()),
                            ("target", tgt.as_str()),
                        ])
                        .write_inner_content(|w| {
                            data(
                                w,
                                &[
                                    ("tie_kind", t.kind.as_str()),
                                    ("layer", t.layer.name()),
                                    ("weight", weight.as_str()),
                                    ("period", period.as_str()),
                                ],
                            )
                        })?;
                }
                Ok(())
            })?;
            Ok(())
        })
        .map_err(io)?;
    finish(w)
}

/// JSON: `entities` (`id`, `label`, `kind`, `side`, `support`) and `ties` (`source`,
/// `target`, `kind`, `layer`, `weight`, `period`); with `summary`, also `structure` (every
/// [`Structure`] field) and `class` (`class`, `reason`, `thresholds`).
pub fn entity_json(
    g: &EntityGraph,
    summary: Option<(&Structure, &EntityClass)>,
) -> Result<String, NetworkError> {
    use serde_json::{Value, json};
    let entities: Vec<Value> = g
        .entities()
        .iter()
        .enumerate()
        .map(|(v, e)| {
            json!({ "id": v, "label": e.label, "kind": e.kind, "side": e.side.name(),
                    "support": e.support })
        })
        .collect();
    let ties: Vec<Value> = g
        .ties()
        .iter()
        .map(|t| {
            json!({ "source": t.source, "target": t.target, "kind": t.kind,
                    "layer": t.layer.name(), "weight": t.weight, "period": t.period })
        })
        .collect();
    let mut doc = json!({ "entities": entities, "ties": ties });
    if let Some((s, c)) = summary {
        doc["structure"] = json!({
            "entities": s.entities, "ties": s.ties, "density": s.density,
            "reciprocity": s.reciprocity, "cross_border_share": s.cross_border_share,
            "cross_border_reciprocity": s.cross_border_reciprocity,
            "centralization": s.centralization, "top_share": s.top_share,
            "multiplexity": s.multiplexity, "support_ties": s.support_ties,
            "communities": s.communities, "modularity": s.modularity,
        });
        let t = &c.thresholds;
        doc["class"] = json!({
            "class": c.class.name(), "reason": c.reason,
            "thresholds": { "one_way_below": t.one_way_below,
                            "multiplexity_at_least": t.multiplexity_at_least,
                            "support_ties_at_least": t.support_ties_at_least,
                            "top_share_below": t.top_share_below },
        });
    }
    let mut out =
        serde_json::to_string_pretty(&doc).map_err(|e| NetworkError::Export(e.to_string()))?;
    out.push('\n');
    Ok(out)
}
