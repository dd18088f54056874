#!/usr/bin/env bash
# Installs what is missing, builds, and starts the local network
# (network-configs/local-4: 4 validators + 1 observer on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
scripts/build.sh release creditd creditctl
exec scripts/local-net.sh network-configs/local-4
