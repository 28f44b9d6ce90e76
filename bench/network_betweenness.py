#!/usr/bin/env python3
"""Exact betweenness on one 10k-node / 100k-edge digraph: symbiont vs networkx vs igraph.

All three run in this one script on the same edge list:
    bench/.venv/bin/python bench/network_betweenness.py [--repeats 5] [--nx-sources K]

The graph is networkx's G(n, m) random digraph, n = 10 000, m = 100 000, seed 42, written as
an edge list under target/bench-network/. Ours is the release build of the
`betweenness_timing` example of symbiont-network (all cores, rayon). igraph and networkx
are single-threaded, as they ship. networkx is run over all sources once (about 8 minutes on
the project machine); with --nx-sources K it runs K seeded sources and scales the time by n/K
instead, and says so in the output. Values are cross-checked: ours against igraph's, node by
node.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV_PY = os.path.join(HERE, ".venv", "bin", "python")


def ensure_venv():
    if not os.path.exists(VENV_PY):
        subprocess.run([os.path.join(HERE, "setup-venv.sh")], check=True)
    if os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HERE, ".venv")):
        os.execv(VENV_PY, [VENV_PY] + sys.argv)


def main():
    ensure_venv()
    import igraph
    import networkx as nx

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nx-sources", type=int, default=0, help="0 = all sources (exact)")
    args = ap.parse_args()

    n, m, seed = 10_000, 100_000, 42
    out_dir = os.path.join(ROOT, "target", "bench-network")
    os.makedirs(out_dir, exist_ok=True)
    edges_path = os.path.join(out_dir, f"gnm_{n}_{m}_seed{seed}.edges")
    values_path = os.path.join(out_dir, "symbiont_betweenness.txt")
    G = nx.gnm_random_graph(n, m, seed=seed, directed=True)
    with open(edges_path, "w") as f:
        f.write(f"# G(n={n}, m={m}) directed, networkx seed {seed}\n")
        for s, t in G.edges():
            f.write(f"{s} {t}\n")

    # ours
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "symbiont-network", "--example",
                    "betweenness_timing"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "betweenness_timing")
    def child_cpu():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    load_before = os.getloadavg()[0]
    c0 = child_cpu()
    res = subprocess.run([exe, edges_path, str(args.repeats), values_path], check=True,
                         capture_output=True, text=True)
    ours = json.loads(res.stdout)
    ours["cpu_s"] = (child_cpu() - c0) / ours["repeats"]
    # The same kernel on one thread, for a per-core comparison with the single-threaded peers.
    c0 = child_cpu()
    res1 = subprocess.run([exe, edges_path, str(args.repeats)], check=True, capture_output=True,
                          text=True, env={**os.environ, "RAYON_NUM_THREADS": "1"})
    ours1 = json.loads(res1.stdout)
    ours1["cpu_s"] = (child_cpu() - c0) / ours1["repeats"]

    # igraph
    ig = igraph.Graph(n=n, edges=list(G.edges()), directed=True)
    ig_times, ig_cpu, ig_values = [], [], None
    for _ in range(args.repeats):
        t0, p0 = time.perf_counter(), time.process_time()
        ig_values = ig.betweenness(directed=True)
        ig_times.append(time.perf_counter() - t0)
        ig_cpu.append(time.process_time() - p0)
    ig_median = statistics.median(ig_times)
    ig_cpu_median = statistics.median(ig_cpu)

    with open(values_path) as f:
        our_values = [float(x) for x in f]
    max_rel = max(abs(a - b) / (1.0 + abs(b)) for a, b in zip(our_values, ig_values))

    # networkx
    t0, p0 = time.perf_counter(), time.process_time()
    if args.nx_sources:
        nx.betweenness_centrality(G, k=args.nx_sources, normalized=False, seed=1)
        scale = n / args.nx_sources
        nx_note = f"{args.nx_sources} sources, scaled by n/k"
    else:
        nx.betweenness_centrality(G, normalized=False)
        scale = 1.0
        nx_note = "all sources, one run"
    nx_time = (time.perf_counter() - t0) * scale
    nx_cpu = (time.process_time() - p0) * scale

    print(f"graph: G(n={n}, m={m}) directed, seed {seed}; "
          f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"check: max relative difference ours vs igraph = {max_rel:.2e}")
    # Wall time depends on what else the shared machine runs; CPU time (user + system, all
    # threads) is the work done. Ratios are the peer's time over ours (2 threads, 1 thread).
    w2, w1, c2, c1 = ours["median_s"], ours1["median_s"], ours["cpu_s"], ours1["cpu_s"]
    print("| tool | wall s (median) | CPU s per run | runs | wall: peer / ours | CPU: peer / ours 1-thread |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| symbiont-network, {ours['threads']} threads | {w2:.2f} | {c2:.2f} | {ours['repeats']} | | |")
    print(f"| symbiont-network, 1 thread | {w1:.2f} | {c1:.2f} | {ours1['repeats']} | | |")
    print(f"| python-igraph {igraph.__version__} | {ig_median:.2f} | {ig_cpu_median:.2f} | {args.repeats} | "
          f"{ig_median / w2:.1f}x / {ig_median / w1:.1f}x | {ig_cpu_median / c1:.1f}x |")
    print(f"| networkx {nx.__version__} ({nx_note}) | {nx_time:.1f} | {nx_cpu:.1f} | 1 | "
          f"{nx_time / w2:.0f}x / {nx_time / w1:.0f}x | {nx_cpu / c1:.0f}x |")


if __name__ == "__main__":
    main()
