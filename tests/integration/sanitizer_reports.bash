# sanitizer_reports DIR: prints the first AddressSanitizer, LeakSanitizer or UBSan report found in
# DIR/*.log and succeeds if there is one. Under scripts/test's sanitizer stage a daemon stopped by
# a test's clean-up may only report a leak as it exits, after every assertion has passed: the
# clean-up calls this so that such a report fails the test however the daemon ended. (Sourced.)
sanitizer_reports() {
  local pattern='==[0-9]+==ERROR: |: runtime error: ' report
  report=$(grep -lE "$pattern" "$1"/*.log 2>/dev/null | head -n 1)
  [[ -n "$report" ]] || return 1
  echo "FAIL: sanitizer report in $(basename "$report"):" >&2
  grep -m 3 -A 20 -E "$pattern" "$report" >&2
}
