//! `symbiont network SCENARIO|RUN_DIR`: the collaboration network's metrics, its structure
//! class (one-way street, hub or network) with the numbers behind it, and exports for Gephi
//! (GEXF), GraphML and the dashboard (JSON).
//!
//! The input is a scenario TOML (its declared relations; the embedded default when omitted),
//! a simulation run folder (its `flows.csv`), or a flows CSV file itself. A run folder written
//! with the network tables (`network_structure.csv`, `entities.csv`, `ties.csv`) first shows
//! the network the runs formed among entities, its class over runs and its measures; the
//! flows between unit kinds follow.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use comfy_table::Cell;
use symbiont_network::{
    EntityThresholds, FlowTable, Format, Layer, LayerScale, MetricOptions, Network, Node,
    PathLength, Projection, Report, StructureOptions, Thresholds, classify, entity_json, export,
    export_entities,
};

use crate::out::{num, table, write_file};

/// `writeln!` into the output buffer (writing to a `String` cannot fail).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

const AFTER_HELP: &str = "\
Examples:
  symbiont network                                the embedded scenario's declared relations
  symbiont network runs/2026-11-28 --mode network flows of one simulated mode, averaged over runs
  symbiont network runs/x --mode network --per-period --export net.gexf   dynamic GEXF for Gephi
  symbiont network runs/x --mode hub --layers all --one-way-below 0.3
  symbiont network flows.csv --mode one_way --export net.json

Entity level (run folders): the class of the network the runs formed among entities, per
docs/network.md: one-way street if cross-border reciprocity < 0.2; network if multiplexity >= 0.5,
support ties >= 0.25 and top share < 0.5; hub otherwise. --export then writes the first run's
entity network (sampled to --sample entities, every support unit kept); --kinds exports the
flows between unit kinds instead.

Kind level: one-way street if the two-way interaction index is below --one-way-below; otherwise
hub if the throughput centralization is at least --hub-at-least; otherwise network.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// A scenario TOML, a simulation run folder (with flows.csv) or a flows CSV file.
    /// Without it: the embedded default scenario.
    pub input: Option<PathBuf>,
    /// The mode of organisation to read from the flows (needed when the file has several).
    #[arg(long)]
    pub mode: Option<String>,
    /// Keep periods apart: a per-period table, and a dynamic GEXF with one spell per period.
    #[arg(long)]
    pub per_period: bool,
    /// Analyse only this period (implies --per-period).
    #[arg(long, value_name = "P")]
    pub period: Option<u32>,
    /// Layers to analyse, comma-separated (capital, technology, talent, information, goods,
    /// profit, relation) or `all` (the default).
    #[arg(long, value_name = "LIST")]
    pub layers: Option<String>,
    /// Sum layers in their own units instead of as shares of each layer's total.
    #[arg(long)]
    pub raw: bool,
    /// Ignore weights in the path and eigen/PageRank metrics.
    #[arg(long)]
    pub unweighted: bool,
    /// How a weight becomes a path length for betweenness and closeness.
    #[arg(long, value_enum, default_value = "inverse")]
    pub path_length: PathLengthArg,
    /// One-way threshold on the two-way interaction index.
    #[arg(long, default_value_t = Thresholds::default().one_way_below)]
    pub one_way_below: f64,
    /// Hub threshold on the throughput centralization.
    #[arg(long, default_value_t = Thresholds::default().hub_at_least)]
    pub hub_at_least: f64,
    /// PageRank damping factor.
    #[arg(long, default_value_t = 0.85)]
    pub damping: f64,
    /// Louvain resolution.
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    /// Seed of the Louvain visiting order.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the network with its metrics: FILE.gexf, FILE.graphml or FILE.json.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Also write the network and its class as `network.json` into this run folder, for
    /// `symbiont report` (edges summed over periods, weights as analysed).
    #[arg(long, value_name = "RUN_DIR")]
    pub into: Option<PathBuf>,
    /// Show at most this many nodes in the node table (by betweenness, then throughput).
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Entity networks larger than this are sampled for --export (every support unit kept).
    #[arg(long, default_value_t = 5000)]
    pub sample: usize,
    /// With a run folder: analyse and export only the flows between unit kinds.
    #[arg(long)]
    pub kinds: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PathLengthArg {
    /// 1 / weight: strong flows are short distances.
    Inverse,
    /// The weight is a distance.
    Weight,
    /// Every edge counts 1.
    Hops,
}

