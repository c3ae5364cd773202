#!/usr/bin/env bash
# Many connections to one socket, Zera beside libzmq: one ROUTER bound over tcp, COUNT DEALERs connected from PROCS
# client processes, each saying hello and waiting for the answer. The server reports the time from the first hello to
# the last and the memory each connection added (resident set; Zera also its managed heap).
#
#   bench/conns/run.sh [COUNT] [PROCS] [REPS] [PATTERN]     defaults 10000 4 1 routerdealer
#
# PATTERN pubsub: one XPUB with COUNT SUBs instead (the server waits for every subscription, then publishes one
# message that every subscriber waits for).
#
# Zera's side is `zera bench conns`, libzmq's bench/conns/conns.py (Debian's python3-zmq); the runs are interleaved.
# Open files: the server needs COUNT descriptors and each client COUNT/PROCS, so the soft limit is raised to the hard
# one when it is lower than COUNT + 100.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
COUNT=${1:-10000}
PROCS=${2:-4}
REPS=${3:-1}
PATTERN=${4:-routerdealer}
case "$PATTERN" in routerdealer|pubsub) ;; *) echo "PATTERN is routerdealer or pubsub" >&2; exit 2 ;; esac
ZERA="$REPO/src/Zera.Cli/bin/Release/net10.0/zera"
export ANCHOR_TIMEOUT_MS=${ANCHOR_TIMEOUT_MS:-120000}
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
if [ "$(ulimit -n)" -lt $((COUNT + 100)) ]; then ulimit -n "$(ulimit -Hn)"; fi
[ "$(ulimit -n)" -ge $((COUNT + 100)) ] || { echo "open files limit $(ulimit -n) is too low for $COUNT connections" >&2; exit 1; }
PER=$((COUNT / PROCS))
[ $((PER * PROCS)) -eq "$COUNT" ] || { echo "COUNT must be a multiple of PROCS" >&2; exit 2; }

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# $1: server command prefix, $2: client command prefix (each then gets ENDPOINT COUNT)
run() {
    local server=$1 client=$2 ep out pids=()
    ep="tcp://127.0.0.1:$(port)"
    out=$(mktemp)
    $server "$ep" "$COUNT" > "$out" 2>/dev/null &
    local spid=$!
    for ((p = 0; p < PROCS; p++)); do $client "$ep" "$PER" 2>/dev/null & pids+=($!); done
    local failed=0
    wait "$spid" || failed=1
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    if [ "$failed" = 1 ]; then echo "a process failed" >&2; cat "$out" >&2; rm -f "$out"; return 1; fi
    grep '^RESULT' "$out"
    rm -f "$out"
}

zera_server() { "$ZERA" bench conns "$1" "$2" -r server -p "$PATTERN"; }
zera_client() { "$ZERA" bench conns "$1" "$2" -r client -p "$PATTERN"; }
libzmq_server() { /usr/bin/python3 "$HERE/conns.py" server "$1" "$2" "$PATTERN"; }
libzmq_client() { /usr/bin/python3 "$HERE/conns.py" client "$1" "$2" "$PATTERN"; }

for ((i = 1; i <= REPS; i++)); do
    run zera_server zera_client
    run libzmq_server libzmq_client
done
