#!/usr/bin/env bash
# The shipped Prometheus rules: `promtool check rules` (syntax, PromQL, templates) and
# `promtool test rules` (the unit tests in dashboards/prometheus/tests: input series in,
# expected recorded values and alerts out).
# Usage: promtool_rules.sh <path-to-slawatch> <source-dir>
set -euo pipefail
src=${2:?usage: promtool_rules.sh <slawatch> <source-dir>}
rules_dir="$src/dashboards/prometheus"

if ! command -v promtool >/dev/null; then
  echo "promtool_rules: promtool not found (Debian package 'prometheus'); run scripts/install-deps" >&2
  exit 1
fi

promtool check rules "$rules_dir/recording.rules.yml" "$rules_dir/alerting.rules.yml"

shopt -s nullglob
tests=("$rules_dir"/tests/*.yml)
if ((${#tests[@]} == 0)); then
  echo "promtool_rules: no unit tests in $rules_dir/tests" >&2
  exit 1
fi
# promtool resolves rule_files relative to the test file's directory.
cd "$rules_dir/tests"
promtool test rules "${tests[@]##*/}"
echo "promtool_rules: ok (${#tests[@]} test files)"
