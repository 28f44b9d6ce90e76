#!/usr/bin/env python3
"""Side-by-side benchmark: symbiont-sweep's Saltelli design and Sobol indices against scipy +
numpy on the Ishigami function, in one run.

Both sides: N base rows of the unscrambled Joe-Kuo Sobol sequence in 6 dimensions (skipping
the origin), the Saltelli matrices A, AB_1..AB_3, B, Ishigami evaluated at the N*5 points, then
first-order (Saltelli 2010) and total (Jansen) indices with a percentile bootstrap of R
resamples. Python: scipy.stats.qmc.Sobol(scramble=False) and vectorised numpy (the recipe a
SALib user runs). Point estimates must agree to 1e-9 (same points, same estimators).

Run from the repository root:  bench/.venv/bin/python bench/sweep_indices.py [N] [R]
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / "bench" / ".venv" / "bin" / "python"
if not VENV_PY.exists():
    subprocess.run([str(ROOT / "bench" / "setup-venv.sh")], check=True)
if Path(sys.executable).resolve() != VENV_PY.resolve() and os.environ.get("SYMBIONT_BENCH_REEXEC") != "1":
    os.environ["SYMBIONT_BENCH_REEXEC"] = "1"
    os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])

import numpy as np  # noqa: E402
from scipy.stats import qmc  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
R = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
REPEATS = 7
K = 3


def ishigami(x):
    x = -np.pi + 2 * np.pi * x
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def design():
    s = qmc.Sobol(d=2 * K, scramble=False).random(N + 1)[1:]
    a, b = s[:, :K], s[:, K:]
    ab = [a.copy() for _ in range(K)]
    for i in range(K):
        ab[i][:, i] = b[:, i]
    return ishigami(a), ishigami(b), np.stack([ishigami(m) for m in ab])


def indices(fa, fb, fab, rows):
    fa, fb, fab = fa[rows], fb[rows], fab[:, rows]
    var = np.var(np.concatenate([fa, fb]))
    s1 = np.mean(fb * (fab - fa), axis=-1) / var
    st = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / var
    return s1, st


def analysis(fa, fb, fab):
    s1, st = indices(fa, fb, fab, np.arange(N))
    rng = np.random.default_rng(1)
    boot = [indices(fa, fb, fab, rng.integers(0, N, N)) for _ in range(R)]
    b1 = np.array([b[0] for b in boot])
    bt = np.array([b[1] for b in boot])
    return s1, st, np.percentile(b1, [2.5, 97.5], axis=0), np.percentile(bt, [2.5, 97.5], axis=0)


t_design, t_analysis = [], []
for _ in range(REPEATS):
    t0 = time.perf_counter()
    fa, fb, fab = design()
    t_design.append(time.perf_counter() - t0)
    t1 = time.perf_counter()
    s1, st, _, _ = analysis(fa, fb, fab)
    t_analysis.append(time.perf_counter() - t1)

cmd = ["cargo", "run", "-q", "--release", "-p", "symbiont-sweep", "--example", "sweep_indices", "--",
       str(N), str(R), str(REPEATS)]
ours = json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)

agree = max(np.max(np.abs(np.array(ours["s1"]) - s1)), np.max(np.abs(np.array(ours["st"]) - st)))
pd, pa = statistics.median(t_design), statistics.median(t_analysis)
print(f"Ishigami, N = {N} base rows ({N * (K + 2)} evaluations), {R} bootstrap resamples, "
      f"median of {REPEATS}")
print("| step | symbiont-sweep | scipy + numpy | ratio (numpy / ours) |")
print("|---|---|---|---|")
print(f"| Saltelli design + evaluation | {ours['design_s'] * 1e3:.1f} ms | {pd * 1e3:.1f} ms | {pd / ours['design_s']:.2f} |")
print(f"| indices + bootstrap | {ours['analysis_s'] * 1e3:.1f} ms | {pa * 1e3:.1f} ms | {pa / ours['analysis_s']:.2f} |")
print(f"largest difference of the point estimates: {agree:.2e}")
print(f"S1 = {np.round(s1, 4).tolist()}, ST = {np.round(st, 4).tolist()}")
