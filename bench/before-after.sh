#!/usr/bin/env bash
# Whole-command timings of two builds in one run, rounds interleaved so both see the same load:
#   bench/before-after.sh BEFORE_DIR AFTER_DIR [ROUNDS]
# Each DIR holds a built safeguard.dll (e.g. `dotnet build src/Safeguard.Cli -c Release -o DIR` of
# each commit). Prints one markdown row per command: best wall seconds of each build and after/before.
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/sg-before-after.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
sg() { local dir=$1; shift; dotnet "$dir/safeguard.dll" "$@"; }

# Inputs: 60 distinct 2.6 MP JPEGs, a 20 s 720p video, a bank of 200,000 PDQ hashes plus the photos' own.
sg "$after" bench make-photos "$work/photos" --count 60 >/dev/null
ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=20 -c:v libx264 -preset veryfast -pix_fmt yuv420p "$work/clip.mp4"
sg "$after" bench make-bank --count 200000 --out "$work/bank.txt" --seed 1 >/dev/null
sg "$after" hash "$work/photos" --signals pdq | tail -n +2 | cut -d, -f2 >> "$work/bank.txt"
for b in before after; do
  dir=$([ $b = before ] && echo "$before" || echo "$after")
  sg "$dir" bank create bench --db "$work/$b.db" >/dev/null
  sg "$dir" bank import bench "$work/bank.txt" --format plain --type pdq --db "$work/$b.db" >/dev/null
done

declare -A best
commands=(
  "hash-pdq|hash PHOTOS --signals pdq --format jsonl"
  "hash-all|hash PHOTOS --format jsonl"
  "match-photos|match PHOTOS --format jsonl --db DB"
  "scan-photos|scan PHOTOS --out OUT --db DB"
  "match-video|match CLIP --format jsonl --db DB"
  "video-match|video match CLIP --db DB"
)
for ((r = 0; r < rounds; r++)); do
  for entry in "${commands[@]}"; do
    name=${entry%%|*} args=${entry#*|}
    for b in before after; do
      dir=$([ $b = before ] && echo "$before" || echo "$after")
      rm -rf "$work/out-$b"
      line=${args//PHOTOS/$work/photos}; line=${line//CLIP/$work/clip.mp4}; line=${line//DB/$work/$b.db}; line=${line//OUT/$work/out-$b}
      start=$(date +%s.%N)
      # shellcheck disable=SC2086
      sg "$dir" $line >/dev/null 2>&1 || true
      t=$(echo "$(date +%s.%N) - $start" | bc)
      key="$name/$b"
      if [ -z "${best[$key]:-}" ] || [ "$(echo "$t < ${best[$key]}" | bc)" = 1 ]; then best[$key]=$t; fi
    done
  done
done
echo "| command | before s | after s | after / before |"
echo "|---|---:|---:|---:|"
for entry in "${commands[@]}"; do
  name=${entry%%|*} args=${entry#*|}
  b=${best[$name/before]} a=${best[$name/after]}
  printf '| `%s` | %.2f | %.2f | %.2f |\n' "$args" "$b" "$a" "$(echo "$a / $b" | bc -l)"
done
