#!/usr/bin/env python3
"""The going-out engine against the Mesa 3 implementation of the same model, on the same scenario
sizes, single-threaded, interleaved in one run. Prints a markdown table of median process-CPU
enterprise-periods per second for both and their ratio.

Prerequisites (this script builds nothing):

    cargo build --release -p symbiont-abm --example scale
    python3.12 -m venv mesa-venv && mesa-venv/bin/pip install "mesa[network]>=3.5,<3.6" numpy pandas

Run from the repository root, with the Mesa peer's directory (README, goingout.py, bench.py):

    python3 bench/abm_vs_mesa.py --peer ../shared/peers/mesa_goingout --mesa-python mesa-venv/bin/python

Options: --reps N (repetitions of every pair, default 3), --rust-repeat K (the Rust side runs
K times as many runs of the same size, default 10, so that its CPU time is long enough to
measure against the neighbours' noise; the rate is per enterprise-period), --modes network,fight_alone,
--sizes 2001:20:30,10000:20:3,100000:20:1 (enterprises:periods:runs), --scale PATH (the Rust
example binary; default target/release/examples/scale, or $CARGO_TARGET_DIR/release/examples/scale).

Both sides read the same scenario file: the default scenario (scenarios/overseas-jiangsu-laos.toml)
with its first enterprise group resized to the total asked for and its horizon set, written to a
temporary directory. Both sides do the same work per run: build the population (each run draws
its own, seeded by the run index) and simulate every period of one mode.

What is timed:
- Mesa: the process-CPU seconds that the peer's bench.py reports for its runs (time.process_time
  around model construction and every step; the interpreter's start, the imports and the
  scenario's parsing are left out).
- Rust: the `scale` process's CPU seconds (user + system, from wait4) less those of the same
  command with 0 runs (the process's start and the scenario's parsing, measured in the same
  repetition), so that both sides time the same thing: populations and runs.
The two processes run one after the other (never together), the order alternating between
repetitions; the single-threaded engine and CPython use one core each.
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
SCENARIO = ROOT / "scenarios" / "overseas-jiangsu-laos.toml"


def default_scale_bin():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "scale"


def resized(text, enterprises, periods):
    """The scenario text with the first enterprise group sized so that the scenario has
    `enterprises` enterprises in all, and the horizon set to `periods`."""
    listed = len(re.findall(r"^\[\[enterprise\]\]", text, flags=re.M))
    group = text.index("[[enterprise_group]]")
    m = re.compile(r"^count\s*=\s*\d+", re.M).search(text, group)
    if m is None:
        raise SystemExit("no count in the first [[enterprise_group]]")
    text = text[: m.start()] + f"count = {enterprises - listed}" + text[m.end():]
    text, n = re.subn(r"^horizon_periods\s*=\s*\d+", f"horizon_periods = {periods}", text,
                      count=1, flags=re.M)
    if n != 1:
        raise SystemExit("no horizon_periods in [study]")
    return text


def cpu_of(cmd, env):
    """Run `cmd`; its stdout and its own CPU seconds (user + system)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                             f"{err.read().decode()}")
        return out.read().decode(), ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peer", required=True, type=Path, help="the Mesa peer's directory")
    ap.add_argument("--mesa-python", default=sys.executable, help="a Python with Mesa 3.5")
    ap.add_argument("--scale", type=Path, default=default_scale_bin())
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rust-repeat", type=int, default=10)
    ap.add_argument("--modes", default="network,fight_alone")
    ap.add_argument("--sizes", default="2001:20:30,10000:20:3,100000:20:1",
                    help="enterprises:periods:runs, comma-separated")
    a = ap.parse_args()
    if not a.scale.exists():
        raise SystemExit(f"{a.scale} missing: cargo build --release -p symbiont-abm --example scale")
    bench = a.peer / "bench.py"
    if not bench.exists():
        raise SystemExit(f"{bench} missing: --peer names the Mesa peer's directory")
    sizes = [tuple(int(x) for x in s.split(":")) for s in a.sizes.split(",")]
    modes = a.modes.split(",")
    base = SCENARIO.read_text()
    rows = {}  # (n, periods, runs, mode) -> {"mesa": [...], "rust": [...]}
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n, periods, runs in sizes:
            f = Path(tmp) / f"goingout-{n}-{periods}.toml"
            f.write_text(resized(base, n, periods))
            files[(n, periods)] = f
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", RAYON_NUM_THREADS="1", PYTHONHASHSEED="0")
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load0 = os.getloadavg()
        for rep in range(a.reps):
            for n, periods, runs in sizes:
                for mode in modes:
                    key = (n, periods, runs, mode)
                    r = rows.setdefault(key, {"mesa": [], "rust": [], "mesa_n": None})
                    f = files[(n, periods)]
                    mesa_cmd = [a.mesa_python, str(bench), "--scenario", str(f), "--mode", mode,
                                "--runs", str(runs)]
                    rust_runs = runs * a.rust_repeat
                    rust_cmd = [str(a.scale), "0", str(periods), mode, str(rust_runs), str(f)]
                    rust_idle = [str(a.scale), "0", str(periods), mode, "0", str(f)]
                    order = ["mesa", "rust"] if rep % 2 == 0 else ["rust", "mesa"]
                    for side in order:
                        if side == "mesa":
                            out, _ = cpu_of(mesa_cmd, env)
                            j = json.loads(out.strip().splitlines()[-1])
                            if j["enterprises"] != n or j["periods"] != periods:
                                raise SystemExit(f"Mesa ran {j['enterprises']} x {j['periods']}")
                            r["mesa"].append(n * periods * runs / j["cpu_s"])
                        else:
                            out, cpu = cpu_of(rust_cmd, env)
                            if not out.startswith(f"{n} enterprises x {periods} periods"):
                                raise SystemExit(f"scale printed: {out}")
                            _, idle = cpu_of(rust_idle, env)
                            r["rust"].append(n * periods * rust_runs / max(cpu - idle, 1e-6))
                            r.setdefault("idle", []).append(idle)
                    print(f"rep {rep + 1}/{a.reps} {n} x {periods} x {runs} {mode}: "
                          f"mesa {r['mesa'][-1] / 1e3:.0f} k, rust {r['rust'][-1] / 1e6:.2f} M "
                          "enterprise-periods per CPU-second", file=sys.stderr, flush=True)
        load1 = os.getloadavg()
    print(f"\n{started}, {a.reps} repetitions, interleaved, symbiont {a.rust_repeat}x the runs; load average "
          f"{load0[0]:.1f} at the start, {load1[0]:.1f} at the end (1 min)\n")
    idle = statistics.median(x for r in rows.values() for x in r.get("idle", []))
    print(f"(symbiont: process start and scenario parsing, {idle * 1e3:.1f} ms CPU, subtracted)\n")
    print("| enterprises × periods × runs (Mesa) | mode | symbiont, enterprise-periods per CPU-second "
          "| Mesa | ratio |")
    print("|---|---|---:|---:|---:|")
    for (n, periods, runs, mode), r in rows.items():
        rust, mesa = statistics.median(r["rust"]), statistics.median(r["mesa"])
        print(f"| {n:,} × {periods} × {runs} | {mode} | {fmt(rust)} | {fmt(mesa)} "
              f"| {rust / mesa:.0f}× |")


def fmt(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


if __name__ == "__main__":
    main()
