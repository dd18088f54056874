#!/usr/bin/env bash
# Throughput of the real local-4 network (4 validators + 1 observer, each its own
# creditd on 127.0.0.1) at one or more offered rates, one fresh network per rate.
#   scripts/bench-local4.sh [--duration S] RATE [RATE...]
# For each rate: copies network-configs/local-4 to a temporary folder with empty
# data directories, starts the five nodes, waits until they are ready, runs
# `creditctl bench --rate RATE --duration S` (default 10 s), waits for the observer
# to reach the validators' height, stops the nodes, and prints one row:
#   offered (asked for), reached (what the bench's clients managed to submit),
#   accepted by the nodes (the rest answered 429 or another refusal), committed tx/s,
#   tx/block, commit p50 / p99 (bucket resolution, see docs/benchmarks.md), CPU µs per
#   committed tx (user + system of all five nodes, from /proc/PID/stat, over the
#   whole run), Ed25519 verifications and signatures per committed tx (all five nodes,
#   from /metrics), peak RSS per node (VmHWM), and the observer's catch-up time after
#   the load stopped.
# The bench's full output and the nodes' logs stay in the folder printed at the end.
# Needs the release build of creditd and creditctl (scripts/build.sh release).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
if [ "${1:-}" = "--duration" ]; then
  duration=${2:?--duration needs seconds}
  shift 2
fi
[ $# -ge 1 ] || { echo "usage: scripts/bench-local4.sh [--duration S] RATE [RATE...]" >&2; exit 2; }
source scripts/local4-lib.sh
local4_preflight

work=$(mktemp -d /tmp/cc-bench-local4.XXXXXX)
trap local4_stop_all EXIT INT TERM
peak_rss_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

printf '%-7s | %-7s | %-8s | %-9s | %-8s | %-21s | %-9s | %-13s | %-26s | %s\n' offered reached accepted committed tx/block "p50 / p99" "CPU µs/tx" "verify+sign/tx" "peak RSS MiB (v0 v1 v2 v3 o0)" "observer catch-up"
for rate in "$@"; do
  net="$work/rate-$rate"
  local4_copy "$net"
  for name in "${LOCAL4_NODES[@]}"; do local4_start "$net" "$name"; done
  local4_wait_ready "$net"
  declare -A before=()
  for name in "${LOCAL4_NODES[@]}"; do before[$name]=$(cpu_ticks "${pid_of[$name]}"); done
  verifies_before=$(metric_sum creditd_ed25519_verifies_total)
  signs_before=$(metric_sum creditd_ed25519_signs_total)
  "$ctl" bench --network "$net" --rate "$rate" --duration "$duration" >"$net/bench.txt" 2>&1 || true
  load_end=$SECONDS
  # The observer's catch-up: until it holds the validators' height.
  target=$(height_of validator-0)
  catch_start=$(date +%s.%N)
  catch="> 60 s"
  while [ $SECONDS -lt $((load_end + 60)) ]; do
    if [ "$(height_of observer-0)" -ge "$target" ]; then
      catch=$(python3 -c "import sys; print('%.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$catch_start" "$(date +%s.%N)")
      break
    fi
    sleep 0.05
  done
  verifies=$(( $(metric_sum creditd_ed25519_verifies_total) - verifies_before ))
  signs=$(( $(metric_sum creditd_ed25519_signs_total) - signs_before ))
  ticks=0
  rss=""
  for name in "${LOCAL4_NODES[@]}"; do
    ticks=$((ticks + $(cpu_ticks "${pid_of[$name]}") - ${before[$name]}))
    rss+="$(peak_rss_mib "${pid_of[$name]}") "
  done
  local4_stop_all
  committed=$(awk '/^committed/ { print $2 }' "$net/bench.txt")
  reached=$(sed -n 's/^submitted .*(\([0-9]*\) tx\/s offered).*/\1/p' "$net/bench.txt")
  accepted=$(awk '/^accepted/ { print $2 }' "$net/bench.txt")
  rate_out=$(awk '/^committed/ { for (i = 1; i <= NF; ++i) if ($i == "tx/s" || $i == "tx/s,") print $(i - 1) }' "$net/bench.txt" | tail -1)
  per_block=$(awk '/tx\/block/ { for (i = 1; i <= NF; ++i) if ($i ~ /^tx\/block/) print $(i - 1) }' "$net/bench.txt" | head -1)
  p50=$(sed -n 's/.* p50 \([^,]*\),.*/\1/p' "$net/bench.txt")
  p99=$(sed -n 's/.* p99 \([^,]*\),.*/\1/p' "$net/bench.txt")
  incomplete=""
  grep -q INCOMPLETE "$net/bench.txt" && incomplete=" (incomplete)"
  cpu_us="n/a"
  sig_per_tx="n/a"
  if [ "${committed:-0}" -gt 0 ] 2>/dev/null; then
    cpu_us=$(python3 -c "import sys; print('%.0f' % (int(sys.argv[1]) / int(sys.argv[2]) * 1e6 / int(sys.argv[3])))" "$ticks" "$hz" "$committed")
    sig_per_tx=$(python3 -c "import sys; v, s, c = map(int, sys.argv[1:]); print('%.2f + %.2f' % (v / c, s / c))" "$verifies" "$signs" "$committed")
  fi
  printf '%-7s | %-7s | %-8s | %-9s | %-8s | %-21s | %-9s | %-13s | %-26s | %s\n' "$rate" "${reached:-?}" "${accepted:-?}" "${rate_out:-?}$incomplete" "${per_block:-?}" "${p50:-?} / ${p99:-?}" "$cpu_us" "$sig_per_tx" "$rss" "$catch"
done
echo "bench outputs and node logs: $work/rate-*/"
