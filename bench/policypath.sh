#!/usr/bin/env bash
# Issue 6's per-packet benchmark: traffic through a router namespace that holds the gateway's
# `inet skyhook` table, with the large policy of bench/Skyhook.Bench/PolicyCompilerBenchmarks.cs
# (10,000 sessions, 100 profiles x 50 rules, 5,000 endpoints) against a policy of one session, the two
# swapped back and forth within one run. Prints docs/BENCHMARKS.md's section for it.
#   bench/policypath.sh [ROUNDS] [SECONDS] > /tmp/section.md     (defaults: 5 rounds, 5 s a run)
# Needs root. Makes three namespaces of its own (bppNNNNN-c, -r, -s) and removes them at the end,
# also on failure.
#
#   client (bppN-c)                router (bppN-r)                         server (bppN-s)
#   eth0 10.9.0.2 (a session) ---- skyvpn7 10.9.0.1 | eth1 10.10.0.1 ---- eth0 10.10.0.2
#        10.9.0.3 (no session)     table inet skyhook, forwarding on         iperf3 -s; nft counts and
#                                                                            drops udp to port 9
#
# Both tables come out of PolicyCompiler and NftJson, as on the gateway (Skyhook.Bench's policy-table
# mode, bench/Skyhook.Bench/PolicyPathTables.cs), and are applied with `nft -j -f` in the router; the
# VPN interface pattern is skyvpn+ (the gateway's default), which the router's client-side veth
# matches. Each transaction replaces the table whole, so one `nft -j -f` swaps them.
#
# Cases: iperf3 TCP (1 and 8 streams) and UDP (64-byte payload, -b 0), whose packets after the first
# ride conntrack (`ct state established` comes before the session map in the table), and a flood of
# unreplied UDP (Skyhook.Bench's udp-flood mode), whose every packet goes through the session map and
# the client's profile set: the case where the table's size can cost per packet.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
skyhook_install_prereqs iperf3 jq

rounds="${1:-5}"
seconds="${2:-5}"
bench=bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll
vpn_dev=skyvpn7
vpn_pattern=skyvpn+
client=10.9.0.2
stranger=10.9.0.3 # on the client's link, in no session: the table must drop it
server=10.10.0.2
flood_port=9
work="$(mktemp -d /tmp/skyhook-policypath.XXXXXX)"
made=() # the namespaces this run created: the only ones it removes
iperf3_pid=

