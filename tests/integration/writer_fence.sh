# The writer's fence: a daemon whose lease of a partition was taken by another instance between
# two renewals writes nothing more for that partition's cases, even records its own timers make
# (a breach falling due then); it exits with status 3 instead. The cases are created and written
# right after a renewal; their lease is then given to another name; their first responses fall
# due about a second later, before the daemon's next renewal (leases of 9 s, renewed every 3 s).
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

ttl_ms=9000
start_redis
write_fast_rules  # P1: first response due 3 s after creation
write_config "$WORK/rules.yaml" "streams: {partitions: 1, lease_ttl: 9s}"
"$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_until 40 metric_at_least slawatch_partitions_owned 1 || fail "the daemon did not take its partition"

just_renewed() { (($(rcli_raw PTTL "{slawatch:p0}:lease") > ttl_ms - 300)); }
wait_until 10 just_renewed || fail "no lease renewal seen"
renewed=$(date +%s.%N)
# Created a second before the renewal's whole second: due 2 to 3 s after the renewal, well
# before the next one (3 s after it) and after the lease is taken below.
created=$(date -u -d "@$(($(date +%s) - 1))" +%Y-%m-%dT%H:%M:%SZ)
for i in 1 2 3; do
  echo "{\"type\":\"case.created\",\"case_id\":\"CS-20260302-000$i\",\"ts\":\"$created\",\"priority\":\"P1\",\"event_id\":\"c$i\"}"
done >"$WORK/events.jsonl"
publish_file "$WORK/events.jsonl"
wait_until 2 stream_applied slawatch:events:0 || fail "the creations were not applied and written within 2 s"
rcli SET "{slawatch:p0}:lease" other-instance PX 60000 >/dev/null
taken=$(date +%s.%N)
due=$(($(date -u -d "$created" +%s) + 3))
awk -v t="$taken" -v d="$due" 'BEGIN { exit !(t < d) }' ||
  fail "the lease was taken after the deadlines (the machine is too slow for this test)"

expect_daemon_exit 3
grep -q "writer: the lease of partition 0 is no longer this instance's: not writing for it" "$WORK/daemon.log" ||
  fail "the writer did not refuse the breaches (the renewal found the lease lost first?)"
breaches=$(stream_json slawatch:notifications | grep -c '"kind":"breach"' || true)
echo "writer fence: lease taken $(awk -v a="$renewed" -v b="$taken" 'BEGIN { printf "%.2f", b - a }') s after" \
  "a renewal, before the breaches were due; the writer refused them and the daemon exited with status 3;" \
  "$breaches breaches written"
((breaches == 0)) || fail "$breaches breaches written after the lease was taken"
echo ok
