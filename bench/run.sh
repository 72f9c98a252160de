#!/usr/bin/env bash
# Runs one section of the benchmarks and prints it for docs/BENCHMARKS.md, with the machine it ran
# on. Usage: bench/run.sh [SECONDS_PER_SCENARIO] [controller|gateway|policy] > /tmp/section.md
#   controller (default): API reads and login decisions (issue 3), SECONDS per scenario (default 8);
#   gateway: login storms through the gateway's management-socket path (issue 4); SECONDS is unused.
#   policy: a full compile of the gateway's nftables table and one change at a time to it, in process
#   (issue 6); as root with nft, each transaction is also applied in a namespace of its own. SECONDS is unused.
set -euo pipefail
cd "$(dirname "$0")/.."
section="${2:-controller}"
case "$section" in
  controller) title="Controller"; shares="Controller and load generator share the machine; SQLite" ;;
  gateway) title="Gateway logins"; shares="Controller, gateway login path, fake openvpn and load generator share the machine; SQLite" ;;
  policy) title="Policy compiler"; shares="The compiler runs alone, in process" ;;
  *) echo "unknown section '$section': controller, gateway or policy" >&2; exit 2 ;;
esac
dotnet build bench/Skyhook.Bench -c Release -nologo -clp:ErrorsOnly >&2
echo "### $title ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version), load average $(cut -d' ' -f1 /proc/loadavg) at the start. $shares."
echo
dotnet bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll "${1:-8}" "$section"
