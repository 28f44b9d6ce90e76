#!/usr/bin/env python3
"""Sweep throughput and memory: the default scenario at its default size (20 periods, 2,000
enterprises, 3,000 host firms), a random design of P points x 10 replications of the network
mode, on 2 threads, streamed to Parquet. For each P: wall time, runs per second and peak RSS
(/usr/bin/time -v). Peak RSS must not grow with P.

Run from the repository root:  bench/.venv/bin/python bench/sweep_scale.py [P ...]
(default P = 200 1000 2000). The release binary is built first, unless SYMBIONT names one.

There is no Python peer in this one: the peers named by the issue (NetLogo BehaviorSpace, Mesa's
batch_run) run their own models, not this one, and are not installed here. The comparison that
matters is internal: memory against the number of points (flat), and runs per second against
the plain `symbiont simulate` of the same scenario measured in the same run.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("SYMBIONT", ROOT / "target" / "release" / "symbiont"))
POINTS = [int(a) for a in sys.argv[1:]] or [200, 1000, 2000]
REPS = 10

SPEC = """[sweep]
name = "bench"
scenario = "default"
seed = 1
replications = {reps}
modes = ["network"]
outputs = ["entered@network", "host_jobs@network", "survival@network"]
chunk = 8

[design]
kind = "random"
samples = {points}

[[parameter]]
path = "environment.host_openness"
dist = "uniform"
low = 0.3
high = 0.8

[[parameter]]
path = "mode[network].reinvest_share"
dist = "uniform"
low = 0.0
high = 0.8

[[parameter]]
path = "finance[eximbank-js].credit_capacity_usd"
dist = "loguniform"
low = 2.0e8
high = 3.2e9
"""


def timed(args):
    out = subprocess.run(["/usr/bin/time", "-v", *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", out.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return secs, rss / 1024


if "SYMBIONT" not in os.environ:
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "symbiont-cli"], cwd=ROOT, check=True)
with tempfile.TemporaryDirectory() as tmp:
    # Reference: one study of the same scenario (network only, 200 runs) on 2 threads.
    ref = []
    for i in range(3):
        s, _ = timed([str(BIN), "simulate", "--modes", "network", "--runs", "200", "--threads", "2",
                      "--out", f"{tmp}/sim{i}", "--format", "parquet", "--quiet"])
        ref.append(200 / s)
    print(f"symbiont simulate, default scenario, network, 200 runs: {statistics.median(ref):.1f} runs/s (median of 3)")
    print("| points | runs | wall | runs/s | peak RSS |")
    print("|---|---|---|---|---|")
    for p in POINTS:
        spec = Path(tmp) / f"sweep-{p}.toml"
        spec.write_text(SPEC.format(reps=REPS, points=p))
        secs, rss = timed([str(BIN), "sweep", "run", str(spec), "--out", f"{tmp}/out-{p}", "--threads", "2", "--quiet"])
        runs = p * REPS
        print(f"| {p} | {runs} | {secs:.1f} s | {runs / secs:.1f} | {rss:.0f} MiB |", flush=True)
