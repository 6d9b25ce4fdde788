#!/usr/bin/env bash
# Prints the first source file newer than the build stamp (nothing when the build is current).
#   scripts/build-stale.sh ROOT STAMP
# Exit 0: stale (a build is needed, including when the stamp is missing); 1: current.
# Build outputs (bin/ and obj/ folders, e.g. bin/Release/*.deps.json) are never sources: they are
# pruned, or every build would make the next run build again.
set -euo pipefail
root="$1"
stamp="$2"
if [ ! -f "$stamp" ]; then
  echo "$stamp"
  exit 0
fi
newer="$(find "$root/src" "$root/data/conversations/lexicons" "$root/data/conversations/models" "$root/data/payments" \
  "$root/Directory.Build.props" "$root/Directory.Packages.props" \
  \( -type d \( -name bin -o -name obj \) -prune \) -o \
  \( -newer "$stamp" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.lex' -o -name '*.tsv' \
     -o -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.sgmodel' \) -print -quit \) 2>/dev/null || true)"
if [ -n "$newer" ]; then
  echo "$newer"
  exit 0
fi
exit 1
