#!/usr/bin/env bash
# Makes and removes a multi-host test network: n Linux network namespaces ("hosts"),
# each with an interface eth0 at 10.X.Y.(i+1)/24 into one switch that can delay,
# jitter, drop and reorder frames and cut links (tests/netns/README.md).
#
# usage: scripts/netns.sh up <n> [--prefix NAME] [--subnet 10.X.Y] [--owner PID] [--switch PATH]
#        scripts/netns.sh down [--prefix NAME]
#        scripts/netns.sh netem <i|all> [delay D [J]] [loss P%] [reorder P%] | clear [--prefix NAME]
#        scripts/netns.sh cut <i> [<j>] [--prefix NAME]    # i's link; or only frames from i to j
#        scripts/netns.sh heal [<i> [<j>]] [--prefix NAME] # every cut; those of i; i -> j
#        scripts/netns.sh show [--prefix NAME]
#        scripts/netns.sh [--prefix NAME] exec <i> COMMAND...
#        scripts/netns.sh check                            # can this machine make one? (exit 0/1)
#
# Hosts are numbered 0..n-1; host i is namespace NAME-h<i> (NAME defaults to "ccnet").
# netem words are those of `tc qdisc ... netem` and apply to what host i sends:
# "netem all delay 50ms 10ms" gives every one-way path 50 ms +- 10 ms.
#
# Why a switch process and not a bridge with tc netem: the kernels of this project's
# machines and CI have no sch_netem (nor tc's drop action). The switch
# (tests/netns/netns_switch.cc, built as build/tests/netns/netns_switch) holds a TAP
# device per host and applies the impairments in user space. It is found by
# --switch, else $CC_NETNS_SWITCH, else build/ or build-netns/ of this repository.
#
# Nothing is added to the root namespace: no interface, address or route. `up`
# removes any network of the same NAME first, and removes what it made if it fails;
# `down` ends the processes still inside the hosts (by pid, `ip netns pids`), stops
# the switch and deletes the namespaces. With --owner PID the switch deletes the
# network itself when process PID ends (a test binary killed by a timeout).
# State: /run/cc-netns/NAME/ (switch pid, log, control socket).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  sed -n '/^# usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "netns.sh: $*" >&2
  exit 1
}

