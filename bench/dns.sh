#!/usr/bin/env bash
# Issue 7's DNS benchmark: dnsperf against the gateway's DNS service (hosted in process by
# Skyhook.Bench's dns-server mode: the real DnsServer, DnsHandler, DnsForwarder and DnsCache, alice's
# session at 127.0.0.1, her profile filtering what she sees) and against dnsmasq, in the same run on
# the same cores, for two workloads. Prints docs/BENCHMARKS.md's section for it.
#   bench/dns.sh [ROUNDS] [SECONDS] [CONTAINERS] [--show-all] > /tmp/section.md
#   (defaults: 5 rounds, 10 s a run, 1000 containers; --show-all turns the gateway's per-user hiding off)
# Needs root (dnsmasq --user=root; installs dnsperf and dnsmasq-base if missing). Everything listens
# on 127.0.0.1 only; every process it starts is stopped at the end, also on failure.
#
#   overlay names (webN.apps.internal A, services):  dnsperf -> gateway         (its own names)
#                                                     dnsperf -> dnsmasq A       (a hosts file of the
#                                                                                 same answers alice gets)
#   external names (extN.example.test A, cached):     dnsperf -> gateway   -> dnsmasq B (ext names)
#                                                     dnsperf -> dnsmasq C -> dnsmasq B
# A and C are the baselines: dnsmasq is what a small site would run instead (C: a caching forwarder,
# as the gateway is for names that are not the overlay's). Both caches are warmed before measuring.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
skyhook_install_prereqs dnsperf dnsmasq-base

rounds="${1:-5}"
seconds="${2:-10}"
containers="${3:-1000}"
show_all=()
[ "${4:-}" = "--show-all" ] && show_all=(--show-all)
external_names=200
clients=4      # dnsperf -c: sockets (source ports)
outstanding=100 # dnsperf -q: queries in flight at most
bench=bench/Skyhook.Bench/bin/Release/net10.0/Skyhook.Bench.dll
work="$(mktemp -d /tmp/skyhook-dns.XXXXXX)"
pids=() # the processes this run started: the only ones it stops
gateway_pid=

log() { echo "==> $*" >&2; }
fail() { echo "dns: $*" >&2; exit 1; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  exec 3>&- 2>/dev/null || true
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A UDP and TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 30000))
    if ! ss -Hlnu "sport = :$port" | grep -q . && ! ss -Hlnt "sport = :$port" | grep -q .; then
      echo "$port"
      return
    fi
  done
}

# dnsmasq NAME PORT ARGS...: in the foreground of a background job, on 127.0.0.1 only, no config,
# no /etc/hosts, no resolv.conf. Its pid in $started (not echoed: a subshell would lose it from $pids).
dnsmasq_start() {
  local name="$1" port="$2"
  shift 2
  dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --user=root --pid-file= \
    --bind-interfaces --listen-address=127.0.0.1 --port="$port" --log-facility="$work/$name.log" "$@" &
  started=$!
  pids+=("$started")
}

# ask PORT NAME: the sorted answers and the status, as dig shows them.
ask() {
  dig @127.0.0.1 -p "$1" +time=2 +tries=2 "$2" A | awk '/status:/ { sub(/,$/, "", $6); print $6 } /^[^;].*\tIN\tA\t/ { print $NF }' | sort
}

