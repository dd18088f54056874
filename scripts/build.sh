#!/usr/bin/env bash
# Configures and builds one build directory.
#   scripts/build.sh [release|asan|tsan|fuzz] [ninja targets...]
# release -> build/; asan (or fuzz, the same build) -> build-asan/: clang-14, ASan +
# UBSan at -O1 with assertions on, every library also instrumented for coverage
# (-fsanitize=fuzzer-no-link), so the one build runs the test suites under the
# sanitizers and links the fuzz/ harnesses with libFuzzer (the *_fuzz targets, see
# scripts/fuzz.sh); tsan -> build-tsan/ (ThreadSanitizer, for the node's threads).
# Benchmarks are off in the sanitizer builds. Every build keeps line tables only
# (-g1): enough for symbolized reports, perf and backtraces, and the full debug
# info of -g costs a cold build minutes. One sanitizer build instead of a gcc one for the tests and a clang one
# for the harnesses saves a cold ./test.sh a whole build of the libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
shift || true
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG") ;;
  asan|fuzz) dir=build-asan; flags=(-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo
                                    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DCC_FUZZ=ON -DCC_BUILD_BENCH=OFF) ;;
  tsan) dir=build-tsan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                               -DCC_TSAN=ON -DCC_BUILD_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [release|asan|tsan|fuzz] [targets...]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
cmake --build "$dir" -j2 ${1:+--target "$@"}
