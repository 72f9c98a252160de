#!/usr/bin/env bash
# Runs the controller benchmarks and prints docs/BENCHMARKS.md's section for them, with the machine
# they ran on. Usage: bench/run.sh [SECONDS_PER_SCENARIO] > /tmp/section.md
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Skyhook.Bench -c Release -nologo -clp:ErrorsOnly >&2
echo "### Controller ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version). Controller and load generator share the machine; SQLite."
echo
dotnet bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll "${1:-8}"
