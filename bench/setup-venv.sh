#!/usr/bin/env bash
# Create bench/.venv with the Python peers of the benchmarks (scipy, networkx, python-igraph,
# highspy, ema-workbench), pinned to the versions the results in docs/performance.md were measured with.
# ema-workbench 3 needs Python >= 3.12: PYTHON=python3.12 bench/setup-venv.sh (without it, the
# other peers install and bench/discover_*.py says what is missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"${PYTHON:-python3}" -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --upgrade pip
"$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
echo "ready: $here/.venv/bin/python"
