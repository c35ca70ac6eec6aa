# 100 rules reloads while events stream in (SIGHUP and POST /api/v1/reload alternately, every
# fourth with invalid rules) lose nothing: every entry is acknowledged, no dead letters, and the
# outcome records are those of the same events run without reloads. Invalid rules are refused
# (422, counted, /readyz 503 naming the rules) until a valid reload.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_redis
write_fast_rules
cp "$WORK/rules.yaml" "$WORK/rules-a.yaml"
sed 's/^version: "it"/version: "it-b"/' "$WORK/rules-a.yaml" >"$WORK/rules-b.yaml"  # same SLAs, new version
printf 'version: "broken"\npolicies: [oops\n' >"$WORK/rules-bad.yaml"
write_config "$WORK/rules.yaml" "batch_size: 16" "max_in_flight: 64"
API="http://127.0.0.1:$API_PORT"

chunks=100
per_chunk=10
# Events of chunk N in $WORK/chunk-N.redis: $per_chunk cases in the past, each created, answered (within the 3 s target
# for even cases, 5 s late for odd ones), resolved and closed: every outcome follows from the
# events alone, whatever the wall time.
python3 - "$chunks" "$per_chunk" "$WORK" <<'PY'
import sys, datetime
chunks, per, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
base = datetime.datetime(2026, 3, 2, 9, 0, 0)
def ts(s): return (base + datetime.timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
for chunk in range(chunks):
    with open("%s/chunk-%d.redis" % (work, chunk), "w") as out:
        for i in range(per):
            n = chunk * per + i
            case = "CS-20260302-%04d" % n
            t = n * 10
            reply = t + (2 if n % 2 == 0 else 8)
            for kind, at, extra in (("case.created", t, "priority P1"), ("message.agent", reply, ""),
                                    ("case.resolved", t + 60, ""), ("case.closed", t + 61, "")):
                out.write("XADD slawatch:events * type %s case_id %s ts %s event_id %s-%s %s\n" % (kind, case, ts(at), case, kind, extra))
PY
add_chunk() { redis-cli -p "$REDIS_PORT" <"$WORK/chunk-$1.redis" >/dev/null; }
total_events=$((chunks * per_chunk * 4))
acked_all() { [[ $(pending_count) == 0 ]] && [[ $(rcli_raw XINFO GROUPS slawatch:events | awk 'prev == "entries-read" { print } { prev = $0 }') == "$total_events" ]]; }
metric_sum() { curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v m="$1" '$1 ~ "^"m { s += $2 } END { print s + 0 }'; }
sorted_outcomes() { stream_json slawatch:outcomes | sort; }

# --- Baseline: the same events without reloads.
start_daemon
echo "$(date +%T) baseline"
for ((c = 0; c < chunks; c++)); do add_chunk "$c"; done
echo "$(date +%T) added"
wait_until 60 acked_all || fail "baseline: not every entry acknowledged"
wait_until 20 bash -c "[[ \$(redis-cli -p $REDIS_PORT XLEN slawatch:outcomes) -ge $((chunks * per_chunk * 2)) ]]" ||
  fail "baseline: outcomes missing"
stop_daemon || fail "baseline daemon exited with status $?"
sorted_outcomes >"$WORK/baseline.jsonl"
[[ $(wc -l <"$WORK/baseline.jsonl") == $((chunks * per_chunk * 2)) ]] || fail "baseline: $(wc -l <"$WORK/baseline.jsonl") outcomes"
rcli FLUSHALL >/dev/null
echo "$(date +%T) reloads"

# --- The same events with 100 reloads in between.
cp "$WORK/rules-a.yaml" "$WORK/rules.yaml"
start_daemon
reloads=0
invalid=0
for ((c = 0; c < chunks; c++)); do
  add_chunk "$c"
  if ((c % 4 == 3)); then
    cp "$WORK/rules-bad.yaml" "$WORK/rules.yaml"
    invalid=$((invalid + 1))
  elif ((c % 2 == 0)); then
    cp "$WORK/rules-a.yaml" "$WORK/rules.yaml"
  else
    cp "$WORK/rules-b.yaml" "$WORK/rules.yaml"
  fi
  reloads=$((reloads + 1))
  if ((c % 2 == 0)); then
    kill -HUP "$DAEMON_PID"
    wait_until 10 bash -c "[[ \$(curl -sf http://127.0.0.1:$METRICS_PORT/metrics | awk '\$1 ~ \"^slawatch_rules_reloads_total\" { s += \$2 } END { print s + 0 }') == $reloads ]]" ||
      fail "SIGHUP $reloads not counted"
  else
    timed=$(curl -s -o "$WORK/reload.json" -w '%{http_code} %{time_total}' -X POST --data '' "$API/api/v1/reload")
    code=${timed% *}
    echo "${timed#* }" >>"$WORK/post-seconds"
    if ((c % 4 == 3)); then
      [[ $code == 422 ]] || fail "invalid rules: POST /api/v1/reload answered $code"
      grep -q 'rules.yaml:[0-9]*:[0-9]*' "$WORK/reload.json" || fail "no file:line:col: $(cat "$WORK/reload.json")"
      code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "$API/readyz")
      [[ $code == 503 ]] || fail "/readyz after invalid rules: $code"
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "rules" in [c["name"] for c in d["checks"] if not c["ok"]], d' \
        "$WORK/ready.json" || fail "/readyz does not name the rules: $(cat "$WORK/ready.json")"
    else
      [[ $code == 200 ]] || fail "valid rules: POST /api/v1/reload answered $code: $(cat "$WORK/reload.json")"
    fi
  fi
