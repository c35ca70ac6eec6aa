# `slawatch publish` routes JSON Lines events to the partition streams of streams.partitions
# (FNV-1a-64 of case_id mod N, checked here by an independent implementation), reports bad lines
# with their numbers and exits 1 for them; the daemon then reads every partition.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_redis
write_fast_rules
write_config "$WORK/rules.yaml" "streams: {partitions: 4}"

created=$(iso_now_plus -1)
{
  for i in $(seq -w 1 12); do
    echo "{\"type\":\"case.created\",\"case_id\":\"CS-20260302-00$i\",\"ts\":\"$created\",\"priority\":\"P1\",\"event_id\":\"c$i\",\"email\":\"someone@example.org\"}"
    if [[ $i == 03 ]]; then echo '{"type":"case.created","case_id":'; fi         # line 4: bad JSON
    if [[ $i == 06 ]]; then echo ''; fi                                            # line 8: blank
    if [[ $i == 07 ]]; then echo "{\"type\":\"case.merged\",\"case_id\":\"X\",\"ts\":\"$created\"}"; fi  # line 10
  done
} >"$WORK/events.jsonl"

status=0
"$SLAWATCH" publish --config "$WORK/slawatch.yaml" --file "$WORK/events.jsonl" 2>"$WORK/publish.err" || status=$?
cat "$WORK/publish.err"
[[ $status == 1 ]] || fail "publish with bad lines exited $status, expected 1"
grep -q "^$WORK/events.jsonl:4: bad_json: " "$WORK/publish.err" || fail "line 4 not reported as bad_json"
grep -q "^$WORK/events.jsonl:10: unknown_type: " "$WORK/publish.err" || fail "line 10 not reported as unknown_type"
grep -q "12 events to 4 partitions of slawatch:events; 2 bad lines" "$WORK/publish.err" || fail "wrong summary"
! grep -q "example.org" "$WORK/publish.err" || fail "a personal value was printed"

# Every entry is in the partition of its case, by an implementation of the documented function.
python3 - "$REDIS_PORT" <<'PY' || fail "entries in the wrong partition (see above)"
import subprocess, sys
def fnv1a_64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) % 2**64
    return h
total = 0
for p in range(4):
    out = subprocess.run(["redis-cli", "-p", sys.argv[1], "--raw", "XRANGE", f"slawatch:events:{p}", "-", "+"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    for i, field in enumerate(out):
        if field == "case_id":
            total += 1
            case_id = out[i + 1]
            if fnv1a_64(case_id.encode()) % 4 != p:
                sys.exit(f"{case_id} in partition {p}")
        if field == "email":
            sys.exit("a personal attribute was published")
if total != 12:
    sys.exit(f"{total} entries, expected 12")
print(f"ok: 12 entries, each in partition fnv1a_64(case_id) % 4")
PY
used=0
for p in 0 1 2 3; do (($(rcli_raw XLEN "slawatch:events:$p") > 0)) && used=$((used + 1)); done
((used >= 3)) || fail "12 cases landed in only $used of 4 partitions"

# Standard input, no bad line: exit 0.
grep '"case.created"' "$WORK/events.jsonl" | grep -v 'case.merged' | head -n 2 |
  sed 's/"event_id":"c/"event_id":"again-c/' >"$WORK/good.jsonl"
"$SLAWATCH" publish --config "$WORK/slawatch.yaml" <"$WORK/good.jsonl" 2>"$WORK/publish2.err" ||
  fail "publish from stdin exited $?: $(cat "$WORK/publish2.err")"
grep -q "2 events to 4 partitions of slawatch:events; 0 bad lines" "$WORK/publish2.err" || fail "stdin summary"

# The daemon reads all four partitions: each P1 case breaches its 3 s first response.
"$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
breaches() { stream_json slawatch:notifications | grep '"kind":"breach"' | grep -o '"case_id":"[^"]*"' | sort -u | wc -l; }
all_breached() { [[ $(breaches) == 12 ]]; }
wait_until 30 all_breached || fail "$(breaches) of 12 cases breached: not every partition was read"
stop_daemon || fail "daemon exited with status $?"
echo "ok: publish routed 12 events to 4 partitions, reported 2 bad lines; the daemon read all partitions"
