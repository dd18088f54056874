#!/usr/bin/env bash
# Runs the release build's tests with the wall clock moved (default: a year ahead),
# to prove that no test depends on today's date.
#   scripts/test-future.sh [OFFSET] [ctest args...]     OFFSET as faketime takes it: +1y, +400d
# libfaketime is preloaded into ctest and inherited by every test binary and every
# creditd / creditctl process they start; the monotonic clock is left alone, so
# timeouts and tick rates are unchanged.
#
# Left out by default (pass your own ctest filters to include them):
#   - the simulation (label sim) and the disk-fault suites (label fault): they
#     never read a clock at all;
#   - p2p_test and the real-process suites (labels integration, netns): the transport reads
#     only the monotonic clock, yet under libfaketime its redial and handshake timers
#     misfire (libfaketime wraps the timed waits Asio uses), so links come up only
#     when a first dial happens to succeed: a failure of the tool, not of a date.
#     The calendar paths those suites reach (validity windows, block times, report
#     windows) run here in credit_api_test (a real Node), the creditctl suites, and
#     in api_test, which moves a FakeClock ten years on.
set -euo pipefail
cd "$(dirname "$0")/.."
offset=${1:-+1y}
shift || true
command -v faketime >/dev/null || { echo "test-future: faketime is not installed" >&2; exit 2; }
echo "== tests with the clock at $(FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$offset" date -u +%F)"
cd build
if [ $# -eq 0 ]; then set -- -LE 'sim|integration|netns|fault' -E '^p2p_test$'; fi
FAKETIME_DONT_FAKE_MONOTONIC=1 exec faketime -f "$offset" ctest --output-on-failure -j2 "$@"
