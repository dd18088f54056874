#!/usr/bin/env bash
# Installs what is missing, builds from scratch if needed, and runs every test twice:
# an optimized build, then an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh

echo "== release build"
scripts/build.sh release
echo "== release tests"
(cd build && ctest --output-on-failure -j2)

if [ "${CC_SKIP_ASAN:-0}" != "1" ]; then
  echo "== ASan+UBSan build"
  scripts/build.sh asan
  echo "== ASan+UBSan tests"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j2 -LE no_asan)
fi
