#!/bin/bash
# A whole calibration on Slurm: per generation, an array job of N shards, then the collect step,
# until the sampler stops and the folder is written. Run it on the login node:
#
#   deploy/slurm/calibrate.sh N CALIB.toml OUT [SCENARIO.toml]
#
# A generation that needed more proposals than the shards simulated is run again over a window
# four times larger (PROPOSALS), as `--collect` asks.
set -euo pipefail
N="${1:?usage: calibrate.sh N CALIB.toml OUT [SCENARIO.toml]}"
CALIB="${2:?usage: calibrate.sh N CALIB.toml OUT [SCENARIO.toml]}"
OUT="${3:?usage: calibrate.sh N CALIB.toml OUT [SCENARIO.toml]}"
SCENARIO="${4:-}"
SYMBIONT="${SYMBIONT:-symbiont}"
HERE="$(cd "$(dirname "$0")" && pwd)"
SCEN_ARGS=()
[ -n "$SCENARIO" ] && SCEN_ARGS=(--scenario "$SCENARIO")
unset PROPOSALS
while [ ! -f "$OUT/manifest.json" ]; do
  sbatch --wait --array=0-$((N - 1)) --export=ALL \
    "$HERE/calibrate.sbatch" "$CALIB" "$OUT" "$SCENARIO"
  if ! msg="$("$SYMBIONT" calibrate "$CALIB" "${SCEN_ARGS[@]}" --out "$OUT" --collect 2>&1)"; then
    if grep -q "larger --proposals" <<<"$msg"; then
      export PROPOSALS=$(( ${PROPOSALS:-64} * 4 ))
      echo "more proposals needed: rerunning the generation over $PROPOSALS"
      continue
    fi
    echo "$msg" >&2
    exit 1
  fi
  echo "$msg" | tail -n 1
  unset PROPOSALS
done
echo "calibration written to $OUT"
