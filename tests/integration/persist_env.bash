# Helpers of the persistence and recovery tests, on top of daemon_env.bash (sourced after it).

# metric NAME_WITH_LABELS: the value of one sample of /metrics (empty if absent).
# The page is read whole before awk looks at it: an awk that stops at the first match would close
# the pipe while curl still writes, and under `pipefail` curl's write error failed the caller.
metric() {
  local page
  page=$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics") || return 1
  awk -v n="$1" '$1 == n { print $2; exit }' <<<"$page"
}

# metric_at_least NAME_WITH_LABELS MIN: the sample exists and is >= MIN.
metric_at_least() {
  local v
  v=$(metric "$1")
  [[ -n "$v" ]] && awk -v v="$v" -v m="$2" 'BEGIN { exit !(v + 0 >= m + 0) }'
}

# jsonl_to_resp: JSON Lines events on stdin -> `XADD slawatch:events * field value ...` in the
# Redis protocol on stdout, for `redis-cli --pipe`.
jsonl_to_resp() {
  python3 -c '
import json, sys
out = sys.stdout.buffer
def bulk(s):
    b = s.encode()
    return b"$%d\r\n%s\r\n" % (len(b), b)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)
    args = ["XADD", "slawatch:events", "*"]
    for k, v in e.items():
        args += [k, v if isinstance(v, str) else json.dumps(v)]
    out.write(b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args))
'
}

# feed FILE: appends the events of a JSON Lines file to the input stream.
feed() { jsonl_to_resp <"$1" | redis-cli -p "$REDIS_PORT" --pipe >/dev/null; }

# group_field STREAM FIELD: a field of the daemon's consumer group on STREAM (XINFO GROUPS), e.g.
# entries-read or pending.
group_field() {
  rcli_raw XINFO GROUPS "$1" | awk -v f="$2" 'prev == f { print; exit } { prev = $0 }'
}

# stream_applied STREAM...: every entry of each STREAM delivered to the group and none pending:
# the daemon applied all of them.
stream_applied() {
  local s
  for s in "$@"; do
    [[ $(group_field "$s" entries-read) == $(rcli_raw XLEN "$s") && $(group_field "$s" pending) == 0 ]] || return 1
  done
}
all_applied() { stream_applied slawatch:events; }

# publish_file FILE: `slawatch publish` of a JSON Lines file to the partitions of the test's
# config; the test fails if it does.
publish_file() {
  "$SLAWATCH" publish --config "$WORK/slawatch.yaml" --file "$1" 2>"$WORK/publish.err" ||
    fail "publish: $(cat "$WORK/publish.err")"
}

# expect_daemon_exit STATUS: waits (up to 20 s) for the daemon to end on its own; the test fails
# unless it ends with STATUS.
expect_daemon_exit() {
  local status=0
  daemon_gone() { ! kill -0 "$DAEMON_PID" 2>/dev/null; }
  wait_until 20 daemon_gone || fail "the daemon still runs after 20 s, expected to exit with status $1"
  wait "$DAEMON_PID" || status=$?
  DAEMON_PID=""
  ((status == $1)) || fail "the daemon exited with status $status, expected $1"
}

# ids STREAM: the `id` field of every entry of STREAM, one per line, in stream order.
ids() { rcli_raw XRANGE "$1" - + | awk 'prev == "id" { print } { prev = $0 }'; }

# duplicates STREAM: how many entries repeat an id already written to STREAM.
duplicates() { ids "$1" | sort | uniq -d -c | awk '{ n += $1 - 1 } END { print n + 0 }'; }

# Records of a stream without the daemon-only lateness fields, sorted: comparable across runs.
comparable_json() { stream_json "$1" | sed -E 's/,"late":true,"detection_delay_seconds":[0-9]+//' | sort; }

# import_helpdesk_slice N: the first N events of the real helpdesk log (imported) in
# $WORK/events.jsonl; skips the test (77) when the real logs are not there.
import_helpdesk_slice() {
  local data=${SLAWATCH_DATA_DIR:-$SOURCE_DIR/../shared/data}
  local log=$data/helpdesk-italian-software-company/helpdesk_events_merged.csv.gz
  if [[ ! -f $log ]]; then
    echo "SKIP: real ticket logs not found (set SLAWATCH_DATA_DIR)" >&2
    exit 77
  fi
  "$SLAWATCH" import helpdesk "$log" 2>/dev/null | head -n "$1" >"$WORK/events.jsonl" || true
  [[ $(wc -l <"$WORK/events.jsonl") -gt 100 ]] || fail "import gave too few events"
}
