#!/usr/bin/env python3
"""Every option of `symbiont plan` on the default scenario: wall time and peak memory of the whole
command, once per option that `symbiont plan --help` lists (and once with no option), repeated
and summarised by medians. Prints a markdown table: option, median wall seconds, median peak
RSS in MiB, and what the command answered (exit code, enterprises placed, proven gap and why
the solver stopped, or the option's own output).

Prerequisites (this script builds nothing; standard library only):

    cargo build --release -p symbiont-cli

Run from the repository root:

    python3 bench/plan_options.py

Options: --reps N (repetitions of every option, default 3; the options run round-robin, so
that a noisy neighbour spreads over all of them), --bin PATH (default target/release/symbiont,
or $CARGO_TARGET_DIR/release/symbiont), --timeout S (a run still going after S seconds is
killed and reported as such, default 600), --verbose (also print every run's last line of
output).

What is measured, per run: the wall time of the process (time.perf_counter from just before
it starts to just after it is reaped), its peak resident set (ru_maxrss of os.wait4's rusage,
KiB on Linux), its exit code, and its output, from which the answer is read (the plan's first
line, or the JSON, CSV or file the option asks for; "no shadow prices printed" when the
bottleneck analysis was asked for and the output has none). Output goes to temporary files,
never a terminal. `--into` writes into a copy of a small run folder that the script makes
first with `symbiont simulate` (one run of two periods, not timed).

Backends: every option is measured on the default backend (microlp). HiGHS is measured too
when the binary was built with it (`--features highs`); the script asks the binary and says
which it was. It never builds HiGHS.

The values are realistic ones, those of the examples in `plan --help` and of the option tests
(`crates/symbiont-plan/tests/it/default_scenario.rs`, `crates/symbiont-cli/tests/it/plan.rs`).
An option that `plan --help` lists and this script does not know is reported, so that the
table stays complete when an option is added.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/overseas-jiangsu-laos.toml"

# The options file of the `--options` case: one value of each table.
OPTIONS_TOML = """[weights]
home = 1.0
host = 0.5
jobs = 2000

[guidance]
designated_share = 0.3

[economics]
chain_bonus_usd = 1.0e6
"""

# One or more cases per option of `plan --help`: (option, arguments). `{tmp}` is a fresh
# temporary folder of the run (with `run`, a copy of a small `symbiont simulate` run folder,
# for `--into`), `{opts}` the options file above.
CASES = [
    (None, []),
    ("SCENARIO", [SCENARIO]),
    ("--options", ["--options", "{opts}"]),
    ("--backend", ["--backend", "microlp"]),
    ("--time-limit", ["--time-limit", "5"]),
    ("--time-limit", ["--time-limit", "0.001"]),
    ("--time-limit", ["--time-limit", "inf"]),
    ("--memory-limit", ["--memory-limit", "64"]),
    ("--gap", ["--gap", "0"]),
    ("--gap", ["--gap", "0.01"]),
    ("--threads", ["--threads", "2"]),
    ("--designated-share", ["--designated-share", "0.6"]),
    ("--target-share", ["--target-share", "0.5"]),
    ("--min", ["--min", "saysettha:electronics=10"]),
    ("--min", ["--min", "saysettha:electronics=10", "--min", "boten:textiles=5"]),
    ("--incentive-budget", ["--incentive-budget", "100000"]),
    ("--weight-home", ["--weight-home", "0.5"]),
    ("--weight-host", ["--weight-host", "2"]),
    ("--weight-jobs", ["--weight-jobs", "1000"]),
    ("--chain-bonus", ["--chain-bonus", "0"]),
    ("--relax", ["--relax", "talent=+10%"]),
    ("--relax", ["--relax", "plots=+20"]),
    ("--pareto", ["--pareto", "5"]),
    ("--pareto", ["--pareto", "10"]),
    ("--csv", ["--csv"]),
    ("--json", ["--json"]),
    ("--into", ["--into", "{tmp}/run"]),
    ("--mps", ["--mps", "{tmp}/model.mps"]),
    ("--no-bottlenecks", ["--no-bottlenecks"]),
]
# Not planner options.
NOT_MEASURED = {"--help", "--version"}


def default_bin():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "symbiont"


def help_options(binary):
    """The long options that `symbiont plan --help` lists."""
    out = subprocess.run([binary, "plan", "--help"], capture_output=True, text=True, check=True)
    return sorted(set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", out.stdout, flags=re.M)))


def has_highs(binary):
    """Whether this binary plans with HiGHS (a build with `--features highs`)."""
    r = subprocess.run([binary, "plan", "--backend", "highs", "--time-limit", "0.001",
                        "--no-bottlenecks"], capture_output=True, text=True, cwd=ROOT)
    return r.returncode == 0


def run_once(cmd, timeout):
    """Run `cmd` from the repository root: (wall s, peak RSS KiB, exit code, stdout, stderr,
    killed)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        killed = []
        timer = threading.Timer(timeout, lambda: (killed.append(True), proc.kill()))
        timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (wall, ru.ru_maxrss, proc.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), bool(killed))


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


