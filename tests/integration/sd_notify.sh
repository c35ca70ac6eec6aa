#!/usr/bin/env bash
# The daemon's conversation with systemd, read from a NOTIFY_SOCKET this test creates:
# READY=1 once Redis is connected, WATCHDOG=1 pings, RELOADING=1 then READY=1 on SIGHUP,
# STOPPING=1 on SIGTERM, and a clean exit.
source "$(dirname "$0")/daemon_env.bash" "$1" "$2"

start_redis
write_fast_rules
write_config "$WORK/rules.yaml"

# A datagram socket that appends every message it receives to $WORK/notify.log.
python3 - "$WORK/notify.sock" "$WORK/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        msg = s.recv(4096).decode()
        log.write(msg.replace("\n", " ") + "\n")
PY
LISTENER_PID=$!
trap 'rc=$?; kill $LISTENER_PID 2>/dev/null; (exit $rc); cleanup' EXIT
wait_until 10 test -S "$WORK/notify.sock" || fail "notify socket not created"
touch "$WORK/notify.log"

NOTIFY_SOCKET=$WORK/notify.sock WATCHDOG_USEC=1000000 \
  "$SLAWATCH" run --config "$WORK/slawatch.yaml" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!

wait_until 20 grep -q "READY=1" "$WORK/notify.log" || { cat "$WORK/notify.log" "$WORK/daemon.log" >&2; fail "no READY=1"; }
wait_until 10 grep -q "WATCHDOG=1" "$WORK/notify.log" || fail "no WATCHDOG=1"
# READY only after the consumer group exists, i.e. Redis is connected.
group_exists || fail "READY=1 before Redis was used"

# SIGHUP with valid rules: RELOADING=1, then READY=1 again; the daemon keeps running.
ready_before=$(grep -c "READY=1" "$WORK/notify.log")
kill -HUP "$DAEMON_PID"
wait_until 10 grep -q "RELOADING=1" "$WORK/notify.log" || fail "no RELOADING=1 on SIGHUP"
wait_until 10 bash -c "[[ \$(grep -c 'READY=1' '$WORK/notify.log') -gt $ready_before ]]" ||
  fail "no READY=1 after the reload"
kill -0 "$DAEMON_PID" || fail "the daemon died on SIGHUP"

# SIGHUP with broken rules: errors logged with file:line:col, the daemon keeps running.
echo "policies: [oops" >"$WORK/rules.yaml"
kill -HUP "$DAEMON_PID"
wait_until 10 grep -q "keeping the rules in use" "$WORK/daemon.log" || fail "bad rules not reported"
grep -q "rules.yaml:[0-9]*:[0-9]*" "$WORK/daemon.log" || fail "no file:line:col in the reload errors"
kill -0 "$DAEMON_PID" || fail "the daemon died on a bad reload"

stop_daemon || fail "the daemon did not exit 0 on SIGTERM"
grep -q "STOPPING=1" "$WORK/notify.log" || fail "no STOPPING=1 on SIGTERM"
echo ok
