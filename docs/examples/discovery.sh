#!/usr/bin/env bash
# Regenerate docs/examples/discovery.md end to end: run the sweep of docs/examples/discovery.toml,
# discover where the network loses its lead (firms operating, host jobs), judge the modes'
# robustness, and write the page from the commands' own output.
#   docs/examples/discovery.sh                  (SYMBIONT=path/to/symbiont to use another binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bin="${SYMBIONT:-}"
if [ -z "$bin" ]; then
  cargo build -q --release -p symbiont-cli
  bin="$root/target/release/symbiont"
fi
out="${OUT:-$root/out/discovery-example}"
rm -rf "$out"
"$bin" sweep run docs/examples/discovery.toml --out "$out" -q >/dev/null
operating=$("$bin" sweep discover "$out" --name operating \
  --where "network.operating < max_other(network.operating)" \
  --label "the network loses its lead on firms operating")
jobs=$("$bin" sweep discover "$out" --name host-jobs \
  --where "network.host_jobs < max_other(network.host_jobs)" \
  --label "the network loses its lead on host jobs")
robust=$("$bin" sweep robust "$out" --outcome operating --outcome host_jobs \
  --threshold operating=250 --threshold host_jobs=100000)
strip() { sed -e "s|$out|SWEEP_DIR|g"; }
{
cat <<'HEAD'
# Worked example: where does the network lose its lead?

A sweep of the default scenario (Laos-China, "overseas Jiangsu") over eight of its most
uncertain inputs: host openness, home push, coordinated demand, demand shocks, transport cost,
the Eximbank's credit capacity and the plots of two parks (`docs/examples/discovery.toml`:
160 Latin-hypercube points x 4 modes x 2 replications, 12 periods). Then scenario discovery
on two questions and a robustness judgement of the four modes. Everything below is the
commands' own output, written by `docs/examples/discovery.sh`; rerun it after a model change.
See docs/discovery.md for what each number means.

```text
symbiont sweep run docs/examples/discovery.toml --out SWEEP_DIR
```

## 1. When does the network stop operating the most firms?

```text
symbiont sweep discover SWEEP_DIR --name operating \
  --where "network.operating < max_other(network.operating)" \
  --label "the network loses its lead on firms operating"
HEAD
echo "$operating" | strip
cat <<'MID'
```

## 2. When does the network stop giving the most host jobs?

```text
symbiont sweep discover SWEEP_DIR --name host-jobs \
  --where "network.host_jobs < max_other(network.host_jobs)" \
  --label "the network loses its lead on host jobs"
MID
echo "$jobs" | strip
cat <<'ROB'
```

## 3. Which mode is the safest bet?

Thresholds: at least 250 firms operating and 100,000 host jobs at the horizon.

```text
symbiont sweep robust SWEEP_DIR --outcome operating --outcome host_jobs \
  --threshold operating=250 --threshold host_jobs=100000
ROB
echo "$robust" | strip
cat <<'TAIL'
```

The charts (peeling trajectories, the chosen boxes, feature scores, regret) are on the page
`SWEEP_DIR/decisions.html`; the tables are under `SWEEP_DIR/discovery/` and
`SWEEP_DIR/robustness/`.
TAIL
echo
echo "Generated on $(date -u +%Y-%m-%d) with \`$(basename "$bin")\` at commit $(git rev-parse --short HEAD)."
} > docs/examples/discovery.md
echo "wrote docs/examples/discovery.md"
