#!/usr/bin/env python3
"""Planner benchmark: `symbiont plan` against bare highspy on the same MIP, in one run.

For each case (the default scenario, scenarios/plan-small.toml, scenarios/plan-large.toml):

1. Our HiGHS build exports the model once as MPS (`--mps`; the model after the exact sign
   pruning, before the start and the reduced-cost fixing, which are part of our solve).
2. Ours: wall time of the whole `symbiont plan CASE --backend highs` command (scenario parsing,
   population, model building, LP relaxation, start, fixing, branch and bound, report), with
   the same gap, threads and time limit as highspy, bottlenecks off.
3. Bare highspy: `Highs.readModel` of that MPS (timed separately) and `run()` with the same
   options. Where it finds no feasible solution in the time limit, that is reported as it is.
4. The ratio ours / highspy `run()` (and ours / highspy read + run), on medians.

Then the default build (pure-Rust backend, microlp): `symbiont plan` on the default scenario as
a user runs it (bottlenecks on, the CLI's default gap) and with `--gap 0.01 --no-bottlenecks`.

Run from the repository root:  bench/.venv/bin/python bench/plan_highspy.py
Options (environment): PLAN_BENCH_REPEATS (default 3), PLAN_BENCH_LARGE_REPEATS (default 1),
PLAN_BENCH_GAP (default 0.01), PLAN_BENCH_THREADS (default 2), PLAN_BENCH_LIMIT (default 60).
It builds the HiGHS binary in target/highs (`--features highs`) and the default binary in
target/release, so the two builds do not fight over feature flags.
"""
import datetime
import json
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

import highspy  # noqa: E402

HIGHS_BIN = ROOT / "target" / "highs" / "release" / "symbiont"
PURE_BIN = ROOT / "target" / "release" / "symbiont"
CASES = [
    ("default scenario, 2,001 x 6", ROOT / "scenarios" / "overseas-jiangsu-laos.toml", "PLAN_BENCH_REPEATS"),
    ("plan-small, 151 x 6", ROOT / "scenarios" / "plan-small.toml", "PLAN_BENCH_REPEATS"),
    ("plan-large, 10,001 x 20 x 4", ROOT / "scenarios" / "plan-large.toml", "PLAN_BENCH_LARGE_REPEATS"),
]
GAP = float(os.environ.get("PLAN_BENCH_GAP", "0.01"))
THREADS = int(os.environ.get("PLAN_BENCH_THREADS", "2"))
LIMIT = float(os.environ.get("PLAN_BENCH_LIMIT", "60"))


def build():
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target" / "highs"))
    subprocess.run(["cargo", "build", "--release", "-p", "symbiont-cli", "--features", "highs"],
                   cwd=ROOT, check=True, env=env)
    subprocess.run(["cargo", "build", "--release", "-p", "symbiont-cli"], cwd=ROOT, check=True)


def ours(binary, args):
    """Wall time of one `symbiont plan` run and its JSON."""
    t0 = time.perf_counter()
    out = subprocess.run([str(binary), "plan", *args, "--json"], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    dt = time.perf_counter() - t0
    return dt, json.loads(out.stdout)


def highs_solve(mps):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", GAP)
    h.setOptionValue("threads", THREADS)
    h.setOptionValue("time_limit", LIMIT)
    t0 = time.perf_counter()
    h.readModel(str(mps))
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    feasible = info.primal_solution_status == 2  # kSolutionStatusFeasible
    obj = h.getInfo().objective_function_value if feasible else None
    gap = info.mip_gap if feasible else None
    return t1 - t0, t2 - t1, status, obj, gap


def med(xs):
    return statistics.median(xs)


def main():
    build()
    print(f"date {datetime.date.today()}, gap {GAP}, threads {THREADS}, time limit {LIMIT} s, "
          f"highspy {highspy.__version__ if hasattr(highspy, '__version__') else '?'}")
    rows = []
    for name, path, rep_var in CASES:
        repeats = int(os.environ.get(rep_var, "3" if rep_var == "PLAN_BENCH_REPEATS" else "1"))
        common = [str(path), "--backend", "highs", "--gap", str(GAP), "--threads", str(THREADS),
                  "--time-limit", str(LIMIT), "--no-bottlenecks"]
        with tempfile.TemporaryDirectory() as tmp:
            mps = Path(tmp) / "model.mps"
            subprocess.run([str(HIGHS_BIN), "plan", str(path), "--backend", "highs", "--gap", "1",
                            "--no-bottlenecks", "--mps", str(mps)], cwd=ROOT, check=True,
                           capture_output=True)
            our_t, read_t, run_t = [], [], []
            for _ in range(repeats):
                dt, js = ours(HIGHS_BIN, common)
                our_t.append(dt)
                r, s, status, hobj, hgap = highs_solve(mps)
                read_t.append(r)
                run_t.append(s)
        o = js["outcome"]
        rows.append({
            "case": name, "repeats": repeats,
            "ours": med(our_t), "ours_all": our_t, "term": o.get("termination"),
            "gap": o.get("gap"), "obj": o.get("objective"),
            "read": med(read_t), "run": med(run_t), "run_all": run_t, "status": status,
            "hobj": None if hobj is None else hobj * 1e6, "hgap": hgap,
        })

    print()
    print("| case | ours s (HiGHS, total) | our result | highspy read s | highspy run() s | highspy result | run() / ours | (read+run) / ours |")
    print("|---|---:|---|---:|---:|---|---:|---:|")
    for r in rows:
        ours_res = f"{r['term']}, gap <= {r['gap']:.3%}, US$ {r['obj']:,.0f}"
        if r["hobj"] is None:
            h_res = f"{r['status']}, no feasible solution"
        else:
            h_res = f"{r['status']}, gap {r['hgap']:.3%}, US$ {r['hobj']:,.0f}"
        print(f"| {r['case']} (median of {r['repeats']}) | {r['ours']:.3f} | {ours_res} | {r['read']:.3f} | "
              f"{r['run']:.3f} | {h_res} | {r['run'] / r['ours']:.2f} | {(r['read'] + r['run']) / r['ours']:.2f} |")
    for r in rows:
        print(f"  {r['case']}: ours {', '.join(f'{x:.3f}' for x in r['ours_all'])}; "
              f"highspy run() {', '.join(f'{x:.3f}' for x in r['run_all'])}")

    # The default build (pure Rust), default scenario, as a user runs it.
    print()
    print("| default build (microlp), default scenario | median wall s | termination | gap bound | objective US$ |")
    print("|---|---:|---|---:|---:|")
    repeats = int(os.environ.get("PLAN_BENCH_REPEATS", "3"))
    for label, args in [
        ("`symbiont plan` (CLI defaults: gap 0.1%, bottlenecks on)", []),
        ("`symbiont plan --gap 0.01 --no-bottlenecks`", ["--gap", "0.01", "--no-bottlenecks"]),
    ]:
        ts = []
        for _ in range(repeats):
            dt, js = ours(PURE_BIN, args)
            ts.append(dt)
        o = js["outcome"]
        print(f"| {label} | {med(ts):.3f} ({', '.join(f'{x:.3f}' for x in ts)}) | {o['termination']} | "
              f"{o['gap']:.3%} | {o['objective']:,.0f} |")


if __name__ == "__main__":
    main()
