# A case breaches its first-response target and the breach notification arrives in the
# notifications stream, due at created + target; the created event is acknowledged.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_fast_daemon

created=$(iso_now_plus 0)
add_event type case.created case_id CS-20260302-0001 ts "$created" priority P1 event_id e1

has_breach() { stream_json slawatch:notifications | grep -q '"case_id":"CS-20260302-0001".*"kind":"breach"'; }
wait_until 20 has_breach || fail "no breach notification for CS-20260302-0001"

breach=$(stream_json slawatch:notifications | grep '"kind":"breach"')
expected_at=$(date -u -d "$created + 3 seconds" +%Y-%m-%dT%H:%M:%SZ)
grep -q "\"at\":\"$expected_at\"" <<<"$breach" || fail "breach not due at $expected_at: $breach"
grep -q '"metric":"first_response"' <<<"$breach" || fail "breach of the wrong clock: $breach"
[[ $(stream_json slawatch:notifications | grep -c '"kind":"breach"') == 1 ]] || fail "breach written more than once"
wait_until 10 no_pending || fail "the created event was not acknowledged"
stop_daemon || fail "daemon exited with status $?"
echo "ok: breach notification due at $expected_at"
