//! Exports of a small two-period network: GEXF (Gephi), GraphML and JSON.

use expect_test::expect;
use symbiont_network::{FlowTable, Format, Layer, MetricOptions, Projection, export};

const FLOWS: &str = "\
mode,run,period,factor,source,target,value
network,0,1,capital,home:enterprise,host:host_firm,100
network,0,2,capital,home:enterprise,host:host_firm,50
network,0,2,information,host:government,home:enterprise,7
";

#[test]
fn gexf_has_attributes_layers_and_spells() {
    let net = FlowTable::parse("f.csv", FLOWS).unwrap().network("network", true).unwrap();
    let out = export(&net, None, Format::Gexf).unwrap();
    expect![[r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <gexf xmlns="http://gexf.net/1.3" version="1.3">
          <meta>
            <creator>symbiont</creator>
            <description>Collaboration network: one edge kind per factor layer</description>
          </meta>
          <graph defaultedgetype="directed" mode="dynamic" timeformat="integer">
            <attributes class="node">
              <attribute id="kind" title="kind" type="string"/>
              <attribute id="side" title="side" type="string"/>
            </attributes>
            <attributes class="edge">
              <attribute id="factor" title="factor" type="string"/>
              <attribute id="unit" title="unit" type="string"/>
              <attribute id="weight" title="weight" type="double"/>
            </attributes>
            <nodes>
              <node id="n0" label="home:enterprise">
                <attvalues>
                  <attvalue for="kind" value="enterprise"/>
                  <attvalue for="side" value="home"/>
                </attvalues>
              </node>
              <node id="n1" label="host:host_firm">
                <attvalues>
                  <attvalue for="kind" value="host_firm"/>
                  <attvalue for="side" value="host"/>
                </attvalues>
              </node>
              <node id="n2" label="host:government">
                <attvalues>
                  <attvalue for="kind" value="government"/>
                  <attvalue for="side" value="host"/>
                </attvalues>
              </node>
            </nodes>
            <edges>
              <edge id="e0" source="n0" target="n1" kind="capital" label="capital" weight="150">
                <attvalues>
                  <attvalue for="factor" value="capital"/>
                  <attvalue for="unit" value="US$"/>
                  <attvalue for="weight" value="100" start="1" end="1"/>
                  <attvalue for="weight" value="50" start="2" end="2"/>
                </attvalues>
                <spells>
                  <spell start="1" end="1"/>
                  <spell start="2" end="2"/>
                </spells>
              </edge>
              <edge id="e1" source="n2" target="n0" kind="information" label="information" weight="7">
                <attvalues>
                  <attvalue for="factor" value="information"/>
                  <attvalue for="unit" value="units"/>
                  <attvalue for="weight" value="7" start="2" end="2"/>
                </attvalues>
                <spells>
                  <spell start="2" end="2"/>
                </spells>
              </edge>
            </edges>
          </graph>
        </gexf>"#]]
    .assert_eq(&out);
}

#[test]
fn graphml_and_json_carry_metrics() {
    let net = FlowTable::parse("f.csv", FLOWS).unwrap().network("network", false).unwrap();
    let p = Projection { layers: Layer::INTERACTION.to_vec(), ..Projection::default() };
    let report = net.analyze(&p, &MetricOptions::default()).unwrap();
    let graphml = export(&net, Some(&report), Format::GraphMl).unwrap();
    assert!(graphml.contains(
        r#"<key id="betweenness" for="node" attr.name="betweenness" attr.type="double"/>"#
    ));
    assert!(graphml.contains(r#"<data key="factor">information</data>"#));
    assert_eq!(graphml.matches("<node ").count(), 3);
    assert_eq!(graphml.matches("<edge ").count(), 2);

    let json: serde_json::Value =
        serde_json::from_str(&export(&net, Some(&report), Format::Json).unwrap()).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(json["edges"][0]["factor"], "capital");
    assert_eq!(json["class"]["class"], report.class.class.name());
    assert_eq!(json["metrics"]["edges"], 2);
    // The enterprise sits on the only path government -> enterprise -> firm.
    assert_eq!(json["nodes"][0]["metrics"]["betweenness"], 0.5);
}
