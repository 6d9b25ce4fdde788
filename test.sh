#!/usr/bin/env bash
# Runs every Safeguard test: installs what the tests need, restores, builds and runs them.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Safeguard.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test Safeguard.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