/// What the network was built from, for the heading.
struct Source {
    what: String,
    network: Network,
    default_layers: Vec<Layer>,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    // A wrong --into is refused before any work, not after it.
    if let Some(dir) = &a.into {
        crate::out::run_folder(dir)?;
    }
    if !(0.0..=1.0).contains(&a.one_way_below) || !(0.0..=1.0).contains(&a.hub_at_least) {
        bail!(
            "--one-way-below ({}) and --hub-at-least ({}) must lie in [0, 1]",
            a.one_way_below,
            a.hub_at_least
        );
    }
    let format = match &a.export {
        Some(p) => Some(export_format(p)?),
        None => None,
    };
    let per_period = a.per_period || a.period.is_some();
    let src = load(a.input.as_deref(), a.mode.as_deref(), per_period)?;
    let entity = match (a.input.as_deref(), a.mode.as_deref()) {
        (Some(p), Some(m)) if p.is_dir() && !a.kinds => {
            symbiont_study::structure::read_folder_network(p, m)?
        }
        _ => None,
    };
    let layers = match &a.layers {
        Some(list) => parse_layers(list)?,
        None => src.default_layers.clone(),
    };
    let layer_names = if layers.is_empty() {
        "all".to_string()
    } else {
        layers.iter().map(|l| l.name()).collect::<Vec<_>>().join(",")
    };
    let scale = if a.raw { LayerScale::Raw } else { LayerScale::ShareOfLayer };
    let opts = MetricOptions {
        weighted: !a.unweighted,
        path_length: match a.path_length {
            PathLengthArg::Inverse => PathLength::InverseWeight,
            PathLengthArg::Weight => PathLength::Weight,
            PathLengthArg::Hops => PathLength::Hops,
        },
        damping: a.damping,
        resolution: a.resolution,
        seed: a.seed,
        thresholds: Thresholds { one_way_below: a.one_way_below, hub_at_least: a.hub_at_least },
    };
    let net = &src.network;
    let periods = net.periods();
    if let Some(p) = a.period
        && !periods.contains(&p)
    {
        if periods.is_empty() {
            bail!("{}: --period {p}: a scenario's declared relations have no periods", src.what);
        }
        bail!("{}: no flows in period {p}; periods present: {}", src.what, list(&periods));
    }
    // Without --period, per-period edges are summed over the periods.
    let whole = Projection { layers: layers.clone(), period: a.period, scale };
    let report = net
        .analyze(&whole, &opts)
        .with_context(|| format!("{}: layers {layer_names}", src.what))?;

    // Everything goes to one buffer written at the end: a closed pipe (`| head`) then ends
    // the output quietly instead of panicking in `println!`.
    let mut out = String::new();
    if let Some(en) = &entity {
        entity_section(&mut out, en);
    }
    if entity.is_some() {
        outln!(out, "Flows between unit kinds of {} (all runs)", src.what);
    } else {
        outln!(out, "Network of {}", src.what);
    }
    outln!(
        out,
        "layers: {} ({}); {} nodes, {} edges{}",
        layer_names,
        if a.raw { "summed in their own units" } else { "each as a share of its total" },
        report.graph.nodes,
        report.graph.edges,
        match a.period {
            Some(p) => format!("; period {p}"),
            None if !periods.is_empty() => format!("; periods {} summed", span(&periods)),
            None => String::new(),
        }
    );
    out.push('\n');
    outln!(out, "Structure class: {}", report.class.class);
    outln!(out, "  because {}", report.class.reason());
    out.push('\n');
    outln!(out, "{}", graph_table(&report));
    out.push('\n');
    outln!(out, "{}", layer_table(net, &net.layers(), a.period, &opts));
    if per_period && a.period.is_none() && !periods.is_empty() {
        out.push('\n');
        outln!(out, "{}", period_table(net, &periods, &whole, &opts));
    }
    out.push('\n');
    outln!(out, "{}", node_table(&report, net, a.top));
    if !report.graph.eigenvector_converged {
        outln!(
            out,
            "eigenvector: the power iteration did not converge (typical of one-way, acyclic flows): shown as -"
        );
    }
    if let (Some(path), Some(format), Some(en)) = (&a.export, format, &entity) {
        let g = if en.graph.entities().len() > a.sample {
            en.graph.sample(a.sample, a.seed)
        } else {
            en.graph.clone()
        };
        let text = match format {
            Format::Json => {
                let st = g.structure(&StructureOptions { seed: a.seed, ..Default::default() });
                let class = classify(&st, &EntityThresholds::default());
                entity_json(&g, Some((&st, &class)))?
            }
            f => export_entities(&g, f)?,
        };
        write_file(path, text.as_bytes())?;
        outln!(
            out,
            "wrote {} (the first run's entity network: {} of {} entities, {} ties)",
            path.display(),
            g.entities().len(),
            en.graph.entities().len(),
            g.ties().len()
        );
    } else if let (Some(path), Some(format)) = (&a.export, format) {
        // The export keeps every layer and period of the network as built; node metrics are
        // those of the analysis above.
        let text = export(net, Some(&report), format)?;
        write_file(path, text.as_bytes())?;
        outln!(out, "wrote {}", path.display());
    }
    if let Some(dir) = &a.into {
        let path = write_report_part(dir, net, &report.class, &src.what)?;
        outln!(out, "wrote {} (run `symbiont report {}`)", path.display(), dir.display());
    }
    print_out(&out)?;
    Ok(())
}

