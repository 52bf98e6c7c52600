# shellcheck shell=bash
# A private Secret Service for scripts that start Kiosk where no desktop session provides one (a server, CI,
# Xvfb): Kiosk keeps its cache's key, its device secret and its tokens in the OS keyring and does not open its
# encrypted cache without one. Source it after scripts/setup.sh (with gnome-keyring in KIOSK_EXTRA_PKGS), then
#
#   kiosk_keyring_session "$PWD/scripts/NAME.sh" "$@"   # re-runs the calling script inside a D-Bus session with an unlocked keyring
#
# The keyring lives in ~/.local/share/keyrings (password "kiosk-demo"), so a cache made by one run opens in the next.

kiosk_keyring_session() {
    if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${KIOSK_KEYRING_SESSION:-}" ] &&
        command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
        exec dbus-run-session -- env KIOSK_KEYRING_SESSION=1 bash "$@"
    fi
    if [ -n "${KIOSK_KEYRING_SESSION:-}" ]; then
        mkdir -p "$HOME/.local/share/keyrings"
        printf 'kiosk-demo' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
    fi
    if ! .venv/bin/python -c "import keyring; keyring.set_password('kiosk-probe', 'probe', 'ok'); assert keyring.get_password('kiosk-probe', 'probe') == 'ok'" 2>/dev/null; then
        printf '%s\n' "keyring.sh: no working keyring (Secret Service): Kiosk will say so and not open its cache" >&2
    fi
}
