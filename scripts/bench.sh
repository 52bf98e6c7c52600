#!/usr/bin/env bash
# Install what is needed, then run the benchmarks: one JSON line per figure on stdout.
#   scripts/bench.sh               # all
#   scripts/bench.sh start slip    # some (names without the bench_ prefix)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8
exec .venv/bin/python -m bench "$@"
