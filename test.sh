#!/usr/bin/env bash
# Runs Zera's whole test suite. Installs what the interop tests need (Debian's python3-zmq, i.e. real libzmq)
# when it is missing, then runs `dotnet test` on the solution. Works on a fresh machine with the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
    echo "== installing python3-zmq (libzmq for the interop tests)" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-zmq >/dev/null
fi
# --blame-hang-timeout turns a hung test into a failure with a dump instead of a stuck run.
exec dotnet test Zera.slnx -c Release --blame-hang-timeout 5m "$@"
