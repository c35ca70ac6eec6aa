# SIGTERM while events stream in: the daemon stops reading, finishes what is in flight, writes
# and acknowledges it, and exits 0 with no entry left pending for the group.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_redis
# A small in-flight bound, so the shutdown happens with reads throttled by acknowledgements.
write_config "$SOURCE_DIR/config/demo-rules.yaml" "batch_size: 16" "max_in_flight: 64"
start_daemon

"$SLAWATCH" generate --redis "127.0.0.1:$REDIS_PORT" --stream slawatch:events --rate 2000 --cases 500 --seed 11 \
  --duration 3 2>/dev/null &
generator=$!
# Stop once the daemon is busy (some events applied), while the generator still writes.
applied() { curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | grep -q 'slawatch_ingest_events_total{result="applied"'; }
wait_until 20 applied || fail "nothing applied"
status=0
stop_daemon || status=$?
wait "$generator"
[[ $status == 0 ]] || fail "daemon exited with status $status"
[[ $(pending_count) == 0 ]] || fail "$(pending_count) entries left pending after SIGTERM"
grep -q "stopped$" "$WORK/daemon.log" || fail "no clean stop in the log"
echo "ok: SIGTERM left 0 pending entries ($(rcli_raw XLEN slawatch:events) events in the stream)"
