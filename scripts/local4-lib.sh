# Shared by the scripts that run fresh copies of network-configs/local-4 on this
# machine (scripts/bench-local4.sh, scripts/bench-catchup.sh). Sourced from the
# repository root; not a command.
#
# Nodes are started and reported in the order of LOCAL4_NODES, and pid_of[NAME] holds
# each running node's process id.

LOCAL4_NODES=(validator-0 validator-1 validator-2 validator-3 observer-0)
declare -A LOCAL4_HTTP_PORT=([validator-0]=26700 [validator-1]=26701 [validator-2]=26702
                             [validator-3]=26703 [observer-0]=26704)
bin=build/node/creditd
ctl=build/cli/creditctl
declare -A pid_of=()

# The release binaries are built and local-4's ports are free.
local4_preflight() {
  local b port
  for b in "$bin" "$ctl"; do
    [ -x "$b" ] || { echo "$b is not built: run scripts/build.sh release creditd creditctl" >&2; exit 1; }
  done
  for port in 26600 26601 26602 26603 26604 26700 26701 26702 26703 26704; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      echo "port $port is in use (is ./run.sh running?): local-4 needs its ports" >&2
      exit 1
    fi
  done
}

# A copy of local-4 at DEST with empty data directories and a logs/ folder.
local4_copy() {  # DEST
  cp -r network-configs/local-4 "$1"
  rm -rf "$1/data"
  # Git does not keep file modes, and creditd refuses secrets readable by others.
  chmod 600 "$1"/keys/*.key "$1"/secrets/* "$1"/tokens.json
  mkdir -p "$1/logs"
}

local4_start() {  # NET NAME
  "$bin" --config "$1/node-$2.json" >>"$1/logs/$2.log" 2>&1 &
  pid_of[$2]=$!
}

local4_stop_all() {
  local p
  for p in "${pid_of[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pid_of[@]}"; do wait "$p" 2>/dev/null || true; done
  pid_of=()
}

# Waits up to 60 s until every node of LOCAL4_NODES answers /readyz.
local4_wait_ready() {  # NET (for the message)
  local deadline=$((SECONDS + 60)) name
  for name in "${LOCAL4_NODES[@]}"; do
    until curl -fsS "http://127.0.0.1:${LOCAL4_HTTP_PORT[$name]}/readyz" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { echo "$name not ready in 60 s; logs in $1/logs" >&2; exit 1; }
      sleep 0.2
    done
  done
}

# One metric of a node's /metrics (which needs no token), as an integer; 0 if absent.
metric_of() {  # NAME METRIC
  curl -fsS "http://127.0.0.1:${LOCAL4_HTTP_PORT[$1]}/metrics" 2>/dev/null |
    awk -v m="$2" '$1 == m { printf "%d", $2; found = 1 } END { if (!found) print 0 }'
}
height_of() { metric_of "$1" creditd_height; }  # NAME

# The sum of one metric over every node.
metric_sum() {  # METRIC
  local total=0 name
  for name in "${LOCAL4_NODES[@]}"; do total=$((total + $(metric_of "$name" "$1"))); done
  echo "$total"
}

# utime + stime of a process, in clock ticks (fields 14 and 15 after the name).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
