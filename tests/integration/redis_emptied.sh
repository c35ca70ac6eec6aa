# Redis loses its data (FLUSHALL, as after a restart without persistence) while the daemon holds
# open cases: the loss is reported loudly (error log, slawatch_redis_data_lost_total), every case
# held is saved again with the marker, and a daemon started afterwards recovers all of them.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

start_fast_daemon

# P2 cases: the fallback policy's first response is due in an hour, so they stay open and quiet.
cases=5
for i in $(seq 1 $cases); do
  add_event type case.created case_id "CS-20260302-02$(printf %02d "$i")" ts "$(iso_now_plus 0)" priority P2 event_id "c$i"
done
open_saved() { [[ $(rcli_raw SCARD '{slawatch:p0}:open') == "$1" ]]; }
wait_until 20 open_saved $cases || fail "open cases not saved: $(rcli_raw SCARD '{slawatch:p0}:open')"
wait_until 20 no_pending || fail "entries not acknowledged"
[[ $(rcli_raw EXISTS '{slawatch:p0}:marker') == 1 ]] || fail "no marker after recovery"
[[ $(metric slawatch_redis_data_lost_total) == 0 ]] || fail "data loss reported before it happened"

rcli FLUSHALL >/dev/null
wait_until 20 metric_at_least slawatch_redis_data_lost_total 1 || fail "the loss of Redis data was not reported"
grep -q "Redis LOST ITS DATA" "$WORK/daemon.log" || fail "no error log line about the loss"
# Saved again from memory, marker written back, readiness gauge cleared.
wait_until 20 open_saved $cases || fail "cases not saved again: $(rcli_raw SCARD '{slawatch:p0}:open')"
marker_back() { [[ $(rcli_raw EXISTS '{slawatch:p0}:marker') == 1 ]]; }
wait_until 20 marker_back || fail "marker not written again"
wait_until 20 bash -c "[[ \$(curl -sf http://127.0.0.1:$METRICS_PORT/metrics | awk '\$1 == \"slawatch_redis_data_lost\" { print \$2 }') == 0 ]]" ||
  fail "still reported as lost after saving again"
kill -0 "$DAEMON_PID" || fail "the daemon died"

# Events keep flowing into the recreated group.
add_event type message.agent case_id CS-20260302-0201 ts "$(iso_now_plus 0)" event_id m1
met() { stream_json slawatch:outcomes | grep -q '"case_id":"CS-20260302-0201".*"outcome":"met"'; }
wait_until 20 met || fail "no outcome after the loss"

# A crash now and a restart recovers every case.
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=""
start_daemon
recovered() { [[ $(metric 'slawatch_recovered_cases{state="open"}') == "$cases" ]]; }
wait_until 20 recovered || fail "recovered $(metric 'slawatch_recovered_cases{state="open"}') open cases, expected $cases"
stop_daemon || fail "daemon exited with status $?"
echo "ok: loss reported, $cases cases saved again and recovered"
