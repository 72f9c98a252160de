#!/usr/bin/env bash
# Issue 4's data-path benchmark: iperf3 TCP from desktop 1 to web2 (a container on another swarm node)
# through the Skyhook gateway, against a bare OpenVPN 2.6 tunnel between the same two namespaces with
# no Skyhook in the path, interleaved in one run. Prints docs/BENCHMARKS.md's section for it.
#   bench/datapath.sh [ROUNDS] [SECONDS] > /tmp/section.md     (defaults: 15 rounds of 10 s per path)
# Brings up its own lab and demo (prefix bdpXXXX) and removes them at the end, also on failure.
#
# Both tunnels end in the gateway host's namespace and reach web2 through the same anchor veth the
# gateway made (the anchor masquerades whatever it forwards into the overlay), so the ratio isolates
# the gateway's own work. The bare server runs the gateway's generated server.conf with its Skyhook
# lines (management socket, logins decided by the gateway) replaced by a certificate login; the bare
# client runs alice's .ovpn with a certificate instead of password and code: same cipher list, same
# userspace data channel (no DCO in this kernel), same tun settings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
skyhook_install_prereqs openvpn iperf3 jq openssl

rounds="${1:-15}"
seconds="${2:-10}"
skyhook=src/Skyhook.Cli/bin/Release/net10.0/skyhook
prefix="bdp$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
bare_port=1195
bare_server_dev=skyvpn9 # matches the gateway's DOCKER-USER accepts for skyvpn+
bare_client_dev=tun9
bare_subnet=192.168.99.0
work="$(mktemp -d /tmp/skyhook-datapath.XXXXXX)"

log() { echo "==> $*" >&2; }

