# The case API and `slawatch case` against a real redis-server and daemon: an open, a paused and a
# closed case; an unknown one (404); health and readiness; the worklist; a non-loopback bind
# without a token refused, and with a token: 401 without it, 200 with it.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_fast_daemon
API="http://127.0.0.1:$API_PORT"

created=$(iso_now_plus -60)
replied=$(iso_now_plus -59)
# Open: first response met, resolution running.
add_event type case.created case_id CS-20260302-0001 ts "$created" priority P1 team billing event_id o1
add_event type message.agent case_id CS-20260302-0001 ts "$replied" event_id o2
# Paused: waiting on the customer from the start.
add_event type case.created case_id CS-20260302-0002 ts "$created" priority P1 team billing event_id p1
add_event type case.status_changed case_id CS-20260302-0002 ts "$created" status pending event_id p2
# Closed: replied in time, resolved and closed.
add_event type case.created case_id CS-20260302-0003 ts "$created" priority P1 team network event_id c1
add_event type message.agent case_id CS-20260302-0003 ts "$replied" event_id c2
add_event type case.resolved case_id CS-20260302-0003 ts "$replied" event_id c3
add_event type case.closed case_id CS-20260302-0003 ts "$replied" event_id c4
# Breached: no reply, due 3 s after creation (a minute ago).
add_event type case.created case_id CS-20260302-0004 ts "$created" priority P1 team billing event_id b1
wait_until 20 no_pending || fail "events not acknowledged"

get() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$WORK/body" "$1"; }

[[ $(get "$API/healthz") == 200 ]] || fail "/healthz"
[[ $(get "$API/readyz") == 200 ]] || fail "/readyz not ready: $(cat "$WORK/body")"
[[ $(field '[c["name"] for c in d["checks"] if c["ok"]]') == "['redis', 'rules', 'backlog', 'persistence']" ]] ||
  fail "/readyz checks: $(cat "$WORK/body")"

[[ $(get "$API/api/v1/cases/CS-20260302-0001") == 200 ]] || fail "open case: $(cat "$WORK/body")"
[[ $(field 'd["state"], d["sla"]["answer"], [c["state"] for c in d["clocks"]]') == \
  "('open', 'pending', ['met', 'running'])" ]] || fail "open case: $(cat "$WORK/body")"
[[ $(field 'd["clocks"][0]["due_at"] is not None and len(d["clocks"][0]["ledger"]) > 0 and len(d["audit"]) > 0') == True ]] ||
  fail "open case: no due time, ledger or audit trail: $(cat "$WORK/body")"

[[ $(get "$API/api/v1/cases/CS-20260302-0002") == 200 ]] || fail "paused case"
[[ $(field 'd["state"], d["status"], d["clocks"][0]["state"], d["clocks"][0]["paused_seconds"] >= 60') == \
  "('paused', 'pending', 'paused', True)" ]] || fail "paused case: $(cat "$WORK/body")"

wait_until 20 bash -c "curl -s $API/api/v1/cases/CS-20260302-0003 | grep -q '\"live\":false'" ||
  fail "the closed case was not archived"
[[ $(get "$API/api/v1/cases/CS-20260302-0003") == 200 ]] || fail "closed case"
[[ $(field 'd["state"], d["sla"]["answer"], d["live"]') == "('closed', 'met', False)" ]] ||
  fail "closed case: $(cat "$WORK/body")"

[[ $(get "$API/api/v1/cases/CS-20991231-0000") == 404 ]] || fail "unknown case not 404"
[[ $(field 'd["error"] != ""') == True ]] || fail "404 without a JSON error"

# The worklist: at risk in team billing is the breached case only (the paused one is not late).
wait_until 20 bash -c "curl -s '$API/api/v1/cases?at_risk=true&team=billing' | grep -q CS-20260302-0004" ||
  fail "breached case not on the at-risk worklist"
get "$API/api/v1/cases?at_risk=true&team=billing" >/dev/null
[[ $(field '[c["case_id"] for c in d["cases"]], d["open"]') == "(['CS-20260302-0004'], 3)" ]] ||
  fail "worklist: $(cat "$WORK/body")"
[[ $(get "$API/api/v1/cases?limit=0") == 400 ]] || fail "bad limit accepted"

# slawatch case: the answer on top; exit 0 found, 1 not found.
"$SLAWATCH" case CS-20260302-0003 --api "$API" >"$WORK/out" || fail "slawatch case exited $?"
head -n 1 "$WORK/out" | grep -q "^Case CS-20260302-0003: SLA MET" || fail "slawatch case: $(cat "$WORK/out")"
grep -q "^TIMELINE" "$WORK/out" || fail "no timeline: $(cat "$WORK/out")"
"$SLAWATCH" case CS-20260302-0004 --api "$API" >"$WORK/out" || fail "slawatch case exited $?"
head -n 1 "$WORK/out" | grep -q "^Case CS-20260302-0004: SLA BREACHED (first_response still running, " ||
  fail "slawatch case (breached): $(cat "$WORK/out")"