done
cp "$WORK/rules-a.yaml" "$WORK/rules.yaml"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST --data '' "$API/api/v1/reload") == 200 ]] || fail "final reload"
reloads=$((reloads + 1))
wait_until 10 curl -sf "$API/readyz" || fail "/readyz not ready again after valid rules"
echo "$(date +%T) reloads done; POST /api/v1/reload seconds: $(sort -n "$WORK/post-seconds" | awk '{ a[NR] = $1 } END { print "median", a[int((NR + 1) / 2)], "max", a[NR] }')"

wait_until 60 acked_all || fail "with reloads: not every entry acknowledged ($(pending_count) pending)"
wait_until 20 bash -c "[[ \$(redis-cli -p $REDIS_PORT XLEN slawatch:outcomes) -ge $((chunks * per_chunk * 2)) ]]" ||
  fail "with reloads: outcomes missing"
[[ $(metric_sum 'slawatch_rules_reloads_total\{result="invalid"\}') == "$invalid" ]] || fail "invalid reloads not counted"
[[ $(metric_sum 'slawatch_rules_reloads_total\{result="applied"\}') == $((reloads - invalid)) ]] ||
  fail "applied reloads not counted"
[[ $(metric_sum 'slawatch_ingest_events_total\{result="applied"') == "$total_events" ]] ||
  fail "not every event applied: $(metric_sum 'slawatch_ingest_events_total\{result="applied"')"
[[ $(rcli_raw XLEN slawatch:dead-letter) == 0 ]] || fail "dead letters written"
stop_daemon || fail "daemon exited with status $?"
sorted_outcomes >"$WORK/reloaded.jsonl"
diff "$WORK/baseline.jsonl" "$WORK/reloaded.jsonl" >&2 || fail "outcomes differ from the run without reloads"
# Same SLAs in every valid version: no due time moved, so no rules_reloaded audit record.
if stream_json slawatch:audit | grep -q '"action":"rules_reloaded"'; then fail "due times moved without a change"; fi
echo "ok: $total_events events, $reloads reloads ($invalid invalid), $(wc -l <"$WORK/baseline.jsonl") outcomes equal to the run without reloads"
