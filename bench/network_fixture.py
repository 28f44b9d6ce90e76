#!/usr/bin/env python3
"""Generate the reference values that symbiont-network's tests check against.

Run once; the output is committed:
    bench/.venv/bin/python bench/network_fixture.py
writes crates/symbiont-network/tests/it/fixtures/reference.json.

Graphs: two seeded random digraphs (weights drawn from {1, 2, 4}, so that 1/w and sums of
them are exact in binary and shortest-path ties are unambiguous), and three real graphs that
ship with networkx (Zachary's karate club and Les Miserables, weighted; the Florentine
families, unweighted), made directed with both directions. Expected values come from networkx,
with igraph as a second oracle for unweighted betweenness.
"""
import json
import os
import random
import sys

import igraph
import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "crates", "symbiont-network", "tests", "it", "fixtures", "reference.json")


def random_digraph(n, m, seed):
    rng = random.Random(seed)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    while g.number_of_edges() < m:
        s, t = rng.randrange(n), rng.randrange(n)
        if s != t and not g.has_edge(s, t):
            g.add_edge(s, t, weight=float(rng.choice([1, 2, 4])))
    return g


def from_undirected(u, weighted):
    nodes = sorted(u.nodes(), key=str)
    idx = {v: i for i, v in enumerate(nodes)}
    g = nx.DiGraph()
    g.add_nodes_from(range(len(nodes)))
    for a, b, d in u.edges(data=True):
        w = float(d.get("weight", 1.0)) if weighted else 1.0
        g.add_edge(idx[a], idx[b], weight=w)
        g.add_edge(idx[b], idx[a], weight=w)
    return g


def values(d, n):
    return [float(d[i]) for i in range(n)]


def eigen(g, weight):
    try:
        return values(nx.eigenvector_centrality(g, max_iter=1000, tol=1e-9, weight=weight), g.number_of_nodes())
    except nx.PowerIterationFailedConvergence:
        return None


def two_way_index(g):
    total = sum(d["weight"] for _, _, d in g.edges(data=True))
    matched = sum(min(d["weight"], g[t][s]["weight"]) if g.has_edge(t, s) else 0.0
                  for s, t, d in g.edges(data=True))
    return matched / total


def reference(name, g, exact_inverse):
    n = g.number_of_nodes()
    for s, t, d in g.edges(data=True):
        d["inv"] = 1.0 / d["weight"]
    und = nx.Graph()
    und.add_nodes_from(range(n))
    und.add_edges_from((s, t) for s, t in g.edges())
    sym = nx.Graph()
    sym.add_nodes_from(range(n))
    for s, t, d in g.edges(data=True):
        w = d["weight"] + (sym[s][t]["weight"] if sym.has_edge(s, t) else 0.0)
        sym.add_edge(s, t, weight=w)
    parts = nx.community.louvain_communities(sym, weight="weight", seed=1)
    membership = [0] * n
    for c, members in enumerate(parts):
        for v in members:
            membership[v] = c
    ig = igraph.Graph(n=n, edges=list(g.edges()), directed=True)
    ig_bc = ig.betweenness(directed=True)
    scale = 1.0 / ((n - 1) * (n - 2))
    ref = {
        "name": name,
        "n": n,
        "edges": [[s, t, d["weight"]] for s, t, d in sorted(g.edges(data=True))],
        "density": nx.density(g),
        "reciprocity": nx.reciprocity(g),
        "two_way_index": two_way_index(g),
        "betweenness_hops": values(nx.betweenness_centrality(g, normalized=True), n),
        "betweenness_hops_igraph": [b * scale for b in ig_bc],
        "betweenness_weight": values(nx.betweenness_centrality(g, normalized=True, weight="weight"), n),
        "closeness_hops": values(nx.closeness_centrality(g), n),
        "closeness_inverse": values(nx.closeness_centrality(g, distance="inv"), n),
        "eigenvector_weighted": eigen(g, "weight"),
        "eigenvector_unweighted": eigen(g, None),
        "pagerank_weighted": values(nx.pagerank(g, alpha=0.85, tol=1e-12, max_iter=1000, weight="weight"), n),
        "pagerank_unweighted": values(nx.pagerank(g, alpha=0.85, tol=1e-12, max_iter=1000, weight=None), n),
        "clustering": values(nx.clustering(und), n),
        "average_clustering": nx.average_clustering(und),
        "transitivity": nx.transitivity(und),
        "core_number": [int(nx.core_number(und)[i]) for i in range(n)],
        "louvain_membership": membership,
        "louvain_modularity": nx.community.modularity(sym, parts, weight="weight"),
        # Louvain is a heuristic: its quality over ten seeds is the fair yardstick.
        "louvain_modularity_seeds": [
            nx.community.modularity(sym, nx.community.louvain_communities(sym, weight="weight", seed=k), weight="weight")
            for k in range(10)
        ],
    }
    if exact_inverse:
        ref["betweenness_inverse"] = values(nx.betweenness_centrality(g, normalized=True, weight="inv"), n)
    return ref


def main():
    graphs = [
        reference("random_40_130", random_digraph(40, 130, 1), True),
        reference("random_60_240", random_digraph(60, 240, 2), True),
        reference("karate", from_undirected(nx.karate_club_graph(), True), False),
        reference("les_miserables", from_undirected(nx.les_miserables_graph(), True), False),
        reference("florentine", from_undirected(nx.florentine_families_graph(), False), True),
    ]
    doc = {
        "generated_by": "bench/network_fixture.py",
        "networkx": nx.__version__,
        "igraph": igraph.__version__,
        "python": sys.version.split()[0],
        "graphs": graphs,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(graphs)} graphs")


if __name__ == "__main__":
    main()
