//! The entity-level network: the three canonical structures, measures of a hand-computed
//! graph, validation, sampling, exports, and the range of every measure on random graphs.

use expect_test::expect;
use proptest::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use symbiont_network::{
    EXCHANGE_FACTORS, Entity, EntityGraph, EntitySide, EntityThresholds, Format, Layer, LayerScale,
    NetworkError, StructureClass, StructureOptions, Tie, classify, entity_json, export_entities,
    modularity,
};

use EntitySide::{Home, Host};

fn tie(source: u32, target: u32, kind: &str, layer: Layer, weight: f64, period: u32) -> Tie {
    Tie { source, target, kind: kind.to_string(), layer, weight, period }
}

fn class_of(g: &EntityGraph) -> symbiont_network::EntityClass {
    classify(&g.structure(&StructureOptions::default()), &EntityThresholds::default())
}

/// (a) Enterprises invest abroad, host firms send profit home: e0 -> f0 -> e1 -> f1 -> e2.
fn one_way_chain() -> EntityGraph {
    let mut entities = Vec::new();
    for i in 0..3 {
        entities.push(Entity::new(format!("e{i}"), "enterprise", Home));
        entities.push(Entity::new(format!("f{i}"), "host_firm", Host));
    }
    let ties = (0..5u32)
        .map(|i| {
            if i % 2 == 0 {
                tie(i, i + 1, "investment", Layer::Capital, 10.0, 1)
            } else {
                tie(i, i + 1, "profit", Layer::Profit, 3.0, 2)
            }
        })
        .collect();
    EntityGraph::new(entities, ties).unwrap()
}

/// (b) One host government serves eight home enterprises, each both ways and only with it.
fn two_way_star() -> EntityGraph {
    let mut entities = vec![Entity::new("gov", "government", Host)];
    entities.extend((0..8).map(|i| Entity::new(format!("e{i}"), "enterprise", Home)));
    // Every exchange factor flows both ways along every spoke.
    let ties = (1..=8u32)
        .flat_map(|e| {
            EXCHANGE_FACTORS.iter().flat_map(move |&l| {
                [tie(0, e, "service", l, 2.0, 1), tie(e, 0, "exchange", l, 2.0, 1)]
            })
        })
        .collect();
    EntityGraph::new(entities, ties).unwrap()
}

const SUPPORT_KINDS: [&str; 6] =
    ["government", "park", "university", "research_institute", "finance", "intermediary"];

/// (c) Six home enterprises, six host support units of six kinds. Enterprise `i` is tied both
/// ways to supports `i, i+1, i+2` (three kinds); with `support_ring`, each support unit is
/// tied both ways to the next.
fn multiplex(support_ring: bool) -> EntityGraph {
    let mut entities: Vec<Entity> =
        (0..6).map(|i| Entity::new(format!("e{i}"), "enterprise", Home)).collect();
    entities.extend(SUPPORT_KINDS.iter().map(|k| Entity::new(*k, *k, Host)));
    let s = |j: u32| 6 + j % 6;
    let mut ties = Vec::new();
    for e in 0..6u32 {
        for j in e..e + 3 {
            for l in EXCHANGE_FACTORS {
                ties.push(tie(e, s(j), "exchange", l, 1.0, 1));
                ties.push(tie(s(j), e, "service", l, 1.0, 1));
            }
        }
    }
    if support_ring {
        for j in 0..6u32 {
            ties.push(tie(s(j), s(j + 1), "cohort", Layer::Relation, 1.0, 1));
            ties.push(tie(s(j + 1), s(j), "cohort", Layer::Relation, 1.0, 1));
        }
    }
    EntityGraph::new(entities, ties).unwrap()
}

#[test]
fn a_one_way_chain_is_a_one_way_street() {
    let g = one_way_chain();
    let s = g.structure(&StructureOptions::default());
    assert_eq!(s.cross_border_reciprocity, 0.0);
    assert_eq!(s.cross_border_share, 1.0);
    assert_eq!(s.reciprocity, 0.0);
    let c = class_of(&g);
    assert_eq!(c.class, StructureClass::OneWayStreet);
    expect!["cross_border_reciprocity 0.000 < 0.2"].assert_eq(&c.reason);
}

