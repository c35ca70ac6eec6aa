# A deadline that passes after its partition's owner died, before another instance takes the
# partition over, is written by the new owner at once and marked late, with the detection delay;
# the same deadline in a partition whose owner lives is on time. Two instances over 2 partitions,
# leases of 8 s, first responses due 4 s after creation (so the lease outlives the
# deadline, at least by two thirds of the TTL, whenever the owner dies before it); the owner of one partition is killed
# (SIGKILL) right after it applied the creations.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

start_redis
cat >"$WORK/rules.yaml" <<'RULES'
version: "it"
calendars: {always: {timezone: UTC, hours: 24/7}}
policies:
  - name: six
    calendar: always
    clocks:
      first_response: {target: 4s}
RULES
write_config "$WORK/rules.yaml" "streams: {partitions: 2, lease_ttl: 8s}"
sed -i 's/^log_level: debug/log_level: info/' "$WORK/slawatch.yaml"

declare -a PIDS=() PORTS=()
trap 'status=$?; set +e; for pid in "${PIDS[@]}"; do [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; done;
  if ((status != 0)); then for f in "$WORK"/instance-*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; fi
  (exit $status); cleanup' EXIT
for i in 0 1; do
  PORTS[i]=$(free_port)
  sed -e "s/^consumer: .*/consumer: node-$i/" -e "s/^metrics: .*/metrics: {listen: 127.0.0.1:${PORTS[i]}}/" \
    -e "s/^api: .*/api: {listen: 127.0.0.1:$(free_port)}/" "$WORK/slawatch.yaml" >"$WORK/instance-$i.yaml"
  "$SLAWATCH" run --config "$WORK/instance-$i.yaml" >"$WORK/instance-$i.log" 2>&1 &
  PIDS[i]=$!
done
holder() { rcli_raw GET "{slawatch:p$1}:lease"; }
split() { [[ -n $(holder 0) && -n $(holder 1) && $(holder 0) != "$(holder 1)" ]]; }
wait_until 60 split || fail "the two instances did not take one partition each: '$(holder 0)' '$(holder 1)'"

created=$(iso_now_plus 0)
for i in $(seq -w 1 16); do
  echo "{\"type\":\"case.created\",\"case_id\":\"CS-20260302-00$i\",\"ts\":\"$created\",\"priority\":\"P1\",\"event_id\":\"c$i\"}"
done >"$WORK/events.jsonl"
publish_file "$WORK/events.jsonl"
wait_until 5 stream_applied slawatch:events:0 slawatch:events:1 || fail "the creations were not applied within 5 s"
# The owner of partition 0 dies before the first responses fall due (4 s after creation); the
# other takes partition 0 over once its lease expired (5.3 to 8 s later, plus up to a round).
victim=${PIDS[0]} survivor=1
[[ $(holder 0) == node-0 ]] || victim=${PIDS[1]} survivor=0
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
due=$(($(date -u -d "$created" +%s) + 4))
(($(date +%s) < due)) || fail "the kill came after the deadlines (the machine is too slow for this test)"
taken() { [[ $(holder 0) == "node-$survivor" ]]; }
wait_until 30 taken || fail "partition 0 not taken over after 20 s"

cases_of() { rcli_raw XRANGE "slawatch:events:$1" - + | awk 'prev == "case_id" { print } { prev = $0 }' | sort -u; }
breaches() { stream_json slawatch:notifications | grep '"kind":"breach"'; }
all_breached() { [[ $(breaches | grep -c .) == 16 ]]; }
wait_until 20 all_breached || fail "$(breaches | grep -c .) of 16 first responses breached"
late=0 on_time=0
for c in $(cases_of 0); do
  line=$(breaches | grep "\"case_id\":\"$c\"")
  grep -q '"late":true,"detection_delay_seconds":[0-9]' <<<"$line" || fail "not marked late after the takeover: $line"
  late=$((late + 1))
done
for c in $(cases_of 1); do
  line=$(breaches | grep "\"case_id\":\"$c\"")
  ! grep -q '"late"' <<<"$line" || fail "marked late while its partition's owner lived: $line"
  on_time=$((on_time + 1))
done
((late > 0 && on_time > 0)) || fail "the cases did not spread over both partitions"
echo "takeover late: $late breaches in the partition taken over marked late" \
  "($(breaches | grep -o '"detection_delay_seconds":[0-9]*' | sort -u | tr '\n' ' ')), $on_time on time"
echo ok
