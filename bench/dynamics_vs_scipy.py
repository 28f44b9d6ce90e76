#!/usr/bin/env python3
"""Side-by-side benchmark: symbiont-dynamics (Criterion) against scipy on the same problems.

Problems (the same definitions as crates/symbiont-dynamics/benches/dynamics.rs):
  1. 2-unit LV (F1 mutualism r=(0.35,0.25), N=(120,80), sigma12=0.45, sigma21=0.30,
     x0=(10,5)) over t in [0, 100], output at every integer t, rtol=atol=1e-6:
     scipy.integrate.solve_ivp(RK45) vs our Dopri5.
  2. The lynx-hare fit (F3, free initial values, log residuals): scipy least_squares on a
     solve_ivp trajectory (rtol=atol=1e-8, 2-point finite-difference Jacobian, the usual
     recipe) vs our E2 (Levenberg-Marquardt with forward sensitivities, rtol 1e-9).
     Also the raw/fixed variant. Optima are compared parameter by parameter.

Run from the repository root:  bench/.venv/bin/python bench/dynamics_vs_scipy.py
It runs `cargo bench -p symbiont-dynamics --bench dynamics` (release build), reads Criterion's
median estimates, times scipy with timeit (median of repeats), and prints a Markdown table.
"""
import json
import os
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / "bench" / ".venv" / "bin" / "python"
if not VENV_PY.exists():
    subprocess.run([str(ROOT / "bench" / "setup-venv.sh")], check=True)
if Path(sys.executable).resolve() != VENV_PY.resolve() and os.environ.get("SYMBIONT_BENCH_REEXEC") != "1":
    os.environ["SYMBIONT_BENCH_REEXEC"] = "1"
    os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])

import numpy as np  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402


def median_time(fn, number, repeat):
    ts = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(ts) / number


# --- problem 1 ---------------------------------------------------------------------------
r = np.array([0.35, 0.25])
N = np.array([120.0, 80.0])
S = np.array([[0.0, 0.45], [0.30, 0.0]])
A = np.diag(-r / N) + (r[:, None] * S) / N[None, :]


def lv(t, x):
    return x * (r + A @ x)


T_EVAL = np.arange(0.0, 101.0)


def scipy_lv():
    return solve_ivp(lv, (0.0, 100.0), [10.0, 5.0], method="RK45", rtol=1e-6, atol=1e-6, t_eval=T_EVAL)


# --- problem 2 ---------------------------------------------------------------------------
d = np.loadtxt(ROOT / "data" / "lynx_hare.csv", delimiter=",", skiprows=1)
t_obs = d[:, 0] - 1900.0
obs = np.column_stack([d[:, 2], d[:, 1]])  # hare (prey), lynx (predator)


def traj(p, z0):
    a, b, g, dd = p
    f = lambda t, z: [(a - b * z[1]) * z[0], (-g + dd * z[0]) * z[1]]
    s = solve_ivp(f, (0.0, 20.0), z0, t_eval=t_obs, rtol=1e-8, atol=1e-8)
    if not s.success or s.y.shape[1] != len(t_obs):
        return np.full((len(t_obs), 2), 1e6)
    return s.y.T


def res_log_free(q):
    return (np.log(np.maximum(traj(q[:4], np.exp(q[4:])), 1e-300)) - np.log(obs)).ravel()


def res_raw_fixed(q):
    return (traj(q, obs[0]) - obs).ravel()


P0 = [0.5, 0.025, 0.8, 0.025]


def scipy_fit_log_free():
    return least_squares(res_log_free, P0 + list(np.log(obs[0])), xtol=1e-12, ftol=1e-12, gtol=1e-12)


def scipy_fit_raw_fixed():
    return least_squares(res_raw_fixed, P0, xtol=1e-12, ftol=1e-12, gtol=1e-12)


def criterion_medians():
    subprocess.run(
        ["cargo", "bench", "-p", "symbiont-dynamics", "--bench", "dynamics", "--", "--noplot"],
        cwd=ROOT, check=True,
    )
    out = {}
    for name in ["lv2_t100_rtol1e-6", "lynx_hare_fit_e2_log_free", "lynx_hare_fit_e2_raw_fixed",
                 "predator_prey_t100_rtol1e-6", "logistic_t100_rtol1e-6"]:
        est = json.loads((ROOT / "target" / "criterion" / name / "new" / "estimates.json").read_text())
        out[name] = est["median"]["point_estimate"] * 1e-9
    return out


def our_optima():
    txt = subprocess.run(
        ["cargo", "run", "-q", "-p", "symbiont-dynamics", "--example", "lynx_hare"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    opt = {}
    for line in txt.splitlines():
        label, name, value = line.split()
        opt.setdefault(label, {})[name] = float(value)
    return opt


def main():
    ours = criterion_medians()
    optima = our_optima()
    sp_lv = median_time(scipy_lv, number=20, repeat=7)
    sp_fit_log = median_time(scipy_fit_log_free, number=1, repeat=5)
    sp_fit_raw = median_time(scipy_fit_raw_fixed, number=1, repeat=5)
    fl = scipy_fit_log_free()
    fr = scipy_fit_raw_fixed()
    names = ["alpha", "beta", "gamma", "delta"]
    rel_log = max(abs(optima["log_free"][n] - fl.x[k]) / abs(fl.x[k]) for k, n in enumerate(names))
    rel_raw = max(abs(optima["raw_fixed"][n] - fr.x[k]) / abs(fr.x[k]) for k, n in enumerate(names))
    rows = [
        ("2-unit LV, t ∈ [0,100], rtol 1e-6 (solve_ivp RK45)", ours["lv2_t100_rtol1e-6"], sp_lv, ""),
        ("lynx-hare fit, free x0, log residuals (least_squares)", ours["lynx_hare_fit_e2_log_free"], sp_fit_log,
         f"max rel. diff of α,β,γ,δ: {rel_log:.1e}"),
        ("lynx-hare fit, fixed x0, raw residuals (least_squares)", ours["lynx_hare_fit_e2_raw_fixed"], sp_fit_raw,
         f"max rel. diff of α,β,γ,δ: {rel_raw:.1e}"),
    ]
    print("| problem | symbiont (median) | scipy (median) | speed-up | same optimum |")
    print("|---|---|---|---|---|")
    for name, a, b, note in rows:
        print(f"| {name} | {a * 1e6:.1f} µs | {b * 1e6:.0f} µs | {b / a:.0f}× | {note} |")
    print()
    print("scipy optima: log/free", np.round(fl.x[:4], 6), " raw/fixed", np.round(fr.x, 6))
    print("our optima:   log/free", [round(optima["log_free"][n], 6) for n in names],
          " raw/fixed", [round(optima["raw_fixed"][n], 6) for n in names])
    print(f"other Criterion medians: predator-prey {ours['predator_prey_t100_rtol1e-6'] * 1e6:.1f} µs, "
          f"logistic {ours['logistic_t100_rtol1e-6'] * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
