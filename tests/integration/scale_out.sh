# Scale-out: a slice of a real ticket log (the helpdesk log, imported) is published to 16
# partitions and applied by three daemon instances sharing them through leases (TTL 2 s); one of
# them is killed with SIGKILL mid-run, the two others take its partitions over once its leases
# expire; then one of those is stalled (SIGSTOP) past the TTL, the last takes over, and the
# stalled one, woken, must exit with status 3. Every case's outcome records and the notification ids must equal those of one
# uninterrupted daemon over the same events without partitions, with no record written twice.
# Prints the split, the takeover times, duplicates and differences.
# SLAWATCH_SCALE_EVENTS (default 10000) sets the slice; SLAWATCH_SCALE_LEASE_TTL (default 2s) the
# leases' TTL (scripts/test gives the much slower sanitized daemons 5s: on a loaded machine a
# 2 s lease could expire under a live instance whose renewals were starved of CPU).
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

events=${SLAWATCH_SCALE_EVENTS:-10000}
lease_ttl=${SLAWATCH_SCALE_LEASE_TTL:-2s}
partitions=16
import_helpdesk_slice "$events"
lines=$(wc -l <"$WORK/events.jsonl")

# The instances besides the one of daemon_env.bash: pids, names, metrics ports; stopped on exit.
declare -a PIDS=() NAMES=() PORTS=()
stop_instances() {
  for pid in "${PIDS[@]}"; do [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; done
  return 0
}
trap 'status=$?; set +e; stop_instances; if ((status != 0)); then for f in "$WORK"/instance-*.log; do
  echo "--- $f (last 15 lines)" >&2; tail -n 15 "$f" >&2; done; fi; (exit $status); cleanup' EXIT

# The input streams and, over all of them, entries delivered to the group and still pending.
streams=()
group_totals() {
  local s cmds=""
  for s in "${streams[@]}"; do cmds+="XINFO GROUPS $s"$'\n'; done
  redis-cli -p "$REDIS_PORT" --raw <<<"$cmds" |
    awk 'prev == "entries-read" { read += $1 } prev == "pending" { pending += $1 } { prev = $0 }
         END { print read + 0, pending + 0 }'
}
applied() { local t; t=($(group_totals)); echo $((t[0] - t[1])); }
applied_at_least() { (($(applied) >= $1)); }
all_applied() { local t; t=($(group_totals)); ((t[0] == published && t[1] == 0)); }
collect() {
  comparable_json slawatch:outcomes >"$WORK/$1.outcomes"
  ids slawatch:notifications | sort >"$WORK/$1.notifications"
  echo $(($(duplicates slawatch:outcomes) + $(duplicates slawatch:notifications) + $(duplicates slawatch:audit))) \
    >"$WORK/$1.duplicates"
}
# Publishes the events (lines publish refuses, if any, are left out of both runs alike).
publish() {
  "$SLAWATCH" publish --config "$WORK/slawatch.yaml" --file "$WORK/events.jsonl" 2>"$WORK/publish.err" || true
  [[ $(published_count) -gt 100 ]] || fail "publish: $(cat "$WORK/publish.err")"
}
published_count() { sed -n 's/^slawatch publish: \([0-9]*\) events\{0,1\} to .*/\1/p' "$WORK/publish.err"; }

start_redis

# 1. One daemon, no partitions: the reference.
write_config "$SOURCE_DIR/config/rules.yaml" "max_in_flight: 512" "batch_size: 128"
sed -i 's/^log_level: debug/log_level: info/' "$WORK/slawatch.yaml"
streams=(slawatch:events)
started=$(date +%s)
publish
published=$(published_count)
start_daemon
wait_until 150 all_applied || fail "single instance: entries left after 150 s ($(applied) of $published applied)"
stop_daemon || fail "daemon exited with status $?"
collect single
echo "single instance: $published events, $(wc -l <"$WORK/single.outcomes") outcomes," \
  "$(wc -l <"$WORK/single.notifications") notifications in $(($(date +%s) - started)) s"

# 2. Three instances over 16 partitions, short leases, one killed mid-run.
rcli FLUSHALL >/dev/null
write_config "$SOURCE_DIR/config/rules.yaml" "max_in_flight: 512" "batch_size: 128" \
  "streams: {partitions: $partitions, lease_ttl: $lease_ttl}"
sed -i 's/^log_level: debug/log_level: info/' "$WORK/slawatch.yaml"
streams=()
for ((p = 0; p < partitions; p++)); do streams+=("slawatch:events:$p"); done
for i in 0 1 2; do
  NAMES[i]=node-$i
  PORTS[i]=$(free_port)
  sed -e "s/^consumer: .*/consumer: node-$i/" -e "s/^metrics: .*/metrics: {listen: 127.0.0.1:${PORTS[i]}}/" \
    -e "s/^api: .*/api: {listen: 127.0.0.1:$(free_port)}/" "$WORK/slawatch.yaml" >"$WORK/instance-$i.yaml"
done
# Started together: each waits until the count of live instances is stable for a TTL.
started=$(date +%s)
for i in 0 1 2; do
  "$SLAWATCH" run --config "$WORK/instance-$i.yaml" >"$WORK/instance-$i.log" 2>&1 &
  PIDS[i]=$!
done

owned() { curl -sf "http://127.0.0.1:${PORTS[$1]}/metrics" | awk '$1 == "slawatch_partitions_owned" { print $2 + 0 }'; }
# Who holds the lease of each partition, one line per partition (empty: free).
holders() {
  local p cmds=""
  for ((p = 0; p < partitions; p++)); do cmds+="GET {slawatch:p$p}:lease"$'\n'; done
  redis-cli -p "$REDIS_PORT" --raw <<<"$cmds"
}
split_done() {
  local a b c
  a=$(owned 0) b=$(owned 1) c=$(owned 2)
  [[ -n $a && -n $b && -n $c ]] && ((a > 0 && b > 0 && c > 0 && a + b + c == partitions))
}
wait_until 30 split_done || fail "the three instances did not split the $partitions partitions: $(owned 0) $(owned 1) $(owned 2)"
split="$(owned 0)/$(owned 1)/$(owned 2)"
[[ $(holders | grep -c .) == "$partitions" ]] || fail "not every partition has a lease: $(holders | tr '\n' ' ')"
# The events only now, published while the instances apply them, so that the kill below comes
# mid-run.
publish &
publisher=$!

# Kill the instance with the most partitions once an eighth of the entries are applied (more are
# by the time the kill lands: the instances go on meanwhile).
victim=0
for i in 1 2; do (($(owned "$i") > $(owned "$victim"))) && victim=$i; done
wait_until 90 applied_at_least $((lines / 8)) || fail "an eighth not applied after 90 s ($(applied))"
victim_partitions=$(holders | grep -cx "${NAMES[victim]}")
kill -KILL "${PIDS[victim]}"
wait "${PIDS[victim]}" 2>/dev/null || true
PIDS[victim]=""
killed_at=$(date +%s.%N)
at_kill=($(group_totals))
wait "$publisher" || fail "publish failed"
published=$(published_count)
taken_over() { [[ $(holders | grep -c .) == "$partitions" ]] && ! holders | grep -qx "${NAMES[victim]}"; }
wait_until 30 taken_over || fail "partitions of ${NAMES[victim]} not taken over after 30 s: $(holders | tr '\n' ' ')"
takeover=$(awk -v a="$killed_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# Stall one survivor past the lease TTL (SIGSTOP): the last one takes its partitions over. Woken
# up (SIGCONT), the stalled one must find its leases lost and exit at once with status 3, writing
# nothing for them (its writer checks the leases before every transaction).
stalled=-1 last=-1
for i in 0 1 2; do
  [[ -z ${PIDS[i]} ]] && continue
  if ((stalled < 0)); then stalled=$i; else last=$i; fi
done
stalled_partitions=$(holders | grep -cx "${NAMES[stalled]}")
kill -STOP "${PIDS[stalled]}"
stalled_at=$(date +%s.%N)
all_with_last() { [[ $(holders | grep -cx "${NAMES[last]}") == "$partitions" ]]; }
wait_until 30 all_with_last || fail "${NAMES[last]} did not take over the stalled ${NAMES[stalled]}: $(holders | tr '\n' ' ')"
stall_takeover=$(awk -v a="$stalled_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
at_wake=$(applied)
kill -CONT "${PIDS[stalled]}"
exited() { [[ $(ps -o stat= -p "${PIDS[stalled]}" 2>/dev/null || true) != [^Z]* ]]; }
wait_until 20 exited || fail "${NAMES[stalled]} still runs 20 s after waking up without its leases"
status=0
wait "${PIDS[stalled]}" || status=$?
PIDS[stalled]=""
((status == 3)) || fail "${NAMES[stalled]} exited with status $status after losing its leases, expected 3"
grep -q "lease of partition [0-9]* lost\|is no longer this instance's" "$WORK/instance-$stalled.log" ||
  fail "${NAMES[stalled]} did not log the lost lease"
wait_until 150 all_applied || fail "after the kill: entries left after 150 s ($(applied) of $published applied)"
# Counted before the survivors stop: the partitions one gives back then go to the other.
grep -h "lease: took over partition" "$WORK"/instance-*.log | grep -c . >"$WORK/takeovers" || true
claimed=$(sed -n 's/.*ingest: claimed \([0-9]*\) entries pending in partitions taken over.*/\1/p' "$WORK"/instance-*.log |
  awk '{ n += $1 } END { print n + 0 }')
survivors=""
for i in 0 1 2; do [[ -n ${PIDS[i]} ]] && survivors+="$(owned "$i") "; done
for i in 0 1 2; do
  [[ -z ${PIDS[i]} ]] && continue
  kill -TERM "${PIDS[i]}"
  status=0
  wait "${PIDS[i]}" || status=$?
  PIDS[i]=""
  ((status == 0)) || fail "${NAMES[i]} exited with status $status"
done
[[ $(holders | grep -c .) == 0 ]] || fail "leases left after the survivors stopped: $(holders | tr '\n' ' ')"
collect scale

differences=$(($(comm -3 "$WORK/single.outcomes" "$WORK/scale.outcomes" | wc -l) +
  $(comm -3 "$WORK/single.notifications" "$WORK/scale.notifications" | wc -l)))
duplicates=$(($(cat "$WORK/single.duplicates") + $(cat "$WORK/scale.duplicates")))
echo "scale-out: 3 instances over $partitions partitions split $split; ${NAMES[victim]} ($victim_partitions" \
  "partitions) killed at $((at_kill[0] - at_kill[1])) of $published entries applied (${at_kill[1]} pending); its partitions taken over in ${takeover} s;" \
  "${NAMES[stalled]} ($stalled_partitions partitions) stalled, taken over in ${stall_takeover} s, woken at $at_wake applied," \
  "exited with status 3" \
  "($(cat "$WORK/takeovers") takeovers logged, $claimed pending entries claimed; survivors owned ${survivors% }); all applied $(($(date +%s) - started)) s" \
  "after start; duplicates=$duplicates differences=$differences (outcomes $(wc -l <"$WORK/scale.outcomes")," \
  "notifications $(wc -l <"$WORK/scale.notifications"))"
if [[ $differences -ne 0 ]]; then
  comm -3 "$WORK/single.outcomes" "$WORK/scale.outcomes" | head -5 >&2
  comm -3 "$WORK/single.notifications" "$WORK/scale.notifications" | head -5 >&2
  fail "$differences records differ from the single-instance run"
fi
[[ $duplicates -eq 0 ]] || fail "$duplicates records written twice"
[[ $(cat "$WORK/takeovers") -eq $((victim_partitions + stalled_partitions)) ]] ||
  fail "$(cat "$WORK/takeovers") takeovers logged, ${NAMES[victim]} had $victim_partitions partitions and" \
    "${NAMES[stalled]} $stalled_partitions"
[[ $(wc -l <"$WORK/single.outcomes") -gt 0 ]] || fail "no outcomes at all"
echo ok
