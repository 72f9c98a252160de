#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine with the .NET SDK, as root:
#   ./quickstart.sh        install what is missing, build, bring up the lab, show its status
#   ./quickstart.sh down   tear the lab down, leaving the host as it was
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
skyhook_install_prereqs

skyhook=src/Skyhook.Cli/bin/Release/net10.0/skyhook
case "${1:-up}" in
  up)
    echo "==> build"
    dotnet build src/Skyhook.Cli -c Release -nologo -clp:ErrorsOnly
    "$skyhook" lab up
    echo
    echo "The lab is up. Try:"
    echo "  docker -H unix:///run/skyhook-lab/sky/n1.sock exec web1 wget -qO- http://web2/"
    echo "  $skyhook lab status --json"
    echo "  ./quickstart.sh down"
    ;;
  down)
    [ -x "$skyhook" ] || dotnet build src/Skyhook.Cli -c Release -nologo -clp:ErrorsOnly
    "$skyhook" lab down
    ;;
  *)
    echo "usage: ./quickstart.sh [up|down]" >&2
    exit 2
    ;;
esac