/// The entity-level view of a run folder: the class over runs, the measures, and the first
/// run's network measured again from its tables.
fn entity_section(out: &mut String, en: &symbiont_study::structure::FolderNetwork) {
    let sm = &en.summary;
    let shares: Vec<String> =
        sm.classes.iter().map(|(c, sh)| format!("{c} {:.0}%", sh * 100.0)).collect();
    outln!(out, "Network the runs formed (entities), mode {}", en.mode);
    outln!(out, "Structure class over runs: {}", shares.join(", "));
    if !sm.first_reason.is_empty() {
        outln!(out, "  first run: {}", sm.first_reason);
    }
    let mut t = table(vec!["measure", "median", "2.5%-97.5% of runs"]);
    for (k, (name, _)) in symbiont_study::structure::MEASURES.iter().enumerate() {
        let (med, lo, hi) = sm.measures[k];
        t.add_row(vec![
            Cell::new(name),
            Cell::new(num(med)),
            Cell::new(format!("{}-{}", num(lo), num(hi))),
        ]);
    }
    outln!(out, "{t}");
    let st = en.graph.structure(&StructureOptions::default());
    let c = classify(&st, &EntityThresholds::default());
    outln!(
        out,
        "first run's network: {} entities, {} tied pairs; class {} ({})",
        st.entities,
        st.ties,
        c.class,
        c.reason
    );
    out.push('\n');
}

