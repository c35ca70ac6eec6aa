# Redis is stopped and started again (with its data: append-only file) twice while the daemon is
# busy: the daemon stays up, is not ready while Redis is away (reader connection gauge 0),
# reconnects with backoff, and in the end every event is applied once: one first-response outcome
# per case, no record written twice, nothing left pending.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

# Redis that keeps its data across a restart, on the same port and directory.
start_persistent_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always \
    --dir "$WORK" --logfile "$WORK/redis.log" &
  REDIS_PID=$!
  wait_until 20 redis-cli -p "$REDIS_PORT" ping || fail "redis-server did not start on $REDIS_PORT"
}
stop_redis() {
  redis-cli -p "$REDIS_PORT" SHUTDOWN >/dev/null 2>&1 || true
  wait "$REDIS_PID" 2>/dev/null || true
  REDIS_PID=""
}

REDIS_PORT=$(free_port)
start_persistent_redis
write_fast_rules
write_config "$WORK/rules.yaml" "max_in_flight: 512" "batch_size: 128"
sed -i 's/^log_level: debug/log_level: info/' "$WORK/slawatch.yaml"
start_daemon

# CASES cases per wave, each created (P2: fallback policy, first response due in an hour) and
# answered by an agent: exactly one first_response outcome, met, per case.
cases=2000
make_wave() {
  python3 - "$1" "$cases" "$(iso_now_plus 0)" >"$WORK/wave$1.jsonl" <<'PY'
import json, sys
wave, n, ts = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(n):
    case = "CS-2026030%d-%04d" % (wave, i)
    print(json.dumps({"type": "case.created", "case_id": case, "ts": ts, "event_id": case + "-c", "priority": "P2"}))
    print(json.dumps({"type": "message.agent", "case_id": case, "ts": ts, "event_id": case + "-a"}))
PY
}
reader_down() { [[ $(metric 'slawatch_redis_connected{connection="reader"}') == 0 ]]; }
reader_up() { [[ $(metric 'slawatch_redis_connected{connection="reader"}') == 1 ]]; }

for wave in 1 2; do
  make_wave $wave
  feed "$WORK/wave$wave.jsonl"
  # Stop Redis while the daemon is working through the wave.
  wait_until 20 bash -c "[[ \$(redis-cli -p $REDIS_PORT --raw XLEN slawatch:outcomes) -gt $(((wave - 1) * cases)) ]]" ||
    fail "wave $wave: no progress"
  stop_redis
  wait_until 20 reader_down || fail "wave $wave: reader still reported connected while Redis is down"
  kill -0 "$DAEMON_PID" || fail "the daemon died while Redis was down"
  start_persistent_redis
  wait_until 30 reader_up || fail "wave $wave: the daemon did not reconnect"
done

wait_until 120 all_applied || fail "entries left: $(rcli_raw XPENDING slawatch:events slawatch | head -1) pending"
outcomes_met() { [[ $(stream_json slawatch:outcomes | grep -c '"metric":"first_response".*"outcome":"met"') -ge $((2 * cases)) ]]; }
wait_until 30 outcomes_met || true
met=$(stream_json slawatch:outcomes | grep -c '"metric":"first_response".*"outcome":"met"' || true)
dups=$(($(duplicates slawatch:outcomes) + $(duplicates slawatch:audit) + $(duplicates slawatch:notifications)))
errors=$(metric 'slawatch_redis_errors_total{connection="reader"}')
echo "redis restarts: 2, cases: $((2 * cases)), first-response outcomes met: $met, duplicates: $dups, reader errors: $errors"
[[ $met == $((2 * cases)) ]] || fail "expected $((2 * cases)) first-response outcomes, got $met"
[[ $dups == 0 ]] || fail "$dups records written twice"
[[ $(rcli_raw SCARD '{slawatch:p0}:open') == $((2 * cases)) ]] || fail "open cases saved: $(rcli_raw SCARD '{slawatch:p0}:open')"
[[ $(metric slawatch_redis_data_lost_total) == 0 ]] || fail "a restart with data was taken for a loss"
stop_daemon || fail "daemon exited with status $?"
echo ok
