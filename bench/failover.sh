#!/usr/bin/env bash
# Issue 9's failover benchmark: ten stock openvpn clients (TCP, session tokens) spread by a real
# haproxy over two gateways of one group, two controller replicas on PostgreSQL behind another
# haproxy; each run kills one gateway with its openvpn (kill -9, alternately gw4 and gw5) while every
# client makes a request to a container every 100 ms (1 s timeout), and records the time from the kill
# to each client's first request that worked. Prints docs/BENCHMARKS.md's section for it.
#   bench/failover.sh [RUNS] > /tmp/section.md   (default 3 runs; about 2 minutes plus 40 s a run)
# The bed is the HA tests' (tests/Skyhook.Gateway.Tests/EndToEnd/HaBed.cs), run through the explicit
# test HaTests.FailoverBenchmark on a lab of its own (prefix t<stem>o, stem bf + 3 letters) and a
# throwaway PostgreSQL cluster (scripts/postgres.sh); all of it is removed at the end, also on failure.
# Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
source scripts/postgres.sh
skyhook_install_prereqs postgresql openvpn haproxy

runs="${1:-3}"
export SKYHOOK_TEST_RUN="bf$(tr -dc 'a-z' </dev/urandom | head -c 3)"
report="$(mktemp)"
log="$(mktemp)"
cleanup() {
  for dir in /var/lib/skyhook-lab/t"$SKYHOOK_TEST_RUN"*; do
    [ -d "$dir" ] && src/Skyhook.Cli/bin/Release/net10.0/skyhook lab down --prefix "$(basename "$dir")" >/dev/null 2>&1 || true
  done
  skyhook_postgres_stop
  rm -f "$report" "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> build" >&2
dotnet build Skyhook.slnx -c Release -nologo -clp:ErrorsOnly >&2
skyhook_postgres_start >&2
load="$(cut -d' ' -f1-3 /proc/loadavg)"
if ! SKYHOOK_FAILOVER_RUNS="$runs" SKYHOOK_FAILOVER_REPORT="$report" \
  dotnet tests/Skyhook.Gateway.Tests/bin/Release/net10.0/Skyhook.Gateway.Tests.dll \
  -method "*HaTests.FailoverBenchmark" -explicit only -noColor -verbose >"$log" 2>&1 || [ ! -s "$report" ]; then
  cat "$log" >&2
  echo "failover benchmark failed" >&2
  exit 1
fi
cat "$log" | grep -E '^\s+\|' >&2 || true
echo "### Run, $runs runs of 10 clients ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version), OpenVPN $(openvpn --version | head -1 | awk '{print $2}'), $(haproxy -v | head -1 | awk '{print "HAProxy " $3}'), PostgreSQL $("$SKYHOOK_PG_BIN/postgres" --version | awk '{print $3}') (throwaway cluster, fsync off). Two dockerd swarm nodes and two gateway hosts (each its own dockerd), two gateways, two controllers, the database, both balancers and ten clients share the machine; load average at the start $load."
echo
echo "Settings: clients are stock \`openvpn\` 2.6 with the controller's profile (\`proto tcp-client\`, one \`remote\`: the balancer; OpenVPN's default \`connect-retry 1\`), keepalive as the gateway pushes it (\`keepalive 10 60\`: ping every 10 s, restart after 60 s of silence), session token (\`auth-token\`) for the reconnect; haproxy TCP \`balance leastconn\`, \`check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions\`, \`option redispatch\`, \`retries 3\`, \`timeout connect 1s\`. Probe: a new TCP connection and \`GET /\` to web1:80 from each client's namespace every 100 ms, 1 s timeout; the time is from the kill to the end of the first probe started after it that got the page. \"Moved\" are the clients that were on the killed gateway."
echo
cat "$report"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
