#!/usr/bin/env bash
# The shipped config/alertmanager.yml: `amtool check-config` accepts it, every receiver of
# config/rules.yaml that pages through Alertmanager has a route of its own (on the `receiver`
# label slawatch sets), an unknown receiver falls to the catch-all, and the inhibition rules
# make a higher escalation level mute the lower one for the same case, clock and cycle only.
# Usage: alertmanager_config.sh <path-to-slawatch> <source-dir>
set -euo pipefail
src=${2:?usage: alertmanager_config.sh <slawatch> <source-dir>}
config="$src/config/alertmanager.yml"

if ! command -v amtool >/dev/null; then
  echo "alertmanager_config: amtool not found (Debian package 'prometheus-alertmanager'); run scripts/install-deps" >&2
  exit 1
fi

amtool check-config "$config"

route_of() { amtool config routes test --config.file="$config" "$@" 2>/dev/null; }

receivers=$(python3 - "$src/config/rules.yaml" <<'PY'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
for name, r in (rules.get("receivers") or {}).items():
    if "alertmanager" in r:
        print(name)
PY
)
[[ -n "$receivers" ]] || { echo "alertmanager_config: no Alertmanager receivers in config/rules.yaml" >&2; exit 1; }
for r in $receivers; do
  got=$(route_of alertname=SlaBreach "receiver=$r" case_id=CS-1 clock=first_response cycle=1)
  if [[ "$got" != "$r" ]]; then
    echo "alertmanager_config: rules receiver $r is routed to '$got', not to its own receiver" >&2
    exit 1
  fi
done
got=$(route_of alertname=SlaBreach receiver=nobody-configured-this)
[[ "$got" == unrouted ]] || { echo "alertmanager_config: an unknown receiver routes to '$got'" >&2; exit 1; }

# Inhibition: the rules as data, checked for the cases that matter.
python3 - "$config" <<'PY'
import re, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))

def parse(matchers):
    out = []
    for m in matchers:
        name, op, value = re.match(r'\s*(\w+)\s*(=~|!=|=)\s*"(.*)"\s*$', m).groups()
        out.append((name, op, value))
    return out

def matches(matchers, labels):
    for name, op, value in matchers:
        v = labels.get(name, "")
        if op == "=" and v != value: return False
        if op == "!=" and v == value: return False
        if op == "=~" and not re.fullmatch(value, v): return False
    return True

def muted(target, firing):
    for rule in cfg.get("inhibit_rules", []):
        src, tgt = parse(rule.get("source_matchers", [])), parse(rule.get("target_matchers", []))
        for source in firing:
            if source is target or not matches(src, source) or not matches(tgt, target): continue
            if all(source.get(l) == target.get(l) for l in rule.get("equal", [])): return True
    return False

def alert(name, level, case="CS-1", clock="first_response", cycle="1"):
    return {"alertname": name, "level": str(level), "case_id": case, "clock": clock, "cycle": cycle}

l1, l2 = alert("SlaEscalation", 1), alert("SlaEscalation", 2)
checks = [
    (muted(l1, [l1, l2]), True, "level 2 mutes level 1 of the same case and clock"),
    (muted(l2, [l1, l2]), False, "level 1 does not mute level 2"),
    (muted(l1, [l1, alert("SlaEscalation", 2, case="CS-2")]), False, "another case's level 2 mutes nothing"),
    (muted(l1, [l1, alert("SlaEscalation", 2, clock="resolution")]), False, "another clock's level 2 mutes nothing"),
    (muted(alert("SlaEscalation", 2), [alert("SlaEscalation", 3), alert("SlaEscalation", 2)]), True, "level 3 mutes level 2"),
    (muted(alert("SlaWarning", 1), [alert("SlaWarning", 1), alert("SlaBreach", 0)]), True, "a breach mutes the warnings"),
    (muted(alert("SlaBreach", 0), [alert("SlaBreach", 0)]), False, "a lone breach pages"),
]
bad = [what for got, want, what in checks if got != want]
if bad:
    sys.exit("alertmanager_config: inhibition wrong: " + "; ".join(bad))
PY
echo "alertmanager_config: ok ($(wc -w <<<"$receivers") Alertmanager receivers routed)"
