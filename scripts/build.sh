#!/usr/bin/env bash
# Configures and builds one build directory.
#   scripts/build.sh [release|asan|tsan|fuzz] [ninja targets...]
# release -> build/, asan -> build-asan/ (ASan + UBSan, benchmarks off),
# tsan -> build-tsan/ (ThreadSanitizer, for the node's threads), fuzz -> build-fuzz/
# (clang-14, every library instrumented with -fsanitize=fuzzer-no-link under ASan +
# UBSan at -O1, assertions on; the fuzz/ harnesses link libFuzzer: build only the
# *_fuzz targets, see scripts/fuzz.sh). The sanitizer builds keep line tables only
# (-g1): enough for symbolized reports, and the full debug info of -g costs a cold
# build minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
shift || true
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCC_SANITIZE=ON
                               -DCC_BUILD_BENCH=OFF) ;;
  tsan) dir=build-tsan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                               -DCC_TSAN=ON -DCC_BUILD_BENCH=OFF) ;;
  fuzz) dir=build-fuzz; flags=(-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo
                               "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DCC_FUZZ=ON -DCC_BUILD_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [release|asan|tsan|fuzz] [targets...]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
cmake --build "$dir" -j2 ${1:+--target "$@"}
