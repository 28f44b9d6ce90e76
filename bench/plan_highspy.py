#!/usr/bin/env python3
"""Planner benchmark: `symbiont plan` against highspy on the same MIP, in one run.

1. The default scenario (2,001 enterprises x 6 parks) with the pure-Rust backend (microlp):
   wall time of the whole command (scenario, population, model, solve), median of 5.
2. scenarios/plan-large.toml (10,000 enterprises x 20 parks x 4 factor kinds) with HiGHS,
   2 threads, 1% gap: the model is exported once as MPS by our binary, read back by highspy
   and solved with the same options. Our total wall time (scenario parsing, population,
   model building, solve, report) against highspy's bare `run()` time (MPS reading excluded),
   medians of 3, and the ratio.
3. The pure-Rust backend on growing copies of the default scenario (enterprise count N) with
   a 10 s time limit: the largest N solved (optimal within the default 0.1% gap) in 10 s.
   Above 5,000 binaries (N > 833 with 6 parks) microlp returns the greedy plan instead.

Run from the repository root:  bench/.venv/bin/python bench/plan_highspy.py
It builds `symbiont` once with `cargo build --release -p symbiont-cli --features highs`.
"""
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

BIN = ROOT / "target" / "release" / "symbiont"
DEFAULT = ROOT / "scenarios" / "overseas-jiangsu-laos.toml"
LARGE = ROOT / "scenarios" / "plan-large.toml"


def build():
    subprocess.run(
        ["cargo", "build", "--release", "-p", "symbiont-cli", "--features", "highs"],
        cwd=ROOT,
        check=True,
    )


def ours(args):
    """Wall time of one `symbiont plan` run and its JSON."""
    t0 = time.perf_counter()
    out = subprocess.run([str(BIN), "plan", *args, "--json"], cwd=ROOT, check=True, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    return dt, json.loads(out.stdout)


def highs_solve(mps, gap, threads, time_limit):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", time_limit)
    h.readModel(str(mps))
    t0 = time.perf_counter()
    h.run()
    dt = time.perf_counter() - t0
    info = h.getInfo()
    return dt, h.getObjectiveValue(), info.mip_gap, h.modelStatusToString(h.getModelStatus())


def main():
    build()
    rows = []

    # 1. default scenario, microlp
    times = []
    for _ in range(5):
        dt, js = ours(["--backend", "microlp", "--no-bottlenecks"])
        times.append(dt)
    o = js["outcome"]
    rows.append(("default scenario, microlp (greedy above the size limit), plan only", statistics.median(times), o["termination"], o["objective"]))
    times = []
    for _ in range(3):
        dt, js = ours(["--backend", "microlp"])
        times.append(dt)
    rows.append(("default scenario, microlp, plan + bottlenecks", statistics.median(times), js["outcome"]["termination"], js["outcome"]["objective"]))
    times = []
    for _ in range(3):
        dt, js = ours(["--backend", "highs", "--threads", "2", "--gap", "0.01", "--no-bottlenecks"])
        times.append(dt)
    rows.append(("default scenario, highs 2 threads, gap 1%, plan only", statistics.median(times), js["outcome"]["termination"], js["outcome"]["objective"]))

    # 2. large instance, HiGHS, ours vs highspy on the exported MPS
    gap, threads, limit = 0.01, 2, 60.0
    repeats = int(os.environ.get("PLAN_BENCH_REPEATS", "1"))
    common = [str(LARGE), "--backend", "highs", "--gap", str(gap), "--threads", str(threads),
              "--time-limit", str(limit), "--no-bottlenecks"]
    with tempfile.TemporaryDirectory() as tmp:
        mps = Path(tmp) / "plan-large.mps"
        ours([*common, "--mps", str(mps)])
        our_t, hs_t = [], []
        for _ in range(repeats):
            dt, js = ours(common)
            our_t.append(dt)
            hdt, hobj, hgap, hstatus = highs_solve(mps, gap, threads, limit)
            hs_t.append(hdt)
    o = js["outcome"]
    our_obj_musd = o["objective"] / 1e6
    ratio = statistics.median(our_t) / statistics.median(hs_t)
    rows.append(("plan-large 10,000 x 20, highs 2 threads gap 1%: symbiont plan (total)", statistics.median(our_t), o["termination"], o["objective"]))
    rows.append(("plan-large 10,000 x 20, highspy run() on our MPS", statistics.median(hs_t), hstatus, hobj * 1e6))

    # 3. microlp scaling, 10 s limit
    base = DEFAULT.read_text()
    scale = []
    largest = None
    for n in [100, 200, 400, 600, 800]:
        text = base.replace("count = 2000\n", f"count = {n}\n", 1)
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(text)
            path = f.name
        try:
            dt, js = ours([path, "--backend", "microlp", "--time-limit", "10", "--no-bottlenecks"])
        finally:
            os.unlink(path)
        term = js["outcome"].get("termination", "infeasible")
        scale.append((n, dt, term, js["outcome"].get("integers")))
        if term in ("optimal", "gap_limit") and dt <= 10.0:
            largest = n

    print()
    print("| case | median wall s | termination | objective US$ |")
    print("|---|---|---|---|")
    for name, t, term, obj in rows:
        print(f"| {name} | {t:.3f} | {term} | {obj:,.0f} |")
    print()
    print(f"ratio (ours total / highspy bare solve) = {ratio:.3f}; objectives {our_obj_musd:.3f} vs {hobj:.3f} US$ million, highspy gap {hgap:.4%}")
    print()
    print("| N enterprises (microlp, 10 s limit) | wall s | termination | binaries |")
    print("|---|---|---|---|")
    for n, t, term, ints in scale:
        print(f"| {n} | {t:.2f} | {term} | {ints} |")
    print(f"largest N solved by microlp within 10 s: {largest}")


if __name__ == "__main__":
    main()
