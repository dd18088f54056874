#!/usr/bin/env bash
# How fast a validator that lost its data catches up (issue 10: catch-up).
#   scripts/bench-catchup.sh [TXS]          (default 30000)
# Starts a fresh copy of network-configs/local-4, commits TXS RecordCreditEvents with
# `creditctl bench` (at 3,000 tx/s offered), waits until every node holds the same
# height, stops validator-3, deletes its data directory, starts it again and times
# how long it takes to reach the others' height (they commit nothing meanwhile).
# Prints blocks, transactions, seconds and tx/s of the catch-up, and the restarted
# node's CPU time. The nodes' logs stay in the folder printed at the end.
# Needs the release build of creditd and creditctl (scripts/build.sh release).
set -euo pipefail
cd "$(dirname "$0")/.."
txs=${1:-30000}
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

net=$(mktemp -d /tmp/cc-bench-catchup.XXXXXX)
rmdir "$net"
cp -r network-configs/local-4 "$net"
rm -rf "$net/data"
chmod 600 "$net"/keys/*.key "$net"/secrets/* "$net"/tokens.json
mkdir -p "$net/logs"
declare -A pid_of=()
stop_nodes() {
  local p
  for p in "${pid_of[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pid_of[@]}"; do wait "$p" 2>/dev/null || true; done
  pid_of=()
}
trap stop_nodes EXIT INT TERM

start_node() {  # NAME
  "$bin" --config "$net/node-$1.json" >>"$net/logs/$1.log" 2>&1 &
  pid_of[$1]=$!
}
height_of() {  # PORT: creditd_height from /metrics (which needs no token)
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '$1 == "creditd_height" { printf "%d", $2; found = 1 } END { if (!found) print 0 }'
}
wait_ready() {  # PORT...
  local deadline=$((SECONDS + 60)) port
  for port in "$@"; do
    until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { echo "node on $port not ready in 60 s; logs in $net/logs" >&2; exit 1; }
      sleep 0.2
    done
  done
}
cpu_seconds() {  # PID: utime + stime
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

for name in validator-0 validator-1 validator-2 validator-3 observer-0; do start_node "$name"; done
wait_ready 26700 26701 26702 26703 26704
duration=$(( (txs + 2999) / 3000 ))
"$ctl" bench --network "$net" --rate $((txs / duration)) --duration "$duration" >"$net/bench.txt" 2>&1 || true
grep -E '^(accepted|committed)' "$net/bench.txt" | sed 's/^/load: /'

# Every node at one height, and no more commits coming.
deadline=$((SECONDS + 120))
while :; do
  h0=$(height_of 26700)
  same=1
  for port in 26701 26702 26703; do [ "$(height_of $port)" = "$h0" ] || same=0; done
  [ $same = 1 ] && [ "$h0" -gt 0 ] && break
  [ $SECONDS -lt $deadline ] || { echo "validators did not settle on one height in 120 s" >&2; exit 1; }
  sleep 0.5
done
committed=$(curl -fsS http://127.0.0.1:26700/metrics | awk '$1 == "creditd_committed_transactions_total" { printf "%d", $2 }')

kill -TERM "${pid_of[validator-3]}"
wait "${pid_of[validator-3]}" 2>/dev/null || true
rm -rf "$net/data/validator-3"
start=$(date +%s.%N)
start_node validator-3
result="did not catch up in 600 s"
while [ $SECONDS -lt $((deadline + 600)) ]; do
  if [ "$(height_of 26703)" -ge "$h0" ]; then
    end=$(date +%s.%N)
    result=$(python3 -c 'import sys; s, e, b, t, c = map(float, sys.argv[1:]); d = e - s; print("%d blocks, %d txs in %.2f s: %.0f tx/s, %.0f blocks/s (restarted node: %.1f s CPU)" % (b, t, d, t / d, b / d, c))' \
      "$start" "$end" "$h0" "$committed" "$(cpu_seconds "${pid_of[validator-3]}")")
    break
  fi
  sleep 0.05
done
echo "catch-up: $result"
echo "logs: $net/logs/"
