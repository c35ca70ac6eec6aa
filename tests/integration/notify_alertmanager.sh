# A real prometheus-alertmanager (with the shipped config/alertmanager.yml) receives the breach
# alert of a case with labels and annotations that identify it, then shows it resolved once the
# first response stops the clock. Prints the time from the due time to the alert being visible
# in Alertmanager's API (polled every 20 ms).
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"
command -v prometheus-alertmanager >/dev/null || { echo "prometheus-alertmanager not installed: skipped"; exit 77; }

AM_PID=""
stop_alertmanager() {
  stop_process "$AM_PID"
  AM_PID=""
}
trap 'status=$?; set +e; stop_alertmanager; (exit $status); cleanup' EXIT

start_alertmanager() {
  for attempt in 1 2 3; do
    AM_PORT=$(free_port)
    prometheus-alertmanager --config.file="$SOURCE_DIR/config/alertmanager.yml" --storage.path="$WORK/am" \
      --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >"$WORK/alertmanager.log" 2>&1 &
    AM_PID=$!
    if wait_until 20 curl -sf "http://127.0.0.1:$AM_PORT/-/ready"; then return 0; fi
    stop_alertmanager
  done
  cat "$WORK/alertmanager.log" >&2
  fail "prometheus-alertmanager did not start"
}

start_redis
start_alertmanager
cat >"$WORK/rules.yaml" <<'RULES'
version: "it"
calendars: {always: {timezone: UTC, hours: 24/7}}
receivers:
  on-call: {alertmanager: {severity: page}}
policies:
  - name: fast
    match: {priority: P1}
    calendar: always
    clocks:
      first_response: {target: 3s}
    notify: [on-call]
  - name: fallback
    calendar: always
    clocks:
      first_response: {target: 1h}
RULES
write_config "$WORK/rules.yaml" \
  "notify: {alertmanagers: [\"http://127.0.0.1:$AM_PORT\"], resend_interval: 2s, case_api_base: \"http://127.0.0.1:9465\"}"
start_daemon

case_id=CS-20260302-0042
created_epoch=$(date +%s)
created=$(date -u -d "@$created_epoch" +%Y-%m-%dT%H:%M:%SZ)
due_epoch=$((created_epoch + 3))
add_event type case.created case_id "$case_id" ts "$created" priority P1 team billing channel email event_id e1

# Alerts of the case in Alertmanager's API v2 (active ones only: resolved alerts are not listed).
alerts_of_case() { curl -sf -G "http://127.0.0.1:$AM_PORT/api/v2/alerts" --data-urlencode "filter=case_id=\"$case_id\""; }
breach_visible() { alerts_of_case | grep -q '"alertname":"SlaBreach"'; }

visible_ns=""
for ((i = 0; i < 1000; i++)); do  # 20 s at most
  if breach_visible; then
    visible_ns=$(date +%s%N)
    break
  fi
  sleep 0.02
done
[[ -n "$visible_ns" ]] || fail "no SlaBreach alert for $case_id in Alertmanager"
delay_ms=$(((visible_ns - due_epoch * 1000000000) / 1000000))

alert=$(alerts_of_case)
python3 - "$alert" "$case_id" <<'PY' || fail "alert labels or annotations wrong: $alert"
import json, sys
alerts = [a for a in json.loads(sys.argv[1]) if a["labels"]["alertname"] == "SlaBreach"]
assert len(alerts) == 1, alerts
a = alerts[0]
want = {"case_id": sys.argv[2], "clock": "first_response", "cycle": "1", "level": "0", "priority": "P1",
        "team": "billing", "channel": "email", "severity": "page", "receiver": "on-call"}
for k, v in want.items():
    assert a["labels"].get(k) == v, (k, a["labels"])
ann = a["annotations"]
assert ann["case_url"] == "http://127.0.0.1:9465/api/v1/cases/" + sys.argv[2], ann
assert ann["policy"] == "fast" and ann["due"].endswith("Z") and "summary" in ann and "late" in ann, ann
assert [r["name"] for r in a["receivers"]] == ["on-call"], a["receivers"]  # routed by the shipped config
assert a["status"]["state"] == "active", a["status"]
PY

# The agent answers: the clock stops (met late, still stopped) and the alert is resolved.
add_event type message.agent case_id "$case_id" ts "$(iso_now_plus 0)" event_id e2
breach_gone() { ! breach_visible; }
wait_until 15 breach_gone || fail "the alert of $case_id was not resolved after the first response: $(alerts_of_case)"

metrics=$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics")
grep -q 'slawatch_notify_deliveries_total{channel="alertmanager",receiver="on-call",result="sent"} 1' <<<"$metrics" ||
  fail "sent delivery not counted: $(grep notify_deliveries <<<"$metrics")"
grep -q 'slawatch_notify_deliveries_total{channel="alertmanager",receiver="on-call",result="resolved"} 1' <<<"$metrics" ||
  fail "resolve not counted: $(grep notify_deliveries <<<"$metrics")"
stop_daemon || fail "daemon exited with status $?"
echo "ok: breach alert visible in Alertmanager ${delay_ms} ms after its due time, resolved after the first response"
