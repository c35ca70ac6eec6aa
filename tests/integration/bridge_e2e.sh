# The webhook bridge end to end: a real redis-server, `slawatch bridge`, and (when this build has
# it) the daemon. A Zendesk ticket's webhooks (created, agent reply, pending, customer reply,
# solved; the payload fixtures of tests/bridge/fixtures/zendesk with times moved to now) are
# signed as Zendesk signs them and posted with curl; the events must arrive in the input stream in
# order, and the daemon must record the ticket's SLA outcomes. Also: a tampered request gets 401,
# an unmappable one 422 and a dead-letter entry without personal data, and 503 once Redis is gone.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

BRIDGE_PID=""
trap 'st=$?; if [[ -n "$BRIDGE_PID" ]]; then kill "$BRIDGE_PID" 2>/dev/null; wait "$BRIDGE_PID" 2>/dev/null; fi
      if [[ $st -ne 0 && -f "$WORK/bridge.log" ]]; then echo "--- bridge log" >&2; tail -n 40 "$WORK/bridge.log" >&2; fi
      (exit $st); cleanup' EXIT

FIXTURES="$SOURCE_DIR/tests/bridge/fixtures/zendesk"
SECRET="e2e-signing-secret"

start_redis
mkdir -p "$WORK/secrets"
echo "$SECRET" >"$WORK/secrets/zendesk"
BRIDGE_PORT=$(free_port)
BRIDGE_METRICS_PORT=$(free_port)
cat >"$WORK/bridge.yaml" <<YAML
listen: 127.0.0.1:$BRIDGE_PORT
metrics: {listen: 127.0.0.1:$BRIDGE_METRICS_PORT}
redis: {host: 127.0.0.1, port: $REDIS_PORT, timeout: 1s}
log_level: debug
platforms:
  zendesk: {secret_file: secrets/zendesk}
YAML
"$SLAWATCH" bridge --config "$WORK/bridge.yaml" --check >/dev/null || fail "bridge --check refused the config"
"$SLAWATCH" bridge --config "$WORK/bridge.yaml" >"$WORK/bridge.log" 2>&1 &
BRIDGE_PID=$!
wait_until 20 curl -sf "http://127.0.0.1:$BRIDGE_PORT/healthz" || fail "the bridge did not start"

with_daemon=no
if "$SLAWATCH" run --help >/dev/null 2>&1; then
  with_daemon=yes
  cat >"$WORK/rules.yaml" <<'RULES'
version: "bridge-e2e"
calendars: {always: {timezone: UTC, hours: 24/7}}
policies:
  - name: high
    match: {priority: P2}
    calendar: always
    pause_on: [pending]
    clocks:
      first_response: {target: 1h}
      resolution: {target: 8h}
  - name: fallback
    calendar: always
    clocks:
      first_response: {target: 1h}
RULES
  write_config "$WORK/rules.yaml"
  start_daemon
else
  echo "SKIP (daemon part): this slawatch has no 'run' command; only the bridge -> Redis part is checked"
fi

# post FIXTURE OFFSET_SECONDS [tamper]: the fixture with its event time set to now + offset, signed
# like Zendesk (base64 HMAC-SHA256 of timestamp + body); prints the HTTP status.
post() {
  python3 - "$FIXTURES/$1.json" "$2" "$SECRET" "${3:-}" "$WORK/body.json" "$WORK/headers" <<'PY'
import base64, datetime, hashlib, hmac, json, sys
path, offset, secret, tamper, body_out, headers_out = sys.argv[1:7]
payload = json.load(open(path))
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
payload["time"] = (now + datetime.timedelta(seconds=int(offset))).strftime("%Y-%m-%dT%H:%M:%SZ")
body = json.dumps(payload)
stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
signature = base64.b64encode(hmac.new(secret.encode(), (stamp + body).encode(), hashlib.sha256).digest()).decode()
if tamper:
    body = body.replace('"HIGH"', '"URGENT"')
open(body_out, "w").write(body)
open(headers_out, "w").write(f"X-Zendesk-Webhook-Signature: {signature}\nX-Zendesk-Webhook-Signature-Timestamp: {stamp}\n")
PY
  curl -s -o "$WORK/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "@$WORK/headers" \
    --data-binary "@$WORK/body.json" "http://127.0.0.1:$BRIDGE_PORT/webhooks/zendesk"
}

offset=-10
for step in 01_created 02_agent_reply 03_pending 04_customer_reply 05_solved; do
  status=$(post "$step" "$offset")
  [[ $status == 202 ]] || fail "$step answered $status: $(cat "$WORK/answer.json")"
  offset=$((offset + 2))
done

types=$(rcli_raw XRANGE slawatch:events - + | awk 'prev == "type" { print } { prev = $0 }' | paste -sd' ')
[[ $types == "case.created message.agent case.status_changed message.customer case.resolved" ]] ||
  fail "input stream has: $types"
ids=$(rcli_raw XRANGE slawatch:events - + | awk 'prev == "event_id" { print } { prev = $0 }' | paste -sd' ')
[[ $ids == *cbe4028c-7239-495d-b020-f22348516046* ]] || fail "the Zendesk event id is not the event_id: $ids"
cases=$(rcli_raw XRANGE slawatch:events - + | awk 'prev == "case_id" { print } { prev = $0 }' | sort -u)
[[ $cases == "zendesk:35436" ]] || fail "case ids: $cases"
if rcli_raw XRANGE slawatch:events - + | grep -qi 'example\|must never'; then fail "personal data reached Redis"; fi

status=$(post 02_agent_reply 0 tamper)
[[ $status == 401 ]] || fail "a tampered request answered $status"
status=$(post unmapped_status 0)
[[ $status == 422 ]] || fail "an unmappable request answered $status"
grep -q unmapped_status "$WORK/answer.json" || fail "422 without its reason: $(cat "$WORK/answer.json")"
[[ $(rcli_raw XLEN slawatch:dead-letter) -ge 1 ]] || fail "nothing in the dead-letter stream"
[[ $(rcli_raw XLEN slawatch:events) == 5 ]] || fail "refused requests wrote events"
curl -sf "http://127.0.0.1:$BRIDGE_METRICS_PORT/metrics" >"$WORK/bridge-metrics.txt" || fail "no bridge /metrics"
grep -q 'slawatch_bridge_requests_total{platform="zendesk",result="accepted"} 5' "$WORK/bridge-metrics.txt" ||
  fail "accepted requests not counted"
grep -q 'slawatch_bridge_signature_failures_total{platform="zendesk",reason="mismatch"} 1' "$WORK/bridge-metrics.txt" ||
  fail "the bad signature was not counted"

if [[ $with_daemon == yes ]]; then
  outcome_of() { stream_json slawatch:outcomes | grep "\"case_id\":\"zendesk:35436\"" | grep -q "\"metric\":\"$1\".*\"outcome\":\"$2\""; }
  wait_until 20 outcome_of first_response met || fail "no first_response outcome 'met' for zendesk:35436"
  wait_until 20 outcome_of resolution met || fail "no resolution outcome 'met' for zendesk:35436"
  wait_until 20 no_pending || fail "the daemon left entries unacknowledged"
  stop_daemon || fail "daemon exited with status $?"
fi

kill "$REDIS_PID" && wait "$REDIS_PID" 2>/dev/null || true
REDIS_PID=""
status=$(post 04_customer_reply 30)
[[ $status == 503 ]] || fail "with Redis gone the bridge answered $status, not 503"

echo "ok: 5 Zendesk webhooks -> 5 contract events in order; 401 tampered, 422 + dead letter, 503 without Redis; daemon part: $with_daemon"
