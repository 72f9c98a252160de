#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine with the .NET SDK, as root:
#   ./quickstart.sh        install what is missing, build, bring up the lab, then Skyhook on it: a
#                          controller, a gateway, a user, and a desktop whose VPN client reaches a
#                          container on another swarm node. Prints the credentials; leaves it all up.
#   ./quickstart.sh down   remove the lab and everything on it, leaving the host as it was
# SKYHOOK_CONTROLLER_PORT picks another port than 8080 for the controller (on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
skyhook_install_prereqs openvpn

skyhook=src/Skyhook.Cli/bin/Release/net10.0/skyhook
# The CLI, the controller and the gateway (the demo runs the last two as processes); quiet unless a build fails.
build() {
  echo "==> build"
  local output
  for project in Cli Controller Gateway; do
    output="$(dotnet build "src/Skyhook.$project" -c Release -nologo -clp:ErrorsOnly 2>&1)" || { echo "$output" >&2; return 1; }
  done
}

case "${1:-up}" in
  up)
    build
    "$skyhook" lab up
    echo
    "$skyhook" lab demo --controller-port "${SKYHOOK_CONTROLLER_PORT:-8080}"
    echo "  ./quickstart.sh down      # removes the lab, the controller, the gateway and the VPN client"
    ;;
  down)
    [ -x "$skyhook" ] || build
    "$skyhook" lab down
    ;;
  *)
    echo "usage: ./quickstart.sh [up|down]" >&2
    exit 2
    ;;
esac
