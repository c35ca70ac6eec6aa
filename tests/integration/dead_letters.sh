# Malformed entries reach the dead-letter stream with their original fields and a reason, are
# acknowledged, are counted in a metric, and the daemon keeps applying good events.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_fast_daemon

now=$(iso_now_plus 0)
add_event type case.created case_id CS-20260302-0101 ts "yesterday-ish" priority P1
add_event type case.teleported case_id CS-20260302-0102 ts "$now"
add_event type case.created ts "$now" priority P2
add_event type case.created case_id CS-20260302-0103 ts "$now" priority P1 event_id ok1

dead_count() { [[ $(rcli_raw XLEN slawatch:dead-letter) == 3 ]]; }
wait_until 20 dead_count || fail "expected 3 dead letters, have $(rcli_raw XLEN slawatch:dead-letter)"
letters=$(rcli_raw XRANGE slawatch:dead-letter - +)
for reason in bad_timestamp unknown_type missing_field; do
  grep -qx "$reason" <<<"$letters" || fail "no dead letter with reason $reason"
done
grep -qx "yesterday-ish" <<<"$letters" || fail "original field values not kept"
grep -qx "CS-20260302-0102" <<<"$letters" || fail "original case_id not kept"
grep -qx "source_id" <<<"$letters" || fail "no source_id"

# The good event after them was applied: its breach arrives.
breach() { stream_json slawatch:notifications | grep -q '"case_id":"CS-20260302-0103".*"kind":"breach"'; }
wait_until 20 breach || fail "the daemon stopped applying events after the malformed ones"
wait_until 10 no_pending || fail "dead-lettered entries were not acknowledged"
metrics=$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics")
grep -q 'slawatch_dead_letters_total{reason="bad_timestamp"} 1' <<<"$metrics" || fail "dead letter not counted"
grep -q 'slawatch_ingest_events_total{result="dead_letter",type="unknown"} 1' <<<"$metrics" ||
  fail "unknown type not counted as type=unknown"
stop_daemon || fail "daemon exited with status $?"
echo "ok: 3 dead letters with reasons, good events still applied"
