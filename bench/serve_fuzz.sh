#!/usr/bin/env bash
# Fuzz the server's API with schemathesis against its own OpenAPI document (/api/openapi.json):
# start `symbiont serve` on a fresh SQLite folder, sign in as admin with the bootstrap token,
# and run schemathesis with that token, checking at least that no answer is a server error (5xx).
# Usage: bench/serve_fuzz.sh [MAX_EXAMPLES] [EXTRA SCHEMATHESIS ARGS...]
# Needs bench/.venv with schemathesis (bench/setup-venv.sh) and python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
examples="${1:-50}"
shift || true
st="$here/.venv/bin/schemathesis"
[ -x "$st" ] || { echo "no $st: run bench/setup-venv.sh first" >&2; exit 2; }
# SYMBIONT_BIN: an already built binary (skips the build).
. "$here/serve_start.sh"
echo "server at $base; fuzzing with up to $examples examples per operation" >&2
# Left out: logout (it would revoke the token the run uses) and the event stream (it stays
# open until a job ends, which is its purpose, not a hang).
set +e
"$st" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $admin" \
  --checks not_a_server_error \
  --max-examples "$examples" \
  --exclude-path /api/auth/logout \
  --exclude-path '/api/jobs/{id}/events' \
  --request-timeout 20 \
  --workers 2 \
  --suppress-health-check all \
  "$@"
rc=$?
set -e
n500="$(grep -c "internal error" "$data/stderr" || true)"
echo "server log: $n500 internal errors (500) logged" >&2
if [ "$n500" != "0" ]; then
  grep -m5 "internal error" "$data/stderr" >&2 || true
fi
exit $rc