wait_answers() {
  local port="$1" name="$2"
  for _ in $(seq 100); do
    [ -n "$(dig @127.0.0.1 -p "$port" +short +time=1 +tries=1 "$name" A 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  fail "nothing answers $name on port $port"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

log "building Skyhook.Bench"
dotnet build bench/Skyhook.Bench -c Release -nologo -clp:ErrorsOnly >&2
load="$(cut -d' ' -f1-3 /proc/loadavg)"
ticks="$(getconf CLK_TCK)"

# B: the external names' authority, which the gateway and C forward to.
port_b="$(free_port)"
for i in $(seq 0 $((external_names - 1))); do
  echo "198.18.$((i / 250)).$((i % 250 + 1)) ext$i.example.test"
done > "$work/external.hosts"
dnsmasq_start upstream "$port_b" --addn-hosts="$work/external.hosts" --local-ttl=3600 --local=/example.test/
wait_answers "$port_b" ext0.example.test

# The gateway: it writes alice's answers as a hosts file (A's records) and every overlay name.
log "starting the gateway's DNS service ($containers containers)"
mkfifo "$work/gateway.stdin"
dotnet "$bench" 0 dns-server "$work/gateway.port" --upstream "127.0.0.1:$port_b" --containers "$containers" \
  --hosts "$work/overlay.hosts" --names "$work/overlay.names" "${show_all[@]}" \
  < "$work/gateway.stdin" > "$work/gateway.out" 2> "$work/gateway.err" &
gateway_pid=$!
pids+=("$gateway_pid")
exec 3> "$work/gateway.stdin" # held open: the gateway serves until it is closed
for _ in $(seq 300); do
  [ -s "$work/gateway.port" ] && break
  kill -0 "$gateway_pid" 2>/dev/null || fail "the gateway's DNS service exited: $(cat "$work/gateway.err")"
  sleep 0.1
done
port_gateway="$(cat "$work/gateway.port")"

# A: the same records as the gateway answers alice, authoritative for apps.internal (hidden names:
# NXDOMAIN, as from the gateway). C: a caching forwarder to B.
port_a="$(free_port)"
port_c="$(free_port)"
dnsmasq_start same-records "$port_a" --addn-hosts="$work/overlay.hosts" --local-ttl=300 --local=/apps.internal/ --cache-size=10000
dnsmasq_a="$started"
dnsmasq_start forwarder "$port_c" --server="127.0.0.1#$port_b" --cache-size=10000
dnsmasq_c="$started"
wait_answers "$port_a" web1.apps.internal
wait_answers "$port_c" ext0.example.test

# Both sides must give the same answers: a container, a hidden one, a service, an external name.
for name in web1.apps.internal web0.apps.internal api.apps.internal tasks.worker.apps.internal ext7.example.test; do
  case "$name" in *.example.test) baseline="$port_c" ;; *) baseline="$port_a" ;; esac
  gateway_answer="$(ask "$port_gateway" "$name" | paste -sd' ')"
  baseline_answer="$(ask "$baseline" "$name" | paste -sd' ')"
  [ "$gateway_answer" = "$baseline_answer" ] || fail "$name: the gateway says '$gateway_answer', dnsmasq '$baseline_answer'"
done

# dnsperf's query files: each name many times, in random order (dnsperf loops over the file).
for _ in $(seq 20); do shuf "$work/overlay.names"; done | sed 's/$/ A/' > "$work/overlay.queries"
for _ in $(seq 200); do seq 0 $((external_names - 1)) | shuf | sed 's/.*/ext&.example.test A/'; done > "$work/external.queries"

# perf SERVER_PORT PID QUERIES LIMIT: dnsperf's summary, then "cpu TICKS" of the server's process.
perf() {
  local before after
  before="$(cpu_ticks "$2")"
  dnsperf -s 127.0.0.1 -p "$1" -d "$3" -c "$clients" -q "$outstanding" $4 2>&1
  after="$(cpu_ticks "$2")"
  echo "cpu $((after - before))"
}

# Warm-up, not measured: every external name through both caches (one pass), and JIT and the
# profile's view on the gateway (a short run of each workload on each server).
log "warming up"
seq 0 $((external_names - 1)) | sed 's/.*/ext&.example.test A/' > "$work/external.once"
for port in "$port_gateway" "$port_c"; do
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/external.once" -n 1 -q 10 >/dev/null 2>&1
done
perf "$port_gateway" "$gateway_pid" "$work/overlay.queries" "-l 3" >/dev/null
perf "$port_a" "$dnsmasq_a" "$work/overlay.queries" "-l 3" >/dev/null
perf "$port_gateway" "$gateway_pid" "$work/external.queries" "-l 3" >/dev/null
perf "$port_c" "$dnsmasq_c" "$work/external.queries" "-l 3" >/dev/null

