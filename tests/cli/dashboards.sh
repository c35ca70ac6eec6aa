#!/usr/bin/env bash
# The Grafana dashboards and provisioning files: the JSON is what dashboards/tools/generate.py
# writes; each dashboard has what Grafana needs (uid, title, schemaVersion, templating with the
# datasource variable, panels with datasource, targets, unit and description, a grid layout
# without overlaps); every metric a panel reads is one the daemon exports (the lists at the top
# of actors/metrics.hpp and actors/persistence_metrics.hpp) or a recorded series; and every PromQL expression parses (promtool,
# through a throw-away rules file, since this promtool has no `check expr`).
# Grafana's JSON schema is not packaged by Debian, so this is a structural check.
# Usage: dashboards.sh <path-to-slawatch> <source-dir>
set -euo pipefail
src=${2:?usage: dashboards.sh <slawatch> <source-dir>}
dir="$src/dashboards"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== generated JSON is up to date"
python3 "$dir/tools/generate.py" "$tmp"
for f in sla-overview.json escalations.json health.json; do
  if ! diff -u "$dir/$f" "$tmp/$f"; then
    echo "dashboards: $f differs from what dashboards/tools/generate.py writes; run it" >&2
    exit 1
  fi
done

echo "== structure"
python3 - "$src" <<'PY'
import json, re, sys, glob, os
import yaml

src = sys.argv[1]
errors = []
def err(msg):
    errors.append(msg)

# Metric names the daemon exports, from the comment tables of actors/metrics.hpp and
# actors/persistence_metrics.hpp.
exported = set()
for header in ("actors/metrics.hpp", "actors/persistence_metrics.hpp"):
    with open(os.path.join(src, header), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"//\s+(slawatch_\w+)\s+(counter|gauge|histogram)\b", line)
            if m:
                exported.add(m.group(1))
                if m.group(2) == "histogram":
                    exported.update(m.group(1) + s for s in ("_bucket", "_sum", "_count"))
if len(exported) < 10:
    err(f"actors/metrics.hpp, persistence_metrics.hpp: found only {len(exported)} metric names in their lists")
# Series the recording rules add, and Prometheus's own `up`.
recorded = set()
for rules_file in glob.glob(os.path.join(src, "dashboards/prometheus/*.rules.yml")):
    for g in yaml.safe_load(open(rules_file))["groups"]:
        recorded.update(r["record"] for r in g["rules"] if "record" in r)
known = exported | recorded | {"up"}

