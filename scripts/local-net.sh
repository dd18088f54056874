#!/usr/bin/env bash
# Starts every node of a network folder (one creditd per node-*.json), waits until
# the network commits a block, prints where each node listens and what to try next,
# and stops every node cleanly on Ctrl-C (SIGINT/SIGTERM).
#   scripts/local-net.sh network-configs/local-4 [--no-wait]
set -euo pipefail
cd "$(dirname "$0")/.."
net=${1:?usage: scripts/local-net.sh NETWORK_DIR}
bin=build/node/creditd
ctl=build/cli/creditctl
[ -x "$bin" ] || { echo "creditd is not built: run scripts/build.sh release creditd creditctl" >&2; exit 1; }

run_dir="run/$(basename "$net")"
logs="$run_dir/logs"
mkdir -p "$logs"
pids=()

stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "stopping ${#pids[@]} nodes..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "stopped. logs are in $logs/"
  fi
}
trap stop_all INT TERM EXIT

configs=("$net"/node-*.json)
if [ ! -e "${configs[0]}" ]; then
  echo "no node-*.json in $net" >&2
  exit 1
fi
for cfg in "${configs[@]}"; do
  name=$(basename "$cfg" .json)
  name=${name#node-}
  "$bin" --config "$cfg" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!), log: $logs/$name.log"
done

http_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_listen"])' "$1"; }
first_http=$(http_of "${configs[0]}")

echo "waiting for the network to commit its first block..."
deadline=$((SECONDS + 60))
height=0
while [ $SECONDS -lt $deadline ]; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a node exited early; see $logs/" >&2; exit 1; }
  done
  height=$(curl -fsS "http://$first_http/v1/status" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0)
  [ "$height" -ge 1 ] && break
  sleep 0.5
done
if [ "$height" -lt 1 ]; then
  echo "the network did not commit within 60 s; see $logs/" >&2
  exit 1
fi

echo
echo "CreditChain network '$(basename "$net")' is up and committing (height $height)."
echo
printf "  %-14s %-22s %s\n" node http p2p
for cfg in "${configs[@]}"; do
  name=$(basename "$cfg" .json); name=${name#node-}
  p2p=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("p2p_listen","-"))' "$cfg")
  printf "  %-14s http://%-15s %s\n" "$name" "$(http_of "$cfg")" "$p2p"
done
cat <<NEXT

Try:
  curl -s http://$first_http/v1/status
  curl -s http://$first_http/v1/blocks/1
  curl -s http://$first_http/metrics | grep ^creditd_
  $ctl bench --config $net/node-validator-0.json --duration 10 --rate 2000    # load generator
  $ctl verify --data-dir $run_dir/../../$net/data/validator-0                  # after stopping

Logs: $logs/   Press Ctrl-C to stop every node.
NEXT
wait -n "${pids[@]}" || true
echo "a node exited; stopping the rest" >&2