results="$work/results" # round workload side qps latency_s lost completed cpu_us_per_query codes
: > "$results"
for round in $(seq "$rounds"); do
  # Alternate which side goes first, so that a drift in the machine's load favours neither.
  if [ $((round % 2)) -eq 1 ]; then sides="gateway dnsmasq"; else sides="dnsmasq gateway"; fi
  for workload in overlay external; do
    for side in $sides; do
      case "$side/$workload" in
        gateway/*) port="$port_gateway"; pid="$gateway_pid" ;;
        dnsmasq/overlay) port="$port_a"; pid="$dnsmasq_a" ;;
        dnsmasq/external) port="$port_c"; pid="$dnsmasq_c" ;;
      esac
      log "round $round: $workload names, $side"
      out="$(perf "$port" "$pid" "$work/$workload.queries" "-l $seconds")"
      echo "$out" > "$work/perf-$round-$workload-$side.txt"
      qps="$(awk '/Queries per second:/ { print $4 }' <<< "$out")"
      latency="$(awk '/Average Latency \(s\):/ { print $4 }' <<< "$out")"
      lost="$(awk '/Queries lost:/ { print $3 }' <<< "$out")"
      completed="$(awk '/Queries completed:/ { print $3 }' <<< "$out")"
      codes="$(awk -F': +' '/Response codes:/ { gsub(/ \([0-9.]+%\)/, "", $2); gsub(/ /, "_", $2); print $2 }' <<< "$out")"
      cpu="$(awk '/^cpu / { print $2 }' <<< "$out")"
      [ -n "$qps" ] && [ -n "$completed" ] || fail "dnsperf gave no figures: $out"
      echo "$round $workload $side $qps $latency $lost $completed $(awk -v c="$cpu" -v t="$ticks" -v n="$completed" 'BEGIN { printf "%.2f", c / t / n * 1e6 }') $codes" >> "$results"
    done
  done
done

peak_kib() { awk '/VmHWM:/ { print $2 }' "/proc/$1/status"; }
gateway_peak="$(peak_kib "$gateway_pid")"
dnsmasq_a_peak="$(peak_kib "$dnsmasq_a")"
dnsmasq_c_peak="$(peak_kib "$dnsmasq_c")"
exec 3>&- # the gateway prints what its run cost, and exits
gateway_status=0
wait "$gateway_pid" || gateway_status=$?
gateway_stat() { tr ' ' '\n' < "$work/gateway.out" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }
column_of() { awk -v w="$1" -v s="$2" -v c="$3" '$2 == w && $3 == s { print $c }' "$results"; }
workload_label() {
  case "$1" in
    overlay) echo "overlay names (gateway vs dnsmasq A, same records)" ;;
    external) echo "external names, cached (gateway vs dnsmasq C, both forwarding to B)" ;;
  esac
}

echo "### Run ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), .NET $(dotnet --version), $(dnsmasq --version | head -1 | cut -d' ' -f1-3), $(dnsperf -h 2>&1 | awk '/^Version/ { print "dnsperf " $2 }'). dnsperf, the gateway's DNS service and the dnsmasqs share the machine, all on 127.0.0.1; load average at the start $load."
echo
overlay_names="$(wc -l < "$work/overlay.names")"
hidden_names="$((overlay_names - $(cut -d' ' -f2 "$work/overlay.hosts" | sort -u | wc -l)))"
echo "Gateway: $(gateway_stat containers) containers and 3 services ($(gateway_stat names) names with the bare forms), alice's profile allow-all with \`deny label tier=admin all\` (every 50th container), hiding $( [ "$(gateway_stat hide)" = true ] && echo on || echo off). dnsperf: UDP, \`-c $clients -q $outstanding -l $seconds\`; $rounds rounds, alternating which side goes first. Queries in random order over $overlay_names overlay names under apps.internal ($hidden_names hidden from alice: NXDOMAIN from both sides) and $external_names external names."
echo
echo "| round | workload | server | queries per second | average latency ms | lost | CPU µs per query (server) | response codes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
while read -r round workload side qps latency lost completed cpu codes; do
  case "$side/$workload" in
    gateway/*) server="gateway" ;;
    dnsmasq/overlay) server="dnsmasq A" ;;
    dnsmasq/external) server="dnsmasq C" ;;
  esac
  printf '| %s | %s | %s | %.0f | %.3f | %s | %s | %s |\n' "$round" "$workload" "$server" "$qps" "$(awk -v l="$latency" 'BEGIN { print l * 1000 }')" "$lost" "$cpu" "${codes//_/ }"
done < "$results"
echo
echo "| workload | gateway QPS, median | dnsmasq QPS, median | **ratio gateway / dnsmasq** | ratio within each round (median) | latency ms, gateway / dnsmasq (medians) | lost, gateway / dnsmasq (all rounds) | CPU µs per query, gateway / dnsmasq (medians) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for workload in overlay external; do
  gateway_qps="$(column_of "$workload" gateway 4 | median)"
  dnsmasq_qps="$(column_of "$workload" dnsmasq 4 | median)"
  ratios="$(paste <(column_of "$workload" gateway 4) <(column_of "$workload" dnsmasq 4) | awk '{ printf "%.3f\n", $1 / $2 }')"
  printf '| %s | %.0f | %.0f | **%.3f** | %s (%.3f) | %.3f / %.3f | %s / %s | %.2f / %.2f |\n' "$(workload_label "$workload")" \
    "$gateway_qps" "$dnsmasq_qps" "$(awk -v g="$gateway_qps" -v d="$dnsmasq_qps" 'BEGIN { print g / d }')" \
    "$(paste -sd, <<< "$ratios" | sed 's/,/, /g')" "$(median <<< "$ratios")" \
    "$(column_of "$workload" gateway 5 | median | awk '{ print $1 * 1000 }')" "$(column_of "$workload" dnsmasq 5 | median | awk '{ print $1 * 1000 }')" \
    "$(column_of "$workload" gateway 6 | sum)" "$(column_of "$workload" dnsmasq 6 | sum)" \
    "$(column_of "$workload" gateway 8 | median)" "$(column_of "$workload" dnsmasq 8 | median)"
done
echo
queries="$(gateway_stat queries)"
printf 'Gateway process over the whole run (warm-up included): %s queries answered (container %s, hidden %s, cache %s, upstream %s, failed %s, refused %s), %s CPU s, peak RSS (VmHWM) %.1f MiB; GCs gen0 %s, gen1 %s, gen2 %s; %s bytes allocated per query (%s in all, start-up included). dnsmasq peak RSS: A %.1f MiB, C %.1f MiB.\n' \
  "$queries" "$(gateway_stat container)" "$(gateway_stat hidden)" "$(gateway_stat cache)" "$(gateway_stat upstream)" "$(gateway_stat failed)" "$(gateway_stat refused)" "$(gateway_stat cpu_seconds)" \
  "$(awk -v k="$gateway_peak" 'BEGIN { print k / 1024 }')" "$(gateway_stat gc0)" "$(gateway_stat gc1)" "$(gateway_stat gc2)" \
  "$(awk -v a="$(gateway_stat allocated_bytes)" -v q="$queries" 'BEGIN { printf "%.0f", a / q }')" "$(gateway_stat allocated_bytes)" \
  "$(awk -v k="$dnsmasq_a_peak" 'BEGIN { print k / 1024 }')" "$(awk -v k="$dnsmasq_c_peak" 'BEGIN { print k / 1024 }')"
if [ "$gateway_status" -ne 0 ]; then
  echo
  echo "**The gateway's DNS service failed (exit status $gateway_status):** $(grep -m1 -A3 'Unhandled exception' "$work/gateway.err" | sed 's/^ *//' | paste -sd' ')"
  exit 1
fi