PROMQL_WORDS = {"sum", "by", "without", "rate", "increase", "histogram_quantile", "sort_desc",
                "or", "and", "unless", "on", "ignoring", "group_left", "group_right", "vector",
                "count", "max_over_time", "le", "min", "max", "avg", "topk", "bool", "offset"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PANEL_TYPES = {"timeseries", "stat", "gauge", "bargauge", "table", "piechart", "text"}

paths = sorted(glob.glob(os.path.join(src, "dashboards/*.json")))
if len(paths) < 3:
    err(f"expected the three dashboards, found {paths}")
uids, titles, all_exprs = set(), set(), []
for path in paths:
    name = os.path.basename(path)
    try:
        board = json.load(open(path, encoding="utf-8"))
    except ValueError as e:
        err(f"{name}: not JSON: {e}")
        continue
    uid, title = board.get("uid"), board.get("title")
    if not isinstance(uid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid):
        err(f"{name}: uid {uid!r} must be 1-40 of [A-Za-z0-9_-]")
    if not title:
        err(f"{name}: no title")
    if uid in uids or title in titles:
        err(f"{name}: uid or title used by another dashboard")
    uids.add(uid); titles.add(title)
    if not isinstance(board.get("schemaVersion"), int) or board["schemaVersion"] < 36:
        err(f"{name}: schemaVersion {board.get('schemaVersion')!r} must be an integer >= 36")
    if "id" in board and board["id"] is not None:
        err(f"{name}: a provisioned dashboard must not carry a database id")

    variables = {v.get("name"): v for v in board.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        err(f"{name}: no `datasource` variable of type datasource for prometheus")
    for vname, v in variables.items():
        if v.get("type") == "query":
            if v.get("datasource") != DATASOURCE:
                err(f"{name}: variable {vname} does not use ${{datasource}}")
            q = v.get("query", {})
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"label_values\((\w+), (\w+)\)", q or "")
            if not m or m.group(2) != vname or m.group(1) not in known:
                err(f"{name}: variable {vname}: query {q!r} is not label_values(<exported metric>, {vname})")
            if not (v.get("multi") and v.get("includeAll") and v.get("allValue") == ".*"):
                err(f"{name}: variable {vname} must be multi, include All, with allValue .*")
        elif v.get("type") not in ("datasource", "custom"):
            err(f"{name}: variable {vname} has type {v.get('type')!r}")

    panels = board.get("panels") or []
    if not panels:
        err(f"{name}: no panels")
    ids, cells, used = set(), {}, set()
    for p in panels:
        where = f"{name}: panel {p.get('id')} '{p.get('title')}'"
        if not isinstance(p.get("id"), int) or p["id"] in ids:
            err(f"{where}: id missing or not unique")
        ids.add(p.get("id"))
        if p.get("type") not in PANEL_TYPES:
            err(f"{where}: type {p.get('type')!r}")
        if not p.get("title"):
            err(f"{where}: no title")
        if len(p.get("description") or "") < 20:
            err(f"{where}: no description (or a too short one)")
        if p.get("datasource") != DATASOURCE:
            err(f"{where}: datasource must be {DATASOURCE}")
        unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit")
        if not unit:
            err(f"{where}: no unit in fieldConfig.defaults")
        g = p.get("gridPos", {})
        if not all(isinstance(g.get(k), int) for k in "hwxy") or g["x"] + g["w"] > 24 or g["w"] < 1 or g["h"] < 1:
            err(f"{where}: bad gridPos {g}")
        else:
            for cx in range(g["x"], g["x"] + g["w"]):
                for cy in range(g["y"], g["y"] + g["h"]):
                    if (cx, cy) in cells:
                        err(f"{where}: overlaps panel {cells[(cx, cy)]}")
                        break
                    cells[(cx, cy)] = p.get("id")
        targets = p.get("targets") or []
        if not targets:
            err(f"{where}: no targets")
        refs = set()
        for t in targets:
            if t.get("datasource") != DATASOURCE:
                err(f"{where}: target {t.get('refId')} datasource must be {DATASOURCE}")
            if not t.get("refId") or t["refId"] in refs:
                err(f"{where}: refId missing or repeated")
            refs.add(t.get("refId"))
            expr = t.get("expr") or ""
            if not expr.strip():
                err(f"{where}: target {t.get('refId')} has no expr")
            used.update(re.findall(r"\$\{?(\w+)", expr))
            # Metric names: identifiers followed by `{` or `[`, or bare slawatch_* names, outside
            # string literals (label values).
            code = re.sub(r'"[^"]*"', '""', expr)
            for ident in set(re.findall(r"\b([a-zA-Z_:][\w:]*)\s*[{\[]", code)) | set(re.findall(r"\bslawatch_[\w:]*", code)):
                if ident not in known and ident not in PROMQL_WORDS:
                    err(f"{where}: reads {ident}, which is neither exported (actors/metrics.hpp) nor recorded")
    for vname in variables:
        if vname != "datasource" and vname not in used:
            err(f"{name}: variable {vname} is defined but no panel uses it")
    for vname in used:
        if not vname.startswith("__") and vname not in variables:
            err(f"{name}: panels use ${vname}, which is not defined")
    # Dashboards about SLA outcomes filter by team, priority and channel.
    if any("slawatch_sla_outcomes_total" in (t.get("expr") or "") for p in panels for t in p.get("targets", [])):
        for vname in ("team", "priority", "channel"):
            v = variables.get(vname)
            if not v or "slawatch_sla_outcomes_total" not in json.dumps(v.get("query")):
                err(f"{name}: needs a {vname} variable from label_values(slawatch_sla_outcomes_total, {vname})")

# Provisioning: a Prometheus datasource and a file provider reading the installed dashboards.
prov = os.path.join(src, "dashboards/provisioning")
try:
    dsf = yaml.safe_load(open(os.path.join(prov, "datasources/slawatch.yaml")))
    if dsf.get("apiVersion") != 1 or not any(d.get("type") == "prometheus" and d.get("url") for d in dsf.get("datasources", [])):
        err("provisioning/datasources/slawatch.yaml: no prometheus datasource with a url")
    dbf = yaml.safe_load(open(os.path.join(prov, "dashboards/slawatch.yaml")))
    providers = dbf.get("providers", [])
    if dbf.get("apiVersion") != 1 or not any(p.get("type") == "file" and p.get("options", {}).get("path") == "/usr/share/slawatch/dashboards" for p in providers):
        err("provisioning/dashboards/slawatch.yaml: no file provider reading /usr/share/slawatch/dashboards")
except (OSError, AttributeError, yaml.YAMLError) as e:
    err(f"provisioning: {e}")

for e in errors:
    print("dashboards:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

echo "== every expression parses"
python3 "$dir/tools/exprs.py" "$dir"/*.json > "$tmp/exprs.jsonl"
count=$(wc -l < "$tmp/exprs.jsonl")
if ((count < 30)); then
  echo "dashboards: only $count expressions found" >&2
  exit 1
fi
# JSON is YAML: one recording rule per expression; promtool parses each with Prometheus's parser.
python3 - "$tmp/exprs.jsonl" > "$tmp/exprs.rules.yml" <<'PY'
import json, sys
rules = [{"record": f"dashboard_expr_{i}", "expr": json.loads(line)["expr"]}
         for i, line in enumerate(open(sys.argv[1]))]
print(json.dumps({"groups": [{"name": "dashboard-exprs", "rules": rules}]}, indent=1))
PY
if ! promtool check rules "$tmp/exprs.rules.yml"; then
  echo "dashboards: an expression does not parse; the expressions were:" >&2
  cat "$tmp/exprs.jsonl" >&2
  exit 1
fi
echo "dashboards: ok ($count expressions)"
