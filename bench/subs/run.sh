#!/usr/bin/env bash
# Send cost of a publisher holding many subscriptions, Zera beside libzmq, measured the same way (see subs.c and
# src/Zera.Cli/Bench/SubscriptionsBench.cs). Builds both, runs every case REPS times with the two implementations
# interleaved, and prints the median ns per message of each.
#
# usage: bench/subs/run.sh [--reps N] [--count N] [--subscriptions "10000 100000"] [--size 64]
# needs: the .NET SDK, gcc and libzmq3-dev (apt-get install -y libzmq3-dev gcc)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
REPS=5
COUNT=2000000
SUBS="10000 100000"
SIZE=64
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --count) COUNT="$2"; shift 2 ;;
        --subscriptions) SUBS="$2"; shift 2 ;;
        --size) SIZE="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done

OUT="$HERE/.out"
mkdir -p "$OUT"
echo "== building (gcc subs.c -lzmq; dotnet build src/Zera.Cli -c Release)" >&2
gcc -O2 -Wall -Wextra -o "$OUT/subs" "$HERE/subs.c" -lzmq
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
ZERA="$REPO/src/Zera.Cli/bin/Release/net10.0/zera"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

LOG="$OUT/raw-$(date -u +%Y%m%dT%H%M%SZ).log"
printf '| subscriptions | match | libzmq ns/msg | Zera ns/msg | Zera / libzmq | libzmq subscribe s | Zera subscribe s |\n'
printf '|---:|---|---:|---:|---:|---:|---:|\n'
for n in $SUBS; do
    for match in one none; do
        : > "$OUT/lib.txt"; : > "$OUT/zera.txt"
        for _ in $(seq "$REPS"); do
            "$OUT/subs" "$n" "$match" "$SIZE" "$COUNT" | tee -a "$LOG" >> "$OUT/lib.txt"
            "$ZERA" bench subs -n "$n" -x "$match" "$SIZE" "$COUNT" | tee -a "$LOG" >> "$OUT/zera.txt"
        done
        lib=$(field ns_per_msg < "$OUT/lib.txt" | median)
        zera=$(field ns_per_msg < "$OUT/zera.txt" | median)
        libs=$(field subscribe_s < "$OUT/lib.txt" | median)
        zeras=$(field subscribe_s < "$OUT/zera.txt" | median)
        ratio=$(awk -v z="$zera" -v l="$lib" 'BEGIN { printf "%.2f", z / l }')
        printf '| %s | %s | %s | %s | %s× | %s | %s |\n' "$n" "$match" "$lib" "$zera" "$ratio" "$libs" "$zeras"
    done
done
echo "(every RESULT line: $LOG)" >&2
