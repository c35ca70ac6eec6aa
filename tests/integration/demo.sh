# scripts/demo, live part only and bounded in time (DEMO_SECONDS), with the binary under test:
# breaches arrive on screen, the metrics URL is printed, and nothing is left running.
set -euo pipefail
slawatch=$1
source_dir=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
DEMO_NO_BUILD=1 DEMO_REPLAY=0 DEMO_SECONDS=50 DEMO_RATE=40 BUILD_DIR=$(dirname "$slawatch") \
  "$source_dir/scripts/demo" >"$out" 2>&1 || { cat "$out" >&2; echo "FAIL: demo exited non-zero" >&2; exit 1; }
grep -q 'metrics: *http://127.0.0.1:[0-9]*/metrics' "$out" || { cat "$out" >&2; echo "FAIL: no metrics URL" >&2; exit 1; }
grep -q ' BREACH ' "$out" || { cat "$out" >&2; echo "FAIL: no breach shown within 50 s" >&2; exit 1; }
port=$(grep -o 'redis-server on 127.0.0.1:[0-9]*' "$out" | grep -o '[0-9]*$')
if redis-cli -p "$port" ping >/dev/null 2>&1; then echo "FAIL: the demo's redis-server still runs" >&2; exit 1; fi
echo "ok: demo showed $(grep -c ' BREACH ' "$out") breaches"
