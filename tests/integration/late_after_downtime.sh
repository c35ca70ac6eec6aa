# The daemon is stopped while a case's deadline passes: on restart it loads the case from its
# snapshot and writes the breach at once, marked late with the detection delay, counted in
# slawatch_late_records_total; a deadline that passes while it runs is not marked late.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

start_fast_daemon

case_a=CS-20260302-0101
created=$(iso_now_plus 0)
add_event type case.created case_id "$case_a" ts "$created" priority P1 event_id a1
saved() { [[ $(rcli_raw SISMEMBER '{slawatch:p0}:open' "$case_a") == 1 ]] && rcli_raw GET "{slawatch:p0}:case:$case_a" | grep -q '^slawatch-snapshot/2'; }
wait_until 20 saved || fail "the case's snapshot was not saved"
wait_until 20 no_pending || fail "the entry was not acknowledged"
stop_daemon || fail "daemon exited with status $?"

# First response is due 3 s after creation; stay down until 3 s after that.
due=$(($(date -u -d "$created" +%s) + 3))
wait_until 20 bash -c "[[ \$(date +%s) -ge $((due + 3)) ]]"
breach_of() { stream_json slawatch:notifications | grep -q "\"case_id\":\"$1\".*\"kind\":\"breach\""; }
if breach_of "$case_a"; then fail "a breach was written while the daemon was down"; fi

start_daemon
wait_until 20 breach_of "$case_a" || fail "no breach after the restart"
line=$(stream_json slawatch:notifications | grep "\"case_id\":\"$case_a\".*\"kind\":\"breach\"")
grep -q '"late":true' <<<"$line" || fail "the breach is not marked late: $line"
delay=$(sed -E 's/.*"detection_delay_seconds":([0-9]+).*/\1/' <<<"$line")
[[ "$delay" -ge 3 ]] || fail "detection delay $delay s, expected at least 3: $line"
wait_until 10 metric_at_least 'slawatch_late_records_total{record="notification"}' 1 ||
  fail "late notification not counted"
[[ $(metric 'slawatch_recovered_cases{state="open"}') == 1 ]] || fail "recovered cases: $(metric 'slawatch_recovered_cases{state="open"}')"
grep -q "recovery: 1 open and 0 closed cases loaded" "$WORK/daemon.log" || fail "no recovery log line"

# A deadline that passes while the daemon runs is on time: no lateness fields.
case_b=CS-20260302-0102
add_event type case.created case_id "$case_b" ts "$(iso_now_plus 0)" priority P1 event_id b1
wait_until 20 breach_of "$case_b" || fail "no breach of the second case"
if stream_json slawatch:notifications | grep "\"case_id\":\"$case_b\"" | grep -q '"late"'; then
  fail "an on-time breach is marked late"
fi
[[ $(duplicates slawatch:notifications) == 0 ]] || fail "duplicate notifications"
stop_daemon || fail "daemon exited with status $?"
echo "ok: breach written late by ${delay} s after the restart, on-time breach not marked"
