#!/usr/bin/env bash
# The Debian package, for real: builds it with CPack from the build tree of the binary under
# test, checks its control data and contents, installs it with `dpkg -i` into this system,
# runs the installed `slawatch check` on the installed rules and `slawatch run --check` on the
# installed config, verifies the installed units with systemd-analyze, checks that every
# library the installed binary needs comes from a declared dependency, then removes and purges
# the package. Needs root (the CI machine is disposable); skips with a message otherwise.
# Usage: deb_package.sh <path-to-slawatch> <source-dir>
set -euo pipefail
slawatch=${1:?usage: deb_package.sh <slawatch> <source-dir>}
src=${2:?usage: deb_package.sh <slawatch> <source-dir>}
build=$(cd "$(dirname "$slawatch")" && pwd)

if [[ $(id -u) -ne 0 ]]; then
  echo "deb_package: SKIPPED: installing a package needs root (run as root on a disposable machine)"
  exit 0
fi
for tool in cpack dpkg dpkg-deb systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "deb_package: $tool not found" >&2; exit 1; }
done
if [[ ! -f $build/CPackConfig.cmake ]]; then
  echo "deb_package: $build/CPackConfig.cmake missing: the build tree lacks packaging/cpack.cmake" >&2
  exit 1
fi

tmp=$(mktemp -d)
installed=0
cleanup() {
  if ((installed)); then dpkg -P slawatch >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "deb_package: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' slawatch 2>/dev/null | grep -q "install ok installed"; then
  echo "deb_package: warning: a slawatch package is already installed; it is replaced and purged"
fi

echo "== cpack"
(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
shopt -s nullglob
debs=("$tmp"/out/slawatch_*.deb)
((${#debs[@]} == 1)) || fail "expected one slawatch_*.deb, got: ${debs[*]:-none}"
deb=${debs[0]}
echo "built $(basename "$deb")"

echo "== control data and contents"
dpkg-deb --info "$deb" > "$tmp/info"
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/contents"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for path in /usr/bin/slawatch /etc/slawatch/slawatch.yaml /etc/slawatch/rules.yaml \
    /lib/systemd/system/slawatch.service /lib/systemd/system/slawatch@.service \
    /usr/share/slawatch/dashboards/sla-overview.json /usr/share/slawatch/dashboards/escalations.json \
    /usr/share/slawatch/dashboards/health.json \
    /usr/share/slawatch/grafana/provisioning/datasources/slawatch.yaml \
    /usr/share/slawatch/grafana/provisioning/dashboards/slawatch.yaml \
    /usr/share/slawatch/prometheus/recording.rules.yml /usr/share/slawatch/prometheus/alerting.rules.yml \
    /usr/share/doc/slawatch/copyright /usr/share/doc/slawatch/operations.md; do
  grep -qxF "$path" "$tmp/contents" || fail "the package lacks $path"
done
# Nothing of the build (headers, static libraries, CMake files) may leak into the package.
if grep -E '\.(a|h|hpp|cmake)$|/include/' "$tmp/contents"; then fail "build artefacts in the package"; fi
dpkg-deb --ctrl-tarfile "$deb" | tar -x -O ./conffiles > "$tmp/conffiles"
for conffile in /etc/slawatch/slawatch.yaml /etc/slawatch/rules.yaml; do
  grep -qxF "$conffile" "$tmp/conffiles" || fail "$conffile is not a conffile"
done

echo "== dpkg -i"
if ! dpkg -i "$deb"; then
  # Missing dependencies: let apt install them (the package stays half-configured until then).
  installed=1
  DEBIAN_FRONTEND=noninteractive apt-get -f install -y --no-install-recommends || fail "dpkg -i failed"
fi
installed=1
dpkg-query -W -f='${Status}\n' slawatch | grep -q "install ok installed" || fail "not installed"

echo "== the installed binary"
/usr/bin/slawatch --version
/usr/bin/slawatch check /etc/slawatch/rules.yaml
/usr/bin/slawatch run --config /etc/slawatch/slawatch.yaml --check

echo "== every library the binary needs comes from a declared dependency"
declared=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/:.*//; s/ //g' | sort -u)
while read -r soname; do
  path=$(ldd /usr/bin/slawatch | awk -v s="$soname" '$1 == s {print $3}')
  [[ -n $path ]] || fail "ldd does not resolve $soname"
  owner=""
  # Merged /usr: dpkg knows some libraries under /lib, some under /usr/lib.
  for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "$(realpath "$path" | sed 's|^/usr||')"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $owner ]] && break
  done
  [[ -n $owner ]] || fail "no package owns $path ($soname)"
  grep -qxF "$owner" <<<"$declared" || fail "$soname comes from $owner, which Depends does not name"
  echo "$soname: $owner"
done < <(readelf -d /usr/bin/slawatch | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

echo "== systemd-analyze verify on the installed units"
for unit in slawatch.service slawatch@ci.service; do
  out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out" >&2; fail "$unit does not verify"; }
  [[ -z $out ]] || { echo "$out" >&2; fail "systemd-analyze verify $unit printed warnings"; }
done

echo "== dpkg -r keeps the conffiles, dpkg -P removes them"
dpkg -r slawatch
[[ ! -e /usr/bin/slawatch ]] || fail "/usr/bin/slawatch still there after dpkg -r"
[[ ! -e /lib/systemd/system/slawatch.service ]] || fail "the unit is still there after dpkg -r"
[[ -f /etc/slawatch/rules.yaml ]] || fail "dpkg -r removed the conffile /etc/slawatch/rules.yaml"
dpkg -P slawatch
installed=0
[[ ! -e /etc/slawatch/rules.yaml ]] || fail "/etc/slawatch/rules.yaml still there after dpkg -P"
echo "deb_package: ok"
