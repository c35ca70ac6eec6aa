# Reads and claims of a leased partition are fenced by its lease in Redis, not only by what the
# daemon believes of its leases: a daemon that still counts on a lease another instance now
# holds (as one does between a stall and its next renewal) takes no entry of that partition,
# and reads nothing more until its next renewal, where it finds the lease lost and exits with
# status 3.
#
# Without the fence in Redis, the daemon's blocking XREADGROUP would take the new entries of the
# stolen partition at once, and they would stay pending under its name after it exited while the
# new owner applied the cases' later entries before them.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

ttl_ms=9000  # renewals every 3 s: the window between a renewal and the next is what the test uses
start_redis
write_fast_rules
write_config "$WORK/rules.yaml" "streams: {partitions: 2, lease_ttl: 9s}"
"$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
# The first acquisition waits for the count of live instances to hold for a TTL.
wait_until 40 metric_at_least slawatch_partitions_owned 2 || fail "the daemon did not take both partitions"


created=$(iso_now_plus -1)
for i in $(seq -w 1 24); do
  echo "{\"type\":\"case.created\",\"case_id\":\"CS-20260302-00$i\",\"ts\":\"$created\",\"priority\":\"P1\",\"event_id\":\"c$i\"}"
done >"$WORK/events.jsonl"

# Right after a renewal (the lease's TTL back near full), partition 0's lease is given to another
# instance; the events follow at once, well before the daemon's next renewal, 3 s later.
just_renewed() { (($(rcli_raw PTTL "{slawatch:p0}:lease") > ttl_ms - 400)); }
wait_until 10 just_renewed || fail "no lease renewal seen"
rcli SET "{slawatch:p0}:lease" other-instance PX 60000 >/dev/null
publish_file "$WORK/events.jsonl"
((  $(rcli_raw XLEN slawatch:events:0) > 0 && $(rcli_raw XLEN slawatch:events:1) > 0 )) ||
  fail "the cases did not spread over both partitions"

# The daemon tries to read (all its partitions in one fenced read) and is refused: it logs it, and
# at its next renewal finds partition 0's lease lost and exits with status 3.
expect_daemon_exit 3
grep -q "lease of partition 0 lost" "$WORK/daemon.log" || fail "the lost lease was not logged"
grep -q "LEASELOST slawatch:events:0: this instance does not hold the lease" "$WORK/daemon.log" ||
  fail "no read refused by the fence was logged"

# Nothing of partition 0 was delivered to the daemon, whose process never knew the lease was gone.
read0=$(group_field slawatch:events:0 entries-read)
read0=${read0:-0}
pending0=$(group_field slawatch:events:0 pending)
echo "lease fence: partition 0: entries read $read0 of $(rcli_raw XLEN slawatch:events:0), pending $pending0; the daemon exited with status 3"
((read0 == 0 && pending0 == 0)) || fail "entries of partition 0 were read after its lease was taken"
echo ok
