#!/usr/bin/env bash
# BenchmarkDotNet microbenchmarks of the hot functions (bench/Safeguard.Benchmarks): PDQ hash,
# DCT, box blur, decode, Hamming distance, PDQ/exact/vPDQ index search, each against a baseline.
# Usage: scripts/microbench.sh [FILTER] [more BenchmarkDotNet arguments, e.g. --job short]
#   scripts/microbench.sh                      # everything
#   scripts/microbench.sh '*PdqSearch*' --job short
# Results: bench/Safeguard.Benchmarks/BenchmarkDotNet.Artifacts/results/. Not part of the tests.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
filter="${1:-*}"
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$here/bench/Safeguard.Benchmarks"
exec dotnet run -c Release --project "$here/bench/Safeguard.Benchmarks" -- --filter "$filter" "$@"
