#!/usr/bin/env bash
# CURVE throughput and handshake rate, Zera beside libzmq, measured the same way (curve.c here, and
# `zera bench thr --curve` / `zera bench hs --curve`), runs interleaved so drift hits both alike; also NULL for scale.
#
# usage: bench/curve/run.sh [--reps N] [--count64 N] [--count1k N] [--handshakes N]
# needs: the .NET SDK, gcc and libzmq3-dev with CURVE (Debian's has it: apt-get install -y libzmq3-dev gcc)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
REPS=3
COUNT64=1000000
COUNT1K=300000
HANDSHAKES=1000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --count64) COUNT64="$2"; shift 2 ;;
        --count1k) COUNT1K="$2"; shift 2 ;;
        --handshakes) HANDSHAKES="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done
OUT="$HERE/.out"
mkdir -p "$OUT"
echo "== building (gcc curve.c -lzmq; dotnet build src/Zera.Cli -c Release)" >&2
gcc -O2 -Wall -Wextra -o "$OUT/curve" "$HERE/curve.c" -lzmq -lpthread
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
ZERA="$REPO/src/Zera.Cli/bin/Release/net10.0/zera"

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# $1 label, $2 libzmq command (without endpoint), $3 zera command (without endpoint), $4 result field
row() {
    local label="$1" lib="$2" zera="$3" what="$4" l z
    : > "$OUT/lib.txt"; : > "$OUT/zera.txt"
    for ((i = 1; i <= REPS; i++)); do
        # shellcheck disable=SC2086
        "$OUT/curve" ${lib/ENDPOINT/tcp://127.0.0.1:$(port)} | field "$what" >> "$OUT/lib.txt"
        # shellcheck disable=SC2086
        "$ZERA" bench ${zera/ENDPOINT/tcp://127.0.0.1:$(port)} | field "$what" >> "$OUT/zera.txt"
    done
    l=$(median < "$OUT/lib.txt"); z=$(median < "$OUT/zera.txt")
    printf '| %s | %s | %s | %.2f× |\n' "$label" "$l" "$z" "$(awk -v a="$z" -v b="$l" 'BEGIN { print a / b }')"
}

printf '| test | libzmq | Zera | Zera / libzmq |\n|---|---:|---:|---:|\n'
row "push/pull 64 B, CURVE (msgs/s)" "thr ENDPOINT 64 $COUNT64 curve" "thr -m threads ENDPOINT 64 $COUNT64 --curve" msgs_per_s
row "push/pull 1 KiB, CURVE (msgs/s)" "thr ENDPOINT 1024 $COUNT1K curve" "thr -m threads ENDPOINT 1024 $COUNT1K --curve" msgs_per_s
row "push/pull 64 B, NULL (msgs/s)" "thr ENDPOINT 64 $COUNT64 null" "thr -m threads ENDPOINT 64 $COUNT64" msgs_per_s
row "handshakes, CURVE (connections/s)" "hs ENDPOINT $HANDSHAKES curve" "hs ENDPOINT $HANDSHAKES --curve" conns_per_s
row "handshakes, NULL (connections/s)" "hs ENDPOINT $HANDSHAKES null" "hs ENDPOINT $HANDSHAKES" conns_per_s
