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
bin=build/node/creditd
ctl=build/cli/creditctl
for b in "$bin" "$ctl"; do
  [ -x "$b" ] || { echo "$b is not built: run scripts/build.sh release creditd creditctl" >&2; exit 1; }
done
for port in 26600 26601 26602 26603 26604 26700 26701 26702 26703 26704; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is in use (is ./run.sh running?): local-4 needs its ports" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/cc-bench-local4.XXXXXX)
pids=()
stop_nodes() {
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  pids=()
}
trap stop_nodes EXIT INT TERM

# utime + stime of a process, in clock ticks (fields 14 and 15 after the name).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
peak_rss_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
height_of() {  # PORT: creditd_height from /metrics (which needs no token)
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '$1 == "creditd_height" { printf "%d", $2; found = 1 } END { if (!found) print 0 }'
}
hz=$(getconf CLK_TCK)
# Sum over the five nodes of one counter of /metrics.
metric_sum() {
  local total=0 v port
  for port in 26700 26701 26702 26703 26704; do
    v=$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | awk -v m="$1" '$1 == m { printf "%d", $2 }')
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

printf '%-7s | %-7s | %-8s | %-9s | %-8s | %-21s | %-9s | %-13s | %-26s | %s\n' offered reached accepted committed tx/block "p50 / p99" "CPU µs/tx" "verify+sign/tx" "peak RSS MiB (v0 v1 v2 v3 o0)" "observer catch-up"
for rate in "$@"; do
  net="$work/rate-$rate"
  cp -r network-configs/local-4 "$net"
  rm -rf "$net/data"
  chmod 600 "$net"/keys/*.key "$net"/secrets/* "$net"/tokens.json
  mkdir -p "$net/logs"
  names=()
  for cfg in "$net"/node-*.json; do
    name=$(basename "$cfg" .json)
    name=${name#node-}
    names+=("$name")
    "$bin" --config "$cfg" >"$net/logs/$name.log" 2>&1 &
    pids+=($!)
  done
  deadline=$((SECONDS + 60))
  for port in 26700 26701 26702 26703 26704; do
    until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { echo "rate $rate: nodes not ready in 60 s; logs in $net/logs" >&2; exit 1; }
      sleep 0.2
    done
  done
  declare -A before=()
  for pid in "${pids[@]}"; do before[$pid]=$(cpu_ticks "$pid"); done
  verifies_before=$(metric_sum creditd_ed25519_verifies_total)
  signs_before=$(metric_sum creditd_ed25519_signs_total)
  "$ctl" bench --network "$net" --rate "$rate" --duration "$duration" >"$net/bench.txt" 2>&1 || true
  load_end=$SECONDS
  # The observer's catch-up: until it holds the validators' height.
  target=$(height_of 26700)
  catch_start=$(date +%s.%N)
  catch="> 60 s"
  while [ $SECONDS -lt $((load_end + 60)) ]; do
    if [ "$(height_of 26704)" -ge "$target" ]; then
      catch=$(python3 -c "import sys; print('%.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$catch_start" "$(date +%s.%N)")
      break
    fi
    sleep 0.05
  done
  verifies=$(( $(metric_sum creditd_ed25519_verifies_total) - verifies_before ))
  signs=$(( $(metric_sum creditd_ed25519_signs_total) - signs_before ))
  ticks=0
  rss=""
  for pid in "${pids[@]}"; do
    ticks=$((ticks + $(cpu_ticks "$pid") - ${before[$pid]}))
    rss+="$(peak_rss_mib "$pid") "
  done
  stop_nodes
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
