#!/usr/bin/env bash
# Issue 8's telemetry benchmark: controller ingest on SQLite and on PostgreSQL against bare inserts
# of the same rows into the same database, the gateway's spool and shipper against a plain file
# append, and the delay from an event's publication to its visibility through the API's long poll.
# Prints docs/BENCHMARKS.md's section for it (Skyhook.Bench's events section, with the machine).
#   bench/events.sh [ROUNDS] [SECONDS] > /tmp/section.md   (defaults: 3 rounds, 10 s a run; about 4 minutes)
# Needs root for the throwaway PostgreSQL cluster (scripts/postgres.sh: its own folder, loopback,
# fsync off as in the tests; installs postgresql if missing); everything it starts is stopped at the
# end, also on failure. The controller runs as a child of the bench on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
source scripts/postgres.sh
skyhook_install_prereqs postgresql

rounds="${1:-3}"
seconds="${2:-10}"
trap skyhook_postgres_stop EXIT
trap 'exit 130' INT TERM

echo "==> building Skyhook.Bench" >&2
dotnet build bench/Skyhook.Bench -c Release -nologo -clp:ErrorsOnly >&2
skyhook_postgres_start >&2
load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "### Run, $rounds rounds of $seconds s ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version), SQLite (the controller's Microsoft.Data.Sqlite), PostgreSQL $("$SKYHOOK_PG_BIN/postgres" --version | awk '{print $3}') (throwaway cluster, fsync off). Controller, database, gateway side and load generator share the machine; load average at the start $load."
echo
SKYHOOK_BENCH_POSTGRES="$SKYHOOK_TEST_POSTGRES" dotnet bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll "$seconds" events "$rounds"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