log() { echo "==> $*" >&2; }
fail() { echo "policypath: $*" >&2; exit 1; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # The iperf3 server is only killed while its command line still names this run's log file.
  if [ -n "$iperf3_pid" ] && tr '\0' ' ' < "/proc/$iperf3_pid/cmdline" 2>/dev/null | grep -qF "$work"; then
    kill "$iperf3_pid" 2>/dev/null || true
    wait "$iperf3_pid" 2>/dev/null || true
  fi
  for ns in "${made[@]}"; do
    ip netns del "$ns" || status=1
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build bench/Skyhook.Bench -c Release -nologo -clp:'ErrorsOnly;NoSummary' >&2

prefix="bpp$RANDOM"
while ip netns list | grep -q "^$prefix-"; do prefix="bpp$RANDOM"; done
client_ns=$prefix-c router_ns=$prefix-r server_ns=$prefix-s
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

log "namespaces $client_ns, $router_ns, $server_ns"
for ns in "$client_ns" "$router_ns" "$server_ns"; do
  ip netns add "$ns"
  made+=("$ns")
  ip -n "$ns" link set lo up
done
# Created in their namespaces directly: no name is ever taken in the host's.
ip link add name "$vpn_dev" netns "$router_ns" type veth peer name eth0 netns "$client_ns"
ip link add name eth1 netns "$router_ns" type veth peer name eth0 netns "$server_ns"
ip -n "$client_ns" addr add "$client/24" dev eth0
ip -n "$client_ns" addr add "$stranger/24" dev eth0
ip -n "$router_ns" addr add 10.9.0.1/24 dev "$vpn_dev"
ip -n "$router_ns" addr add 10.10.0.1/24 dev eth1
ip -n "$server_ns" addr add "$server/24" dev eth0
for link in "$client_ns eth0" "$router_ns $vpn_dev" "$router_ns eth1" "$server_ns eth0"; do
  read -r ns dev <<< "$link"
  ip -n "$ns" link set "$dev" up
done
ip -n "$client_ns" route add default via 10.9.0.1
ip -n "$server_ns" route add default via 10.10.0.1
in_ns "$router_ns" sysctl -qw net.ipv4.ip_forward=1
# The flood's receiver: count and drop before anything else (no socket, so no ICMP answer either).
in_ns "$server_ns" nft -f - <<EOF
table inet bench {
  counter flood {}
  chain prerouting {
    type filter hook prerouting priority raw; policy accept;
    udp dport $flood_port counter name flood drop
  }
}
EOF
# Not through in_ns: a function in the background is a subshell, and $! would be its pid. nsenter
# execs iperf3, so $! is iperf3's.
nsenter --net="/run/netns/$server_ns" iperf3 -s -B "$server" --logfile "$work/iperf3.log" &
iperf3_pid=$!
for _ in $(seq 50); do
  in_ns "$server_ns" ss -Hltn "sport = :5201" | grep -q . && break
  sleep 0.1
done

log "tables: large and small, client $client, server $server, interface pattern $vpn_pattern"
for size in large small; do
  dotnet "$bench" 0 policy-table "$work/$size.json" "--$size" --client "$client" --server "$server" \
    --interface "$vpn_pattern" > "$work/$size.expect"
done

# Can ADDRESS open iperf3's control connection to the server (3 s to connect)?
reaches() { in_ns "$client_ns" iperf3 -c "$server" -B "$1" -t 1 --connect-timeout 3000 > /dev/null 2>&1; }
reaches "$stranger" || fail "$stranger does not reach $server even without a table: the topology is broken"

# Applies one table in the router, checks that nft holds the sessions the compiler wrote and that the
# address without a session is dropped; appends the seconds `nft -j -f` took to $work/applies.
current=
apply() {
  local size=$1 start end sessions
  start=$(date +%s.%N)
  in_ns "$router_ns" nft -j -f "$work/$size.json"
  end=$(date +%s.%N)
  echo "$size $(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" >> "$work/applies"
  sessions="$(in_ns "$router_ns" nft -j list map inet skyhook sessions4 | jq '[.nftables[] | .map? | select(.) | (.elem // [])[]] | length')"
  [ "$sessions" = "$(jq .sessions4 "$work/$size.expect")" ] || fail "the $size table's sessions4 holds $sessions elements, not $(jq .sessions4 "$work/$size.expect")"
  ! reaches "$stranger" || fail "$stranger reaches $server through the $size table: the table is not in the path"
  current=$size
  sleep 2 # let the kernel free the table it replaced before anything is timed
}

counted() { in_ns "$server_ns" nft -j list counter inet bench flood | jq '.nftables[] | .counter? | select(.) | .packets'; }

# One run of one case with the current table; appends "round|table|case|rate|CPU per unit" to
# $work/runs. CPU is what the processes at both ends used (iperf3 reports its own and its server's;
# the flood its sender's), and with veth pairs it includes the router's forwarding, done in the
# softirqs their sends and receives run: unlike the rate, it does not count time the neighbours took.
measure() {
  local round=$1 case=$2 result before sent elapsed cpu
  case "$case" in
    tcp1 | tcp8)
      result="$(in_ns "$client_ns" iperf3 -c "$server" -B "$client" -t "$seconds" -P "${case#tcp}" -J)" \
        || fail "iperf3 failed: $(jq -r '.error // empty' <<< "$result")"
      # Gbit/s received; CPU seconds per GB received.
      jq -r --arg p "$round|$current|$case" '.end | "\($p)|\(.sum_received.bits_per_second / 1e9)|\((.cpu_utilization_percent.host_total + .cpu_utilization_percent.remote_total) / 100 * .sum_received.seconds / (.sum_received.bytes / 1e9))"' <<< "$result" >> "$work/runs"
      ;;
    udp)
      result="$(in_ns "$client_ns" iperf3 -c "$server" -B "$client" -t "$seconds" -u -b 0 -l 64 -J)" \
        || fail "iperf3 failed: $(jq -r '.error // empty' <<< "$result")"
      # Thousands of packets a second received; CPU ns per packet sent (the lost ones crossed the
      # router too: the server's socket buffer drops them).
      jq -r --arg p "$round|$current|$case" '.end | "\($p)|\((.sum_received.packets - .sum_received.lost_packets) / .sum_received.seconds / 1e3)|\((.cpu_utilization_percent.host_total + .cpu_utilization_percent.remote_total) / 100 * .sum_sent.seconds / .sum_sent.packets * 1e9)"' <<< "$result" >> "$work/runs"
      ;;
    flood)
      before="$(counted)"
      read -r sent elapsed cpu <<< "$(in_ns "$client_ns" dotnet "$bench" "$seconds" udp-flood "$server" "$flood_port")"
      # Thousands of packets a second counted at the server; CPU ns per packet sent.
      awk -v p="$round|$current|$case" -v n="$(( $(counted) - before ))" -v s="$sent" -v t="$elapsed" -v c="$cpu" \
        'BEGIN { if (n < s * 0.99) { print "policypath: only " n " of " s " flood packets reached the server" > "/dev/stderr"; exit 1 }
                 print p "|" n / t / 1e3 "|" c / s * 1e9 }' >> "$work/runs"
      ;;
  esac
}
cases="tcp1 tcp8 udp flood"

