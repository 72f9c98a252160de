#!/usr/bin/env bash
# Builds Skyhook and runs every test suite against real components (dockerd engines in network
# namespaces, ...). Ends with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
source scripts/postgres.sh
skyhook_install_prereqs postgresql openvpn chromium dnsmasq-base rsyslog rsyslog-gnutls haproxy

# A stem for this run's lab prefixes, so that whatever a crashed run leaves is removed below.
export SKYHOOK_TEST_RUN="$(tr -dc 'a-z' </dev/urandom | head -c 5)"
results="$(mktemp -d)"
cleanup() {
  for dir in /var/lib/skyhook-lab/t"$SKYHOOK_TEST_RUN"*; do
    [ -d "$dir" ] && src/Skyhook.Cli/bin/Release/net10.0/skyhook lab down --prefix "$(basename "$dir")" >/dev/null 2>&1 || true
  done
  # Namespaces of the OpenVPN tests of this run (ovt + stem + ...), with their processes.
  for netns in $(ip netns list | awk '{print $1}' | grep "^ovt$SKYHOOK_TEST_RUN" || true); do
    for pid in $(ip netns pids "$netns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$netns" || true
  done
  skyhook_postgres_stop
  rm -rf "$results"
}
trap cleanup EXIT

skyhook_postgres_start

echo "==> build"
dotnet build Skyhook.slnx -c Release -nologo -clp:ErrorsOnly

status=0
# Every test project (tests/Shared holds sources compiled into some of them, not a project).
for csproj in tests/*/*.csproj; do
  project="$(dirname "$csproj")"
  name="$(basename "$project")"
  echo "==> $name"
  dotnet "$project/bin/Release/net10.0/$name.dll" -noColor -noLogo -xml "$results/$name.xml" || status=1
done

# xunit's XML report: one <assembly> element per suite with the counts as attributes.
count() { grep -o '<assembly [^>]*>' "$2" | head -1 | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0; }
passed=0; failed=0; skipped=0
for xml in "$results"/*.xml; do
  [ -f "$xml" ] || continue
  passed=$((passed + $(count passed "$xml")))
  failed=$((failed + $(count failed "$xml") + $(count errors "$xml")))
  skipped=$((skipped + $(count skipped "$xml")))
done
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
