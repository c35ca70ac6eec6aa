#!/usr/bin/env bash
# End to end with the real tools: redis-server, `slawatch run` (with config/demo-rules.yaml),
# a real prometheus-alertmanager (with config/alertmanager.yml) that the daemon notifies,
# two `slawatch generate` runs (a fast one for volume: resolutions, reopens, CSAT/NPS, and a
# slow one whose cases wait long enough to warn, breach and escalate), a few malformed entries
# (dead letters), and a real Prometheus (Debian package) scraping the daemon every second with
# the shipped recording and alerting rules loaded. Then every PromQL expression of every
# dashboard panel is evaluated through Prometheus's HTTP API: any error fails, and so does any
# panel still without data (or only NaN) when the deadline comes. Everything listens on
# loopback ports chosen at run time; the test waits by polling, with deadlines.
# Usage: prometheus_e2e.sh <path-to-slawatch> <source-dir>
set -euo pipefail
slawatch=$(realpath "${1:?usage: prometheus_e2e.sh <slawatch> <source-dir>}")
src=$(realpath "${2:?usage: prometheus_e2e.sh <slawatch> <source-dir>}")

if ! "$slawatch" run --help >/dev/null 2>&1; then
  echo "prometheus_e2e: SKIPPED: $slawatch has no working 'run' subcommand (the daemon is not built)" >&2
  echo "prometheus_e2e: SKIPPED !!! the dashboards were NOT evaluated against a live daemon !!!" >&2
  exit 0
