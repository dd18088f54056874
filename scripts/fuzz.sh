#!/usr/bin/env bash
# Runs the libFuzzer harnesses of fuzz/ (docs/fuzzing.md), building them first in
# build-asan/ (scripts/build.sh fuzz: the sanitizer build, clang). One harness per directory of fuzz/corpus/.
#
#   scripts/fuzz.sh smoke [SECONDS]                 every harness for SECONDS (default
#                                                   10) each; what ./test.sh runs
#   scripts/fuzz.sh campaign [SECONDS|--runs N] [HARNESS...]
#                                                   a long run (default 3600 s each),
#                                                   then executions and result per
#                                                   harness
#   scripts/fuzz.sh list                            the harness names
#
# The committed corpus (fuzz/corpus/<harness>/) is read, never written: new inputs
# go to $CC_FUZZ_DIR/corpus/<harness>/ (default /tmp/cc-fuzz), crashes to
# $CC_FUZZ_DIR/artifacts/, logs to $CC_FUZZ_DIR/logs/. CC_FUZZ_JOBS harnesses run at
# once (default 2); CC_FUZZ_FLAGS adds libFuzzer flags (e.g. -entropic=0). Exit
# status 1 if any harness found a crash, a hang, a leak or a sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-smoke}
shift || true
work=${CC_FUZZ_DIR:-/tmp/cc-fuzz}
jobs=${CC_FUZZ_JOBS:-2}
read -r -a extra <<<"${CC_FUZZ_FLAGS:-}"
mapfile -t all < <(find fuzz/corpus -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)

limit=(-max_total_time=10)
harnesses=()
case "$mode" in
  list) printf '%s\n' "${all[@]}"; exit 0 ;;
  smoke) limit=(-max_total_time="${1:-10}") ;;
  campaign)
    limit=(-max_total_time=3600)
    if [ "${1:-}" = --runs ]; then
      limit=(-runs="$2"); shift 2
    elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
      limit=(-max_total_time="$1"); shift
    fi
    harnesses=("$@") ;;
  *) echo "usage: scripts/fuzz.sh smoke [SECONDS] | campaign [SECONDS|--runs N] [HARNESS...] | list" >&2
     exit 2 ;;
esac
[ ${#harnesses[@]} -eq 0 ] && harnesses=("${all[@]}")

scripts/build.sh fuzz "${harnesses[@]/%/_fuzz}" >/dev/null
mkdir -p "$work/logs" "$work/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local h=$1
  mkdir -p "$work/corpus/$h"
  # -timeout: an input running this long is a hang; -rss_limit_mb bounds memory.
  if nice -n 10 "$root/build-asan/fuzz/${h}_fuzz" "${limit[@]}" ${extra[@]+"${extra[@]}"} -timeout=25 -rss_limit_mb=2560 \
       -print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" \
       "$work/corpus/$h" "$root/fuzz/corpus/$h" >"$work/logs/$h.log" 2>&1; then
    echo ok >"$work/logs/$h.result"
  else
    echo FAILED >"$work/logs/$h.result"
  fi
}

start=$SECONDS
running=0
for h in "${harnesses[@]}"; do
  run_one "$h" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-16s %14s %9s %10s  %s\n' harness executions seconds exec/s result
for h in "${harnesses[@]}"; do
  log="$work/logs/$h.log"
  runs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log" | tail -1)
  secs=$(awk '/stat::average_exec_per_sec:/ {e=$2} /Done [0-9]+ runs in/ {for (i=1;i<=NF;i++) if ($i=="in") s=$(i+1)} END {print s}' "$log")
  rate=$(awk '/stat::average_exec_per_sec:/ {print $2}' "$log" | tail -1)
  result=$(cat "$work/logs/$h.result")
  if [ "$result" != ok ]; then
    status=1
    result="FAILED (log $log, artifacts $work/artifacts/$h-*)"
  fi
  printf '%-16s %14s %9s %10s  %s\n' "$h" "${runs:-?}" "${secs:-?}" "${rate:-?}" "$result"
done
echo "fuzz $mode: $((SECONDS - start)) s"
exit $status
