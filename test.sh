#!/usr/bin/env bash
# Runs Zera's whole test suite. Installs what the interop tests need (Debian's python3-zmq, i.e. real libzmq)
# when it is missing, then runs `dotnet test` on the solution. Works on a fresh machine with the .NET SDK.
#
#   ./test.sh [dotnet test options]
#   ./test.sh --bench [...]   then a quick benchmark run beside libzmq and NetMQ (bench/run.sh --quick --compare),
#                             printing Zera's ratios at the end so a slowdown shows in the next change. Timings on a
#                             shared machine are noisy, so they never change the exit code (CI does not pass --bench).
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
    echo "== installing python3-zmq (libzmq for the interop tests)" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-zmq >/dev/null
fi
BENCH=0
ARGS=()
for arg in "$@"; do
    if [ "$arg" = --bench ]; then BENCH=1; else ARGS+=("$arg"); fi
done
# --blame-hang-timeout turns a hung test into a failure with a dump instead of a stuck run.
if [ "$BENCH" = 0 ]; then exec dotnet test Zera.slnx -c Release --blame-hang-timeout 5m "${ARGS[@]}"; fi
rc=0
dotnet test Zera.slnx -c Release --blame-hang-timeout 5m "${ARGS[@]}" || rc=$?
echo
echo "== regression guard: bench/run.sh --quick --no-extras --compare (informational, not gating)"
DEPS=(); [ -f /usr/include/zmq.h ] || DEPS=(--install-deps)
bench/run.sh --quick --no-extras --compare "${DEPS[@]}" || echo "== the benchmark run failed; see above" >&2
exit $rc
