#!/usr/bin/env bash
# Lints the tree: clang-format (no difference allowed) and clang-tidy (no finding
# allowed, headers included) over every source file of the project.
#   scripts/lint.sh            both
#   scripts/lint.sh format     formatting only (seconds)
#   scripts/lint.sh tidy       clang-tidy only (needs build/compile_commands.json;
#                              several minutes on 2 cores)
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
  if [ ! -f build/compile_commands.json ]; then
    echo "lint: build/compile_commands.json missing: run scripts/build.sh release first" >&2
    exit 2
  fi
  mapfile -t sources < <(printf '%s\n' "${files[@]}" | grep '\.cc$' | grep -v '^tests/\|^bench/\|^fuzz/')
  # Headers are reported through the sources that include them; the filter is the
  # absolute path of this tree's own folders (generated headers live in build/).
  root=$(pwd)
  filter="^${root}/(common|crypto|proto|ledger|consensus|contracts|wire|http|p2p|monitor|api|node|cli)/[a-z_0-9]+\\.h$"
  if ! printf '%s\n' "${sources[@]}" |
    xargs -P 2 -n 8 clang-tidy -p build --quiet --header-filter="$filter" --warnings-as-errors='*' \
      >/tmp/cc-tidy.log 2>&1; then
    grep -E 'warning:|error:' /tmp/cc-tidy.log | sort -u >&2 || cat /tmp/cc-tidy.log >&2
    echo "lint: clang-tidy findings above" >&2
    status=1
  else
    echo "lint: clang-tidy clean (${#sources[@]} sources and the headers they include)"
  fi
fi
exit $status
