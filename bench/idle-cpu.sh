#!/usr/bin/env bash
# Idle CPU check: two `zera` processes connected over tcp (a bound PULL and a connected PUSH whose standard input
# stays open and silent), left idle; reports the CPU time each used over the measuring window, read from
# /proc/PID/stat (utime + stime, in clock ticks). Zera creates no thread of its own and arms no timer while idle
# (no heartbeats configured), so both should stay at 0 ticks.
#
#   bench/idle-cpu.sh [SECONDS]     default 10; builds the tool first unless --no-build
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECONDS_IDLE=${1:-10}
[ "${2:-}" = --no-build ] || dotnet build "$HERE/../src/Zera.Cli" -c Release -nologo -v q >&2
ZERA="$HERE/../src/Zera.Cli/bin/Release/net10.0/zera"
PORT=$((20000 + RANDOM % 20000))
EP="tcp://127.0.0.1:$PORT"

"$ZERA" recv "$EP" --type pull --bind --timeout $(( (SECONDS_IDLE + 30) * 1000 )) > /dev/null &
RECV=$!
# Baseline: the same tool with a socket bound and no connection at all, for the runtime's own housekeeping.
"$ZERA" recv "ipc:///tmp/zera-idle-$$.ipc" --type pull --bind --timeout $(( (SECONDS_IDLE + 30) * 1000 )) > /dev/null &
BASE=$!
FIFO=$(mktemp -u); mkfifo "$FIFO"
"$ZERA" send "$EP" --type push --linger 0 < "$FIFO" &
SEND=$!
exec 3> "$FIFO"     # keep the sender's stdin open and silent
trap 'exec 3>&-; kill $RECV $SEND $BASE 2>/dev/null; rm -f "$FIFO"' EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Wait until the connection is up (the receiver holds an established tcp connection), then let start-up settle.
for _ in $(seq 100); do ss -tn state established "( sport = :$PORT )" | grep -q "$PORT" && break; sleep 0.1; done
sleep 5
r0=$(ticks $RECV); s0=$(ticks $SEND); b0=$(ticks $BASE)
sleep "$SECONDS_IDLE"
r1=$(ticks $RECV); s1=$(ticks $SEND); b1=$(ticks $BASE)
hz=$(getconf CLK_TCK)
echo "idle ${SECONDS_IDLE}s with a connected tcp PUSH/PULL pair: receiver $((r1 - r0)) ticks, sender $((s1 - s0)) ticks; unconnected baseline $((b1 - b0)) ticks (1 tick = $((1000 / hz)) ms CPU)"