FIRST = re.compile(r"(\d+) of (\d+) enterprises placed\. Planned with (\w+) in [\d.]+ s: (.*)")


def status(first_line):
    """'97 placed, gap ≤ 0.379%, <why it stopped>' from the plan's first line."""
    m = FIRST.search(first_line)
    if m is None:
        return None
    placed, rest = m.group(1), m.group(4)
    gap = re.search(r"gap ≤ ([\d.]+%)", rest)
    why = re.sub(r"\s*\([^)]*\)", "", rest.split(":")[0]).strip()
    return f"{placed} placed, gap ≤ {gap.group(1) if gap else '?'}, {why}"


def answered(args, rc, stdout, stderr, killed, timeout, tmp):
    """What the command answered, in a few words."""
    if killed:
        return f"killed after {timeout} s"
    if rc != 0:
        return f"exit {rc}: {last_line(stderr) or last_line(stdout)}"
    if "--json" in args:
        v = json.loads(stdout)
        o = v["outcome"]
        if o.get("outcome") != "planned":
            return f"JSON, outcome {o.get('outcome')}"
        return (f"JSON: {len(o['placements'])} placed, gap ≤ {100 * o['gap']:.4f}%, "
                f"termination {o['termination']}")
    if "--csv" in args:
        rows = len([line for line in stdout.splitlines() if line.strip()]) - 1
        return f"CSV: {rows} rows (placed enterprises)"
    lines = stdout.splitlines()
    head = status(lines[0]) if lines else None
    if head is None:
        return f"exit 0: {last_line(stdout)}"
    extra = []
    for line in lines:
        if line.startswith("What if "):
            m = re.search(r"\(([^)]*)\), (\d+) enterprises placed", line)
            extra.append(f"what-if objective {m.group(1)}, {m.group(2)} placed" if m
                         else line.strip())
    if "--pareto" in args:
        front = stdout.split("Pareto front", 1)[1] if "Pareto front" in stdout else ""
        gaps = re.findall(r"┆\s*([\d.]+)%\s*┆", front)
        if gaps:
            g = [float(x) for x in gaps]
            extra.append(f"front of {len(g)} points, gaps {min(g):.2f}–{max(g):.2f}%")
        else:
            extra.append("no front")
    if "--mps" in args:
        m = re.search(r"wrote \S+ \(([^)]*)\)", stderr)
        extra.append(f"MPS ({m.group(1)})" if m else "no MPS written")
    if "--into" in args:
        extra.append("plan.json written" if (Path(tmp) / "run" / "plan.json").is_file()
                     else "no plan.json")
    if "--no-bottlenecks" not in args and "Bottlenecks (shadow prices" not in stdout:
        extra.append("no shadow prices printed")
    return "; ".join([head] + extra)


