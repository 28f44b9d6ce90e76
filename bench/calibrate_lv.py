#!/usr/bin/env python3
"""Side-by-side: ABC-SMC of symbiont-calibrate against pyABC on the lynx-hare series.

The same problem on both sides:
  model      F3 predator-prey (Lotka-Volterra) from the 1900 observation (hare 30, lynx 4);
             symbiont: our Dormand-Prince integrator (symbiont-dynamics, rtol 1e-6, atol 1e-8);
             pyABC: scipy's solve_ivp (RK45, rtol 1e-6, atol 1e-8).
  statistics log hare and log lynx in 1901..1920 (40 numbers), each plus N(0, 0.2²) noise.
  priors     uniform: alpha [0.2, 1.2], beta [0.005, 0.08], gamma [0.3, 1.5], delta [0.005, 0.08].
  distance   Euclidean on the statistics divided by 0.2 (fixed scales).
  tolerance  the median of the previous generation's weighted distances.
  kernel     multivariate normal, Silverman's bandwidth on the weighted covariance (pyABC's
             default; `--kernel silverman` on ours).
  population 500 particles; budget 30,000 simulations; 2 worker processes / threads.

Stopping differs in one detail, reported in the table: pyABC checks the budget after a
generation (its last generation runs to completion past the budget, and it spends a
calibration sample of 500 prior draws first); ours never runs past the budget and keeps the
last complete generation.

Run from the repository root:  bench/.venv/bin/python bench/calibrate_lv.py [--seeds 3]
It builds the example `calibrate_lv` in release mode, runs it and pyABC once per seed, and
prints Markdown tables: posterior quantiles (median over seeds, and the seed-to-seed range
of the posterior median), and wall times (medians over seeds).
"""
import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / "bench" / ".venv" / "bin" / "python"
if not VENV_PY.exists():
    subprocess.run([str(ROOT / "bench" / "setup-venv.sh")], check=True)
if Path(sys.executable).resolve() != VENV_PY.resolve() and os.environ.get("SYMBIONT_BENCH_REEXEC") != "1":
    os.environ["SYMBIONT_BENCH_REEXEC"] = "1"
    os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])

import numpy as np  # noqa: E402
import pyabc  # noqa: E402
from pyabc.weighted_statistics import weighted_quantile  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

NAMES = ["alpha", "beta", "gamma", "delta"]
BOUNDS = [(0.2, 1.2), (0.005, 0.08), (0.3, 1.5), (0.005, 0.08)]
LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95]
NOISE = 0.2
PARTICLES = 500
BUDGET = 30_000
WORKERS = 2

data = np.loadtxt(ROOT / "data" / "lynx_hare.csv", delimiter=",", skiprows=1)  # Year, Lynx, Hare
X0 = [data[0, 2], data[0, 1]]
T_OBS = data[1:, 0] - data[0, 0]
OBSERVED = np.column_stack([np.log(data[1:, 2]), np.log(data[1:, 1])]).ravel()


def lv_model(p):
    a, b, g, d = p["alpha"], p["beta"], p["gamma"], p["delta"]

    def rhs(_t, z):
        return [(a - b * z[1]) * z[0], (-g + d * z[0]) * z[1]]

    s = solve_ivp(rhs, (0.0, T_OBS[-1]), X0, t_eval=T_OBS, rtol=1e-6, atol=1e-8)
    if not s.success or s.y.shape[1] != len(T_OBS) or not np.all(np.isfinite(s.y)):
        # A failed integration: pyABC has no failure value, so it gets an infinite distance.
        return {"y": np.full(len(OBSERVED), np.inf)}
    y = np.log(np.maximum(s.y.T, 1e-300)).ravel()
    return {"y": y + NOISE * np.random.standard_normal(len(y))}


def distance(x, x0):
    d = (x["y"] - x0["y"]) / NOISE
    return float(np.sqrt(np.sum(d * d))) if np.all(np.isfinite(d)) else np.inf


