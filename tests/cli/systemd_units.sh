#!/usr/bin/env bash
# The shipped systemd units: `systemd-analyze verify` prints nothing for slawatch.service and
# an instance of slawatch@.service, and `systemd-analyze security --offline=true` rates the
# exposure of both at most 2.0. verify needs ExecStart's binary to exist, so the units are
# checked as copies whose /usr/bin/slawatch is the binary under test.
# Usage: systemd_units.sh <path-to-slawatch> <source-dir>
set -euo pipefail
slawatch=${1:?usage: systemd_units.sh <slawatch> <source-dir>}
src=${2:?usage: systemd_units.sh <slawatch> <source-dir>}
max_exposure=2.0

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd_units: systemd-analyze not found (Debian package 'systemd')" >&2
  exit 1
fi
slawatch=$(realpath "$slawatch")
if [[ ! -x $slawatch ]]; then
  echo "systemd_units: $slawatch is not an executable" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The settings the daemon relies on (sd_notify readiness, watchdog, reload by SIGHUP).
for unit in slawatch.service slawatch@.service; do
  for setting in 'Type=notify' 'WatchdogSec=' 'ExecReload=/bin/kill -HUP $MAINPID' \
      'Restart=on-failure' 'DynamicUser=yes' 'ProtectSystem=strict' 'StateDirectory=slawatch' \
      'ConfigurationDirectory=slawatch'; do
    if ! grep -qF -- "$setting" "$src/systemd/$unit"; then
      echo "systemd_units: $unit lacks $setting" >&2
      exit 1
    fi
  done
done

sed "s|/usr/bin/slawatch|$slawatch|" "$src/systemd/slawatch.service" > "$tmp/slawatch.service"
sed "s|/usr/bin/slawatch|$slawatch|" "$src/systemd/slawatch@.service" > "$tmp/slawatch@ci.service"
if ! grep -qF "ExecStart=$slawatch run --config /etc/slawatch/slawatch.yaml" "$tmp/slawatch.service" ||
   ! grep -qF "ExecStart=$slawatch run --config /etc/slawatch/%i.yaml" "$tmp/slawatch@ci.service"; then
  echo "systemd_units: unexpected ExecStart lines" >&2
  exit 1
fi

status=0
for unit in slawatch.service slawatch@ci.service; do
  echo "== systemd-analyze verify $unit"
  # verify exits 0 on some problems (unknown settings, bad values): any output is a failure.
  if ! out=$(cd "$tmp" && systemd-analyze verify "./$unit" 2>&1) || [[ -n $out ]]; then
    echo "$out" >&2
    echo "systemd_units: $unit does not verify cleanly" >&2
    status=1
  fi

  echo "== systemd-analyze security --offline=true $unit"
  report=$(cd "$tmp" && systemd-analyze security --offline=true --no-pager "./$unit" 2>&1) || true
  exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$report")
  if [[ -z $exposure ]]; then
    echo "$report" >&2
    echo "systemd_units: no exposure level in the security report of $unit" >&2
    status=1
  elif ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
    grep -F '✗' <<<"$report" >&2 || true
    echo "systemd_units: $unit exposure $exposure > $max_exposure" >&2
    status=1
  else
    echo "$unit: exposure $exposure (at most $max_exposure)"
  fi
done
exit $status