prefix=${CC_NETNS_PREFIX:-ccnet}
subnet=10.77.0
owner=
switch_bin=${CC_NETNS_SWITCH:-}
cmd=
words=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
    --subnet) [ $# -ge 2 ] || usage; subnet=$2; shift 2 ;;
    --owner) [ $# -ge 2 ] || usage; owner=$2; shift 2 ;;
    --switch) [ $# -ge 2 ] || usage; switch_bin=$2; shift 2 ;;
    *)
      if [ -z "$cmd" ]; then
        cmd=$1
      else
        words+=("$1")
      fi
      shift
      # exec: everything after the host index is the command, untouched.
      if [ "$cmd" = exec ] && [ ${#words[@]} -eq 1 ]; then
        words+=("$@")
        break
      fi
      ;;
  esac
done
[ -n "$cmd" ] || usage
[[ "$prefix" =~ ^[a-z][a-z0-9-]{0,23}$ ]] || die "--prefix: lower-case letters, digits and '-', at most 24, got '$prefix'"
[[ "$subnet" =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "--subnet: expected 10.X.Y, got '$subnet'"
state=/run/cc-netns/$prefix

find_switch() {
  if [ -n "$switch_bin" ]; then
    [ -x "$switch_bin" ] || return 1
    echo "$switch_bin"
    return 0
  fi
  for candidate in "$repo/build/tests/netns/netns_switch" "$repo/build-netns/tests/netns/netns_switch"; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# What this machine lacks for a network, one line each; nothing if it has it all.
missing() {
  [ "$(id -u)" = 0 ] || echo "not root (uid $(id -u)): network namespaces and TAP devices need CAP_NET_ADMIN and CAP_SYS_ADMIN"
  command -v ip >/dev/null || echo "no 'ip' command (Debian package iproute2)"
  [ -c /dev/net/tun ] || echo "no /dev/net/tun (kernel without CONFIG_TUN, or a container without the device)"
  find_switch >/dev/null || echo "no switch binary: build it (scripts/build.sh release netns_switch) or pass --switch / CC_NETNS_SWITCH"
}

host_ns() { echo "$prefix-h$1"; }
hosts() { [ -f "$state/hosts" ] && cat "$state/hosts" || echo 0; }
# The namespaces of this prefix that exist now.
existing_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$prefix-h[0-9]+\$" || true; }

ctl() {
  [ -S "$state/ctl.sock" ] || die "no network '$prefix' (scripts/netns.sh up first)"
  "$(cat "$state/switch")" ctl "$state" "$@"
}

check_host() {
  local n
  n=$(hosts)
  if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -ge "$n" ]; then
    die "host '$1': expected 0..$((n - 1)) (network '$prefix' has $n hosts)"
  fi
}

down() {
  if [ -f "$state/switch.pid" ]; then
    local pid
    pid=$(cat "$state/switch.pid")
    # Only if that pid is still our switch (not a pid reused since).
    if grep -qa "netns_switch" "/proc/$pid/cmdline" 2>/dev/null && grep -qa "$state" "/proc/$pid/cmdline"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  local ns pids
  for ns in $(existing_ns); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086
      kill -TERM $pids 2>/dev/null || true
      for _ in $(seq 30); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.1; done
      pids=$(ip netns pids "$ns" 2>/dev/null || true)
      # shellcheck disable=SC2086
      [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$state"
}

up() {
  if [ ${#words[@]} -ne 1 ] || ! [[ "${words[0]}" =~ ^[0-9]+$ ]]; then usage; fi
  local n=${words[0]}
  if [ "$n" -lt 1 ] || [ "$n" -gt 64 ]; then die "up: 1 to 64 hosts"; fi
  local lacking
  lacking=$(missing)
  [ -z "$lacking" ] || die "cannot make a network here: $lacking"
  [ -z "$owner" ] || [[ "$owner" =~ ^[0-9]+$ ]] || die "--owner: a pid"
  down
  mkdir -p "$state"
  trap 'down' EXIT  # removed again unless up completes
  echo "$n" >"$state/hosts"
  echo "$subnet" >"$state/subnet"
  find_switch >"$state/switch"
  local i ns
  for ((i = 0; i < n; i++)); do
    ns=$(host_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # No IPv6 chatter (router solicitations, DAD) through the switch.
    ip netns exec "$ns" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true
  done
  setsid "$(cat "$state/switch")" serve --hosts "$n" --netns-prefix "$prefix-h" --state "$state" \
    ${owner:+--owner "$owner"} </dev/null >>"$state/switch.log" 2>&1 &
  echo $! >"$state/switch.pid"
  for _ in $(seq 100); do
    "$(cat "$state/switch")" ctl "$state" ping >/dev/null 2>&1 && break
    kill -0 "$(cat "$state/switch.pid")" 2>/dev/null || die "the switch exited: $(tail -n 5 "$state/switch.log")"
    sleep 0.1
  done
  ctl ping >/dev/null || die "the switch does not answer: $(tail -n 5 "$state/switch.log")"
  for ((i = 0; i < n; i++)); do
    ns=$(host_ns "$i")
    ip -n "$ns" addr add "$subnet.$((i + 1))/24" dev eth0
    ip -n "$ns" link set eth0 up
  done
  trap - EXIT
  echo "network '$prefix': $n hosts, namespaces $prefix-h0..$prefix-h$((n - 1)), addresses $subnet.1..$subnet.$n"
}

case "$cmd" in
  up) up ;;
  down)
    [ ${#words[@]} -eq 0 ] || usage
    down
    ;;
  netem)
    [ ${#words[@]} -ge 2 ] || usage
    [ "${words[0]}" = all ] || check_host "${words[0]}"
    ctl netem "${words[@]}"
    ;;
  cut)
    if [ ${#words[@]} -lt 1 ] || [ ${#words[@]} -gt 2 ]; then usage; fi
    for h in "${words[@]}"; do check_host "$h"; done
    ctl cut "${words[@]}"
    ;;
  heal)
    [ ${#words[@]} -le 2 ] || usage
    for h in "${words[@]}"; do check_host "$h"; done
    ctl heal "${words[@]}"
    ;;
  show)
    [ ${#words[@]} -eq 0 ] || usage
    ctl show
    for ns in $(existing_ns); do
      echo "$ns: $(ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}')"
    done
    ;;
  exec)
    [ ${#words[@]} -ge 2 ] || usage
    check_host "${words[0]}"
    exec ip netns exec "$(host_ns "${words[0]}")" "${words[@]:1}"
    ;;
  check)
    lacking=$(missing)
    if [ -z "$lacking" ]; then
      probe="$prefix-probe$$"
      if ! err=$(ip netns add "$probe" 2>&1); then
        lacking="'ip netns add' fails: $err"
      fi
      ip netns del "$probe" 2>/dev/null || true
    fi
    if [ -n "$lacking" ]; then
      echo "$lacking"
      exit 1
    fi
    echo "ok: root, ip, /dev/net/tun, $(find_switch)"
    ;;
  *) usage ;;
esac
