# Webhooks: a local receiver gets the breach notification as a signed JSON POST (HMAC-SHA256 of
# the body under the configured secret) with the notification id as Idempotency-Key; a receiver
# that answers 500 is retried with backoff and then dead-lettered; a restarted daemon that
# re-derives the same notification (its consumer group and saved case state gone, so it reads the
# events again) pages neither receiver a second time.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

HOOK_PID=""
stop_hook() {
  stop_process "$HOOK_PID"
  HOOK_PID=""
}
trap 'status=$?; set +e; stop_hook; (exit $status); cleanup' EXIT

start_hook() {
  for attempt in 1 2 3; do
    HOOK_PORT=$(free_port)
    python3 "$SOURCE_DIR/tests/integration/webhook_receiver.py" "$HOOK_PORT" "$WORK/hook.log" >"$WORK/hook.out" 2>&1 &
    HOOK_PID=$!
    if wait_until 10 grep -q listening "$WORK/hook.out"; then return 0; fi
    stop_hook
  done
  fail "the webhook receiver did not start"
}

start_redis
start_hook
touch "$WORK/hook.log"
printf 'it-s3cret\n' >"$WORK/webhook.secret"
cat >"$WORK/rules.yaml" <<RULES
version: "it"
calendars: {always: {timezone: UTC, hours: 24/7}}
receivers:
  hook: {webhook: {url: "http://127.0.0.1:$HOOK_PORT/ok"}}
  broken: {webhook: {url: "http://127.0.0.1:$HOOK_PORT/fail"}}
policies:
  - name: fast
    match: {priority: P1}
    calendar: always
    clocks:
      first_response: {target: 3s}
    notify: [hook, broken]
  - name: fallback
    calendar: always
    clocks:
      first_response: {target: 1h}
RULES
write_config "$WORK/rules.yaml" \
  "notify: {webhook_secret_file: webhook.secret, retries: 2, backoff: 1s, dead_letter: it:notify-dead}"
start_daemon

case_id=CS-20260302-0077
created_epoch=$(date +%s)
add_event type case.created case_id "$case_id" ts "$(date -u -d "@$created_epoch" +%Y-%m-%dT%H:%M:%SZ)" priority P1 \
  event_id e1

posts_to() { grep -c "\"path\": \"$1\"" "$WORK/hook.log" || true; }
got_ok() { [[ $(posts_to /ok) -ge 1 ]]; }
wait_until 20 got_ok || fail "the webhook receiver got no notification"
notification=$(stream_json slawatch:notifications | grep '"kind":"breach"')

python3 - "$WORK/hook.log" "$notification" "$created_epoch" <<'PY' || fail "webhook wrong"
import hashlib, hmac, json, sys
posts = [json.loads(l) for l in open(sys.argv[1]) if '"/ok"' in l]
assert len(posts) == 1, posts
p, record = posts[0], json.loads(sys.argv[2])
assert p["body"] == sys.argv[2], (p["body"], sys.argv[2])  # the record as written to the stream
assert p["idempotency_key"] == record["id"], p
assert p["content_type"].startswith("application/json"), p
want = "sha256=" + hmac.new(b"it-s3cret", p["body"].encode(), hashlib.sha256).hexdigest()
assert hmac.compare_digest(p["signature"], want), (p["signature"], want)
print("ok: webhook received %.0f ms after its due time" % ((p["received_at"] - (int(sys.argv[3]) + 3)) * 1000))
PY

# The failing receiver: the first attempt and 2 retries (1 s, then 2 s apart), then a dead letter.
dead_lettered() { [[ $(rcli_raw XLEN it:notify-dead) == 1 ]]; }
wait_until 20 dead_lettered || fail "no dead letter for the failing receiver ($(posts_to /fail) attempts)"
[[ $(posts_to /fail) == 3 ]] || fail "the failing receiver got $(posts_to /fail) attempts, not 3"
dead=$(rcli_raw XRANGE it:notify-dead - +)
grep -qx broken <<<"$dead" || fail "dead letter names no receiver: $dead"
grep -qx "HTTP 500" <<<"$dead" || fail "dead letter gives no reason: $dead"
grep -q '"kind":"breach"' <<<"$dead" || fail "dead letter holds no record: $dead"
metrics=$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics")
grep -q 'slawatch_notify_deliveries_total{channel="webhook",receiver="broken",result="retried"} 2' <<<"$metrics" ||
  fail "retries not counted: $(grep notify_deliveries <<<"$metrics")"
grep -q 'slawatch_notify_deliveries_total{channel="webhook",receiver="broken",result="failed"} 1' <<<"$metrics" ||
  fail "failure not counted"
stop_daemon || fail "daemon exited with status $?"

# Restart with the group and the saved case state gone (the send markers kept): the daemon reads
# the case's events again and writes the breach notification a second time; the send markers
# keep both receivers from a second page.
rcli XGROUP DESTROY slawatch:events slawatch >/dev/null
rcli_raw --scan --pattern '{slawatch:p0}:*' | while read -r key; do rcli_raw DEL "$key" >/dev/null; done
start_daemon
rewritten() { [[ $(stream_json slawatch:notifications | grep -c '"kind":"breach"') == 2 ]]; }
wait_until 20 rewritten || fail "the restarted daemon did not re-derive the breach"
duplicates_counted() {
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" |
    grep -c 'slawatch_notify_deliveries_total{channel="webhook",receiver="[a-z]*",result="duplicate"} 1' |
    grep -qx 2
}
wait_until 20 duplicates_counted || fail "the re-derived notification was not recognised as sent"
[[ $(posts_to /ok) == 1 ]] || fail "the receiver was paged $(posts_to /ok) times"
[[ $(posts_to /fail) == 3 ]] || fail "the failing receiver was tried again after the restart"
stop_daemon || fail "daemon exited with status $?"
echo "ok: signed webhook with Idempotency-Key; 500s retried twice then dead-lettered; no second page after a restart"
