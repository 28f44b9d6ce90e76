#!/usr/bin/env bash
# Create bench/.venv with the Python peers of the benchmarks (scipy, networkx, python-igraph,
# highspy), pinned to the versions the results in docs/performance.md were measured with.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --upgrade pip
"$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
echo "ready: $here/.venv/bin/python"
