#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds from scratch if needed, and
# runs every test:
#   1. the optimized build (build/), then the multi-host network tests (root, network
#      namespaces; skipped with the reason where the machine cannot make them);
#   2. the same tests with the wall clock a year ahead (faketime), so no test
#      depends on today's date;
#   3. an AddressSanitizer + UndefinedBehaviorSanitizer build (clang, build-asan/),
#      which runs the suites and
#   4. every libFuzzer harness for 10 s on its corpus;
#   5. a ThreadSanitizer build of the threaded suites: node, p2p, http, monitor, api
#      (build-tsan/).
# CC_SKIP_FAKETIME=1, CC_SKIP_ASAN=1, CC_SKIP_FUZZ=1, CC_SKIP_TSAN=1 skip a pass while
# iterating.
set -euo pipefail
cd "$(dirname "$0")"
start=$SECONDS
stamp() { echo "== $1 ($(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s)"; }

scripts/install-deps.sh

stamp "formatting"
scripts/lint.sh format

stamp "release build"
scripts/build.sh release
stamp "release tests"
(cd build && ctest --output-on-failure -j2 -LE netns)

# Real creditd processes, each in its own network namespace, over impaired links
# (tests/netns/README.md); alone, so other suites do not skew the WAN figures.
stamp "multi-host network tests (netns)"
scripts/netns.sh check --switch build/tests/netns/netns_switch || echo "netns_test will be skipped: the reason is above"
(cd build && ctest --output-on-failure -L netns)

if [ "${CC_SKIP_FAKETIME:-0}" != "1" ]; then
  stamp "release tests, clock a year ahead"
  scripts/test-future.sh +1y
fi

if [ "${CC_SKIP_ASAN:-0}" != "1" ]; then
  stamp "ASan+UBSan build (with the fuzz harnesses)"
  # Only the suites that run under ASan (the real-process suites, label no_asan,
  # run the release binaries): configure, list them, build them and what they need,
  # and the libFuzzer harnesses, which the same build links.
  scripts/build.sh asan cc_common
  mapfile -t asan_tests < <(cd build-asan && ctest -N -LE no_asan | awk '/Test +#[0-9]+:/ {print $3}')
  mapfile -t harnesses < <(scripts/fuzz.sh list)
  scripts/build.sh asan "${asan_tests[@]}" "${harnesses[@]/%/_fuzz}"
  stamp "ASan+UBSan tests"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j2 -LE no_asan)
fi

if [ "${CC_SKIP_FUZZ:-0}" != "1" ]; then
  # Every libFuzzer harness of fuzz/ (docs/fuzzing.md) for a short bounded time on
  # its committed corpus, in the clang ASan + UBSan build (build-asan/); a crash,
  # hang or sanitizer report fails the run. scripts/fuzz.sh campaign runs the long
  # ones.
  stamp "fuzz smoke (build-asan/)"
  scripts/fuzz.sh smoke 10
fi

if [ "${CC_SKIP_TSAN:-0}" != "1" ]; then
  tsan_tests=(node_test p2p_test http_test monitor_test api_test)
  stamp "TSan build (${tsan_tests[*]})"
  scripts/build.sh tsan "${tsan_tests[@]}"
  stamp "TSan tests"
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
  (cd build-tsan && ctest --output-on-failure -j2 -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$")
fi
stamp "done"
