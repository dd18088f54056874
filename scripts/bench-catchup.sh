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
source scripts/local4-lib.sh
local4_preflight

net=$(mktemp -d /tmp/cc-bench-catchup.XXXXXX)
rmdir "$net"
local4_copy "$net"
trap local4_stop_all EXIT INT TERM

for name in "${LOCAL4_NODES[@]}"; do local4_start "$net" "$name"; done
local4_wait_ready "$net"
duration=$(( (txs + 2999) / 3000 ))
"$ctl" bench --network "$net" --rate $((txs / duration)) --duration "$duration" >"$net/bench.txt" 2>&1 || true
grep -E '^(accepted|committed)' "$net/bench.txt" | sed 's/^/load: /'

# Every validator at one height, and no more commits coming.
deadline=$((SECONDS + 120))
while :; do
  h0=$(height_of validator-0)
  same=1
  for name in validator-1 validator-2 validator-3; do [ "$(height_of $name)" = "$h0" ] || same=0; done
  [ $same = 1 ] && [ "$h0" -gt 0 ] && break
  [ $SECONDS -lt $deadline ] || { echo "validators did not settle on one height in 120 s" >&2; exit 1; }
  sleep 0.5
done
committed=$(metric_of validator-0 creditd_committed_transactions_total)

kill -TERM "${pid_of[validator-3]}"
wait "${pid_of[validator-3]}" 2>/dev/null || true
rm -rf "$net/data/validator-3"
start=$(date +%s.%N)
local4_start "$net" validator-3
deadline=$((SECONDS + 600))
result="did not catch up in 600 s"
while [ $SECONDS -lt $deadline ]; do
  if [ "$(height_of validator-3)" -ge "$h0" ]; then
    end=$(date +%s.%N)
    result=$(python3 -c 'import sys; s, e, b, t, c, hz = map(float, sys.argv[1:]); d = e - s; print("%d blocks, %d txs in %.2f s: %.0f tx/s, %.0f blocks/s (restarted node: %.1f s CPU)" % (b, t, d, t / d, b / d, c / hz))' \
      "$start" "$end" "$h0" "$committed" "$(cpu_ticks "${pid_of[validator-3]}")" "$(getconf CLK_TCK)")
    break
  fi
  sleep 0.05
done
echo "catch-up: $result"
echo "logs: $net/logs/"
