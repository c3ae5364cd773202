#!/usr/bin/env bash
# Proxy throughput: a PUSH -> PULL stream of 64 B messages over tcp, direct and through a proxy (PULL frontend,
# PUSH backend), measured by `zera bench thr` (rate from the first message received to the last):
#
#   bench/proxy.sh [COUNT] [REPS]        defaults 2000000 and 5; prints each run and the medians
#
# Three proxies are measured, each between the same Zera sender and receiver: `zera proxy` (Zera's Proxy.Run),
# and libzmq's zmq_proxy (through pyzmq's zmq.proxy, which calls it in C) when python3-zmq is installed.
# The runs are interleaved so that drift of the machine hits every row alike.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
COUNT=${1:-2000000}
REPS=${2:-5}
ZERA="$REPO/src/Zera.Cli/bin/Release/net10.0/zera"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
HAVE_LIBZMQ=0
/usr/bin/python3 -c 'import zmq' 2>/dev/null && HAVE_LIBZMQ=1

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rate() { sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p'; }

run_direct() {
    local p; p=$(port)
    "$ZERA" bench thr "tcp://127.0.0.1:$p" 64 "$COUNT" | rate
}

# $1: a command that runs a proxy from tcp://127.0.0.1:FRONT (bound PULL) to tcp://127.0.0.1:BACK (connected PUSH)
run_proxied() {
    local front back recv_pid proxy_pid out
    front=$(port); back=$(port)
    out=$(mktemp)
    "$ZERA" bench thr -r recv "tcp://127.0.0.1:$back" 64 "$COUNT" > "$out" &
    recv_pid=$!
    "$@" "$front" "$back" &
    proxy_pid=$!
    "$ZERA" bench thr -r send "tcp://127.0.0.1:$front" 64 "$COUNT"
    wait "$recv_pid"
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    rate < "$out"
    rm -f "$out"
}

zera_proxy() {
    exec "$ZERA" proxy "tcp://127.0.0.1:$1" "tcp://127.0.0.1:$2" --front-type pull --back-type push --back-connect 2>/dev/null
}

libzmq_proxy() {
    exec /usr/bin/python3 -c '
import sys, zmq
ctx = zmq.Context()
front = ctx.socket(zmq.PULL); front.bind("tcp://127.0.0.1:" + sys.argv[1])
back = ctx.socket(zmq.PUSH); back.connect("tcp://127.0.0.1:" + sys.argv[2])
try:
    zmq.proxy(front, back)
except (KeyboardInterrupt, zmq.ContextTerminated):
    pass' "$1" "$2"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

declare -a direct zera libzmq
for ((i = 1; i <= REPS; i++)); do
    d=$(run_direct); direct+=("$d")
    z=$(run_proxied zera_proxy); zera+=("$z")
    l=""
    if [ "$HAVE_LIBZMQ" = 1 ]; then l=$(run_proxied libzmq_proxy); libzmq+=("$l"); fi
    echo "run $i: direct $d msgs/s, through zera proxy $z, through libzmq proxy ${l:-n/a}"
done
md=$(printf '%s\n' "${direct[@]}" | median)
mz=$(printf '%s\n' "${zera[@]}" | median)
echo "median direct:            $md msgs/s"
echo "median via zera proxy:    $mz msgs/s ($(awk -v a="$mz" -v b="$md" 'BEGIN {printf "%.0f", 100 * a / b}') % of direct)"
if [ "$HAVE_LIBZMQ" = 1 ]; then
    ml=$(printf '%s\n' "${libzmq[@]}" | median)
    echo "median via libzmq proxy:  $ml msgs/s ($(awk -v a="$ml" -v b="$md" 'BEGIN {printf "%.0f", 100 * a / b}') % of direct)"
fi
