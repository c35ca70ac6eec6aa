# Events of a case are applied by event time, not by arrival order: the end of a pause arrives
# before its start. Applied as they arrive, the case would stay paused and never breach; applied
# by time, 6 s were paused and the 20 s first response is due at created + 26 s.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_redis
write_fast_rules
sed -i 's/first_response: {target: 3s}/first_response: {target: 20s}/' "$WORK/rules.yaml"
write_config "$WORK/rules.yaml"
start_daemon

# Created 12 s ago, paused from -10 s to -4 s: due in 14 s (in 8 s if the pause were ignored).
created=$(iso_now_plus -12)
paused=$(date -u -d "$created + 2 seconds" +%Y-%m-%dT%H:%M:%SZ)
resumed=$(date -u -d "$created + 8 seconds" +%Y-%m-%dT%H:%M:%SZ)
expected_at=$(date -u -d "$created + 26 seconds" +%Y-%m-%dT%H:%M:%SZ)
add_event type case.created case_id CS-20260302-0007 ts "$created" priority P1 event_id c1
add_event type case.status_changed case_id CS-20260302-0007 ts "$resumed" status open event_id s2
add_event type case.status_changed case_id CS-20260302-0007 ts "$paused" status pending event_id s1

breach() { stream_json slawatch:notifications | grep -q '"case_id":"CS-20260302-0007".*"kind":"breach"'; }
wait_until 30 breach || fail "no breach: the late pause start was not applied by its time"
stream_json slawatch:notifications | grep '"kind":"breach"' | grep -q "\"at\":\"$expected_at\"" ||
  fail "breach not due at $expected_at: $(stream_json slawatch:notifications | grep '"kind":"breach"')"
audit=$(stream_json slawatch:audit | grep '"case_id":"CS-20260302-0007"')
grep -q '"action":"paused"' <<<"$audit" || fail "no pause in the audit trail"
grep -q '"action":"resumed"' <<<"$audit" || fail "no resume in the audit trail"
wait_until 10 no_pending || fail "entries left pending"
stop_daemon || fail "daemon exited with status $?"
echo "ok: out-of-order pause applied by event time; breach due at $expected_at"