#[test]
fn a_two_way_star_is_a_hub() {
    let g = two_way_star();
    let s = g.structure(&StructureOptions::default());
    assert_eq!(s.cross_border_reciprocity, 1.0);
    assert_eq!((s.centralization, s.top_share), (1.0, 1.0));
    assert_eq!((s.multiplexity, s.support_ties), (0.0, 0.0));
    let c = class_of(&g);
    assert_eq!(c.class, StructureClass::Hub);
    expect![
        "cross_border_reciprocity 1.000 >= 0.2, but multiplexity 0.000 < 0.5, support_ties 0.000 < 0.25 and top_share 1.000 >= 0.5"
    ]
    .assert_eq(&c.reason);
}

#[test]
fn a_dense_reciprocal_multiplex_is_a_network() {
    let g = multiplex(true);
    let s = g.structure(&StructureOptions::default());
    assert_eq!(s.ties, 48);
    assert_eq!((s.reciprocity, s.cross_border_reciprocity), (1.0, 1.0));
    assert_eq!((s.multiplexity, s.support_ties), (1.0, 1.0));
    // Each support unit touches 3 enterprises and 2 neighbours, both ways: 10 of 48 ties.
    assert_eq!(s.top_share, 10.0 / 48.0);
    let c = class_of(&g);
    assert_eq!(c.class, StructureClass::Network);
    expect![
        "cross_border_reciprocity 1.000 >= 0.2, multiplexity 1.000 >= 0.5, support_ties 1.000 >= 0.25 and top_share 0.208 < 0.5"
    ]
    .assert_eq(&c.reason);
}

#[test]
fn without_ties_among_support_units_the_multiplex_is_a_hub() {
    let g = multiplex(false);
    let s = g.structure(&StructureOptions::default());
    assert_eq!(s.support_ties, 0.0);
    assert_eq!(s.multiplexity, 1.0);
    let c = class_of(&g);
    assert_eq!(c.class, StructureClass::Hub);
    expect!["cross_border_reciprocity 1.000 >= 0.2, but support_ties 0.000 < 0.25"]
        .assert_eq(&c.reason);
}

/// Five entities, ten ties, including a self-tie and a tie of weight 0 that tie nothing.
fn tiny() -> EntityGraph {
    let entities = vec![
        Entity::new("e0", "enterprise", Home),
        Entity::new("f1", "host_firm", Host),
        Entity::new("g2", "government", Host),
        Entity::new("u3", "university", Home),
        Entity::new("p4", "park", Host),
    ];
    let ties = vec![
        tie(0, 1, "investment", Layer::Capital, 10.0, 1),
        tie(1, 0, "investment", Layer::Capital, 2.0, 1),
        tie(2, 0, "service", Layer::Information, 1.0, 1),
        tie(0, 2, "exchange", Layer::Information, 4.0, 2),
        tie(3, 0, "research", Layer::Technology, 3.0, 2),
        tie(0, 1, "export", Layer::Goods, 6.0, 2),
        tie(4, 0, "tenancy", Layer::Relation, 1.0, 2),
        tie(2, 4, "approval", Layer::Relation, 1.0, 1),
        tie(1, 1, "supplier", Layer::Goods, 5.0, 1),
        tie(3, 2, "research", Layer::Information, 0.0, 1),
    ];
    EntityGraph::new(entities, ties).unwrap()
}

