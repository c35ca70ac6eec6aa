# /metrics of a daemon that has applied events, breached and dead-lettered passes
# `promtool check metrics` (Prometheus naming and lint rules), and carries the documented names.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
command -v promtool >/dev/null || fail "promtool not found (Debian package prometheus)"

start_redis
write_config "$SOURCE_DIR/config/demo-rules.yaml"
start_daemon

"$SLAWATCH" generate --redis "127.0.0.1:$REDIS_PORT" --stream slawatch:events --rate 200 --cases 50 --seed 7 \
  --duration 2 2>/dev/null
add_event type case.created case_id CS-20260302-0001 ts "not a time"
add_event type csat.received case_id CS-20260302-0002 ts "$(iso_now_plus 0)" csat 4 nps 9
wait_until 20 no_pending || fail "entries left pending"

curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics.txt"
promtool check metrics <"$WORK/metrics.txt" || fail "promtool check metrics failed"
for name in slawatch_build_info slawatch_rules_info slawatch_sla_outcomes_total \
  slawatch_open_cases slawatch_ingest_events_total slawatch_dead_letters_total slawatch_ingest_lag_seconds_bucket \
  slawatch_csat_responses_total slawatch_nps_responses_total slawatch_consumer_pending slawatch_in_flight_events \
  slawatch_case_actors slawatch_records_written_total slawatch_redis_connected; do
  grep -q "^$name" "$WORK/metrics.txt" || fail "metric $name missing"
done
grep -q 'slawatch_rules_info{version="demo"} 1' "$WORK/metrics.txt" || fail "rules version not exported"
if grep -q 'CS-2026' "$WORK/metrics.txt"; then fail "a case id leaked into a label"; fi
stop_daemon || fail "daemon exited with status $?"
echo "ok: promtool check metrics passes"
