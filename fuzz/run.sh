#!/usr/bin/env bash
# Fuzzes one target of fuzz/Zera.Fuzz (see fuzz/README.md).
#
#   fuzz/run.sh TARGET [--minutes N] [--random]
#
# With afl-fuzz (Debian's afl++, installed here when missing and we are root) and SharpFuzz's instrumentation tool
# (installed to fuzz/.tools): builds the app, instruments Zera.dll, and runs afl-fuzz for N minutes (default 5) on the
# seeds in fuzz/corpus/TARGET; findings go to fuzz/.out/findings/TARGET, crashing inputs are copied to fuzz/crashes/.
# Without afl-fuzz (or with --random): the app's own blind mutation (no coverage feedback) for N minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: fuzz/run.sh TARGET [--minutes N] [--random]" >&2; exit 2; }
[ $# -ge 1 ] || usage
TARGET=$1; shift
MINUTES=5
FORCE_RANDOM=0
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) MINUTES=${2:?}; shift 2 ;;
        --random) FORCE_RANDOM=1; shift ;;
        *) usage ;;
    esac
done
case "$TARGET" in
    zmtp|null|plain-server|plain-client|curve-server|curve-client|curve-message|zap-reply) ;;
    *) echo "unknown target $TARGET (zmtp null plain-server plain-client curve-server curve-client curve-message zap-reply)" >&2; exit 2 ;;
esac
[ -d "fuzz/corpus/$TARGET" ] || { echo "no seed corpus fuzz/corpus/$TARGET (write it with: dotnet fuzz/.out/bin/Zera.Fuzz.dll --write-corpus fuzz/corpus)" >&2; exit 2; }

OUT=fuzz/.out
BIN=$OUT/bin
TOOLS=fuzz/.tools

# --- afl-fuzz -----------------------------------------------------------------------------------------------------
have_afl() { command -v afl-fuzz >/dev/null 2>&1; }
if [ "$FORCE_RANDOM" = 0 ] && ! have_afl; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== afl-fuzz is missing: installing Debian's afl++" >&2
        if ! apt-cache policy afl++ 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq || true; fi
        if apt-cache policy afl++ 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null || true
        fi
    fi
    if ! have_afl; then
        echo "== afl-fuzz is NOT available on this machine (not root, no apt-get, or no afl++ package):" >&2
        echo "== falling back to the app's blind mutation (--random: no coverage feedback)" >&2
    fi
fi
USE_AFL=0
[ "$FORCE_RANDOM" = 0 ] && have_afl && USE_AFL=1

# --- build --------------------------------------------------------------------------------------------------------
# A clean publish each time: sharpfuzz rewrites Zera.dll in place and refuses to instrument it twice.
echo "== building Zera.Fuzz" >&2
rm -rf "$BIN"
dotnet publish fuzz/Zera.Fuzz/Zera.Fuzz.csproj -c Release -o "$BIN" -v quiet -nologo >&2

if [ "$USE_AFL" = 0 ]; then
    exec dotnet "$BIN/Zera.Fuzz.dll" --random "$TARGET" --minutes "$MINUTES" --corpus "fuzz/corpus/$TARGET" --crashes fuzz/crashes
fi

# --- instrument ---------------------------------------------------------------------------------------------------
if [ ! -x "$TOOLS/sharpfuzz" ]; then
    echo "== installing SharpFuzz.CommandLine to $TOOLS" >&2
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$TOOLS" >&2
fi
echo "== instrumenting Zera.dll" >&2
"$TOOLS/sharpfuzz" "$BIN/Zera.dll" >&2

# --- fuzz ---------------------------------------------------------------------------------------------------------
FINDINGS=$OUT/findings/$TARGET
rm -rf "$FINDINGS"
mkdir -p "$FINDINGS"
echo "== afl-fuzz on $TARGET for $MINUTES min (findings in $FINDINGS)" >&2
# dotnet is not an AFL-instrumented binary (the trace bits come from the instrumented Zera.dll); the machine's CPUs are
# shared (no core binding) and crashes are exceptions, not core dumps.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=30000 DOTNET_TieredPGO=0
SECONDS_TOTAL=$(awk "BEGIN { printf \"%d\", $MINUTES * 60 }")
afl-fuzz -i "fuzz/corpus/$TARGET" -o "$FINDINGS" -t 5000 -m none -V "$SECONDS_TOTAL" -- dotnet "$BIN/Zera.Fuzz.dll" "$TARGET" \
    > "$FINDINGS/afl.log" 2>&1 || { tail -30 "$FINDINGS/afl.log" >&2; exit 1; }

# --- report -------------------------------------------------------------------------------------------------------
STATS=$FINDINGS/default/fuzzer_stats
if [ -f "$STATS" ]; then
    grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|bitmap_cvg|saved_crashes|saved_hangs|stability) ' "$STATS"
fi
mkdir -p fuzz/crashes
found=0
for f in "$FINDINGS"/default/crashes/id:* "$FINDINGS"/default/hangs/id:*; do
    [ -e "$f" ] || continue
    kind=$(basename "$(dirname "$f")")
    cp "$f" "fuzz/crashes/$TARGET-afl-$kind-$(sha1sum "$f" | cut -c1-12)"
    found=$((found + 1))
done
echo "$TARGET: $found crashing or hanging inputs copied to fuzz/crashes/ (replay: dotnet $BIN/Zera.Fuzz.dll --repro $TARGET FILE)"
[ "$found" = 0 ]