#[test]
fn measures_of_a_tiny_graph_by_hand() {
    let g = tiny();
    let raw = StructureOptions { scale: LayerScale::Raw, ..StructureOptions::default() };
    let s = g.structure(&raw);
    // Tied pairs: 0->1 (16), 1->0 (2), 2->0 (1), 0->2 (4), 3->0 (3), 4->0 (1), 2->4 (1).
    assert_eq!((s.entities, s.ties), (5, 7));
    assert_eq!(s.density, 7.0 / 20.0);
    // 0<->1 and 0<->2 are reciprocated: 4 of 7.
    assert_eq!(s.reciprocity, 4.0 / 7.0);
    // All but 3->0 (home-home) and 2->4 (host-host) cross: 24 of 28.
    assert_eq!(s.cross_border_share, 24.0 / 28.0);
    // Per exchange factor: capital out 10 back 2, information out 4 back 1, goods out 6,
    // technology and talent do not cross; relation ties are not an exchange factor.
    assert_eq!(s.cross_border_reciprocity, (2.0 / 10.0 + 1.0 / 4.0) / 5.0);
    // Degrees 4, 1, 2, 1, 2: (0 + 3 + 2 + 3 + 2) / (4 * 3).
    assert_eq!(s.centralization, 10.0 / 12.0);
    // e0 is in 6 of the 7 tied pairs.
    assert_eq!(s.top_share, 6.0 / 7.0);
    // e0 is tied to a government, a university and a park.
    assert_eq!(s.multiplexity, 1.0);
    // g2 and p4 are tied; u3's only tie to g2 has weight 0.
    assert_eq!(s.support_ties, 2.0 / 3.0);
    // Louvain splits {e0, f1, u3} from {g2, p4}. Symmetrised weights 0-1 18, 0-2 5, 0-3 3,
    // 0-4 1, 2-4 1 (2m = 56), degrees 27, 18, 6, 3, 2: Q = (42 + 2) / 56 - (48^2 + 8^2) / 56^2.
    let comm = g.communities(&raw);
    assert_eq!(comm.membership, [0, 0, 1, 0, 1]);
    assert!((s.modularity - 96.0 / 3136.0).abs() < 1e-12);
    let q = modularity(&g.digraph(LayerScale::Raw), &comm.membership, true, 1.0);
    assert!((s.modularity - q).abs() < 1e-12);
    expect![[r#"
        Structure {
            entities: 5,
            ties: 7,
            density: 0.35,
            reciprocity: 0.5714285714285714,
            cross_border_share: 0.8571428571428571,
            cross_border_reciprocity: 0.09,
            centralization: 0.8333333333333334,
            top_share: 0.8571428571428571,
            multiplexity: 1.0,
            support_ties: 0.6666666666666666,
            communities: 2,
            modularity: 0.030612244897959256,
        }
    "#]]
    .assert_debug_eq(&s);

    // As shares of each layer's total (the default), each layer counts once: the cross
    // border carries 3.5 of 5; the per-factor balance is a ratio within one layer, so it does
    // not depend on the scaling.
    let s = g.structure(&StructureOptions::default());
    assert!((s.cross_border_share - 0.7).abs() < 1e-12);
    assert!((s.cross_border_reciprocity - 0.09).abs() < 1e-12);
    assert_eq!(s.ties, 7);
    let c = classify(&s, &EntityThresholds::default());
    assert_eq!(c.class, StructureClass::OneWayStreet);
    expect!["cross_border_reciprocity 0.090 < 0.2"].assert_eq(&c.reason);
}

#[test]
fn a_graph_without_ties_measures_zero() {
    let g = EntityGraph::new(vec![Entity::new("e", "enterprise", Home)], vec![]).unwrap();
    let s = g.structure(&StructureOptions::default());
    assert_eq!((s.ties, s.communities, s.density, s.modularity), (0, 0, 0.0, 0.0));
    let c = classify(&s, &EntityThresholds::default());
    assert_eq!(c.class, StructureClass::OneWayStreet);
    expect!["no ties: cross_border_reciprocity 0.000 < 0.2"].assert_eq(&c.reason);
}

#[test]
fn thresholds_are_the_written_defaults_and_can_be_changed() {
    let t = EntityThresholds::default();
    assert_eq!(
        (t.one_way_below, t.multiplexity_at_least, t.support_ties_at_least, t.top_share_below),
        (0.2, 0.5, 0.25, 0.5)
    );
    // A star is a network when one entity may carry all the ties and no multiplexity is asked.
    let s = two_way_star().structure(&StructureOptions::default());
    let lax = EntityThresholds {
        multiplexity_at_least: 0.0,
        support_ties_at_least: 0.0,
        top_share_below: 1.1,
        ..t
    };
    assert_eq!(classify(&s, &lax).class, StructureClass::Network);
}

#[test]
fn bad_ties_are_refused_with_the_tie_and_field() {
    let entities = || vec![Entity::new("a", "enterprise", Home), Entity::new("b", "park", Host)];
    let err = EntityGraph::new(
        entities(),
        vec![tie(0, 1, "loan", Layer::Capital, 1.0, 0), tie(1, 7, "loan", Layer::Capital, 1.0, 0)],
    )
    .unwrap_err();
    assert_eq!(
        err,
        NetworkError::TieUnknownEntity { tie: 1, field: "target", index: 7, entities: 2 }
    );
    expect!["tie 1: target 7 is not an entity (there are 2 entities, numbered from 0)"]
        .assert_eq(&err.to_string());
    let err =
        EntityGraph::new(entities(), vec![tie(2, 0, "loan", Layer::Capital, 1.0, 0)]).unwrap_err();
    assert!(matches!(err, NetworkError::TieUnknownEntity { tie: 0, field: "source", .. }));
    for weight in [-1.0, f64::NAN, f64::INFINITY] {
        let err = EntityGraph::new(entities(), vec![tie(0, 1, "loan", Layer::Capital, weight, 0)])
            .unwrap_err();
        assert!(matches!(err, NetworkError::TieBadWeight { tie: 0, .. }), "{err}");
        assert!(err.to_string().starts_with("tie 0: weight "), "{err}");
    }
    let err =
        EntityGraph::new(entities(), vec![tie(0, 1, "loan", Layer::Capital, -2.5, 3)]).unwrap_err();
    expect!["tie 0: weight -2.5 is not a finite number >= 0"].assert_eq(&err.to_string());
}

/// 200 enterprises and 10 support units with seeded ties.
fn big() -> EntityGraph {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut entities: Vec<Entity> = (0..10)
        .map(|i| {
            Entity::new(format!("s{i}"), SUPPORT_KINDS[i % 6], if i % 2 == 0 { Home } else { Host })
        })
        .collect();
    entities.extend((0..200).map(|i| Entity::new(format!("e{i}"), "enterprise", Home)));
    let ties = (0..1000)
        .map(|k| {
            let (s, t) = (rng.random_range(0..210u32), rng.random_range(0..210u32));
            tie(s, t, "supplier", Layer::Goods, f64::from(k % 7), k % 4)
        })
        .collect();
    EntityGraph::new(entities, ties).unwrap()
}

#[test]
fn a_sample_is_seeded_keeps_support_units_and_only_their_ties() {
    let g = big();
    let a = g.sample(50, 3);
    assert_eq!(a, g.sample(50, 3));
    assert_ne!(a, g.sample(50, 4));
    assert_eq!(a.entities().len(), 50);
    assert_eq!(a.entities().iter().filter(|e| e.support).count(), 10);
    // The sample's ties are exactly the original ties among the kept labels, in order.
    let kept: std::collections::HashSet<&str> =
        a.entities().iter().map(|e| e.label.as_str()).collect();
    let label = |g: &EntityGraph, v: u32| g.entities()[v as usize].label.clone();
    let expected: Vec<(String, String, u32)> = g
        .ties()
        .iter()
        .filter(|t| {
            kept.contains(label(&g, t.source).as_str())
                && kept.contains(label(&g, t.target).as_str())
        })
        .map(|t| (label(&g, t.source), label(&g, t.target), t.period))
        .collect();
    let got: Vec<(String, String, u32)> =
        a.ties().iter().map(|t| (label(&a, t.source), label(&a, t.target), t.period)).collect();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
    // Entities keep their original order.
    let order: Vec<usize> = a
        .entities()
        .iter()
        .map(|e| g.entities().iter().position(|x| x.label == e.label).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    // Small enough: unchanged. Support units over the limit: all of them, nothing else.
    assert_eq!(g.sample(500, 3), g);
    let only = g.sample(4, 3);
    assert_eq!(only.entities().len(), 10);
    assert!(only.entities().iter().all(|e| e.support));
}

/// Parse the whole document with quick-xml, checking that end tags match; return the number
/// of elements named `name`.
fn well_formed(xml: &str, name: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let (mut depth, mut count) = (0i64, 0usize);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                depth += 1;
                count += usize::from(e.name().into_inner() == name);
            }
            Event::Empty(e) => count += usize::from(e.name().into_inner() == name),
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    count
}

/// Two entities, three ties: one kind in two periods, another kind once.
fn pair() -> EntityGraph {
    EntityGraph::new(
        vec![Entity::new("acme & co", "enterprise", Home), Entity::new("bank", "finance", Host)],
        vec![
            tie(1, 0, "loan", Layer::Capital, 100.0, 1),
            tie(1, 0, "loan", Layer::Capital, 50.0, 2),
            tie(0, 1, "exchange", Layer::Information, 2.5, 2),
        ],
    )
    .unwrap()
}

#[test]
fn gexf_of_a_tiny_graph() {
    let out = export_entities(&pair(), Format::Gexf).unwrap();
    assert_eq!(well_formed(&out, "node"), 2);
    assert_eq!(well_formed(&out, "edge"), 2);
    assert_eq!(well_formed(&out, "spell"), 3);
    expect![[r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <gexf xmlns="http://gexf.net/1.3" version="1.3">
          <meta>
            <creator>symbiont</creator>
            <description>Entity collaboration network: one edge per tie kind, one spell per period</description>
          </meta>
          <graph defaultedgetype="directed" mode="dynamic" timeformat="integer">
            <attributes class="node">
              <attribute id="kind" title="kind" type="string"/>
              <attribute id="side" title="side" type="string"/>
              <attribute id="support" title="support" type="boolean"/>
            </attributes>
            <attributes class="edge">
              <attribute id="kind" title="kind" type="string"/>
              <attribute id="layer" title="layer" type="string"/>
              <attribute id="weight" title="weight" type="double"/>
            </attributes>
            <nodes>
              <node id="n0" label="acme &amp; co">
                <attvalues>
                  <attvalue for="kind" value="enterprise"/>
                  <attvalue for="side" value="home"/>
                  <attvalue for="support" value="false"/>
                </attvalues>
              </node>
              <node id="n1" label="bank">
                <attvalues>
                  <attvalue for="kind" value="finance"/>
                  <attvalue for="side" value="host"/>
                  <attvalue for="support" value="true"/>
                </attvalues>
              </node>
            </nodes>
            <edges>
              <edge id="e0" source="n0" target="n1" kind="exchange" label="exchange" weight="2.5">
                <attvalues>
                  <attvalue for="kind" value="exchange"/>
                  <attvalue for="layer" value="information"/>
                  <attvalue for="weight" value="2.5" start="2" end="2"/>
                </attvalues>
                <spells>
                  <spell start="2" end="2"/>
                </spells>
              </edge>
              <edge id="e1" source="n1" target="n0" kind="loan" label="loan" weight="150">
                <attvalues>
                  <attvalue for="kind" value="loan"/>
                  <attvalue for="layer" value="capital"/>
                  <attvalue for="weight" value="100" start="1" end="1"/>
                  <attvalue for="weight" value="50" start="2" end="2"/>
                </attvalues>
                <spells>
                  <spell start="1" end="1"/>
                  <spell start="2" end="2"/>
                </spells>
              </edge>
            </edges>
          </graph>
        </gexf>"#]]
    .assert_eq(&out);
}

#[test]
fn graphml_of_a_tiny_graph() {
    let out = export_entities(&pair(), Format::GraphMl).unwrap();
    assert_eq!(well_formed(&out, "node"), 2);
    assert_eq!(well_formed(&out, "edge"), 3);
    expect![[r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="label" for="node" attr.name="label" attr.type="string"/>
          <key id="kind" for="node" attr.name="kind" attr.type="string"/>
          <key id="side" for="node" attr.name="side" attr.type="string"/>
          <key id="support" for="node" attr.name="support" attr.type="boolean"/>
          <key id="tie_kind" for="edge" attr.name="kind" attr.type="string"/>
          <key id="layer" for="edge" attr.name="layer" attr.type="string"/>
          <key id="weight" for="edge" attr.name="weight" attr.type="double"/>
          <key id="period" for="edge" attr.name="period" attr.type="int"/>
          <graph id="G" edgedefault="directed">
            <node id="n0">
              <data key="label">acme &amp; co</data>
              <data key="kind">enterprise</data>
              <data key="side">home</data>
              <data key="support">false</data>
            </node>
            <node id="n1">
              <data key="label">bank</data>
              <data key="kind">finance</data>
              <data key="side">host</data>
              <data key="support">true</data>
            </node>
            <edge id="e0" source="n1" target="n0">
              <data key="tie_kind">loan</data>
              <data key="layer">capital</data>
              <data key="weight">100</data>
              <data key="period">1</data>
            </edge>
            <edge id="e1" source="n1" target="n0">
              <data key="tie_kind">loan</data>
              <data key="layer">capital</data>
              <data key="weight">50</data>
              <data key="period">2</data>
            </edge>
            <edge id="e2" source="n0" target="n1">
              <data key="tie_kind">exchange</data>
              <data key="layer">information</data>
              <data key="weight">2.5</data>
              <data key="period">2</data>
            </edge>
          </graph>
        </graphml>"#]]
    .assert_eq(&out);
}

#[test]
fn json_carries_ties_structure_and_class() {
    let g = multiplex(true);
    let s = g.structure(&StructureOptions::default());
    let c = classify(&s, &EntityThresholds::default());
    let doc: serde_json::Value =
        serde_json::from_str(&entity_json(&g, Some((&s, &c))).unwrap()).unwrap();
    assert_eq!(doc["entities"].as_array().unwrap().len(), 12);
    assert_eq!(doc["entities"][6]["support"], true);
    // One tie per enterprise-support pair, direction and factor, and the ring of 12.
    assert_eq!(doc["ties"].as_array().unwrap().len(), 6 * 3 * 2 * 5 + 12);
    assert_eq!(doc["ties"][0]["layer"], "capital");
    assert_eq!(doc["structure"]["ties"], 48);
    assert_eq!(doc["class"]["class"], "network");
    assert_eq!(doc["class"]["thresholds"]["support_ties_at_least"], 0.25);
    let plain: serde_json::Value =
        serde_json::from_str(&export_entities(&g, Format::Json).unwrap()).unwrap();
    assert!(plain.get("structure").is_none());
    assert_eq!(plain["ties"], doc["ties"]);
}

const KINDS: [&str; 8] = [
    "enterprise",
    "host_firm",
    "government",
    "park",
    "university",
    "research_institute",
    "finance",
    "intermediary",
];

const LAYERS: [Layer; 7] = [
    Layer::Capital,
    Layer::Technology,
    Layer::Talent,
    Layer::Information,
    Layer::Goods,
    Layer::Profit,
    Layer::Relation,
];

/// A random entity graph on `0..16` entities; weights in `0..=8` (0 included), self-ties too.
fn entity_graph() -> impl Strategy<Value = EntityGraph> {
    (0usize..16).prop_flat_map(|n| {
        let entities = prop::collection::vec((0..KINDS.len(), any::<bool>()), n);
        let ties = if n == 0 {
            Just(Vec::new()).boxed()
        } else {
            prop::collection::vec(
                (0..n as u32, 0..n as u32, 0..LAYERS.len(), 0u8..=8, 0u32..3),
                0..60,
            )
            .boxed()
        };
        (entities, ties).prop_map(|(entities, ties)| {
            let entities = entities
                .into_iter()
                .enumerate()
                .map(|(i, (k, home))| {
                    Entity::new(format!("x{i}"), KINDS[k], if home { Home } else { Host })
                })
                .collect();
            let ties = ties
                .into_iter()
                .map(|(s, t, l, w, p)| tie(s, t, "tie", LAYERS[l], f64::from(w), p))
                .collect();
            EntityGraph::new(entities, ties).unwrap()
        })
    })
}

proptest! {
    #[test]
    fn every_measure_is_a_finite_share(g in entity_graph(), raw in any::<bool>(), seed in 0u64..4) {
        let scale = if raw { LayerScale::Raw } else { LayerScale::ShareOfLayer };
        let s = g.structure(&StructureOptions { seed, scale });
        let n = g.entities().len();
        for (name, x) in [
            ("density", s.density),
            ("reciprocity", s.reciprocity),
            ("cross_border_share", s.cross_border_share),
            ("cross_border_reciprocity", s.cross_border_reciprocity),
            ("centralization", s.centralization),
            ("top_share", s.top_share),
            ("multiplexity", s.multiplexity),
            ("support_ties", s.support_ties),
        ] {
            prop_assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{name} = {x}");
        }
        prop_assert!(s.modularity.is_finite() && (-0.5..=1.0).contains(&s.modularity));
        prop_assert_eq!(s.entities, n);
        prop_assert!(s.ties <= n * n.saturating_sub(1));
        prop_assert!(s.communities <= n);
        prop_assert_eq!(s.communities == 0, s.ties == 0);
        // The class always comes with a reason.
        prop_assert!(!classify(&s, &EntityThresholds::default()).reason.is_empty());
    }

    #[test]
    fn a_sample_keeps_every_support_unit(g in entity_graph(), max in 0usize..16, seed in 0u64..4) {
        let a = g.sample(max, seed);
        let supports = g.entities().iter().filter(|e| e.support).count();
        prop_assert_eq!(a.entities().iter().filter(|e| e.support).count(), supports);
        prop_assert_eq!(a.entities().len(), g.entities().len().min(max.max(supports)));
        let (entities, ties) = a.clone().into_parts();
        prop_assert_eq!(EntityGraph::new(entities, ties).unwrap(), a);
    }
}
