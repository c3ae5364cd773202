#!/usr/bin/env bash
# The soak suite (tests/Zera.Soak): every scenario churns peers, connections or contexts, checks every message and
# samples RSS, managed heap, threads, descriptors, timers and Zera's live counts every second. See bench/SOAK.md.
#
# Scenarios: peer-churn, reconnect-storm, router-dealer-churn, slow-consumer, context-churn, cancel-storm,
# pubsub-churn, large-message, and mixed (all the others at once in one process); --help lists them.
#
#   bench/soak.sh --short                      # CI mode: every scenario briefly (under 3 minutes on 2 cores)
#   bench/soak.sh --minutes 10                 # long mode: each scenario for 10 minutes
#   bench/soak.sh --minutes 10 --scenario mixed  # everything at once for 10 minutes
#   bench/soak.sh --minutes 2 --scenario peer-churn --scenario cancel-storm
# Exit code 0 when every check passes, 1 when one fails, 2 on a bad command line.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec dotnet run -c Release --project "$HERE/../tests/Zera.Soak" -- "$@"