# Stops a process this script started, by its pid file, only while its command line still names $work.
stop() {
  local pid
  [ -f "$1" ] && pid="$(cat "$1")" || return 0
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$work"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$1"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  log "cleaning up lab $prefix"
  stop "$work/client.pid"
  stop "$work/server.pid"
  stop "$work/iperf3.pid"
  "$skyhook" lab down --prefix "$prefix" >&2 || status=1
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for project in Cli Controller Gateway; do
  dotnet build "src/Skyhook.$project" -c Release -nologo -clp:'ErrorsOnly;NoSummary' >&2
done

controller_port=$((20000 + RANDOM % 10000))
while ss -Hltn "sport = :$controller_port" | grep -q .; do controller_port=$((20000 + RANDOM % 10000)); done
log "lab $prefix and the demo on it (controller on 127.0.0.1:$controller_port)"
"$skyhook" lab up --prefix "$prefix" >&2
# The demo prints credentials: they are not needed here and not kept.
"$skyhook" lab demo --prefix "$prefix" --controller-port "$controller_port" > /dev/null

lab="$work/lab.json"
"$skyhook" lab status --prefix "$prefix" --json > "$lab"
web2="$(jq -r '.workloads[] | select(.name == "web2") | .overlayAddress' "$lab")"
web2_machine="$(jq -r '.workloads[] | select(.name == "web2") | .machine' "$lab")"
web2_socket="$(jq -r --arg m "$web2_machine" '.nodes[] | select(.name == $m) | .engine.socket' "$lab")"
gateway_ns="$(jq -r '.gateways[0].namespace' "$lab")"
desktop_ns="$(jq -r '.desktops[0].namespace' "$lab")"
# The demo's folders (Skyhook.Lab's DemoLayout): its logs, the gateway's data directory, pid files.
demo_dir="/var/lib/skyhook-lab/$prefix/demo"
demo_run="/run/skyhook-lab/$prefix/demo"
web2_pid="$(docker -H "unix://$web2_socket" inspect -f '{{.State.Pid}}' web2)"

log "iperf3 server in web2's namespace ($web2)"
nsenter -t "$web2_pid" -n iperf3 -s --logfile "$work/iperf3.log" &
echo $! > "$work/iperf3.pid"

log "bare OpenVPN: throwaway CA, server on $gateway_ns udp $bare_port, client on $desktop_ns"
pki="$work/pki"
mkdir -m 700 "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench-ca \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
for end in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=bench-$end" \
    -keyout "$pki/$end.key" -out "$pki/$end.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' \
    "$([ "$end" = server ] && echo serverAuth || echo clientAuth)" > "$pki/$end.ext"
  openssl x509 -req -days 2 -in "$pki/$end.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -extfile "$pki/$end.ext" -out "$pki/$end.crt" 2>/dev/null
done

sed -e "s|^dev .*|dev $bare_server_dev|" -e "s|^port .*|port $bare_port|" \
  -e "s|^server \([0-9.]*\) \([0-9.]*\) nopool$|server $bare_subnet \2|" \
  -e "s|^ca .*|ca $pki/ca.crt|" -e "s|^cert .*|cert $pki/server.crt|" -e "s|^key .*|key $pki/server.key|" \
  -e "s|^status .*|status $work/server.status 10|" \
  -e '/^verify-client-cert /d' -e '/^username-as-common-name$/d' -e '/^management/d' \
  "$demo_dir/gateway/openvpn/server.conf" > "$work/server.conf"
sed -e '/^<ca>$/,/^<\/ca>$/d' -e "s|^dev tun$|dev $bare_client_dev|" \
  -e "s|^remote \([0-9.]*\) .*|remote \1 $bare_port|" -e '/^auth-user-pass$/d' -e '/^auth-nocache$/d' \
  "$demo_dir/alice.ovpn" > "$work/client.conf"
printf 'ca %s\ncert %s\nkey %s\n' "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" >> "$work/client.conf"
# The demo's files may change shape: check that the edits took and nothing of Skyhook's login stayed.
expect() {
  local file=$1 line
  shift
  for line in "$@" "data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"; do
    grep -qxE "$line" "$work/$file" || { echo "bench: no line '$line' in the bare $file:" >&2; cat "$work/$file" >&2; exit 1; }
  done
  if grep -qE '^(management|auth-user-pass|static-challenge|verify-client-cert)' "$work/$file"; then
    echo "bench: the bare $file kept a Skyhook login line:" >&2; cat "$work/$file" >&2; exit 1
  fi
}
expect server.conf "dev $bare_server_dev" "port $bare_port" "server $bare_subnet [0-9.]+" "cert $pki/server.crt"
expect client.conf "dev $bare_client_dev" "remote [0-9.]+ $bare_port" "cert $pki/client.crt"

nsenter --net="/run/netns/$gateway_ns" openvpn --config "$work/server.conf" \
  --daemon bench-bare-server --writepid "$work/server.pid" --log "$work/server.log"
nsenter --net="/run/netns/$desktop_ns" openvpn --config "$work/client.conf" \
  --daemon bench-bare-client --writepid "$work/client.pid" --log "$work/client.log"
for _ in $(seq 60); do
  grep -q "Initialization Sequence Completed" "$work/client.log" 2>/dev/null && break
  sleep 1
done
grep -q "Initialization Sequence Completed" "$work/client.log" || { echo "bench: the bare tunnel did not come up:" >&2; tail -20 "$work/client.log" >&2; exit 1; }

# The data channel cipher each client negotiated: both must be AES-256-GCM, or the comparison is void.
cipher() { grep -o "Data Channel: cipher '[^']*'" "$1" | tail -1 | cut -d"'" -f2; }
skyhook_cipher="$(cipher "$demo_dir/client.log")"
bare_cipher="$(cipher "$work/client.log")"
if [ "$skyhook_cipher" != AES-256-GCM ] || [ "$bare_cipher" != AES-256-GCM ]; then
  echo "bench: data channel ciphers differ from AES-256-GCM: Skyhook '$skyhook_cipher', bare '$bare_cipher'" >&2
  exit 1
fi

in_desktop() { nsenter --net="/run/netns/$desktop_ns" "$@"; }
tx_bytes() { ip -n "$desktop_ns" -s -j link show dev "$1" | jq '.[0].stats64.tx.bytes'; }
# CPU seconds a process has used, with those of its children it has reaped (the gateway's ip, nft,
# iptables and docker commands).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$(cat "$1")/stat"; }
skyhook_server_pid="$demo_dir/gateway/openvpn/openvpn.pid"
gateway_pid="$demo_run/gateway.pid"
controller_pid="$demo_run/controller.pid"
# CPU seconds of the VPN server of one path, of skyhook-gateway and of the controller. The last two
# keep running during the bare runs too: their background work weighs on both paths alike.
cpu_now() { echo "$(cpu "$1") $(cpu "$gateway_pid") $(cpu "$controller_pid")"; }

# One iperf3 run over one path; appends "round|path|route|Gbit/s|retransmits|CPU s: server|gateway|controller" to $work/runs.
measure() {
  local round=$1 path=$2 dev other server route before after result sent dev_before other_before dev_after other_after cpu_before cpu_after cpu_used
  if [ "$path" = bare ]; then
    dev=$bare_client_dev other=tun0 server="$work/server.pid"
    ip -n "$desktop_ns" route replace "$web2/32" dev "$bare_client_dev"
  else
    dev=tun0 other=$bare_client_dev server=$skyhook_server_pid
    ip -n "$desktop_ns" route del "$web2/32" 2>/dev/null || true
  fi
  route="$(ip -n "$desktop_ns" route get "$web2" | head -1 | sed 's/ *$//; s/ uid 0$//')"
  log "round $round, $path: ip route get $web2 -> $route"
  [[ "$route" == *" dev $dev "* ]] || { echo "bench: $web2 is not routed via $dev for the $path run" >&2; exit 1; }
  before="$(tx_bytes "$dev") $(tx_bytes "$other")"
  cpu_before="$(cpu_now "$server")"
  result="$(in_desktop iperf3 -c "$web2" -t "$seconds" -J)" || { echo "bench: iperf3 failed: $(jq -r '.error // empty' <<< "$result")" >&2; exit 1; }
  cpu_after="$(cpu_now "$server")"
  after="$(tx_bytes "$dev") $(tx_bytes "$other")"
  # The claimed tunnel must have carried the test's bytes, and the other one not.
  sent="$(jq '.end.sum_sent.bytes' <<< "$result")"
  read -r dev_before other_before <<< "$before"
  read -r dev_after other_after <<< "$after"
  if [ $((dev_after - dev_before)) -lt "$sent" ] || [ $((other_after - other_before)) -gt $((sent / 100)) ]; then
    echo "bench: the $path run's $sent bytes did not go through $dev (tx $dev +$((dev_after - dev_before)), $other +$((other_after - other_before)))" >&2
    exit 1
  fi
  cpu_used="$(awk -v b="$cpu_before" -v a="$cpu_after" 'BEGIN { split(b, x, " "); split(a, y, " "); print y[1] - x[1] "|" y[2] - x[2] "|" y[3] - x[3] }')"
  jq -r --arg round "$round" --arg path "$path" --arg route "$route" --arg cpu "$cpu_used" \
    '"\($round)|\($path)|\($route)|\(.end.sum_received.bits_per_second / 1e9)|\(.end.sum_sent.retransmits)|\($cpu)"' <<< "$result" >> "$work/runs"
}

load="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/runs"
for round in $(seq "$rounds"); do
  # Alternate which path goes first, so that a drift in the machine's load favours neither.
  if [ $((round % 2)) -eq 1 ]; then order="skyhook bare"; else order="bare skyhook"; fi
  for path in $order; do measure "$round" "$path"; done
done
ip -n "$desktop_ns" route del "$web2/32" 2>/dev/null || true

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rates() { awk -F'|' -v p="$1" '$2 == p { print $4 }' "$work/runs"; }
skyhook_median="$(rates skyhook | median)"
bare_median="$(rates bare | median)"
label() { [ "$1" = skyhook ] && echo "Skyhook (gateway, tun0)" || echo "bare OpenVPN ($bare_client_dev)"; }

echo "### Data path ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(openvpn --version | head -1 | cut -d' ' -f1-2) (userspace data channel, no DCO), $(iperf3 --version | head -1 | cut -d' ' -f1-2). Every namespace and both tunnel ends share the machine; load average at the start $load."
echo
echo "Data channel of both clients: $skyhook_cipher. iperf3 TCP, one stream, $seconds s a run, from $desktop_ns to web2 ($web2, on $web2_machine) through gateway host 1; rounds alternate which path goes first."
echo
echo "| round | path | \`ip route get $web2\` on the desktop before the run | Gbit/s | retransmits | CPU s: its VPN server | skyhook-gateway | controller |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
while IFS='|' read -r round path route rate retransmits server_cpu gateway_cpu controller_cpu; do
  printf '| %s | %s | `%s` | %.3f | %s | %.2f | %.2f | %.2f |\n' "$round" "$(label "$path")" "$route" "$rate" "$retransmits" "$server_cpu" "$gateway_cpu" "$controller_cpu"
done < "$work/runs"
echo
echo "| path | runs | median Gbit/s | min | max |"
echo "| --- | --- | --- | --- | --- |"
for path in skyhook bare; do
  printf '| %s | %s | %.3f | %.3f | %.3f |\n' "$(label "$path")" "$(rates "$path" | wc -l)" "$(rates "$path" | median)" \
    "$(rates "$path" | sort -g | head -1)" "$(rates "$path" | sort -g | tail -1)"
done
echo
printf 'Ratio Skyhook / bare OpenVPN (medians): **%.3f**\n' "$(awk -v s="$skyhook_median" -v b="$bare_median" 'BEGIN { print s / b }')"
echo
# The same ratio within each round (the two runs closest in time), to show how much is noise.
round_ratios="$(awk -F'|' '{ r[$1, $2] = $4; n = $1 } END { for (i = 1; i <= n; i++) print r[i, "skyhook"] / r[i, "bare"] }' "$work/runs")"
printf 'Ratio within each round: %s (median %.3f).\n' "$(printf '%.2f\n' $round_ratios | paste -sd, | sed 's/,/, /g')" "$(median <<< "$round_ratios")"
