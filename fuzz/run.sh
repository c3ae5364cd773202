#!/usr/bin/env bash
# Fuzzes the targets of fuzz/Zera.Fuzz (see fuzz/README.md).
#
#   fuzz/run.sh TARGET [--time S | --minutes N] [--execs N] [--random]
#   fuzz/run.sh --ci [--time S] [--random]
#   fuzz/run.sh --help
#
# One target: with afl-fuzz (Debian's afl++, installed here when missing and we are root) and SharpFuzz's
# instrumentation tool (installed to fuzz/.tools): builds the app, instruments Zera.dll, and runs afl-fuzz for S seconds
# (default 300; with --execs N, until N executions or S seconds, whichever comes first) on the seeds in fuzz/corpus/TARGET; findings go to fuzz/.out/findings/TARGET, crashing inputs are
# copied to fuzz/crashes/. Without afl-fuzz (or with --random): the app's own blind mutation (no coverage feedback).
#
# --ci: replays every target's committed corpus once, then fuzzes each target for S seconds (default 10) the same way;
# exits non-zero when any input crashes or hangs.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat >&2 <<'EOF'
usage: fuzz/run.sh TARGET [--time S | --minutes N] [--execs N] [--random]
       fuzz/run.sh --ci [--time S | --minutes N] [--random]
       fuzz/run.sh --help

  TARGET       one of the directories of fuzz/corpus (zmtp, z85, endpoint, socket-actions...)
  --time S     fuzz for S seconds (default: 300 for one target, 10 per target with --ci)
  --minutes N  the same in minutes (N may be a fraction)
  --execs N    with afl-fuzz, stop after N executions if that comes before the time (e.g. --execs 10000000 --time 3600)
  --random     the app's blind mutation instead of afl-fuzz
  --ci         replay every target's corpus, then fuzz every target for --time seconds; exit 1 on any crash or hang
EOF
    exit "${1:-2}"
}

targets() { find fuzz/corpus -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort; }

[ $# -ge 1 ] || usage
CI=0
TARGET=
case "$1" in
    -h|--help) usage 0 ;;
    --ci) CI=1; shift ;;
    -*) usage ;;
    *) TARGET=$1; shift ;;
esac
SECONDS_PER_TARGET=
FORCE_RANDOM=0
EXECS=
while [ $# -gt 0 ]; do
    case "$1" in
        --time) SECONDS_PER_TARGET=${2:?--time needs a number of seconds}; shift 2 ;;
        --minutes) SECONDS_PER_TARGET=$(awk "BEGIN { printf \"%d\", ${2:?--minutes needs a number} * 60 }"); shift 2 ;;
        --random) FORCE_RANDOM=1; shift ;;
        --execs) EXECS=${2:?--execs needs a number of executions}; shift 2 ;;
        -h|--help) usage 0 ;;
        *) usage ;;
    esac
done
if [ -z "$SECONDS_PER_TARGET" ]; then
    if [ "$CI" = 1 ]; then SECONDS_PER_TARGET=10; else SECONDS_PER_TARGET=300; fi
fi
case "$SECONDS_PER_TARGET" in
    ''|*[!0-9]*) echo "--time takes a whole number of seconds, not '$SECONDS_PER_TARGET'" >&2; exit 2 ;;
esac
[ "$SECONDS_PER_TARGET" -ge 1 ] || { echo "--time must be at least 1 second" >&2; exit 2; }
case "$EXECS" in
    '') ;;
    *[!0-9]*|0) echo "--execs takes a positive whole number of executions, not '$EXECS'" >&2; exit 2 ;;
esac
if [ "$CI" = 0 ] && [ ! -d "fuzz/corpus/$TARGET" ]; then
    echo "unknown target $TARGET (no seed corpus fuzz/corpus/$TARGET); the targets: $(targets | tr '\n' ' ')" >&2
    exit 2
fi

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

