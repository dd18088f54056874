#!/usr/bin/env bash
# Lints the tree: clang-format (no difference allowed) and clang-tidy (no finding
# allowed, headers included) over every source file of the project.
#   scripts/lint.sh            both
#   scripts/lint.sh format     formatting only (seconds)
#   scripts/lint.sh tidy       clang-tidy only (configures build-tidy/; several
#                              minutes on 2 cores)
#   scripts/lint.sh fix        rewrites the files with clang-format
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
dirs=(common crypto proto ledger consensus contracts wire http p2p monitor api node cli bench tests fuzz)
mapfile -t files < <(git ls-files "${dirs[@]/%//*.cc}" "${dirs[@]/%//*.h}" | sort)

if [ "$what" = fix ]; then
  clang-format -i --style=file "${files[@]}"
  exit 0
fi

status=0
if [ "$what" = all ] || [ "$what" = format ]; then
  if ! clang-format --dry-run --Werror --style=file "${files[@]}" 2>/tmp/cc-format.log; then
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning)' /tmp/cc-format.log | cut -d: -f1 | sort -u |
      sed 's/^/needs clang-format: /' >&2
    echo "lint: formatting differs; run scripts/lint.sh fix" >&2
    status=1
  else
    echo "lint: clang-format clean (${#files[@]} files)"
  fi
fi

if [ "$what" = all ] || [ "$what" = tidy ]; then
  # clang-tidy needs one compile command per source file; the unity build's database
  # names its batches instead. So tidy has its own configuration, one file per unit,
  # of which only the generated protobuf header is built.
  cmake -S . -B build-tidy -G Ninja -DCMAKE_UNITY_BUILD=OFF -DCC_BUILD_BENCH=OFF >/dev/null
  cmake --build build-tidy --target proto/creditchain.pb.h >/dev/null
  mapfile -t sources < <(printf '%s\n' "${files[@]}" | grep '\.cc$' | grep -v '^tests/\|^bench/\|^fuzz/')
  # Headers are reported through the sources that include them; the filter is the
  # absolute path of this tree's own folders (generated headers live in build-tidy/).
  root=$(pwd)
  filter="^${root}/(common|crypto|proto|ledger|consensus|contracts|wire|http|p2p|monitor|api|node|cli)/[a-z_0-9]+\\.h$"
  if ! printf '%s\n' "${sources[@]}" |
    xargs -P 2 -n 8 clang-tidy -p build-tidy --quiet --header-filter="$filter" --warnings-as-errors='*' \
      >/tmp/cc-tidy.log 2>&1; then
    grep -E 'warning:|error:' /tmp/cc-tidy.log | sort -u >&2 || cat /tmp/cc-tidy.log >&2
    echo "lint: clang-tidy findings above" >&2
    status=1
  else
    echo "lint: clang-tidy clean (${#sources[@]} sources and the headers they include)"
  fi
fi
exit $status
