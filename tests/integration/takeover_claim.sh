# Taking partitions over claims every entry pending in each of their streams before reading new
# ones, even when the in-flight bound stops the claims at the very start of a stream. With
# max_in_flight 1, the claims of partition 0 fill the bound each time; partition 1's claim then
# starts with nothing to spare. (The ingest once took a stream whose claim had not started for
# one whose claim was done, and read its new entries while the older ones stayed pending under
# the dead consumer until persistence.claim_idle, so that their cases were applied out of order:
# found by scale_out under the slower sanitized build.)
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

start_redis
write_fast_rules
write_config "$WORK/rules.yaml" "streams: {partitions: 2, lease_ttl: 2s}" "batch_size: 1" "max_in_flight: 1" \
  "persistence: {claim_idle: 10m}"

# A dead instance read the first event of every case and never acknowledged them.
created=$(iso_now_plus -1)
for i in $(seq -w 1 16); do
  echo "{\"type\":\"case.created\",\"case_id\":\"CS-20260302-00$i\",\"ts\":\"$created\",\"priority\":\"P1\",\"event_id\":\"c$i\"}"
done >"$WORK/created.jsonl"
for p in 0 1; do rcli XGROUP CREATE "slawatch:events:$p" slawatch 0 MKSTREAM >/dev/null; done
publish_file "$WORK/created.jsonl"
rcli XREADGROUP GROUP slawatch dead-instance COUNT 100 STREAMS slawatch:events:0 slawatch:events:1 '>' '>' >/dev/null
pending_of() { rcli_raw XPENDING "slawatch:events:$1" slawatch | head -n 1; }
dead0=$(pending_of 0) dead1=$(pending_of 1)
((dead0 > 0 && dead1 > 0)) || fail "the cases did not spread over both partitions ($dead0, $dead1)"

# Then each case got an assignment, which the daemon reads as a new entry.
for i in $(seq -w 1 16); do
  echo "{\"type\":\"case.assigned\",\"case_id\":\"CS-20260302-00$i\",\"ts\":\"$created\",\"assignee\":\"a1\",\"event_id\":\"a$i\"}"
done >"$WORK/assigned.jsonl"
publish_file "$WORK/assigned.jsonl"

"$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_until 60 stream_applied slawatch:events:0 slawatch:events:1 ||
  fail "entries still pending 60 s after start: partition 0 $(pending_of 0), partition 1 $(pending_of 1)" \
    "($(rcli_raw XPENDING slawatch:events:1 slawatch | sed -n 4p) holds partition 1's)"
claimed=$(sed -n 's/.*ingest: claimed \([0-9]*\) entries pending in partitions taken over.*/\1/p' "$WORK/daemon.log" |
  awk '{ n += $1 } END { print n + 0 }')
((claimed == dead0 + dead1)) || fail "claimed $claimed entries at takeover, $((dead0 + dead1)) were pending"

# Every case was created before it was assigned: each breaches its first response under the
# policy of P1 cases (3 s), none under the fallback policy of cases without their creation (1 h).
fast_breaches() {
  stream_json slawatch:notifications | grep '"kind":"breach","metric":"first_response"' | grep -c '"policy":"fast"'
}
sixteen_breaches() { [[ $(fast_breaches) == 16 ]]; }
wait_until 30 sixteen_breaches || fail "$(fast_breaches || true) of 16 cases breached under the P1 policy"
stop_daemon || fail "the daemon exited with status $?"
echo "takeover claim: $dead0 + $dead1 entries of a dead instance claimed with max_in_flight 1, before the" \
  "new ones; 16 first-response breaches under the P1 policy"
echo ok
