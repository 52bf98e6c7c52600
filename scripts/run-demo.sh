#!/usr/bin/env bash
# Install everything needed, then start Kiosk with demo data on its built-in defaults.
#
#   scripts/run-demo.sh [kiosk options...]     # e.g. --config PATH
#
# With no DISPLAY/WAYLAND_DISPLAY (a headless server) it starts under Xvfb, which proves that it starts
# but shows nothing; KIOSK_OFFSCREEN=1 uses Qt's offscreen platform instead.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
. scripts/setup.sh

case "${LANG:-}" in
"" | C | POSIX) export LANG=C.UTF-8 ;;
esac

if [ ! -x .venv/bin/kiosk ]; then
    echo "run-demo.sh: ERROR: .venv/bin/kiosk is missing (is [project.scripts] kiosk in pyproject.toml?)" >&2
    exit 1
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    if [ "${KIOSK_OFFSCREEN:-0}" = 1 ]; then
        echo "run-demo.sh: no display; KIOSK_OFFSCREEN=1: running with QT_QPA_PLATFORM=offscreen (nothing is shown)" >&2
        QT_QPA_PLATFORM=offscreen exec .venv/bin/kiosk --demo "$@"
    fi
    echo "run-demo.sh: no DISPLAY or WAYLAND_DISPLAY: starting under a virtual X server (xvfb-run -a)." >&2
    echo "run-demo.sh: nothing is shown; this only proves that Kiosk starts. Stop it with Ctrl+C." >&2
    unset QT_QPA_PLATFORM
    exec xvfb-run -a -s '-screen 0 1600x1000x24' .venv/bin/kiosk --demo "$@"
fi

exec .venv/bin/kiosk --demo "$@"
