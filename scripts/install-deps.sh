#!/usr/bin/env bash
# Installs the Debian 12 packages CreditChain builds with, only those missing, so a
# second run costs a few dpkg queries.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev libboost-system-dev
  libsodium-dev libleveldb-dev libsnappy-dev
  libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl python3 procps
  clang-format clang-tidy faketime
  iproute2  # tests/netns: ip netns (the multi-host network of scripts/netns.sh)
  clang-14 libclang-rt-14-dev  # scripts/build.sh fuzz: clang++-14 and libFuzzer (-fsanitize=fuzzer)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
