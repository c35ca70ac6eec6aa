#!/usr/bin/env python3
"""Prints every PromQL expression of the given Grafana dashboards, Grafana variables replaced by
values Prometheus accepts, one JSON object a line:
  {"dashboard": uid, "panel": title, "ref": refId, "instant": bool, "expr": "..."}

Usage: exprs.py [--range 10m] [--rate-interval 1m] [--window 1h] DASHBOARD.json...

Multi-value variables ($team, ${priority}, ...) become `.*` (what Grafana sends for "All" with
allValue `.*`). Used by tests/cli/dashboards.sh (parse check with promtool) and
tests/integration/prometheus_e2e.sh (evaluation against a real Prometheus).
"""

import argparse
import json
import re
import sys


def substitute(expr, durations, variables):
    def replace(match):
        name = match.group(1) or match.group(2)
        if name in durations:
            return durations[name]
        if name in variables:
            return variables[name]
        raise KeyError(name)

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", replace, expr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--range", default="10m", help="value of $__range")
    parser.add_argument("--rate-interval", default="1m", help="value of $__rate_interval and $__interval")
    parser.add_argument("--window", default="1h", help="value of a custom duration variable such as $window")
    parser.add_argument("dashboards", nargs="+")
    args = parser.parse_args()
    durations = {"__range": args.range, "__rate_interval": args.rate_interval,
                 "__interval": args.rate_interval}
    failed = False
    for path in args.dashboards:
        with open(path, encoding="utf-8") as f:
            board = json.load(f)
        variables = {}
        for v in board.get("templating", {}).get("list", []):
            if v.get("type") == "custom" and not v.get("multi"):
                variables[v["name"]] = args.window  # a single duration choice
            else:
                variables[v["name"]] = ".*"
        for p in board.get("panels", []):
            for t in p.get("targets", []):
                try:
                    expr = substitute(t["expr"], durations, variables)
                except KeyError as e:
                    print(f"{path}: panel '{p.get('title')}' {t.get('refId')}: unknown variable ${e.args[0]}",
                          file=sys.stderr)
                    failed = True
                    continue
                print(json.dumps({"dashboard": board.get("uid"), "panel": p.get("title"),
                                  "ref": t.get("refId"), "instant": bool(t.get("instant")),
                                  "expr": expr}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
