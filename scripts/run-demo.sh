#!/usr/bin/env bash
# Install everything needed, then start the demo: the central service on loopback (embedded SQLite, demo
# data) and counter 01's Kiosk, enrolled against it, with the demo data also in its own cache.
#
#   scripts/run-demo.sh [kiosk options...]     # e.g. --config PATH
#
# The cache's key and the device secret go into the OS keyring; on a machine with no desktop keyring a private
# Secret Service (gnome-keyring in its own D-Bus session, scripts/keyring.sh) is started for the demo. If the
# centre cannot be reached, Kiosk still starts and works on its own. With no DISPLAY it runs under Xvfb (that only proves
# that it starts); KIOSK_OFFSCREEN=1 uses Qt's offscreen platform instead.
#   KIOSK_DEMO_DIR   where the demo keeps its data (default ~/.local/share/kiosk-demo)
#   KIOSK_CENTRAL_PORT   loopback port of the central service (default 8700)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
KIOSK_EXTRA_PKGS=(gnome-keyring)
# shellcheck source=scripts/setup.sh
. scripts/setup.sh

case "${LANG:-}" in
"" | C | POSIX) export LANG=C.UTF-8 ;;
esac
say() { printf 'run-demo.sh: %s\n' "$*" >&2; }

# A private keyring session when there is no desktop one (re-runs this script inside it).
# shellcheck source=scripts/keyring.sh
. scripts/keyring.sh
kiosk_keyring_session "$PWD/scripts/run-demo.sh" "$@"

demo_dir="${KIOSK_DEMO_DIR:-$HOME/.local/share/kiosk-demo}"
port="${KIOSK_CENTRAL_PORT:-8700}"
url="http://127.0.0.1:$port"
central=(.venv/bin/kiosk-central)
mkdir -p "$demo_dir"

"${central[@]}" migrate --data-dir "$demo_dir/central" >/dev/null
"${central[@]}" load-demo --data-dir "$demo_dir/central" >/dev/null
"${central[@]}" serve --data-dir "$demo_dir/central" --host 127.0.0.1 --port "$port" \
    >"$demo_dir/central.log" 2>&1 &
central_pid=$!
trap 'kill "$central_pid" 2>/dev/null || true' EXIT

up=0
for _ in $(seq 100); do
    if .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen('$url/v1/health', timeout=1)" 2>/dev/null; then
        up=1
        break
    fi
    kill -0 "$central_pid" 2>/dev/null || break
    sleep 0.2
done

kiosk_args=(--demo --data-dir "$demo_dir/counter-01")

# Slips print on a CUPS-PDF queue, so a newcomer sees one printed; --printer in the arguments wins.
# shellcheck source=scripts/cups.sh
. scripts/cups.sh
if kiosk_cups_ensure; then
    kiosk_args+=(--printer "$KIOSK_PDF_PRINTER")
    say "slips print on the CUPS-PDF queue $KIOSK_PDF_PRINTER: the printed PDFs land in $KIOSK_PDF_OUT"
else
    say "no CUPS-PDF queue (see above): slips are not printed, only kept as files"
fi
say "every slip is also kept as a PDF under $demo_dir/counter-01/slips; the counter's log is $demo_dir/counter-01/logs/kiosk.log"
if [ "$up" = 1 ]; then
    say "central service on $url (log: $demo_dir/central.log)"
    enrolled="$("${central[@]}" enroll-device --data-dir "$demo_dir/central" --counter 01 --name "演示1号窗口" --replace)"
    device_id="$(printf '%s\n' "$enrolled" | sed -n 's/^device_id: *//p')"
    secret="$(printf '%s\n' "$enrolled" | sed -n 's/^secret: *//p')"
    if printf '%s\n' "$secret" | .venv/bin/kiosk-enroll --device-id "$device_id" --secret - --central-url "$url"; then
        kiosk_args+=(--central-url "$url")
    else
        say "could not keep the device secret in a keyring: Kiosk runs on its own"
    fi
else
    say "the central service did not start (see $demo_dir/central.log): Kiosk runs on its own"
fi

run_kiosk() {
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        if [ "${KIOSK_OFFSCREEN:-0}" = 1 ]; then
            say "no display; KIOSK_OFFSCREEN=1: running with QT_QPA_PLATFORM=offscreen (nothing is shown)"
            QT_QPA_PLATFORM=offscreen .venv/bin/kiosk "$@"
            return
        fi
        say "no DISPLAY or WAYLAND_DISPLAY: starting under a virtual X server (xvfb-run -a)."
        say "nothing is shown; this only proves that Kiosk starts. Stop it with Ctrl+C."
        unset QT_QPA_PLATFORM
        xvfb-run -a -s '-screen 0 1600x1000x24' .venv/bin/kiosk "$@"
        return
    fi
    .venv/bin/kiosk "$@"
}
run_kiosk "${kiosk_args[@]}" "$@"
