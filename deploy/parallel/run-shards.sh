#!/bin/bash
# GNU parallel over a few workstations (or the cores of one): N shards, then a merge.
#
#   deploy/parallel/run-shards.sh SWEEP.toml OUT N [HOSTS]
#
# HOSTS is a GNU parallel --sshlogin list, e.g. "2/alice@ws1,2/alice@ws2,:" (":" = this machine).
# With a shared folder (NFS) every host writes into OUT; without one, each host writes its own
# OUT and the folders are copied back and merged with --from (see docs/sweep.md).
# Rerunning the same command completes only what is missing.
set -euo pipefail
SWEEP="${1:?usage: run-shards.sh SWEEP.toml OUT N [HOSTS]}"
OUT="${2:?usage: run-shards.sh SWEEP.toml OUT N [HOSTS]}"
N="${3:?usage: run-shards.sh SWEEP.toml OUT N [HOSTS]}"
HOSTS="${4:-:}"
SYMBIONT="${SYMBIONT:-symbiont}"
seq 0 $((N - 1)) | parallel --sshlogin "$HOSTS" --workdir . --halt now,fail=1 \
  "$SYMBIONT" sweep run "$SWEEP" --out "$OUT" --shard {}/"$N" --threads 1 --quiet
"$SYMBIONT" sweep merge "$OUT"
