#!/usr/bin/env bash
# Load test of `symbiont serve` on SQLite: wrk on registry and case reads (and on the static
# index.html, the cheapest answer of the stack, as the peer), then concurrent case submissions
# and decisions checked for lost updates (bench/serve_decide.py).
# Usage: bench/serve_load.sh [DURATION_S] [CONNECTIONS] [ROUNDS]   (needs wrk and python3)
# Each endpoint is measured ROUNDS times, interleaved; the summary gives the medians.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dur="${1:-10}"
conns="${2:-64}"
rounds="${3:-3}"
# SYMBIONT_BIN: an already built binary (skips the build).
. "$here/serve_start.sh"
echo "server at $base; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Seed: 200 cases, so that case reads hit a populated table.
python3 "$here/serve_decide.py" seed "$base" "$admin" 200 >&2
lua="$data/auth.lua"
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$admin" >"$lua"
paths=("/index.html" "/api/entities?kind=park" "/api/entities/saysettha" "/api/cases?limit=20" "/api/cases/1")
results="$data/results.tsv"
for r in $(seq "$rounds"); do
  for path in "${paths[@]}"; do
    log="$data/wrk.log"
    wrk -t2 -c"$conns" -d"${dur}s" --latency -s "$lua" "$base$path" >"$log"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$log")"
    p50="$(awk '$1 == "50%" {print $2}' "$log")"
    p99="$(awk '$1 == "99%" {print $2}' "$log")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$log")"
    sockerr="$(awk '/Socket errors:/ {s = $4 + $6 + $8 + $10} END {print s + 0}' "$log" | tr -d ,)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$path" "$rps" "$p50" "$p99" "${non2xx:-0}" "$sockerr" | tee -a "$results"
  done
done
echo "load average after the reads: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'EOF'
import statistics, sys

def ms(x):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if x.endswith(unit) and not (unit == "s" and x.endswith(("us", "ms"))):
            return float(x[: -len(unit)]) * f
    return float(x)

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = {}
for r, path, rps, p50, p99, non2xx, sock in rows:
    by.setdefault(path, []).append((float(rps), ms(p50), ms(p99), int(non2xx) + int(sock)))
peer = statistics.median(x[0] for x in by["/index.html"])
print(f"\n{'endpoint':28} {'req/s (median)':>15} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'of peer':>8}")
for path, xs in by.items():
    rps = statistics.median(x[0] for x in xs)
    print(f"{path:28} {rps:15.0f} {statistics.median(x[1] for x in xs):8.2f} "
          f"{statistics.median(x[2] for x in xs):8.2f} {sum(x[3] for x in xs):7d} {rps / peer:8.2f}")
EOF
echo "== concurrent submissions and decisions"
python3 "$here/serve_decide.py" decide "$base" "$admin" 100 16
