#!/usr/bin/env bash
# Recovery time to ready for N open cases, against the time to merely read their snapshots from
# the same Redis in the same run (pipelined MGETs through `redis-cli --pipe`: the floor).
#
#   bench/recovery.sh BUILD_DIR [--sizes 100000,1000000]
#
# Sizes default to $BENCH_RECOVERY_SIZES, else 100000 (1000000 takes minutes and about 4 GB).
#
# Starts its own redis-server on a free loopback port. Makes one real snapshot by sending one
# case (created, assigned) through the daemon, copies it to N case ids (same events, same records
# already written: the snapshot keeps record ids as hashes of ids that contain the case id, so each
# copy gets the hashes of its own ids, else every copy would write its records again at recovery),
# then for each size: reads every snapshot with the bare client, starts the
# daemon and times it from launch to ready (slawatch_recovering 0 on /metrics, polled every 20 ms).
# Prints one table line per size (as bench/run prints them) and one JSON line per size:
# {"figure":"recovery","open_cases":N,"ready_seconds":..,"daemon_recovery_seconds":..,
#  "bare_read_seconds":..,"ratio":..,"rss_mb":..}
set -euo pipefail
build=${1:?usage: bench/recovery.sh BUILD_DIR [--sizes N,N]}
shift
sizes=${BENCH_RECOVERY_SIZES:-100000}
while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    *) echo "bench/recovery.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
slawatch=$build/slawatch
[[ -x $slawatch ]] || { echo "bench/recovery.sh: $slawatch not built" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slawatch-bench-recovery.XXXXXX")
REDIS_PID=""
DAEMON_PID=""
cleanup() {
  [[ -n $DAEMON_PID ]] && kill -KILL "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # SECONDS COMMAND...
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.02
  done
}

port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --logfile "$WORK/redis.log" &
REDIS_PID=$!
wait_for 10 redis-cli -p "$port" ping || { echo "bench/recovery.sh: redis-server did not start" >&2; exit 1; }
rcli() { redis-cli -p "$port" --raw "$@"; }

cat >"$WORK/rules.yaml" <<'RULES'
version: "bench"
calendars: {always: {timezone: UTC, hours: 24/7}}
policies:
  - name: standard
    calendar: always
    clocks:
      first_response: {target: 8h}
      resolution: {target: 5d}
RULES
# The config (free ports picked) apart from the launch: picking ports runs python3, which took
# seconds on a loaded machine and must stay out of the timed launch-to-ready window.
configure_daemon() {
  metrics_port=$(free_port)
  printf 'rules: rules.yaml\nredis: {host: 127.0.0.1, port: %s}\nmetrics: {listen: 127.0.0.1:%s}\napi: {listen: 127.0.0.1:%s}\nconsumer: bench\nlog_level: warn\n' \
    "$port" "$metrics_port" "$(free_port)" >"$WORK/slawatch.yaml"
}
launch_daemon() {
  "$slawatch" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
}
metric() { curl -sf "http://127.0.0.1:$metrics_port/metrics" | awk -v n="$1" '$1 == n { print $2; exit }'; }
recovered() { [[ $(metric slawatch_recovering) == 0 ]]; }
stop_daemon() { kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=""; }

# One real snapshot, made by the daemon.
configure_daemon
launch_daemon
wait_for 30 recovered || { echo "bench/recovery.sh: the daemon did not start" >&2; tail "$WORK/daemon.log" >&2; exit 1; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rcli XADD slawatch:events '*' type case.created case_id CS-TEMPLATE-0000000 ts "$now" priority P2 event_id t1 >/dev/null
rcli XADD slawatch:events '*' type case.assigned case_id CS-TEMPLATE-0000000 ts "$now" team billing owner a1 event_id t2 >/dev/null
wait_for 30 bash -c "[[ \$(redis-cli -p $port XPENDING slawatch:events slawatch | head -1) == 0 && \$(redis-cli -p $port XLEN slawatch:events) == 2 ]] && redis-cli -p $port --raw GET '{slawatch:p0}:case:CS-TEMPLATE-0000000' | grep -q 't2'" ||
  { echo "bench/recovery.sh: no template snapshot" >&2; exit 1; }
stop_daemon
rcli GET '{slawatch:p0}:case:CS-TEMPLATE-0000000' >"$WORK/template"
truncate -s -1 "$WORK/template"  # redis-cli --raw adds a line break
# The ids of the records the template case wrote (field `id` of every output stream's entries).
for stream in $(rcli --scan --pattern 'slawatch:*'); do
  [[ $stream != slawatch:events && $(rcli TYPE "$stream") == stream ]] || continue
  rcli XRANGE "$stream" - + | awk 'previous == "id" { print } { previous = $0 }'
done >"$WORK/record_ids"

IFS=, read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do
  rcli FLUSHALL >/dev/null
  # N copies of the template under N case ids, and the open index.
  python3 - "$WORK/template" "$n" "$WORK/record_ids" >"$WORK/load.resp" <<'PY'
import sys
template = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
record_ids = open(sys.argv[3], "rb").read().split()
lines = template.rstrip(b"\n").split(b"\n")
body = b"\n".join(line for line in lines if not line.startswith(b"h\t")) + b"\n"
if len(record_ids) != len(lines) - body.count(b"\n"):
    sys.exit("bench/recovery.sh: the template's record ids do not match its record hashes")
out = sys.stdout.buffer
def fnv1a_64(data):  # as rules::fnv1a_64, the hash a snapshot keeps of a record id
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h
def cmd(*args):
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
ids = []
for i in range(n):
    case = b"CS-TEMPLATE-%07d" % i
    hashes = sorted(fnv1a_64(r.replace(b"CS-TEMPLATE-0000000", case)) for r in record_ids)
    snapshot = body.replace(b"CS-TEMPLATE-0000000", case) + b"".join(b"h\t%016x\n" % h for h in hashes)
    cmd(b"SET", b"{slawatch:p0}:case:" + case, snapshot)
    ids.append(case)
    if len(ids) == 1000:
        cmd(b"SADD", b"{slawatch:p0}:open", *ids)
        ids = []
if ids:
    cmd(b"SADD", b"{slawatch:p0}:open", *ids)
cmd(b"SET", b"{slawatch:p0}:marker", b"bench")
PY
  redis-cli -p "$port" --pipe <"$WORK/load.resp" >/dev/null
  python3 - "$n" >"$WORK/read.resp" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
for start in range(0, n, 1000):
    keys = [b"{slawatch:p0}:case:CS-TEMPLATE-%07d" % i for i in range(start, min(n, start + 1000))]
    args = [b"MGET"] + keys
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
PY
  t0=$(date +%s.%N)
  redis-cli -p "$port" --pipe <"$WORK/read.resp" >/dev/null
  t1=$(date +%s.%N)
  bare=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')

  configure_daemon
  t0=$(date +%s.%N)
  launch_daemon
  wait_for 1800 recovered || { echo "bench/recovery.sh: not ready after 30 min ($n cases)" >&2; exit 1; }
  t1=$(date +%s.%N)
  ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  inner=$(metric slawatch_recovery_seconds)
  loaded=$(metric 'slawatch_recovered_cases{state="open"}')
  rss=$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$DAEMON_PID/status")
  stop_daemon
  [[ ${loaded%.*} == "$n" ]] || { echo "bench/recovery.sh: recovered $loaded of $n cases" >&2; exit 1; }
  ratio=$(awk -v a="$ready" -v b="$bare" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-22s %14s %14s %8s %-14s %-10s %6s  %s\n' "recovery $n" "$ready" "$bare" "${ratio}x" "-" s "$load" \
    "ready after launch vs bare MGET of the snapshots; in-daemon recovery ${inner} s, RSS ${rss} MB"
  printf '{"figure":"recovery","open_cases":%d,"ready_seconds":%s,"daemon_recovery_seconds":%s,"bare_read_seconds":%s,"ratio":%s,"rss_mb":%d,"load":%s}\n' \
    "$n" "$ready" "$inner" "$bare" "$ratio" "$rss" "$load"
done
