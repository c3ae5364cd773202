#!/usr/bin/env bash
# Fan-in scaling: one PULL fed by 1, 10, 100 and 1,000 PUSH connections over tcp (64 B messages), Zera beside libzmq,
# each measured the same way (zera bench fanin, and fanin.c on libzmq): the receiver binds and times COUNT messages
# from the first to the last; one sender process sends them round-robin over N PUSH sockets. Runs are interleaved;
# prints each run and the median rate per sender count.
#
#   bench/fanin/run.sh [--senders "1 10 100 1000"] [--count N] [--reps N] [--size N]
# needs: the .NET SDK, gcc and libzmq3-dev (apt-get install -y libzmq3-dev gcc)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SENDERS="1 10 100 1000"
COUNT=2000000
REPS=3
SIZE=64
while [ $# -gt 0 ]; do
    case "$1" in
        --senders) SENDERS=$2; shift 2 ;;
        --count) COUNT=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done
OUT="$HERE/.out"
mkdir -p "$OUT"
gcc -O2 -Wall -Wextra -o "$OUT/fanin" "$HERE/fanin.c" -lzmq
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
ZERA="$REPO/src/Zera.Cli/bin/Release/net10.0/zera"
if [ "$(ulimit -n)" -lt 4096 ]; then ulimit -n "$(ulimit -Hn)"; fi

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rate() { sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# $1 zera|libzmq, $2 senders: prints msgs/s
one() {
    local ep out r
    ep="tcp://127.0.0.1:$(port)"
    out=$(mktemp)
    if [ "$1" = zera ]; then
        "$ZERA" bench fanin "$ep" "$SIZE" "$COUNT" -n "$2" -r recv > "$out" &
        local rpid=$!
        "$ZERA" bench fanin "$ep" "$SIZE" "$COUNT" -n "$2" -r send
    else
        "$OUT/fanin" recv "$ep" "$SIZE" "$COUNT" "$2" > "$out" &
        local rpid=$!
        "$OUT/fanin" send "$ep" "$SIZE" "$COUNT" "$2"
    fi
    wait "$rpid"
    r=$(rate < "$out")
    rm -f "$out"
    echo "$r"
}

printf '| PUSH connections | libzmq msgs/s | Zera msgs/s | Zera / libzmq |\n|---:|---:|---:|---:|\n'
for n in $SENDERS; do
    z=(); l=()
    for ((i = 1; i <= REPS; i++)); do
        l+=("$(one libzmq "$n")"); z+=("$(one zera "$n")")
        echo "senders $n run $i: libzmq ${l[-1]}, zera ${z[-1]}" >&2
    done
    ml=$(printf '%s\n' "${l[@]}" | median); mz=$(printf '%s\n' "${z[@]}" | median)
    printf '| %s | %s | %s | %s× |\n' "$n" "$ml" "$mz" "$(awk -v a="$mz" -v b="$ml" 'BEGIN {printf "%.2f", a / b}')"
done