def run_pyabc(seed):
    np.random.seed(seed)
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in zip(NAMES, BOUNDS)})
    abc = pyabc.ABCSMC(
        lv_model,
        prior,
        distance,
        population_size=PARTICLES,
        transitions=pyabc.MultivariateNormalTransition(),
        eps=pyabc.QuantileEpsilon(alpha=0.5),
        sampler=pyabc.sampler.MulticoreEvalParallelSampler(n_procs=WORKERS),
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        abc.new(f"sqlite:///{tmp}/lv.db", {"y": OBSERVED})
        h = abc.run(max_total_nr_simulations=BUDGET, min_acceptance_rate=0.0)
        wall = time.perf_counter() - start
        df, w = h.get_distribution(m=0, t=h.max_t)
        pops = h.get_all_populations()
        return {
            "wall": wall,
            "total_simulations": int(h.total_nr_simulations),
            "generations": int(h.max_t) + 1,
            "final_epsilon": float(pops["epsilon"].iloc[-1]),
            "quantiles": {n: [float(weighted_quantile(df[n].to_numpy(), weights=w, alpha=q)) for q in LEVELS] for n in NAMES},
        }


def run_ours(binary, seed):
    start = time.perf_counter()
    out = subprocess.run(
        [str(binary), "--particles", str(PARTICLES), "--budget", str(BUDGET), "--threads", str(WORKERS),
         "--seed", str(seed), "--kernel", "silverman", "--noise", str(NOISE)],
        check=True, capture_output=True, text=True,
    ).stdout
    wall = time.perf_counter() - start
    r = json.loads(out)
    complete = [g for g in r["generations"] if g["complete"]]
    return {
        "wall": wall,
        "total_simulations": r["total_simulations"],
        "generations": len(complete),
        "final_epsilon": complete[-1]["epsilon"],
        "quantiles": r["quantiles"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    logging.getLogger("ABC").setLevel(logging.WARNING)
    for name in ["ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Population"]:
        logging.getLogger(name).setLevel(logging.WARNING)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "symbiont-calibrate", "--example", "calibrate_lv"],
                   cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "examples" / "calibrate_lv"
    ours, theirs = [], []
    for seed in range(1, args.seeds + 1):
        ours.append(run_ours(binary, seed))
        theirs.append(run_pyabc(seed))
        print(f"seed {seed}: symbiont {ours[-1]['wall']:.2f} s, pyABC {theirs[-1]['wall']:.2f} s", file=sys.stderr)

    def med(runs, n, i):
        return statistics.median(r["quantiles"][n][i] for r in runs)

    def rng(runs, n):
        v = [r["quantiles"][n][2] for r in runs]
        return min(v), max(v)

    print(f"pyabc {pyabc.__version__}, numpy {np.__version__}; {args.seeds} seeds; {PARTICLES} particles; "
          f"budget {BUDGET}; {WORKERS} workers\n")
    print("| parameter | tool | q05 | q25 | q50 | q75 | q95 | q50 over seeds |")
    print("|---|---|---|---|---|---|---|---|")
    for n in NAMES:
        for label, runs in [("symbiont", ours), ("pyABC", theirs)]:
            qs = " | ".join(f"{med(runs, n, i):.4g}" for i in range(5))
            lo, hi = rng(runs, n)
            print(f"| {n} | {label} | {qs} | {lo:.4g}-{hi:.4g} |")
    print()
    print("| | symbiont | pyABC | ratio |")
    print("|---|---|---|---|")
    wo, wt = statistics.median(r["wall"] for r in ours), statistics.median(r["wall"] for r in theirs)
    print(f"| wall time (median) | {wo:.2f} s | {wt:.1f} s | {wt / wo:.0f}x |")
    for key, fmt in [("total_simulations", "{:.0f}"), ("generations", "{:.0f}"), ("final_epsilon", "{:.2f}")]:
        a = statistics.median(r[key] for r in ours)
        b = statistics.median(r[key] for r in theirs)
        print(f"| {key.replace('_', ' ')} (median) | {fmt.format(a)} | {fmt.format(b)} | |")
    so = statistics.median(r["total_simulations"] / r["wall"] for r in ours)
    st = statistics.median(r["total_simulations"] / r["wall"] for r in theirs)
    print(f"| simulations per second | {so:,.0f} | {st:,.0f} | {so / st:.0f}x |")


if __name__ == "__main__":
    main()
