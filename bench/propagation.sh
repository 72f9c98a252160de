#!/usr/bin/env bash
# Issue 6's propagation benchmark: from a profile change through the API to its enforcement on the
# gateway, measured by traffic. Prints docs/BENCHMARKS.md's section for it.
#   bench/propagation.sh [CHANGES] [PAUSE] > /tmp/section.md
# CHANGES (default 40) alternate closing and opening; PAUSE (default 0.5-1.5) is the range of seconds
# between a flip and the next change, drawn at random.
# Brings up its own lab and demo (prefix bprXXXX, its own controller port) and removes them at the
# end, also on failure; then the demo's logs are kept in /tmp/skyhook-propagation-PREFIX/.
#
# The demo's `--json` (with the admin's credentials) goes straight into Skyhook.Bench's propagation
# mode on a pipe, never to a file. That mode signs in once, starts the probe (Skyhook.Bench's probe
# mode) in the desktop's namespace against web1 tcp 8081 through the gateway (a port nothing listens
# on: web1's kernel answers at once; why not 8080 is in PropagationBenchmarks.Port), and alternates
# the demo user's profile between a deny of web1/32 tcp 8081 and no rules
# (bench/Skyhook.Bench/PropagationBenchmarks.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
skyhook_install_prereqs openvpn

changes="${1:-40}"
pause="${2:-0.5-1.5}"
skyhook=src/Skyhook.Cli/bin/Release/net10.0/skyhook
prefix="bpr$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
demo_dir="/var/lib/skyhook-lab/$prefix/demo" # Skyhook.Lab's DemoLayout
demo_run="/run/skyhook-lab/$prefix/demo"

log() { echo "==> $*" >&2; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -d "$demo_dir" ]; then
    mkdir -p "/tmp/skyhook-propagation-$prefix"
    cp "$demo_dir"/*.log "/tmp/skyhook-propagation-$prefix/" 2>/dev/null || true
    log "failed: the demo's logs are in /tmp/skyhook-propagation-$prefix/"
  fi
  log "cleaning up lab $prefix"
  "$skyhook" lab down --prefix "$prefix" >&2 || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for project in src/Skyhook.Cli src/Skyhook.Controller src/Skyhook.Gateway bench/Skyhook.Bench; do
  dotnet build "$project" -c Release -nologo -clp:'ErrorsOnly;NoSummary' >&2
done

controller_port=$((20000 + RANDOM % 10000))
while ss -Hltn "sport = :$controller_port" | grep -q .; do controller_port=$((20000 + RANDOM % 10000)); done
log "lab $prefix and the demo on it (controller on 127.0.0.1:$controller_port)"
"$skyhook" lab up --prefix "$prefix" >&2

load="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$("$skyhook" lab demo --prefix "$prefix" --controller-port "$controller_port" --json \
  | dotnet bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll "$changes" propagation "$pause")"

# The settings the demo gives its controller and gateway on their command lines; everything else is
# at its default.
settings() {
  tr '\0' '\n' < "/proc/$(cat "$demo_run/$1.pid")/cmdline" \
    | awk '/^--urls$/ { printf "%s ", $0; getline; print; next } /^--(Controller|Gateways?|Overlay):/' | paste -sd' '
}

echo "### Policy: propagation ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))," \
  "$(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version)," \
  "$(openvpn --version | head -1 | cut -d' ' -f1-2) (userspace), $(nft --version)." \
  "Controller (SQLite), gateway, both openvpn ends, the lab's engines and the probe share the machine; load average at the start $load."
echo
echo "Controller and gateway as the demo runs them: \`skyhook-controller $(settings controller)\`, \`skyhook-gateway run $(settings gateway)\`;" \
  "every other setting at its default: the gateway long-polls \`GET /api/v1/gateway/config?after=REV\` (Gateway:LongPollSeconds 120 on its side)," \
  "which the controller answers as soon as a change commits (in process; Gateways:LongPollTimeout 25 s, then 304; Gateways:RevisionPollInterval 1 s only for other replicas' changes)," \
  "and re-applies the current state every Gateway:ResyncSeconds (30)."
echo
echo "$table"