SHOWN = {"{opts}": "plan.toml", "{tmp}/run": "RUN_DIR", "{tmp}/model.mps": "model.mps"}


def label(args):
    return " ".join(SHOWN.get(x, x) for x in args) if args else "(none)"


def simulated_run(binary, into):
    """A small run folder for `plan --into` (one run of two periods, CSV tables only)."""
    subprocess.run([binary, "simulate", "--runs", "1", "--horizon", "2", "--out", str(into),
                    "--quiet", "--no-report", "--structure-runs", "0", "--format", "csv"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--bin", type=Path, default=default_bin())
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if not a.bin.is_file():
        sys.exit(f"{a.bin} not found: run `cargo build --release -p symbiont-cli` first")

    listed = help_options(a.bin)
    known = {opt for opt, _ in CASES if opt}
    unknown = [o for o in listed if o not in known and o not in NOT_MEASURED]
    highs = has_highs(a.bin)
    backends = ["microlp", "highs"] if highs else ["microlp"]

    runs = []  # (backend, args)
    for b in backends:
        for _, args in CASES:
            if b == "highs":
                if "--backend" in args:
                    continue
                args = args + ["--backend", "highs"]
            runs.append((b, args))

    load0 = os.getloadavg()
    t_start = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = {i: [] for i in range(len(runs))}
    with tempfile.TemporaryDirectory() as top:
        opts = Path(top) / "plan.toml"
        opts.write_text(OPTIONS_TOML)
        sim = Path(top) / "simulated"
        simulated_run(a.bin, sim)
        for rep in range(a.reps):
            for i, (b, args) in enumerate(runs):
                tmp = Path(top) / f"r{rep}-{i}"
                tmp.mkdir()
                shutil.copytree(sim, tmp / "run")
                filled = [x.replace("{tmp}", str(tmp)).replace("{opts}", str(opts))
                          for x in args]
                wall, rss, rc, out, err, killed = run_once([str(a.bin), "plan"] + filled,
                                                           a.timeout)
                ans = answered(args, rc, out, err, killed, a.timeout, tmp)
                results[i].append((wall, rss, ans))
                if a.verbose:
                    print(f"rep {rep} [{b}] {label(args)}: {wall:.3f} s, {rss / 1024:.1f} MiB, "
                          f"rc {rc}; last line: {last_line(out) or last_line(err)}",
                          file=sys.stderr)
                shutil.rmtree(tmp)
    load1 = os.getloadavg()

    print(f"symbiont plan, default scenario, {a.reps} repetitions, started {t_start}; "
          f"{os.cpu_count()} cores ({platform.machine()}), load average "
          f"{load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} at start, "
          f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} at end.")
    if highs:
        print("HiGHS: in this binary; measured (rows marked highs).")
    else:
        print("HiGHS: not in this binary (built without `--features highs`); not measured, "
              "microlp only.")
    if unknown:
        print(f"Options in `plan --help` this script does not measure: {', '.join(unknown)}.")
    print()
    print("| option | backend | median wall (s) | median peak RSS (MiB) | answered |")
    print("|---|---|---:|---:|---|")
    for i, (b, args) in enumerate(runs):
        rs = results[i]
        wall = statistics.median(r[0] for r in rs)
        rss = statistics.median(r[1] for r in rs) / 1024
        answers = {r[2] for r in rs}
        ans = rs[0][2] if len(answers) == 1 else " / ".join(sorted(answers)) + " (varies)"
        shown = label([x for x in args if x not in ("--backend", "highs")] if b == "highs"
                      else args)
        print(f"| `{shown}` | {b} | {wall:.3f} | {rss:.1f} | {ans} |")
    worst = max(range(len(runs)), key=lambda i: statistics.median(r[1] for r in results[i]))
    slow = max(range(len(runs)), key=lambda i: statistics.median(r[0] for r in results[i]))
    print()
    print(f"Slowest: `{label(runs[slow][1])}`; largest peak RSS: `{label(runs[worst][1])}`.")


if __name__ == "__main__":
    main()
