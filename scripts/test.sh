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

KIOSK_TEST_PRINTER=KioskPDF
CUPS_PDF_PPD=lsb/usr/cups-pdf/CUPS-PDF_opt.ppd

say() { printf 'test.sh: %s\n' "$*" >&2; }
die() {
    printf 'test.sh: ERROR: %s\n' "$*" >&2
    exit 1
}

cups_running() { lpstat -r 2>/dev/null | grep -q 'is running'; }

cups_fail() {
    local f
    for f in /var/log/cups/error_log /var/log/cups/cups-pdf-*_log; do
        [ -r "$f" ] && { printf '%s (tail):\n' "$f" >&2; tail -n 15 "$f" >&2; }
    done
    die "$*"
}

# The folder CUPS-PDF writes to for jobs of the current user ("Out" in /etc/cups/cups-pdf.conf).
cups_pdf_out_dir() {
    local out home
    home="$(getent passwd "$(id -un)" | cut -d: -f6)" || home=""
    home="${home:-$HOME}"
    out="$(sed -n 's/^[[:space:]]*Out[[:space:]]\{1,\}//p' /etc/cups/cups-pdf.conf 2>/dev/null | tail -n 1)" || out=""
    out="${out:-\${HOME\}/PDF}"
    out="${out//\$\{HOME\}/$home}"
    out="${out//\$\{USER\}/$(id -un)}"
    printf '%s\n' "${out%/}"
}

# Print a one-page PDF on the queue and wait for CUPS-PDF's output: proves the whole chain works.
cups_smoke_print() {
    local out=$1 pdf marker t0 f
    pdf="$(mktemp "${TMPDIR:-/tmp}/kiosk-smoke.XXXXXX.pdf")"
    marker="$(mktemp "${TMPDIR:-/tmp}/kiosk-smoke.XXXXXX")"
    .venv/bin/python - "$pdf" <<'EOF'
import sys
from reportlab.pdfgen import canvas
c = canvas.Canvas(sys.argv[1])
c.drawString(72, 720, "Kiosk CUPS smoke test")
c.save()
EOF
    lp -d "$KIOSK_TEST_PRINTER" -t kiosk-smoke "$pdf" >/dev/null || cups_fail "lp -d $KIOSK_TEST_PRINTER failed"
    t0=$SECONDS
    f=""
    while [ $((SECONDS - t0)) -lt 30 ]; do
        f="$(find "$out" -maxdepth 1 -name 'kiosk-smoke*.pdf' -newer "$marker" 2>/dev/null | head -n 1)" || true
        [ -n "$f" ] && break
        sleep 0.3
    done
    rm -f "$pdf" "$marker"
    [ -n "$f" ] || cups_fail "smoke print on $KIOSK_TEST_PRINTER produced no PDF in $out within 30 s"
    rm -f "$f"
    say "CUPS: printed a test page on $KIOSK_TEST_PRINTER in $((SECONDS - t0)) s (output folder $out)"
}

cups_ensure() {
    local started=0 out
    if ! cups_running; then
        [ -x /usr/sbin/cupsd ] || die "/usr/sbin/cupsd not found (package cups)"
        kiosk_root_cmd mkdir -p /run/cups
        kiosk_root_cmd /usr/sbin/cupsd || cups_fail "could not start /usr/sbin/cupsd"
        for _ in $(seq 50); do
            cups_running && break
            sleep 0.2
        done
        cups_running || cups_fail "cupsd was started but the scheduler does not answer (lpstat -r)"
        started=1
    fi
    if ! lpstat -p "$KIOSK_TEST_PRINTER" >/dev/null 2>&1; then
        # lpadmin warns that printer drivers are deprecated: expected, so keep it quiet unless it fails.
        local err
        err="$(mktemp "${TMPDIR:-/tmp}/kiosk-lpadmin.XXXXXX")"
        if ! kiosk_root_cmd lpadmin -p "$KIOSK_TEST_PRINTER" -E -v cups-pdf:/ -m "$CUPS_PDF_PPD" 2>"$err" &&
            ! kiosk_root_cmd lpadmin -p "$KIOSK_TEST_PRINTER" -E -v cups-pdf:/ \
                -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd 2>>"$err"; then
            cat "$err" >&2
            rm -f "$err"
            cups_fail "lpadmin could not create the queue $KIOSK_TEST_PRINTER"
        fi
        rm -f "$err"
        say "CUPS: created queue $KIOSK_TEST_PRINTER (cups-pdf)"
        started=1
    fi
    # A queue stops after a failed job: make sure it is enabled and accepting.
    if ! lpstat -p "$KIOSK_TEST_PRINTER" 2>/dev/null | grep -q 'enabled' ||
        ! lpstat -a "$KIOSK_TEST_PRINTER" 2>/dev/null | grep -q 'accepting requests'; then
        kiosk_root_cmd cupsenable "$KIOSK_TEST_PRINTER"
        kiosk_root_cmd cupsaccept "$KIOSK_TEST_PRINTER"
    fi
    out="$(cups_pdf_out_dir)"
    if [ "$started" = 1 ] || [ ! -d "$out" ]; then
        cups_smoke_print "$out"
    fi
    export KIOSK_TEST_PRINTER
    export KIOSK_TEST_PRINTER_OUT="$out"
}

cups_ensure

export QT_QPA_PLATFORM=offscreen
export LANG=C.UTF-8
PATH="$PWD/.venv/bin:$PATH"

# Lint targets that exist (git does not keep empty folders).
targets=()
for d in kiosk kiosk_central tests bench scripts; do
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
