# A case waiting on the customer (status pending) does not breach while paused, while a twin
# case that is not paused does; once resumed, the paused case breaches by its counted time.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_fast_daemon

created=$(iso_now_plus 0)
add_event type case.created case_id CS-20260302-0001 ts "$created" priority P1 event_id a1
add_event type case.status_changed case_id CS-20260302-0001 ts "$created" status pending event_id a2
add_event type case.created case_id CS-20260302-0002 ts "$created" priority P1 event_id b1

breach_of() { stream_json slawatch:notifications | grep -q "\"case_id\":\"$1\".*\"kind\":\"breach\""; }
wait_until 20 breach_of CS-20260302-0002 || fail "the running twin case did not breach"
if breach_of CS-20260302-0001; then fail "the pending case breached while paused"; fi
# Stay paused past twice the target: still no breach.
wait_until 20 bash -c "[[ \$(date +%s) -ge $(($(date -u -d "$created" +%s) + 7)) ]]"
if breach_of CS-20260302-0001; then fail "the pending case breached while paused"; fi

resumed=$(iso_now_plus 0)
add_event type case.status_changed case_id CS-20260302-0001 ts "$resumed" status open event_id a3
wait_until 20 breach_of CS-20260302-0001 || fail "the resumed case did not breach"
expected_at=$(date -u -d "$resumed + 3 seconds" +%Y-%m-%dT%H:%M:%SZ)
stream_json slawatch:notifications | grep "\"case_id\":\"CS-20260302-0001\".*\"kind\":\"breach\"" |
  grep -q "\"at\":\"$expected_at\"" || fail "resumed case not due at $expected_at (3 s counted after resuming)"
stop_daemon || fail "daemon exited with status $?"
echo "ok: no breach while pending; breach at $expected_at after resuming"