# Replays a target's committed corpus (seeds and regression inputs); non-zero when one crashes.
replay() {
    dotnet "$BIN/Zera.Fuzz.dll" --repro "$1" "fuzz/corpus/$1"/* > "$OUT/replay-$1.log" 2>&1 && return 0
    grep CRASH "$OUT/replay-$1.log" | head -5 >&2
    return 1
}

# Blind mutation of one target for $2 seconds; non-zero when it found a crash or a hang.
fuzz_random() {
    dotnet "$BIN/Zera.Fuzz.dll" --random "$1" --seconds "$2" --corpus "fuzz/corpus/$1" --crashes fuzz/crashes
}

instrument() {
    if [ ! -x "$TOOLS/sharpfuzz" ]; then
        echo "== installing SharpFuzz.CommandLine to $TOOLS" >&2
        dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$TOOLS" >&2
    fi
    echo "== instrumenting Zera.dll" >&2
    "$TOOLS/sharpfuzz" "$BIN/Zera.dll" >&2
}

# afl-fuzz on one target for $2 seconds, then the main figures of fuzzer_stats; non-zero when it saved a crash or a
# hang (copied to fuzz/crashes/).
fuzz_afl() {
    local target=$1 seconds=$2
    local findings=$OUT/findings/$target
    rm -rf "$findings"
    mkdir -p "$findings"
    local limit=()
    [ -n "$EXECS" ] && limit=(-E "$EXECS")
    echo "== afl-fuzz on $target for $seconds s${EXECS:+ or $EXECS executions} (findings in $findings)" >&2
    # dotnet is not an AFL-instrumented binary (the trace bits come from the instrumented Zera.dll); the machine's CPUs
    # are shared (no core binding) and crashes are exceptions, not core dumps.
    AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=30000 DOTNET_TieredPGO=0 \
        afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -t 5000 -m none -V "$seconds" "${limit[@]}" -- dotnet "$BIN/Zera.Fuzz.dll" "$target" \
        > "$findings/afl.log" 2>&1 || { tail -30 "$findings/afl.log" >&2; return 1; }
    local stats=$findings/default/fuzzer_stats
    if [ -f "$stats" ]; then
        grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs|stability) ' "$stats" \
            | sed "s/^/$target: /"
    fi
    mkdir -p fuzz/crashes
    local found=0 f kind
    for f in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
        [ -e "$f" ] || continue
        kind=$(basename "$(dirname "$f")")
        cp "$f" "fuzz/crashes/$target-afl-$kind-$(sha1sum "$f" | cut -c1-12)"
        found=$((found + 1))
    done
    echo "$target: $found crashing or hanging inputs copied to fuzz/crashes/ (replay: dotnet $BIN/Zera.Fuzz.dll --repro $target FILE)"
    [ "$found" = 0 ]
}

if [ "$CI" = 0 ]; then
    if [ "$USE_AFL" = 0 ]; then
        fuzz_random "$TARGET" "$SECONDS_PER_TARGET"
        exit $?
    fi
    instrument
    fuzz_afl "$TARGET" "$SECONDS_PER_TARGET"
    exit $?
fi

# --- CI: replay every corpus, then a short run of every target ----------------------------------------------------
mkdir -p "$OUT"
failed=()
for t in $(targets); do
    if replay "$t"; then echo "== replay $t: ok ($(find "fuzz/corpus/$t" -type f | wc -l) inputs)"; else failed+=("$t (corpus replay)"); fi
done
if [ "$USE_AFL" = 1 ]; then instrument; fi
for t in $(targets); do
    if [ "$USE_AFL" = 1 ]; then
        fuzz_afl "$t" "$SECONDS_PER_TARGET" || failed+=("$t (afl-fuzz)")
    else
        fuzz_random "$t" "$SECONDS_PER_TARGET" || failed+=("$t (random)")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "== fuzz CI FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "== fuzz CI: every corpus replays and no target crashed or hung in $SECONDS_PER_TARGET s"
