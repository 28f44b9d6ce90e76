#!/usr/bin/env python3
"""Calibration of the default scenario to the default targets (the worked example of
docs/examples/calibration.md): wall time, process CPU and simulations per second of
`symbiont calibrate`, repeated; with --mesa-python, the Mesa peer's CPU per simulation of the
same scenario and horizon, measured in the same sitting, for the ratio a Python ABC library
driving a Python implementation of the model would pay per simulation (the ABC's own cost
left out on both sides).

Prerequisites (this script builds nothing):

    cargo build --release -p symbiont-cli
    # for the Mesa side, as bench/abm_vs_mesa.py says:
    cargo build --release -p symbiont-abm --example scale
    python3.12 -m venv mesa-venv && mesa-venv/bin/pip install "mesa[network]>=3.5,<3.6" numpy pandas

Run from the repository root:

    python3 bench/calibrate_model.py --reps 3 --threads 2 \\
        --mesa-python mesa-venv/bin/python --peer ../shared/peers/mesa_goingout

What is timed: the whole `symbiont calibrate --out TMP` process (wall clock, and user + system
CPU from wait4), with the embedded calibration (500 particles, a budget of 20,000 simulations,
each simulation 12 yearly periods of the default scenario: 2,001 enterprises, 3,000 host firms)
and its posterior predictive check (200 more simulations). The simulations count is read from
the folder's manifest.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(binary, threads, out):
    t0 = time.perf_counter()
    p = subprocess.Popen([str(binary), "calibrate", "--out", str(out), "--threads", str(threads), "-q"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"symbiont calibrate failed: {p.stderr.read().decode()}")
    m = json.loads((out / "manifest.json").read_text())
    return wall, ru.ru_utime + ru.ru_stime, m["simulations"] + 200


def mesa_cpu_per_simulation(a):
    """Median Mesa CPU seconds per simulation of the default scenario over 12 periods."""
    cmd = [sys.executable, str(ROOT / "bench" / "abm_vs_mesa.py"), "--peer", a.peer,
           "--mesa-python", a.mesa_python, "--reps", "1", "--modes", "fight_alone",
           "--sizes", "2001:12:5"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    row = [l for l in out.splitlines() if l.startswith("| 2,001")][0]
    cells = [c.strip() for c in row.strip("|").split("|")]
    def rate(s):
        v, unit = s.split()
        return float(v) * (1e6 if unit == "M" else 1e3)
    return 2001 * 12 / rate(cells[3]), 2001 * 12 / rate(cells[2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--binary", default=str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "symbiont"))
    ap.add_argument("--mesa-python")
    ap.add_argument("--peer", default=str(ROOT.parent / "shared" / "peers" / "mesa_goingout"))
    a = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load0 = os.getloadavg()[0]
    walls, cpus, sims = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.reps):
            out = Path(tmp) / f"c{r}"
            wall, cpu, sims = run_once(a.binary, a.threads, out)
            walls.append(wall)
            cpus.append(cpu)
            print(f"rep {r + 1}/{a.reps}: {wall:.1f} s wall, {cpu:.1f} s CPU, {sims} simulations",
                  file=sys.stderr, flush=True)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"\n{started}, {a.reps} repetitions on {a.threads} thread(s); load average {load0:.1f} "
          f"at the start, {os.getloadavg()[0]:.1f} at the end (1 min)\n")
    print("| measure | median |")
    print("|---|---:|")
    print(f"| wall time of the worked example (`symbiont calibrate`, {sims:,} simulations) | {wall:.1f} s |")
    print(f"| simulations per second (wall, {a.threads} threads) | {sims / wall:,.0f} |")
    print(f"| process CPU | {cpu:.1f} s |")
    print(f"| CPU per simulation (calibration included) | {cpu / sims * 1e3:.2f} ms |")
    if a.mesa_python:
        mesa, engine = mesa_cpu_per_simulation(a)
        print(f"| Mesa peer, CPU per simulation of the same scenario and horizon (engine only) | {mesa * 1e3:.0f} ms |")
        print(f"| symbiont engine alone, CPU per simulation (same sitting) | {engine * 1e3:.2f} ms |")
        print(f"| Mesa CPU per simulation / symbiont calibration CPU per simulation | {mesa / (cpu / sims):.0f}× |")


if __name__ == "__main__":
    main()