/// The network as the report draws it (`DIR/network.json`): nodes with their side, edges by
/// factor layer summed over periods, and the structure class with the numbers behind it.
fn write_report_part(
    dir: &Path,
    net: &symbiont_network::Network,
    class: &symbiont_network::Classification,
    what: &str,
) -> anyhow::Result<PathBuf> {
    use std::collections::BTreeMap;
    use symbiont_report::parts::{NetworkData, NetworkEdge, NetworkNode};
    crate::out::run_folder(dir)?;
    let nodes = net.nodes();
    let mut sums: BTreeMap<(usize, usize, &'static str), f64> = BTreeMap::new();
    for e in net.edges() {
        *sums.entry((e.source, e.target, e.layer.name())).or_default() += e.weight;
    }
    let data = NetworkData {
        nodes: nodes
            .iter()
            .map(|n| NetworkNode { label: n.label.clone(), side: n.side.clone() })
            .collect(),
        edges: sums
            .into_iter()
            .map(|((s, t, layer), w)| NetworkEdge {
                source: nodes[s].label.clone(),
                target: nodes[t].label.clone(),
                factor: layer.to_string(),
                weight: w,
                unit: String::new(),
            })
            .collect(),
        class: class.class.to_string(),
        two_way_index: class.two_way_index,
        centralization: class.centralization,
        note: format!("from `symbiont network` on {what}: {}", class.reason()),
    };
    let path = dir.join("network.json");
    write_file(&path, serde_json::to_string_pretty(&data)?.as_bytes())?;
    Ok(path)
}

fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

fn export_format(p: &Path) -> anyhow::Result<Format> {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    Format::from_extension(ext).with_context(|| {
        format!(
            "--export {}: unknown extension {ext:?}; expected .gexf, .graphml or .json",
            p.display()
        )
    })
}

fn parse_layers(list: &str) -> anyhow::Result<Vec<Layer>> {
    if list.trim().eq_ignore_ascii_case("all") {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(|s| {
            Layer::parse(s).with_context(|| {
                format!(
                    "--layers: {s:?} is not a layer; expected capital, technology, talent, \
                     information, goods, profit, relation or all"
                )
            })
        })
        .collect()
}

fn load(input: Option<&Path>, mode: Option<&str>, per_period: bool) -> anyhow::Result<Source> {
    let flows_file = match input {
        Some(p) if p.is_dir() => {
            let f = p.join("flows.csv");
            if !f.is_file() {
                bail!(
                    "{}: this run folder has no flows.csv (expected the header `{}`)",
                    p.display(),
                    symbiont_network::FLOW_COLUMNS.join(",")
                );
            }
            Some(f)
        }
        Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => {
            Some(p.to_path_buf())
        }
        _ => None,
    };
    if let Some(file) = flows_file {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {name}"))?;
        let table = FlowTable::parse(&name, &text)?;
        let mode = table.choose_mode(mode)?;
        let network = table.network(&mode, per_period).with_context(|| name.clone())?;
        return Ok(Source {
            what: format!("{name}, mode {mode}"),
            network,
            default_layers: Vec::new(),
        });
    }
    if mode.is_some() {
        bail!(
            "--mode selects flows of a simulation run; a scenario's declared relations have no mode"
        );
    }
    let scenario = crate::diag::load_scenario(input)?;
    let what = match input {
        Some(p) => format!("{} (declared relations)", p.display()),
        None => format!("{} (embedded; declared relations)", symbiont_model::DEFAULT_SCENARIO_NAME),
    };
    Ok(Source { what, network: scenario_network(&scenario)?, default_layers: Vec::new() })
}

/// The declared-relations network: units that take part in a relation, one edge per
/// direction (two for a two-way relation), in the layer of the relation's factor when the
/// factor is a flow layer and in the `relation` layer otherwise.
fn scenario_network(s: &symbiont_model::Scenario) -> anyhow::Result<Network> {
    let mut net = Network::new();
    let units = s.units();
    let node = |net: &mut Network, r: symbiont_model::UnitRef| -> anyhow::Result<usize> {
        let u = units
            .iter()
            .find(|u| u.unit == r)
            .with_context(|| format!("a relation refers to an unknown {} unit", r.kind.word()))?;
        Ok(net.add_node(Node {
            label: u.id.to_string(),
            kind: r.kind.word().to_string(),
            side: u.side.word().to_string(),
        }))
    };
    for rel in &s.relations {
        let a = node(&mut net, rel.a)?;
        let b = node(&mut net, rel.b)?;
        let layer = rel.factor.and_then(|f| Layer::parse(f.word())).unwrap_or(Layer::Relation);
        let edge = |source, target| symbiont_network::Edge {
            source,
            target,
            layer,
            period: None,
            weight: rel.weight,
        };
        net.add_edge(edge(a, b))?;
        if rel.two_way {
            net.add_edge(edge(b, a))?;
        }
    }
    Ok(net)
}

fn graph_table(r: &Report) -> comfy_table::Table {
    let g = &r.graph;
    let mut t = table(["graph metric", "value", "meaning"]);
    let mut row = |name: &str, value: String, meaning: &str| {
        t.add_row([Cell::new(name), Cell::new(value), Cell::new(meaning)]);
    };
    row("density", num(g.density), "edges / possible directed edges");
    row("reciprocity", num(g.reciprocity), "share of ties that are two-way");
    if let Some(m) = &r.m11 {
        row(
            "M11 two-way interaction index",
            num(m.index),
            "mean over factors of 2 min(out, back) / (out + back) across the border",
        );
    }
    row(
        "pairwise two-way index",
        num(g.two_way_index),
        "sum min(w_ij, w_ji) / sum w_ij over pairs",
    );
    if let Some(c) = g.cross_border {
        row("home -> host", num(c.outward), "flow out, selected layers");
        row("host -> home", num(c.backward), "flow back, selected layers");
        row("cross-border balance", num(c.balance), "min(out, back) / max(out, back)");
    }
    row("throughput centralization", num(g.centralization), "1 = a star, 0 = all equal");
    row("Herfindahl (throughput)", num(g.herfindahl), "sum of squared throughput shares");
    row("Gini (throughput)", num(g.gini), "inequality of node throughput");
    row("average clustering", num(g.average_clustering), "undirected projection");
    row("transitivity", num(g.transitivity), "3 x triangles / connected triples");
    row("communities (Louvain)", g.communities.to_string(), &format!("seed {}", r.options.seed));
    row("modularity", num(g.modularity), "of the Louvain partition");
    row(
        "core/periphery fit",
        g.core_periphery_fit.map_or("-".to_string(), num),
        &format!("Borgatti-Everett correlation; core of {} node(s), marked * below", g.core_size),
    );
    t
}

fn layer_table(
    net: &Network,
    layers: &[Layer],
    period: Option<u32>,
    opts: &MetricOptions,
) -> comfy_table::Table {
    let mut t = table([
        "layer",
        "unit",
        "edges",
        "total",
        "home->host",
        "host->home",
        "M11 balance",
        "reciprocity",
        "centralization",
    ]);
    for &layer in layers {
        let p = Projection { layers: vec![layer], period, scale: LayerScale::Raw };
        let g = net.project(&p);
        let mut cells = vec![
            layer.name().to_string(),
            layer.unit().to_string(),
            g.edge_count().to_string(),
            num(g.total_weight()),
        ];
        match net.m11(&p).and_then(|m| m.layers.first().copied()) {
            Some((_, out, back, balance)) => cells.extend([num(out), num(back), num(balance)]),
            None => cells.extend(["0".into(), "0".into(), "-".into()]),
        }
        match net.analyze(&p, opts) {
            Ok(r) => cells.extend([num(r.graph.reciprocity), num(r.graph.centralization)]),
            Err(_) => cells.extend(["no flows".into(), "-".into()]),
        }
        t.add_row(cells);
    }
    t
}

fn period_table(
    net: &Network,
    periods: &[u32],
    whole: &Projection,
    opts: &MetricOptions,
) -> comfy_table::Table {
    let mut t =
        table(["period", "edges", "two-way index", "reciprocity", "centralization", "class"]);
    // The two-way index is the one the class uses (M11 when sides are known).
    for &p in periods {
        let proj = Projection { period: Some(p), ..whole.clone() };
        match net.analyze(&proj, opts) {
            Ok(r) => t.add_row([
                p.to_string(),
                r.graph.edges.to_string(),
                num(r.class.two_way_index),
                num(r.graph.reciprocity),
                num(r.graph.centralization),
                r.class.class.to_string(),
            ]),
            Err(_) => t.add_row([
                p.to_string(),
                "0".into(),
                "no flows".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]),
        };
    }
    t
}

fn node_table(r: &Report, net: &Network, top: usize) -> comfy_table::Table {
    let mut t = table([
        "node",
        "side",
        "in/out deg",
        "in strength",
        "out strength",
        "betweenness",
        "closeness",
        "eigenvector",
        "pagerank",
        "clustering",
        "community",
        "core",
    ]);
    let mut order: Vec<usize> = (0..r.nodes.len()).collect();
    let through = |v: usize| r.nodes[v].in_strength + r.nodes[v].out_strength;
    order.sort_by(|&a, &b| {
        r.nodes[b]
            .betweenness
            .total_cmp(&r.nodes[a].betweenness)
            .then(through(b).total_cmp(&through(a)))
    });
    for &v in order.iter().take(top) {
        let m = &r.nodes[v];
        t.add_row([
            m.label.clone(),
            net.nodes()[v].side.clone(),
            format!("{}/{}", m.in_degree, m.out_degree),
            num(m.in_strength),
            num(m.out_strength),
            num(m.betweenness),
            num(m.closeness),
            m.eigenvector.map_or("-".to_string(), num),
            num(m.pagerank),
            num(m.clustering),
            m.community.to_string(),
            format!("{}{}", m.core_number, if m.core { "*" } else { "" }),
        ]);
    }
    if order.len() > top {
        t.add_row([format!("... {} more (use --top)", order.len() - top)]);
    }
    t
}

fn list(xs: &[u32]) -> String {
    xs.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn span(xs: &[u32]) -> String {
    match (xs.first(), xs.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}