fi
for tool in redis-server redis-cli prometheus prometheus-alertmanager promtool curl python3; do
  command -v "$tool" >/dev/null || { echo "prometheus_e2e: $tool not found; run scripts/install-deps" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
source "$(dirname "$0")/sanitizer_reports.bash"
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  sanitizer_reports "$tmp" && status=1
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT
fail() {
  echo "prometheus_e2e: $*" >&2
  for log in "$tmp"/*.log; do echo "--- $(basename "$log") (last lines)" >&2; tail -n 20 "$log" >&2; done
  exit 1
}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out waiting for $what"
    sleep 0.2
  done
}

redis_port=$(free_port)
metrics_port=$(free_port)
api_port=$(free_port)
prometheus_port=$(free_port)
alertmanager_port=$(free_port)

echo "== redis-server on 127.0.0.1:$redis_port"
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$tmp" > "$tmp/redis.log" 2>&1 &
pids+=($!)
wait_for 20 "redis-server" redis-cli -p "$redis_port" ping

echo "== prometheus-alertmanager on 127.0.0.1:$alertmanager_port"
prometheus-alertmanager --config.file="$src/config/alertmanager.yml" --storage.path="$tmp/am" \
  --web.listen-address="127.0.0.1:$alertmanager_port" --cluster.listen-address= > "$tmp/alertmanager.log" 2>&1 &
pids+=($!)
wait_for 30 "prometheus-alertmanager" curl -sf "http://127.0.0.1:$alertmanager_port/-/ready"

echo "== slawatch run (metrics on 127.0.0.1:$metrics_port)"
cat > "$tmp/slawatch.yaml" <<YAML
rules: $src/config/demo-rules.yaml
redis:
  host: 127.0.0.1
  port: $redis_port
metrics:
  listen: 127.0.0.1:$metrics_port
api:
  listen: 127.0.0.1:$api_port
notify:
  alertmanagers: [http://127.0.0.1:$alertmanager_port]
log_level: info
YAML
"$slawatch" run --config "$tmp/slawatch.yaml" --check >/dev/null || fail "the test's daemon config does not check"
"$slawatch" run --config "$tmp/slawatch.yaml" > "$tmp/daemon.log" 2>&1 &
daemon_pid=$!
pids+=("$daemon_pid")
wait_for 30 "the daemon's /metrics" curl -sf "http://127.0.0.1:$metrics_port/metrics"
curl -sf "http://127.0.0.1:$metrics_port/metrics" | promtool check metrics > "$tmp/lint.log" 2>&1 ||
  echo "prometheus_e2e: note: promtool check metrics has remarks: $(head -3 "$tmp/lint.log")"

echo "== prometheus on 127.0.0.1:$prometheus_port"
cat > "$tmp/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $src/dashboards/prometheus/recording.rules.yml
  - $src/dashboards/prometheus/alerting.rules.yml
scrape_configs:
  - job_name: slawatch
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YAML
promtool check config "$tmp/prometheus.yml" >/dev/null || fail "prometheus.yml does not check"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
pids+=($!)
wait_for 60 "prometheus to be ready" curl -sf "http://127.0.0.1:$prometheus_port/-/ready"

echo "== events: two generators and malformed entries"
# Fast: cases advance every 0.25 s, so hundreds close (met clocks, FCR, reopens, CSAT, NPS).
"$slawatch" generate --redis "127.0.0.1:$redis_port" --rate 120 --cases 30 --seed 11 --duration 120 \
  > "$tmp/generate-fast.log" 2>&1 &
pids+=($!)
# Slow: each case advances about every 25 s, past its warning, due and escalation times.
"$slawatch" generate --redis "127.0.0.1:$redis_port" --rate 8 --cases 200 --seed 12 --duration 120 \
  > "$tmp/generate-slow.log" 2>&1 &
pids+=($!)
redis-cli -p "$redis_port" XADD slawatch:events '*' type case.created case_id CS-1 ts not-a-time > /dev/null
redis-cli -p "$redis_port" XADD slawatch:events '*' type case.teleported case_id CS-2 ts 2025-09-12T14:03:00Z > /dev/null
redis-cli -p "$redis_port" XADD slawatch:events '*' case_id CS-3 ts 2025-09-12T14:03:00Z > /dev/null

echo "== every dashboard expression through /api/v1/query"
python3 "$src/dashboards/tools/exprs.py" --range 10m --rate-interval 1m --window 1h \
  "$src"/dashboards/*.json > "$tmp/exprs.jsonl"
if ! python3 - "$tmp/exprs.jsonl" "http://127.0.0.1:$prometheus_port" "$daemon_pid" <<'PY'
import json, math, os, sys, time, urllib.parse, urllib.request

exprs_file, base, daemon_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
exprs = [json.loads(line) for line in open(exprs_file)]
# Panels that may legitimately stay empty in this scenario: none. (Everything the dashboards
# show is produced above: breaches and escalations by the slow generator, reopens, CSAT and
# NPS by the fast one, dead letters by the malformed entries.)
may_be_empty = set()
deadline = time.monotonic() + 170


def query(expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400/422: a bad expression; the body says why
        return json.load(e)


def has_data(result):
    data = result["data"]
    if data["resultType"] == "scalar":
        return not math.isnan(float(data["result"][1]))
    return any(not math.isnan(float(s["value"][1])) for s in data["result"])


pending = {i for i in range(len(exprs))}
while True:
    try:
        os.kill(daemon_pid, 0)
    except OSError:
        sys.exit("prometheus_e2e: the daemon exited")
    for i in sorted(pending):
        e = exprs[i]
        r = query(e["expr"])
        if r.get("status") != "success":
            sys.exit(f"prometheus_e2e: {e['dashboard']} / {e['panel']} ({e['ref']}): "
                     f"{r.get('errorType')}: {r.get('error')}\n  {e['expr']}")
        if r.get("warnings"):
            print(f"warning: {e['dashboard']} / {e['panel']}: {r['warnings']}")
        if has_data(r):
            pending.discard(i)
    if not pending - may_be_empty or time.monotonic() > deadline:
        break
    time.sleep(2)

missing = [exprs[i] for i in sorted(pending) if exprs[i]["panel"] not in may_be_empty]
print(f"{len(exprs) - len(pending)} of {len(exprs)} expressions returned data")
if missing:
    for e in missing:
        print(f"prometheus_e2e: no data: {e['dashboard']} / {e['panel']} ({e['ref']}): {e['expr']}",
              file=sys.stderr)
    sys.exit(1)
PY
then
  fail "dashboard expressions failed"
fi

echo "== recorded series and alert rules"
rules_health=$(curl -sf "http://127.0.0.1:$prometheus_port/api/v1/rules" |
  python3 -c 'import json,sys; g=json.load(sys.stdin)["data"]["groups"]; r=[x for y in g for x in y["rules"]]; bad=[x["name"] for x in r if x.get("health") != "ok"]; print(len(r), " ".join(bad))')
read -r rule_count bad_rules <<<"$rules_health"
((rule_count >= 20)) || fail "prometheus loaded only $rule_count rules"
[[ -z ${bad_rules:-} ]] || fail "rules not healthy: $bad_rules"
echo "prometheus_e2e: ok ($rule_count rules healthy)"
