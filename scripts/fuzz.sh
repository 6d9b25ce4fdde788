#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that take hostile bytes (fuzz/Safeguard.Fuzz), with
# AFL++ driving SharpFuzz-instrumented Safeguard assemblies. A benchmark command, not a test:
# CI never runs it.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      (default: all, 180 seconds per target)
#
# Targets: image archive vics csv plain conversation payments model tmk. Targets run one after another.
# Installs afl++ (Debian) and the SharpFuzz.CommandLine dotnet tool when missing, builds the
# fuzz project, copies its output to $FUZZ_WORK/bin and instruments only Safeguard's own
# assemblies there (not the framework, not the build output). Per target it prints executions,
# exec/s, corpus size, crashes and hangs; crashing inputs are replayed to name the exception,
# and kept under $FUZZ_WORK/findings/TARGET/default/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
target=${1:-all}
seconds=${2:-180}
work=${FUZZ_WORK:-/tmp/safeguard-fuzz}
all_targets=(image archive vics csv plain conversation payments model tmk)
if [ "$target" = all ]; then targets=("${all_targets[@]}"); else targets=("$target"); fi
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "unknown target '$t' (known: ${all_targets[*]} all)" >&2; exit 2; }
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "SECONDS must be a positive whole number" >&2; exit 2; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v afl-fuzz >/dev/null; then
  echo "Installing afl++" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  echo "Installing SharpFuzz.CommandLine" >&2
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi
scripts/ensure-deps.sh --runtime

echo "Building fuzz/Safeguard.Fuzz" >&2
dotnet build fuzz/Safeguard.Fuzz -c Release -nologo -clp:ErrorsOnly >&2
rm -rf "$work/bin"
mkdir -p "$work/findings" "$work/seeds"
cp -r fuzz/Safeguard.Fuzz/bin/Release/net10.0 "$work/bin"
# Coverage is taken from Safeguard's parsers only: the harness and the framework are not instrumented.
for dll in Safeguard.Hashing.dll Safeguard.Signals.dll Safeguard.Csv.dll Safeguard.Banks.dll Safeguard.Conversations.dll \
    Safeguard.Payments.dll Safeguard.Engine.dll; do
  sharpfuzz "$work/bin/$dll" >/dev/null
done

# The target is `dotnet`, not an afl-instrumented binary; crashes are reported by SharpFuzz, not core dumps.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export SAFEGUARD_REPO=$repo SAFEGUARD_TESTDATA=${SAFEGUARD_TESTDATA:-$repo/../shared/testdata}
# The archive target writes each input to a temporary file: keep it in memory when possible.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm

field() { sed -n "s/^$2 *: *//p" "$1" | head -1; }
summary=()
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s" >&2
  rm -rf "$work/seeds/$t" "$work/findings/$t"
  dotnet fuzz/Safeguard.Fuzz/bin/Release/net10.0/Safeguard.Fuzz.dll seeds "$t" "$work/seeds/$t" "$work/seeds/$t.dict" >&2
  afl-fuzz -i "$work/seeds/$t" -o "$work/findings/$t" -x "$work/seeds/$t.dict" -t 10000 -m none -V "$seconds" \
    -- dotnet "$work/bin/Safeguard.Fuzz.dll" run "$t" > "$work/$t.afl.log" 2>&1 \
    || { echo "afl-fuzz failed for $t; see $work/$t.afl.log" >&2; tail -20 "$work/$t.afl.log" >&2; exit 1; }
  stats="$work/findings/$t/default/fuzzer_stats"
  execs=$(field "$stats" execs_done)
  run_time=$(field "$stats" run_time)
  corpus=$(field "$stats" corpus_count)
  crashes=$(field "$stats" saved_crashes)
  hangs=$(field "$stats" saved_hangs)
  rate=$(awk -v e="$execs" -v s="$run_time" 'BEGIN { printf "%.0f", (s > 0 ? e / s : 0) }')
  summary+=("$(printf '%-13s %10s %8s %7s %7s %7s' "$t" "$execs" "$rate" "$corpus" "$crashes" "$hangs")")
  if [ "${crashes:-0}" != 0 ]; then
    echo "-- $t crashes (replayed on the uninstrumented build):" >&2
    dotnet fuzz/Safeguard.Fuzz/bin/Release/net10.0/Safeguard.Fuzz.dll replay "$t" "$work/findings/$t/default/crashes"/id:* 2>&1 \
      | grep -E ': (ok|CRASH)' >&2 || true
  fi
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${seconds}s per target, AFL++ $(afl-fuzz -h 2>&1 | sed -n 's/.*afl-fuzz++\([0-9.a-z]*\).*/\1/p' | head -1), SharpFuzz 2.3.0"
printf '%-13s %10s %8s %7s %7s %7s\n' target execs exec/s corpus crashes hangs
printf '%s\n' "${summary[@]}"