log "checks: the large table loaded whole, and an address without a session is dropped"
apply large
loaded="$(in_ns "$router_ns" nft -j list table inet skyhook | jq '[.nftables[] | (.set // .map) | select(.) | (.elem // []) | length] | add')"
expected="$(jq '.setElements + .sessions4' "$work/large.expect")"
[ "$loaded" = "$expected" ] || fail "nft lists $loaded set and map elements in the large table, the compiler wrote $expected"
reaches "$client" || fail "$client does not reach $server through the large table"
# The flood's flow must stay unreplied in the router's conntrack: then every packet is new to it and
# judged by the table, not let through by `ct state established`.
in_ns "$client_ns" dotnet "$bench" 1 udp-flood "$server" "$flood_port" > /dev/null
in_ns "$router_ns" conntrack -L -p udp --dport "$flood_port" 2>/dev/null | grep -q UNREPLIED \
  || fail "the router's conntrack has no unreplied entry for the flood"

load="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/runs"
for round in $(seq "$rounds"); do
  # ABBA: alternate which table goes first, so that a drift in the machine's load favours neither.
  if [ $((round % 2)) -eq 1 ]; then order="large small"; else order="small large"; fi
  for size in $order; do
    [ "$current" = "$size" ] || apply "$size"
    log "round $round, $size table"
    for case in $cases; do measure "$round" "$case"; done
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# column 4 is the rate, 5 the CPU per unit
values() { awk -F'|' -v t="$1" -v c="$2" -v f="$3" '$2 == t && $3 == c { print $f }' "$work/runs"; }
value() { awk -F'|' -v r="$1" -v t="$2" -v c="$3" -v f="$4" '$1 == r && $2 == t && $3 == c { print $f }' "$work/runs"; }
label() {
  case "$1" in
    tcp1) echo "TCP, 1 stream" ;;
    tcp8) echo "TCP, 8 streams (-P 8)" ;;
    udp) echo "UDP, 64-byte payload, iperf3 -b 0" ;;
    flood) echo "UDP, 64-byte payload, unreplied: every packet judged" ;;
  esac
}
units() {
  case "$1" in
    tcp*) echo "Gbit/s|CPU s per GB" ;;
    udp) echo "kpps received|CPU ns per packet sent" ;;
    flood) echo "kpps at the server|CPU ns per packet" ;;
  esac
}
# Figures with three significant digits or so.
fmt() { awk -v v="$1" 'BEGIN { printf (v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f"), v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
expect() { jq -r ".$2" "$work/$1.expect"; }
thousands() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; } # 12345 -> 12,345
applies() { awk -v s="$1" '$1 == s { print $2 }' "$work/applies"; }

