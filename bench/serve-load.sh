#!/usr/bin/env bash
# Load benchmark of `safeguard serve`: a bank of N random/clustered PDQ hashes (default 1,000,000),
# hash lookups over HTTP on loopback with wrk. Prints requests/s and latency percentiles, then an
# overload run (many more connections than the server admits) that must answer 503 quickly.
#   bench/serve-load.sh [--count N] [--duration 20s] [--connections 64] [--threads 1]
set -euo pipefail
cd "$(dirname "$0")/.."
count=1000000 duration=20s connections=64 threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 [--count N] [--duration 20s] [--connections C] [--threads T]" >&2; exit 2 ;;
  esac
done
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Safeguard.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
sg=src/Safeguard.Cli/bin/Release/net10.0/safeguard
work=$(mktemp -d "${TMPDIR:-/tmp}/sg-serve-bench.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export SAFEGUARD_DB="$work/bench.db"
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"

echo "== bank of $count PDQ hashes"
"$sg" bench make-bank --count "$count" --out "$work/bank.txt" --queries 20000 --hit-share 0.5 >/dev/null
"$sg" bank create bench >/dev/null
/usr/bin/time -f "import: %e s, %M KB max RSS" "$sg" bank import bench "$work/bank.txt" --format plain >/dev/null
key=$("$sg" keys create bench --roles matcher --rate 1000000 2>/dev/null)

start_server() {
  "$sg" serve --urls "$url" --no-demo --max-concurrent "$1" >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    if curl -sf -H "Authorization: Bearer $key" "$url/v1/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "server did not become ready" >&2; cat "$work/serve.log" >&2; exit 1
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

t0=$(date +%s.%N)
start_server 128
echo "server ready in $(echo "$(date +%s.%N) - $t0" | bc) s; RSS $(ps -o rss= -p "$pid") KB"
curl -s -H "Authorization: Bearer $key" "$url/v1/index/status"; echo
export QUERIES="$work/bank.queries.txt" SAFEGUARD_KEY="$key"
echo "== warm-up"
wrk -t"$threads" -c"$connections" -d5s -s bench/serve/lookup.lua "$url" >/dev/null
echo "== lookups: $threads wrk thread(s), $connections connections, $duration"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/serve/lookup.lua "$url" | tee "$work/wrk.txt"
echo "server RSS after run: $(ps -o rss= -p "$pid") KB"
echo "== memory across reloads: re-import the same list 3 times (no change), then 3 imports of 50,000 new hashes"
for i in 1 2 3; do
  "$sg" bank import bench "$work/bank.txt" --format plain >/dev/null
  sleep 1; echo "re-import $i: server RSS $(ps -o rss= -p "$pid") KB"
done
for i in 1 2 3; do
  "$sg" bench make-bank --count 50000 --seed $((100 + i)) --out "$work/more-$i.txt" --queries 1 >/dev/null
  "$sg" bank import bench "$work/more-$i.txt" --format plain >/dev/null
  sleep 1; echo "import of 50,000 new ($i): server RSS $(ps -o rss= -p "$pid") KB; $(curl -s -H "Authorization: Bearer $key" "$url/v1/index/status")"
done
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt"); errors=${errors:-0}
stop_server

echo "== overload: admission limited to 8 concurrent (+16 queued, or 64 waiting for a thread), 1000 connections"
start_server 8
wrk -t"$threads" -c1000 -d10s --latency -s bench/serve/lookup.lua "$url" | tee "$work/wrk-over.txt"
over_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-over.txt")
over_p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-over.txt")
over_non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk-over.txt"); over_non2xx=${over_non2xx:-0}
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url/v1/index/status")
stop_server

echo
echo "RESULT bank=$count lookups_per_s=$rps p99=$p99 non_2xx=$errors | overload: answered_per_s=$over_rps p99=$over_p99 rejected(503)=$over_non2xx after=$code"
