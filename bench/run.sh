#!/usr/bin/env bash
# Builds the zera tool (Release) and runs the shared libzmq/NetMQ anchor harness with Zera as a third
# implementation, so the three are measured the same way in one run:
#
#   bench/run.sh [harness options]     e.g. --quick, --install-deps, --reps N, --only thr|lat, --no-extras,
#                                      --impls libzmq (zera is always added), --no-build
#   bench/run.sh --compare [...]       the same, then bench/compare.py on the run: each case's Zera / libzmq and
#                                      Zera / NetMQ ratios, with issue 11's targets and the cases below them marked
#                                      (bench/compare.py FILE... compares earlier runs, e.g. three for the 3-run check)
#   bench/run.sh --async [...]         the same, with Zera's async API as a fourth implementation ("zera-async",
#                                      bench/anchor-async: thr and lat through SendAsync/ReceiveAsync); with --compare
#                                      each row's async / blocking ratio is printed too (issue 11: within 10 %)
#   bench/run.sh --cpu [...]           the same, then bench/cpu.py: CPU time per message of each push/pull row
#                                      (user+system, both processes), libzmq and NetMQ beside Zera, for the run's --sizes
#
# The harness lives in shared/anchors beside the repository (found as ../shared/anchors, ../../shared/anchors from
# a worktree, or $ZERA_ANCHORS_DIR). That folder is treated as read-only: it is copied (without build outputs or
# results) to bench/.anchors/ and run from there, so its builds and results/ stay out of the shared copy.
# Results: bench/.anchors/results/latest.md (summary) and raw-<stamp>.log.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,19p' "$0"
    exit 0
fi

SRC=""
for candidate in "${ZERA_ANCHORS_DIR:-}" "$REPO/../shared/anchors" "$REPO/../../shared/anchors"; do
    if [ -n "$candidate" ] && [ -x "$candidate/run.sh" ]; then SRC=$(cd "$candidate" && pwd); break; fi
done
if [ -z "$SRC" ]; then
    echo "bench/run.sh: anchor harness not found (looked for ../shared/anchors); set ZERA_ANCHORS_DIR" >&2
    exit 1
fi

BUILD=1
COMPARE=0
CPU=0
ASYNC=0
SIZES="1 64 1024 65536"
ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0; ARGS+=("$1") ;;
        --compare) COMPARE=1 ;;
        --cpu) CPU=1 ;;
        --async) ASYNC=1 ;;
        --sizes) SIZES=${2:-}; ARGS+=("$1" "${2:-}"); shift ;;
        *) ARGS+=("$1") ;;
    esac
    shift
done
if [ "$BUILD" = 1 ]; then
    echo "== building zera (dotnet build src/Zera.Cli -c Release)" >&2
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$REPO/src/Zera.Cli/Zera.Cli.csproj" -c Release -nologo -v q >&2
fi

WORK="$HERE/.anchors"
mkdir -p "$WORK"
# Sources only; timestamps kept so that make and dotnet build stay incremental between runs.
tar -C "$SRC" --exclude=./results --exclude=./netmq/bin --exclude=./netmq/obj --exclude=./c/thr --exclude=./c/lat \
    -cf - . | tar -C "$WORK" -xf -
chmod -R u+w "$WORK"
# Keep this repository's Directory.Build.props (warnings as errors, docs) away from the NetMQ anchor's build.
echo '<Project />' > "$WORK/Directory.Build.props"
echo '<Project />' > "$WORK/Directory.Build.targets"

echo "== anchor harness from $SRC, run in $WORK" >&2
EXTRA="zera=$HERE/anchor"
if [ "$ASYNC" = 1 ]; then EXTRA="$EXTRA zera-async=$HERE/anchor-async"; fi
export ANCHOR_EXTRA_IMPLS="$EXTRA${ANCHOR_EXTRA_IMPLS:+ $ANCHOR_EXTRA_IMPLS}"
if [ "$COMPARE" = 0 ] && [ "$CPU" = 0 ]; then exec "$WORK/run.sh" "${ARGS[@]}"; fi
"$WORK/run.sh" "${ARGS[@]}"
if [ "$COMPARE" = 1 ]; then
    echo
    echo "== Zera against libzmq and NetMQ in this run (bench/compare.py)"
    python3 "$HERE/compare.py" "$WORK/results/latest.md"
fi
if [ "$CPU" = 1 ]; then
    echo
    echo "== CPU per message, push/pull (bench/cpu.py --sizes \"$SIZES\")"
    python3 "$HERE/cpu.py" --sizes "$SIZES"
fi
