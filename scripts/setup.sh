#!/usr/bin/env bash
# Kiosk set-up: Debian packages (only the missing ones), then .venv with `pip install -e '.[test]'`.
#
# Sourced by scripts/run-demo.sh, scripts/test.sh and scripts/screenshot-app.sh; can also be run directly.
# Idempotent and quiet; a second run takes well under a second.
#
# Knobs (environment):
#   KIOSK_PYTHON=/path/to/python3   interpreter for .venv (default: first python3 >= 3.11 on PATH)
#   KIOSK_SKIP_APT=1                 never touch Debian packages (report missing ones and go on)
# A script that sources this file may set the array KIOSK_EXTRA_PKGS=(...) first to ask for more packages.

# Qt runtime (offscreen and Xvfb), sound, speech, PDF tools, printing, CJK font.
KIOSK_APT_RUNTIME=(
    libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3
    xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0
    libpulse0 espeak-ng alsa-utils sox
    poppler-utils zbar-tools
    cups cups-client cups-bsd printer-driver-cups-pdf
    fonts-wqy-microhei
)
# PostgreSQL for the central service's tests (production database); SQLite needs nothing.
KIOSK_APT_DATABASE=(postgresql)

_kiosk_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIOSK_ROOT="${KIOSK_ROOT:-$_kiosk_root}"
KIOSK_VENV="$KIOSK_ROOT/.venv"
export KIOSK_ROOT KIOSK_VENV

kiosk_say() { printf 'kiosk-setup: %s\n' "$*" >&2; }
kiosk_die() {
    printf 'kiosk-setup: ERROR: %s\n' "$*" >&2
    return 1
}

# Run as root, or through sudo.
kiosk_root_cmd() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        kiosk_die "need root for: $* (run as root or install sudo)"
    fi
}

# Print the packages among "$@" that dpkg does not list as installed.
# Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0t64): either name counts.
kiosk_missing_pkgs() {
    local installed pkg
    # dpkg-query exits 1 when some name is unknown (the t64 ones usually are): only its output matters.
    installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "$@" "${@/%/t64}" 2>/dev/null || true) "
    for pkg in "$@"; do
        case "$installed" in
        *" $pkg=installed "* | *" ${pkg}t64=installed "*) ;;
        *) printf '%s\n' "$pkg" ;;
        esac
    done
}

# Install the packages among "$@" that are missing; `apt-get update` runs once, only when needed.
kiosk_apt_ensure() {
    local missing log
    command -v dpkg-query >/dev/null 2>&1 || kiosk_die "dpkg-query not found: these scripts expect Debian or Ubuntu" || return 1
    mapfile -t missing < <(kiosk_missing_pkgs "$@")
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "${KIOSK_SKIP_APT:-0}" = 1 ]; then
        kiosk_say "KIOSK_SKIP_APT=1: not installing missing packages: ${missing[*]}"
        return 0
    fi
    kiosk_say "installing Debian packages: ${missing[*]}"
    log="$(mktemp "${TMPDIR:-/tmp}/kiosk-apt.XXXXXX")"
    if [ -z "${_KIOSK_APT_UPDATED:-}" ]; then
        if ! kiosk_root_cmd env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=300 update >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            kiosk_die "apt-get update failed (full log: $log)"
            return 1
        fi
        _KIOSK_APT_UPDATED=1
    fi
    if ! kiosk_root_cmd env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=300 \
        -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        install "${missing[@]}" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        kiosk_die "apt-get install ${missing[*]} failed (full log: $log)"
        return 1
    fi
    rm -f "$log"
}

# Is "$1" a working Python >= 3.11?
kiosk_python_ok() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

# Print the first Python >= 3.11 found.
kiosk_find_python() {
    local c
    if [ -n "${KIOSK_PYTHON:-}" ]; then
        kiosk_python_ok "$KIOSK_PYTHON" && { printf '%s\n' "$KIOSK_PYTHON"; return 0; }
        kiosk_die "KIOSK_PYTHON=$KIOSK_PYTHON is not a working Python >= 3.11"
        return 1
    fi
    for c in python3 python3.11 python3.12 python3.13 python3.14 /usr/bin/python3; do
        if command -v "$c" >/dev/null 2>&1 && kiosk_python_ok "$c"; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

# Create .venv if it is missing or broken; then `pip install -e '.[test]'` when pyproject.toml changed.
kiosk_venv_ensure() {
    local py stamp want log venv_pkgs
    stamp="$KIOSK_VENV/.kiosk-install-stamp"
    if [ -e "$KIOSK_VENV" ] && ! kiosk_python_ok "$KIOSK_VENV/bin/python"; then
        kiosk_say "$KIOSK_VENV is broken or too old: recreating it"
        rm -rf "$KIOSK_VENV"
    fi
    if [ ! -x "$KIOSK_VENV/bin/python" ]; then
        if ! py="$(kiosk_find_python)"; then
            kiosk_say "no Python >= 3.11 found: installing Debian's python3"
            kiosk_apt_ensure python3 python3-venv || return 1
            py="$(kiosk_find_python)" || { kiosk_die "still no Python >= 3.11 (Debian 12 / Ubuntu 24.04 have one; or set KIOSK_PYTHON)"; return 1; }
        fi
        kiosk_say "creating $KIOSK_VENV with $py ($("$py" -c 'import platform; print(platform.python_version())'))"
        if ! "$py" -m venv "$KIOSK_VENV" >/dev/null 2>&1; then
            rm -rf "$KIOSK_VENV"
            kiosk_say "'$py -m venv' failed: installing python3-venv"
            venv_pkgs=(python3-venv)
            case "$(readlink -f "$(command -v "$py")")" in
            /usr/bin/*) venv_pkgs+=("$("$py" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')") ;;
            esac
            kiosk_apt_ensure "${venv_pkgs[@]}" || return 1
            "$py" -m venv "$KIOSK_VENV" || { rm -rf "$KIOSK_VENV"; kiosk_die "'$py -m venv $KIOSK_VENV' failed"; return 1; }
        fi
    fi
    want="$(sha256sum "$KIOSK_ROOT/pyproject.toml" | cut -d' ' -f1) $KIOSK_ROOT"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$KIOSK_VENV/bin/pytest" ]; then
        return 0
    fi
    kiosk_say "installing Python packages into .venv (pip install -e '.[test]'; first time takes a minute or two)"
    log="$KIOSK_VENV/pip-install.log"
    if ! (cd "$KIOSK_ROOT" && PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$KIOSK_VENV/bin/python" -m pip install -q -e '.[test]') >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$stamp"
        kiosk_die "pip install -e '.[test]' failed (full log: $log)"
        return 1
    fi
    printf '%s\n' "$want" >"$stamp"
}

kiosk_setup() {
    kiosk_apt_ensure "${KIOSK_APT_RUNTIME[@]}" ${KIOSK_APT_DATABASE[@]+"${KIOSK_APT_DATABASE[@]}"} \
        ${KIOSK_EXTRA_PKGS[@]+"${KIOSK_EXTRA_PKGS[@]}"} || return 1
    kiosk_venv_ensure || return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Run directly.
    set -euo pipefail
    kiosk_setup
    kiosk_say "ready: $KIOSK_VENV"
else
    # Sourced: set up now; the caller decides what to do on failure (our callers use set -e).
    kiosk_setup
fi
