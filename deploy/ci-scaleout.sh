#!/bin/bash
# CI: prove sharded scale-out on a real engine. A single-node Slurm (Debian's slurm-wlm, with
# slurmctld and slurmd on loopback, authenticated by munge) runs deploy/slurm/sweep.sbatch as
# an array job of 4 shards; the merged tables must equal a one-machine run byte for byte. Then a
# small calibration runs each ABC-SMC generation as an array job of 2 shards
# (deploy/slurm/calibrate.sh) and must equal the one-machine posterior byte for byte.
#
#   deploy/ci-scaleout.sh            (as root; installs slurm-wlm and munge when missing)
#
# SYMBIONT may name the binary (default: target/debug/symbiont, built when missing).
# It starts only its own daemons and stops them, by pid, on exit. Takes about a minute.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export SYMBIONT="${SYMBIONT:-$ROOT/target/debug/symbiont}"
[ -x "$SYMBIONT" ] || cargo build -q -p symbiont-cli
SHARDS=4
SWEEP="$ROOT/sweeps/ci-scaleout.toml"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

WORK="$(mktemp -d /tmp/symbiont-slurm.XXXXXX)"
PIDS=()
cleanup() {
  for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munged.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # The daemons are stopped above, by the pids they wrote; only then is the folder removed.
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- munge: its own key, socket and pid file under $WORK
mkdir -p "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$WORK/munge/munge.key"
chmod 700 "$WORK/munge"
munged --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.socket" \
  --pid-file="$WORK/munged.pid" --log-file="$WORK/munged.log" --seed-file="$WORK/munge/seed"

# --- slurm: one node, this machine, on loopback, on two ports free right now (so that another
# Slurm on this machine, or a leftover daemon, cannot capture our commands)
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
CTLD_PORT="$(free_port)"
SLURMD_PORT="$(free_port)"
while [ "$SLURMD_PORT" = "$CTLD_PORT" ]; do SLURMD_PORT="$(free_port)"; done
NODE="$(hostname -s)"
CPUS="$(nproc)"
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out"
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=symbiont-ci
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=ci Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
ready=no
for _ in $(seq 1 60); do
  if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then ready=yes; break; fi
  sleep 1
done
if [ "$ready" != yes ]; then
  echo "Slurm did not come up; its logs:" >&2
  tail -n 30 "$WORK/slurmctld.log" "$WORK/slurmd.log" >&2 || true
  exit 1
fi
timeout 10 sinfo -h -o '%P %D %T %C'

# --- the array job, then the merge
echo "sbatch --array=0-$((SHARDS - 1)) (engine: Slurm $(sinfo -V))"
timeout 900 sbatch --wait --array=0-$((SHARDS - 1)) --cpus-per-task=1 --output="$WORK/shard-%a.log" \
  deploy/slurm/sweep.sbatch "$SWEEP" "$WORK/out/sharded" || {
  echo "the array job failed or timed out; shard logs:" >&2
  tail -n 20 "$WORK"/shard-*.log >&2 || true
  exit 1
}
"$SYMBIONT" sweep merge "$WORK/out/sharded"

# --- the one-machine run, and the comparison
"$SYMBIONT" sweep run "$SWEEP" --out "$WORK/out/local" --quiet
for f in points.parquet runs.parquet points.csv; do
  cmp "$WORK/out/local/$f" "$WORK/out/sharded/$f"
done
echo "ok: $SHARDS Slurm array shards merge to the one-machine tables byte for byte"

# --- a calibration whose generations run as array jobs of 2 shards, collected after each
CALIB="$ROOT/calibrations/ci-small.toml"
(cd "$WORK" && SYMBIONT="$SYMBIONT" timeout 900 "$ROOT/deploy/slurm/calibrate.sh" 2 "$CALIB" "$WORK/out/calib-sharded") || {
  echo "the sharded calibration failed; task logs:" >&2
  tail -n 20 "$WORK"/symbiont-calibrate-*.log >&2 || true
  exit 1
}
"$SYMBIONT" calibrate "$CALIB" --out "$WORK/out/calib-local" --quiet
for f in posterior.json posterior.csv generations.csv parameters.csv predictive.csv; do
  cmp "$WORK/out/calib-local/$f" "$WORK/out/calib-sharded/$f"
done
echo "ok: a calibration's generations as Slurm array shards equal the one-machine posterior byte for byte"