"$SLAWATCH" case CS-20260302-0001 --api "$API" --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["case_id"] == "CS-20260302-0001"' ||
  fail "slawatch case --json"

# A reload that moves due times: resolution 1h -> 2h. Open cases get a rules_reloaded audit
# record (in the audit stream and in the case's trail); the closed case does not.
sed -i 's/resolution: {target: 1h}/resolution: {target: 2h}/; s/^version: "it"/version: "it-2h"/' "$WORK/rules.yaml"
[[ $(get -X POST --data '' "$API/api/v1/reload") == 200 ]] || fail "reload: $(cat "$WORK/body")"
[[ $(field 'd["applied"], d["version"], d["cases"]') == "(True, 'it-2h', 3)" ]] || fail "reload: $(cat "$WORK/body")"
wait_until 20 bash -c "redis-cli -p $REDIS_PORT --raw XRANGE slawatch:audit - + | grep -q 'CS-20260302-0001:resolution:1:rules_reloaded:it:it-2h:'" ||
  fail "no rules_reloaded audit record in the audit stream"
get "$API/api/v1/cases/CS-20260302-0001" >/dev/null
[[ $(field '[a["action"] for a in d["audit"]].count("rules_reloaded"), d["rules_version"]') == "(1, 'it-2h')" ]] ||
  fail "the case's trail lacks the reload: $(cat "$WORK/body")"
if stream_json slawatch:audit | grep -q '"case_id":"CS-20260302-0003".*rules_reloaded'; then
  fail "a closed case was recomputed"
fi
[[ $(get "$API/readyz") == 200 ]] || fail "/readyz after a good reload"
printf 'policies: [oops\n' >"$WORK/rules.yaml"
[[ $(get -X POST --data '' "$API/api/v1/reload") == 422 ]] || fail "invalid rules: not 422"
[[ $(get "$API/readyz") == 503 ]] || fail "/readyz after invalid rules: not 503"
grep -q '"name":"rules","ok":false' "$WORK/body" || fail "/readyz does not name the rules: $(cat "$WORK/body")"
write_fast_rules

status=0
"$SLAWATCH" case CS-20991231-0000 --api "$API" >/dev/null 2>"$WORK/err" || status=$?
[[ $status == 1 ]] || fail "unknown case: exit $status, not 1"
grep -q "not found" "$WORK/err" || fail "unknown case: $(cat "$WORK/err")"
stop_daemon || fail "daemon exited with status $?"

# Beyond loopback without a token: refused at start, naming the key.
write_config "$WORK/rules.yaml" "api: {listen: 0.0.0.0:$(free_port)}"
sed -i '/^api: {listen: 127.0.0.1/d' "$WORK/slawatch.yaml"
status=0
"$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/refused.log" 2>&1 || status=$?
[[ $status == 1 ]] || fail "a non-loopback API without a token: exit $status, not 1"
grep -q "slawatch.yaml:[0-9]*:[0-9]*: api.listen: .*needs a bearer token" "$WORK/refused.log" ||
  fail "no clear error: $(cat "$WORK/refused.log")"

# With a token: 401 without it or with a wrong one, 200 with it; /healthz stays open.
echo "t0ken-$RANDOM$RANDOM" >"$WORK/api.token"
TOKEN_PORT=$(free_port)
write_config "$WORK/rules.yaml" "api: {listen: 0.0.0.0:$TOKEN_PORT, token_file: api.token}"
sed -i '/^api: {listen: 127.0.0.1/d' "$WORK/slawatch.yaml"
API_PORT=$TOKEN_PORT
rcli XGROUP DESTROY slawatch:events slawatch >/dev/null  # the new daemon reads the history again
start_daemon
wait_until 20 no_pending || fail "events not acknowledged"
API="http://127.0.0.1:$TOKEN_PORT"
[[ $(get "$API/healthz") == 200 ]] || fail "/healthz with a token configured"
[[ $(get "$API/api/v1/cases/CS-20260302-0001") == 401 ]] || fail "no token: not 401"
[[ $(get -H "Authorization: Bearer wrong" "$API/api/v1/cases/CS-20260302-0001") == 401 ]] || fail "wrong token: not 401"
[[ $(get "$API/readyz") == 401 ]] || fail "/readyz without token: not 401"
[[ $(get -H "Authorization: Bearer $(cat "$WORK/api.token")" "$API/api/v1/cases/CS-20260302-0001") == 200 ]] ||
  fail "right token: $(cat "$WORK/body")"
status=0
"$SLAWATCH" case CS-20260302-0001 --api "$API" >/dev/null 2>&1 || status=$?
[[ $status == 1 ]] || fail "slawatch case without a token: exit $status"
"$SLAWATCH" case CS-20260302-0001 --api "$API" --token-file "$WORK/api.token" | head -n 1 |
  grep -q "^Case CS-20260302-0001: SLA PENDING" || fail "slawatch case with the token"
stop_daemon || fail "daemon exited with status $?"
echo "ok: open, paused, closed and unknown cases; worklist; slawatch case; token required beyond loopback"
