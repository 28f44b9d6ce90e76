# Sourced by the serve_* scripts (needs $here and $root): build `symbiont` unless SYMBIONT_BIN
# names a built binary, start `symbiont serve` on a fresh SQLite folder (stopped and removed on
# exit), and sign in as admin with the bootstrap token. Sets bin, data, base and admin.
# The write limit is generous: the load and fuzz runs write fast, and 429 is not under test.
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${SYMBIONT_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -p symbiont-cli --manifest-path "$root/Cargo.toml" >&2
  bin="$target/release/symbiont"
fi
data="$(mktemp -d)"
"$bin" serve --data-dir "$data" --bind 127.0.0.1:0 --workers 1 --write-rate 100000 --write-burst 100000 >"$data/stdout" 2>"$data/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q '^listening on' "$data/stdout" && break; sleep 0.1; done
base="$(sed -n 's/^listening on //p' "$data/stdout")"
token="$(sed -n 's/^bootstrap token (one time; creates the first admin): //p' "$data/stdout")"
admin="$(python3 "$here/serve_decide.py" setup "$base" "$token")"