echo "### Policy: per-packet cost ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version), $(nft --version | cut -d' ' -f1-2), $(iperf3 --version | head -1 | cut -d' ' -f1-2). Client, router and server namespaces share the machine (veth pairs, no VPN); load average at the start $load."
echo
echo "Large table: $(expect large sessions4 | thousands) sessions in sessions4 (the generator's 10,000 and the client's), $(expect large setElements | thousands) set elements; the client's chain $(expect large chain) looks up the $(expect large clientPortsElements | thousands) elements of $(expect large clientPortsSet). Small table: $(expect small sessions4 | thousands) session, $(expect small setElements | thousands) set elements. \`nft -j list\` counted $(thousands <<< "$loaded") set and map elements after the first large apply, as the compiler wrote them; $stranger (no session) could not connect after any apply. \`nft -j -f\` in the router took $(applies large | median | xargs printf '%.1f') s for the large table (median of $(applies large | wc -l)), $(applies small | median | xargs printf '%.2f') s for the small one."
echo
echo "Rounds: $rounds; each runs every case with one table, then with the other, alternating which goes first; $seconds s a run, client to server. Rate, then CPU per unit in brackets: the CPU time of the processes at both ends (iperf3's report of itself and its server; the flood's sender), which includes the router's forwarding (veth pairs forward in the softirq of the send), and unlike the rate does not count the time other processes held the CPU."
echo
printf '| round | table |'
for case in $cases; do printf ' %s: %s (%s) |' "$(label "$case")" "$(units "$case" | cut -d'|' -f1)" "$(units "$case" | cut -d'|' -f2)"; done
echo
echo "| --- | --- |$(for _ in $cases; do printf ' --- |'; done)"
for round in $(seq "$rounds"); do
  for size in large small; do
    printf '| %s | %s |' "$round" "$size"
    for case in $cases; do
      printf ' %s (%s) |' "$(fmt "$(value "$round" "$size" "$case" 4)")" "$(fmt "$(value "$round" "$size" "$case" 5)")"
    done
    echo
  done
done
echo
echo "| case | rate: large, median | small, median | **ratio large / small** | ratio within each round | CPU per unit: large, median | small, median | **ratio small / large** |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for case in $cases; do
  large="$(values large "$case" 4 | median)"
  small="$(values small "$case" 4 | median)"
  within="$(for round in $(seq "$rounds"); do
    ratio "$(value "$round" large "$case" 4)" "$(value "$round" small "$case" 4)"; echo
  done | paste -sd, | sed 's/,/, /g')"
  large_cpu="$(values large "$case" 5 | median)"
  small_cpu="$(values small "$case" 5 | median)"
  printf '| %s | %s %s | %s | **%s** | %s | %s %s | %s | **%s** |\n' "$(label "$case")" \
    "$(fmt "$large")" "$(units "$case" | cut -d'|' -f1)" "$(fmt "$small")" "$(ratio "$large" "$small")" "$within" \
    "$(fmt "$large_cpu")" "$(units "$case" | cut -d'|' -f2)" "$(fmt "$small_cpu")" "$(ratio "$small_cpu" "$large_cpu")"
done
echo
flood_large="$(values large flood 5 | median)"
flood_small="$(values small flood 5 | median)"
printf 'Ratios are arranged so that 1 means no cost and less than 1 a cost of the large table (the aim: at least 0.97). In the unreplied case every packet goes through the session map and the client'"'"'s profile set: at the medians it cost %s ns of CPU with the large table and %s ns with the small one, %+.0f ns per judged packet.\n' \
  "$(fmt "$flood_large")" "$(fmt "$flood_small")" "$(awk -v l="$flood_large" -v s="$flood_small" 'BEGIN { print l - s }')"
