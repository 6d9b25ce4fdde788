#!/usr/bin/env bash
# Runs every Safeguard test: installs what the tests need, restores, builds and runs them.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Safeguard.slnx -c Release -nologo -clp:ErrorsOnly
# A throwaway PostgreSQL server for the bank store tests, stopped on exit.
if pg=$(scripts/start-postgres.sh start); then
  export SAFEGUARD_TEST_POSTGRES="$pg"
  trap 'scripts/start-postgres.sh stop' EXIT
else
  echo "test.sh: PostgreSQL did not start; its tests will fail under CI and be skipped otherwise" >&2
fi
log=$(mktemp)
status=0
run_tests() {
  # --blame names the test that was running if a test host ever crashes.
  dotnet test Safeguard.slnx -c Release --no-build -nologo --blame --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
}
if [ $# -gt 0 ]; then
  run_tests "$@"
else
  # Tests that bound wall-clock time (latency, deep pages against first pages) run in a second pass,
  # one project at a time, so the other projects' load does not decide them.
  run_tests --filter "Timing!=wall-clock"
  run_tests --filter "Timing=wall-clock" -m:1
fi
# One closing line for the whole suite, summed over the test projects.
passed=$({ grep -E '^\s+Passed: [0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
failed=$({ grep -E '^\s+Failed: [0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')  # no match when nothing failed
# Tests reported skipped (the PostgreSQL tests when no server is configured outside CI).
skipped=$({ grep -E '^\s+Skipped: [0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
aborted=$({ grep -c 'Test Run Aborted' "$log" || true; })
if [ "$failed" -gt 0 ]; then
  # The failures again at the end, where a truncated CI log still shows them.
  echo "--- failed tests ---"
  awk '/^[ \t]+Failed [A-Za-z_]/ {n=12} n>0 {print; n--}' "$log"
fi
rm -f "$log"
if [ "$aborted" -gt 0 ]; then
  echo "$passed passed, $failed failed, $aborted test run(s) aborted (see 'The test running when the crash occurred' above)"
else
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit $status
