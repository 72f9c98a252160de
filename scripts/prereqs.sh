#!/usr/bin/env bash
# Installs the Debian packages Skyhook's lab and tests need, only those missing. Sourced by
# ./test.sh and ./quickstart.sh; needs root (apt-get).
set -euo pipefail

SKYHOOK_PACKAGES=(
  docker.io        # dockerd engines of the lab (swarm, overlay)
  busybox-static   # the lab's image, built without a registry
  iproute2         # namespaces, veths, bridges
  nftables         # lab NAT; later the gateway's policy
  conntrack        # cutting connections the policy no longer allows
  util-linux       # nsenter, setpriv
  procps           # sysctl
  dropbear-bin     # ssh into lab containers (busybox has no ssh server)
  curl
  iputils-ping
  dnsutils
)

# Arguments: further packages this caller needs (./test.sh adds postgresql, openvpn, chromium,
# dnsmasq-base: the upstream nameserver the gateway DNS tests forward to, and rsyslog with its TLS
# driver rsyslog-gnutls: the receiver the event export tests run as a child process of their own;
# haproxy: the load balancer in front of the gateways and the controller replicas in the HA tests).
skyhook_install_prereqs() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "skyhook: run as root (it installs packages, creates network namespaces and starts dockerd)" >&2
    return 1
  fi
  local missing=()
  for package in "${SKYHOOK_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! command -v dotnet >/dev/null; then
    echo "skyhook: the .NET 10 SDK is needed (dotnet on PATH)" >&2
    return 1
  fi
}
