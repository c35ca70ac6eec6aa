# Shared set-up of the daemon integration tests (sourced, not a test itself: CTest runs *.sh).
# Starts a throwaway redis-server on a free loopback port in a temp dir and, on request, the
# daemon; everything is stopped and removed on exit. Waits poll with a bound, never a fixed sleep.
#
# Usage: source daemon_env.bash "$slawatch" "$source_dir"
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/sanitizer_reports.bash"

SLAWATCH=$1
SOURCE_DIR=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/slawatch-it.XXXXXX")
REDIS_PID=""
DAEMON_PID=""

cleanup() {
  local status=$?
  set +e  # a `wait` on a killed process returns 143: that must not end the clean-up half way
  [[ -n "$DAEMON_PID" ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  sanitizer_reports "$WORK" && status=1
  if [[ $status -ne 0 && -f "$WORK/daemon.log" ]]; then
    echo "--- daemon log (last 40 lines)" >&2
    tail -n 40 "$WORK/daemon.log" >&2
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails after SECONDS.
wait_until() {
  local limit=$1
  shift
  local tries=$((limit * 10))
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

rcli() { redis-cli -p "$REDIS_PORT" --no-raw "$@"; }
rcli_raw() { redis-cli -p "$REDIS_PORT" --raw "$@"; }

start_redis() {
  for attempt in 1 2 3; do
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
      --logfile "$WORK/redis.log" &
    REDIS_PID=$!
    if wait_until 10 redis-cli -p "$REDIS_PORT" ping; then return 0; fi
    kill "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  done
  fail "redis-server did not start"
}

# write_config RULES_FILE [extra YAML lines...]: the daemon config in $WORK/slawatch.yaml.
write_config() {
  local rules=$1
  shift
  METRICS_PORT=$(free_port)
  API_PORT=$(free_port)
  {
    echo "rules: $rules"
    echo "redis: {host: 127.0.0.1, port: $REDIS_PORT}"
    echo "metrics: {listen: 127.0.0.1:$METRICS_PORT}"
    echo "api: {listen: 127.0.0.1:$API_PORT}"
    echo "consumer: it"
    echo "log_level: debug"
    for line in "$@"; do echo "$line"; done
  } >"$WORK/slawatch.yaml"
}

group_exists() { rcli XINFO GROUPS slawatch:events | grep -q slawatch; }

start_daemon() {
  "$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  wait_until 20 group_exists || fail "the daemon did not create its consumer group"
  wait_until 20 curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" || fail "no /metrics"
}

# The usual start of a test: Redis, the fast rules, the config (extra YAML lines as arguments)
# and the daemon.
start_fast_daemon() {
  start_redis
  write_fast_rules
  write_config "$WORK/rules.yaml" "$@"
  start_daemon
}

# stop_process PID: stops a helper process of a test (a receiver, Alertmanager) if PID is set.
stop_process() {
  [[ -n "$1" ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Stops the daemon with SIGTERM and returns its exit status.
stop_daemon() {
  kill -TERM "$DAEMON_PID"
  local status=0
  wait "$DAEMON_PID" || status=$?
  DAEMON_PID=""
  return $status
}

# add_event FIELD VALUE ...: appends one entry to the input stream.
add_event() { rcli XADD slawatch:events '*' "$@" >/dev/null; }

iso_now_plus() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }

# The `json` fields of a stream's entries, one per line.
stream_json() { rcli_raw XRANGE "$1" - + | awk 'prev == "json" { print } { prev = $0 }'; }

pending_count() { rcli_raw XPENDING slawatch:events slawatch | head -n 1; }
no_pending() { [[ $(pending_count) == 0 ]]; }

# Rules with second-scale targets for the tests: P1 first response 3 s, triage off, resolution 1 h.
write_fast_rules() {
  cat >"$WORK/rules.yaml" <<'RULES'
version: "it"
calendars: {always: {timezone: UTC, hours: 24/7}}
policies:
  - name: fast
    match: {priority: P1}
    calendar: always
    pause_on: [pending]
    clocks:
      first_response: {target: 3s}
      resolution: {target: 1h}
  - name: fallback
    calendar: always
    clocks:
      first_response: {target: 1h}
RULES
}
