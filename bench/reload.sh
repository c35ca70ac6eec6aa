#!/usr/bin/env bash
# Figure script of bench/run: time to recompute N open cases on a live rules reload.
#
#   bash bench/reload.sh BUILD_DIR     (BENCH_RELOAD_CASES=N, default 100000)
#
# Opens N cases (one `case.created` each) on a throwaway redis-server and daemon, then changes
# every clock's target and reloads through the case API (`POST /api/v1/reload`). Every open case
# then writes `rules_reloaded` audit records; the figure is from the POST to the last of them
# written (its stream entry time). Prints one table line and one JSON line (bench/run's format).
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cases=${BENCH_RELOAD_CASES:-100000}
slawatch=$build/slawatch
bench=$build/slawatch-bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/slawatch-reload.XXXXXX")
REDIS_PID=""
DAEMON_PID=""
cleanup() {
  local status=$?
  for pid in "$DAEMON_PID" "$REDIS_PID"; do [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_get() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

rules() {  # rules VERSION FIRST_RESPONSE RESOLUTION
  cat <<EOF
version: "$1"
calendars: {always: {timezone: UTC, hours: 24/7}}
policies:
  - name: everything
    calendar: always
    pause_on: [pending]
    clocks:
      first_response: {target: $2}
      resolution: {target: $3}
EOF
}
rules bench-a 4h 7d >"$WORK/rules.yaml"

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
REDIS_PID=$!
for _ in $(seq 100); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
API_PORT=$(free_port)
cat >"$WORK/slawatch.yaml" <<EOF
rules: $WORK/rules.yaml
redis: {host: 127.0.0.1, port: $REDIS_PORT}
metrics: {listen: 127.0.0.1:$(free_port)}
api: {listen: 127.0.0.1:$API_PORT}
consumer: bench
log_level: warn
EOF
"$slawatch" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$API_PORT/healthz" >/dev/null && break; sleep 0.1; done

"$bench" load --port "$REDIS_PORT" --open --events "$cases" --seed 4 >/dev/null
"$bench" wait --port "$REDIS_PORT" --group slawatch --timeout 3600 >/dev/null
rcli XTRIM slawatch:audit MAXLEN 0 >/dev/null

rules bench-b 2h 5d >"$WORK/rules.yaml"
load=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s%3N)
reply=$(curl -sf -X POST --data '' "http://127.0.0.1:$API_PORT/api/v1/reload")
# Two clocks per case move: wait (bounded) for both records of every case.
want=$((cases * 2))
for _ in $(seq 36000); do
  [[ $(rcli XLEN slawatch:audit) -ge $want ]] && break
  sleep 0.1
done
got=$(rcli XLEN slawatch:audit)
last_ms=$(rcli --raw XREVRANGE slawatch:audit + - COUNT 1 | head -1 | cut -d- -f1)
seconds=$(python3 -c "print(round(($last_ms - $start) / 1000, 3))")
note="$(json_get "$reply" cases) open cases recomputed, $got rules_reloaded records"
[[ $got -ge $want ]] || note="incomplete: $got of $want rules_reloaded records"
printf '%-22s %14s %14s %8s %-14s %-10s %6s  %s\n' "reload@$cases" "$seconds" - - report s "$load" "$note"
python3 -c 'import json, sys
print(json.dumps({"figure": sys.argv[1], "value": float(sys.argv[2]), "baseline": None, "ratio": None,
                  "goal": "report", "unit": "s", "load": float(sys.argv[3]), "note": sys.argv[4]}))' \
  "reload@$cases" "$seconds" "$load" "$note"
