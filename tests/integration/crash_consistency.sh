# Crash consistency: a slice of a real ticket log (the helpdesk log, imported) goes through Redis
# twice: once with an uninterrupted daemon, once while the daemon is killed with SIGKILL at random
# moments (every other restart under another consumer name, so that the entries the dead one
# left pending are claimed with XAUTOCLAIM). The outcome records and the notification ids must be
# the same, with no record written twice. Prints kills, duplicates and differences.
# SLAWATCH_CRASH_EVENTS (default 8000) sets the slice, SLAWATCH_CRASH_KILLS (default 6) the kills.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
source "$(dirname "$0")/persist_env.bash"

events=${SLAWATCH_CRASH_EVENTS:-8000}
kills_wanted=${SLAWATCH_CRASH_KILLS:-6}
import_helpdesk_slice "$events"

start_redis
write_config "$SOURCE_DIR/config/rules.yaml" "max_in_flight: 512" "batch_size: 128" "persistence: {claim_idle: 2s}"
sed -i -e 's/^log_level: debug/log_level: info/' -e 's/^consumer: it$/consumer: it-0/' "$WORK/slawatch.yaml"

# Entries applied and acknowledged so far.
progress() {
  local info read pending
  info=$(rcli_raw XINFO GROUPS slawatch:events)
  read=$(awk 'prev == "entries-read" { print; exit } { prev = $0 }' <<<"$info")
  pending=$(rcli_raw XPENDING slawatch:events slawatch | head -n 1)
  echo $((${read:-0} - ${pending:-0}))
}
all_pending_idle() {
  local total idle
  total=$(rcli_raw XPENDING slawatch:events slawatch | head -n 1)
  idle=$(rcli_raw XPENDING slawatch:events slawatch IDLE 2100 - + 100000 | grep -c . || true)
  [[ $((idle / 4)) -ge ${total:-0} ]]
}
progress_at_least() { [[ $(progress) -ge $1 ]]; }
collect() {
  comparable_json slawatch:outcomes >"$WORK/$1.outcomes"
  ids slawatch:notifications | sort >"$WORK/$1.notifications"
  echo $(($(duplicates slawatch:outcomes) + $(duplicates slawatch:notifications) + $(duplicates slawatch:audit))) \
    >"$WORK/$1.duplicates"
}

# 1. Uninterrupted.
started=$(date +%s)
feed "$WORK/events.jsonl"
start_daemon
wait_until 150 all_applied || fail "uninterrupted run: entries left after 150 s (progress $(progress))"
stop_daemon || fail "daemon exited with status $?"
collect base
echo "uninterrupted: $events events, $(wc -l <"$WORK/base.outcomes") outcomes, $(wc -l <"$WORK/base.notifications") notifications in $(($(date +%s) - started)) s"

# 2. The same events, killed at random moments.
rcli FLUSHALL >/dev/null
feed "$WORK/events.jsonl"
kills=0
RANDOM=$$
for ((k = 1; k <= kills_wanted; k++)); do
  sed -i "s/^consumer: .*/consumer: it-$((k % 2))/" "$WORK/slawatch.yaml"
  start_daemon
  # Kill somewhere in the k-th share of the run, at a random point of it.
  target=$(((k - 1) * events / kills_wanted + RANDOM % (events / kills_wanted + 1)))
  wait_until 60 progress_at_least "$target" || true
  kill -KILL "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
  kills=$((kills + 1))
  # The next daemon has the other consumer name: it claims what this one left pending once that
  # is idle past claim_idle (2 s), before it reads new entries, so every case keeps its order.
  wait_until 20 all_pending_idle || fail "pending entries not idle after 20 s"
  echo "kill $kills at $(progress) of $events entries applied"
done
sed -i "s/^consumer: .*/consumer: it-$(((kills_wanted + 1) % 2))/" "$WORK/slawatch.yaml"
start_daemon
wait_until 150 all_applied || fail "after the kills: entries left after 150 s (progress $(progress))"
stop_daemon || fail "daemon exited with status $?"
collect crash

differences=$(($(comm -3 "$WORK/base.outcomes" "$WORK/crash.outcomes" | wc -l) +
  $(comm -3 "$WORK/base.notifications" "$WORK/crash.notifications" | wc -l)))
duplicates=$(($(cat "$WORK/base.duplicates") + $(cat "$WORK/crash.duplicates")))
echo "crash consistency: kills=$kills duplicates=$duplicates differences=$differences" \
  "(outcomes $(wc -l <"$WORK/crash.outcomes"), notifications $(wc -l <"$WORK/crash.notifications"))"
if [[ $differences -ne 0 ]]; then
  comm -3 "$WORK/base.outcomes" "$WORK/crash.outcomes" | head -5 >&2
  comm -3 "$WORK/base.notifications" "$WORK/crash.notifications" | head -5 >&2
  fail "$differences records differ from the uninterrupted run"
fi
[[ $duplicates -eq 0 ]] || fail "$duplicates records written twice"
[[ $(wc -l <"$WORK/base.outcomes") -gt 0 ]] || fail "no outcomes at all"
echo ok
