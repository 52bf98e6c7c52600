#!/usr/bin/env bash
# Install everything needed, then run every check: ruff, ruff format, import-linter, mypy, pytest.
# Also starts a CUPS daemon with a CUPS-PDF queue "KioskPDF" for the printer tests.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -k slip -x      # arguments go to pytest
#
# Exit code: 0 only when every check passed and pytest ran at least one test.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
. scripts/setup.sh

# shellcheck source=scripts/cups.sh
. scripts/cups.sh

say() { printf 'test.sh: %s\n' "$*" >&2; }

kiosk_cups_ensure || exit 1
export KIOSK_TEST_PRINTER="$KIOSK_PDF_PRINTER"
export KIOSK_TEST_PRINTER_OUT="$KIOSK_PDF_OUT"

export QT_QPA_PLATFORM=offscreen
export LANG=C.UTF-8
PATH="$PWD/.venv/bin:$PATH"

# Lint targets that exist (git does not keep empty folders).
targets=()
for d in kiosk kiosk_core kiosk_central tests bench scripts; do
    [ -d "$d" ] && targets+=("$d")
done

failed=()
step() {
    local name=$1
    shift
    printf '\n==> %s\n' "$*"
    if "$@"; then
        return 0
    fi
    failed+=("$name")
    printf '==> FAILED: %s\n' "$name"
}

say "setup done in ${SECONDS} s; running checks"
step ruff ruff check "${targets[@]}"
step ruff-format ruff format --check "${targets[@]}"
step import-linter lint-imports
step mypy mypy

printf '\n==> pytest %s\n' "$*"
rc=0
pytest "$@" || rc=$?
if [ "$rc" = 5 ]; then
    printf '==> FAILED: pytest collected no tests (exit 5)\n'
    rc=1
fi
[ "$rc" = 0 ] || failed+=(pytest)

if [ "${#failed[@]}" -gt 0 ]; then
    printf '==> test.sh: failed checks: %s\n' "${failed[*]}"
    exit 1
fi
