#!/usr/bin/env bash
# `slawatch check` and `slawatch due` as a user runs them: exit codes, output, errors.
set -euo pipefail
slawatch=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# check: the shipped rules are valid, with a one-line summary each.
out=$("$slawatch" check "$src/config/rules.yaml" "$src/config/demo-rules.yaml")
[[ $(wc -l <<<"$out") -eq 2 ]] || fail "check summary: $out"
grep -q "rules.yaml: ok" <<<"$out" || fail "check summary: $out"

# check: every error at once with file:line:col, exit 1.
cat >"$tmp/bad.yaml" <<'YAML'
calendars:
  biz:
    timezone: Mars/Olympus
    hours: {mon: ["08:00-18:00"]}
policies:
  - name: p1
    match: {priority: P1}
    clocks:
      first_response: {target: 15 minutes}
      resolution: {targt: 4h}
YAML
set +e
err=$("$slawatch" check "$tmp/bad.yaml" 2>&1 >/dev/null)
status=$?
set -e
[[ $status -eq 1 ]] || fail "check of a bad file exited $status"
grep -q "bad.yaml:3:" <<<"$err" || fail "no error at line 3 (zone): $err"
grep -q "bad.yaml:9:" <<<"$err" || fail "no error at line 9 (duration): $err"
grep -q "bad.yaml:10:" <<<"$err" || fail "no error at line 10 (unknown key): $err"

# due: the spec's examples on the shipped US-East business calendar (08:00-18:00 Mon-Fri).
due() { "$slawatch" due --rules "$src/config/rules.yaml" --calendar us-east-business "$@"; }
# Wed 2026-11-25 16:00 EST + 4 h: 2 h on Wednesday, Thanksgiving closed, Fri 08:00-10:00 EST.
[[ $(due --from 2026-11-25T21:00:00Z --in 4h) == 2026-11-27T15:00:00Z ]] || fail "thanksgiving"
# Ends exactly at closing: due at 18:00 EST, not at the next opening.
[[ $(due --from 2026-11-23T13:00:00Z --in 10h) == 2026-11-23T23:00:00Z ]] || fail "closing"
# Starting outside hours counts from the next opening (Saturday -> Monday 08:00 EST).
[[ $(due --from 2026-11-21T12:00:00Z --in 30m) == 2026-11-23T13:30:00Z ]] || fail "weekend"
# Across the DST change of 2026-11-01: Fri 17:00 EDT + 2 h = Mon 09:00 EST.
[[ $(due --from 2026-10-30T21:00:00Z --in 2h) == 2026-11-02T14:00:00Z ]] || fail "dst"
# --in 0 is --from itself, even when closed; offsets are accepted.
[[ $(due --from 2026-11-21T12:00:00+01:00 --in 0) == 2026-11-21T11:00:00Z ]] || fail "zero"
# The built-in 24/7 calendar.
[[ $("$slawatch" due --rules "$src/config/rules.yaml" --calendar always \
      --from 2026-03-08T06:59:59Z --in 1d) == 2026-03-09T06:59:59Z ]] || fail "always"

# due: bad arguments exit 2 with a message.
for args in "--from nope --in 4h" "--from 2026-11-25T21:00:00Z --in 4x" \
            "--from 2026-13-01T00:00:00Z --in 4h"; do
  set +e
  # shellcheck disable=SC2086
  msg=$(due $args 2>&1)
  status=$?
  set -e
  [[ $status -eq 2 ]] || fail "due $args exited $status"
  [[ -n $msg ]] || fail "due $args printed no message"
done
set +e
"$slawatch" due --rules "$src/config/rules.yaml" --calendar nope --from 2026-11-25T21:00:00Z \
  --in 1h 2>"$tmp/err"
status=$?
set -e
[[ $status -eq 2 ]] && grep -q "no calendar named 'nope'" "$tmp/err" || fail "unknown calendar"
set +e
"$slawatch" frobnicate >/dev/null 2>&1
status=$?
set -e
[[ $status -eq 2 ]] || fail "unknown command exited $status"
"$slawatch" --help | grep -q "replay" || fail "--help lists commands"
echo "ok"
