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
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# Git does not keep file modes, and creditd refuses secrets readable by others.
chmod 600 "$net"/keys/*.key "$net"/secrets/* "$net"/tokens.json 2>/dev/null || true

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
json_field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]])' "$1" "$2"; }
first_cfg=""
for cfg in "${configs[@]}"; do
  if [ "$(json_field "$cfg" role)" = validator ]; then first_cfg=$cfg; break; fi
done
first_http=$(http_of "$first_cfg")

echo "waiting for every node to be ready (connected to a quorum)..."
deadline=$((SECONDS + 60))
for cfg in "${configs[@]}"; do
  until curl -fsS "http://$(http_of "$cfg")/readyz" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a node exited early; see $logs/" >&2; exit 1; }
    done
    if [ $SECONDS -ge $deadline ]; then echo "nodes not ready within 60 s; see $logs/" >&2; exit 1; fi
    sleep 0.3
  done
done

# An idle PBFT network orders nothing: commit one credit event to prove the
# network works end to end (signed by the first node's member key).
writer=$(json_field "$net/tokens.json" writer)
member=$(json_field "$first_cfg" member_id)
chain=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chain_id"])' "$net/genesis.json")
echo "submitting a first credit event and waiting for it to commit..."
if ! "$ctl" submit --node "http://$first_http" --token "$writer" --key "$net/keys/$member.key" \
    --member "$member" --chain-id "$chain" --subject-key "$(printf '%064d' 1)" --event loan_opened \
    --loan-ref "run.sh-$(date +%s)" --amount 100000 --record-hash "run.sh first event" --wait >"$run_dir/first-tx.json"; then
  echo "the first transaction did not commit; see $run_dir/first-tx.json and $logs/" >&2
  exit 1
fi
height=$(curl -fsS -H "Authorization: Bearer $writer" "http://$first_http/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])')

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

Try (tokens are in $net/tokens.json):
  TOKEN=\$(python3 -c 'import json; print(json.load(open("$net/tokens.json"))["reader"])')
  curl -s -H "Authorization: Bearer \$TOKEN" http://$first_http/v1/status
  curl -s -H "Authorization: Bearer \$TOKEN" http://$first_http/v1/blocks/1
  curl -s http://$first_http/metrics | grep ^creditd_
  $ctl bench --network $net --rate 1000 --duration 10      # load generator
  $ctl verify --data-dir $net/data/validator-0              # after stopping the network

Logs: $logs/   Press Ctrl-C to stop every node.
NEXT
wait -n "${pids[@]}" || true
echo "a node exited; stopping the rest" >&2
