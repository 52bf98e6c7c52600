#!/usr/bin/env bash
# Start Kiosk with demo data in a real window under Xvfb, wait, take a screenshot, stop it.
#
#   scripts/screenshot-app.sh OUT.png [seconds=5] [kiosk options...]
set -euo pipefail

if [ $# -lt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    echo "usage: scripts/screenshot-app.sh OUT.png [seconds=5] [kiosk options...]" >&2
    exit 2
fi
out="$(realpath -m "$1")"
shift
wait_s="${1:-5}"
[ $# -gt 0 ] && shift
case "$wait_s" in
'' | *[!0-9.]*) echo "screenshot-app.sh: seconds must be a number, not '$wait_s'" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# ImageMagick's `import` takes the screenshot (a `convert` stand-in may be on PATH; the real tools are not).
KIOSK_EXTRA_PKGS=(imagemagick gnome-keyring)
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
# The cache is encrypted under a key from the OS keyring: a private one when there is no desktop session.
# shellcheck source=scripts/keyring.sh
. scripts/keyring.sh
kiosk_keyring_session "$PWD/scripts/screenshot-app.sh" "$out" "$wait_s" "$@"

mkdir -p "$(dirname "$out")"
rm -f "$out"
export LANG="${LANG:-C.UTF-8}"
unset QT_QPA_PLATFORM WAYLAND_DISPLAY

# Inside xvfb-run: DISPLAY is the virtual screen.
# shellcheck disable=SC2016
xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
    out=$1 wait_s=$2
    shift 2
    log="$(mktemp "${TMPDIR:-/tmp}/kiosk-screenshot.XXXXXX")"
    .venv/bin/kiosk --demo "$@" >"$log" 2>&1 &
    pid=$!
    sleep "$wait_s"
    if ! kill -0 "$pid" 2>/dev/null; then
        rc=0; wait "$pid" || rc=$?
        echo "screenshot-app.sh: kiosk exited (code $rc) before the screenshot; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    /usr/bin/import -window root "$out"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$log"
' screenshot "$out" "$wait_s" "$@"

[ -s "$out" ] || { echo "screenshot-app.sh: no screenshot written to $out" >&2; exit 1; }
echo "$out"
