#!/usr/bin/env bash
# A CUPS daemon with a CUPS-PDF queue, so slips really print on a machine with no printer: sourced by
# scripts/test.sh (printer tests) and scripts/run-demo.sh (the demo prints its slips). Needs scripts/setup.sh first.
#
#   kiosk_cups_ensure      start cupsd when it is not running, create the queue, print a smoke page once;
#                          exports KIOSK_PDF_PRINTER and KIOSK_PDF_OUT (the folder the PDFs land in); fails
#                          with a message (return 1) and the CUPS log tail when any step does not work.

KIOSK_PDF_PRINTER=KioskPDF
CUPS_PDF_PPD=lsb/usr/cups-pdf/CUPS-PDF_opt.ppd

_cups_say() { printf 'cups: %s\n' "$*" >&2; }

_cups_running() { lpstat -r 2>/dev/null | grep -q 'is running'; }

_cups_fail() {
    local f
    for f in /var/log/cups/error_log /var/log/cups/cups-pdf-*_log; do
        [ -r "$f" ] && { printf '%s (tail):\n' "$f" >&2; tail -n 15 "$f" >&2; }
    done
    printf 'cups: ERROR: %s\n' "$*" >&2
    return 1
}

# The folder CUPS-PDF writes to for jobs of the current user ("Out" in /etc/cups/cups-pdf.conf).
kiosk_cups_pdf_out_dir() {
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
_cups_smoke_print() {
    local out=$1 pdf marker t0 f
    pdf="$(mktemp "${TMPDIR:-/tmp}/kiosk-smoke.XXXXXX.pdf")"
    marker="$(mktemp "${TMPDIR:-/tmp}/kiosk-smoke.XXXXXX")"
    "$KIOSK_VENV/bin/python" - "$pdf" <<'PY'
import sys
from reportlab.pdfgen import canvas
c = canvas.Canvas(sys.argv[1])
c.drawString(72, 720, "Kiosk CUPS smoke test")
c.save()
PY
    lp -d "$KIOSK_PDF_PRINTER" -t kiosk-smoke "$pdf" >/dev/null || { _cups_fail "lp -d $KIOSK_PDF_PRINTER failed"; return 1; }
    t0=$SECONDS
    f=""
    while [ $((SECONDS - t0)) -lt 30 ]; do
        f="$(find "$out" -maxdepth 1 -name 'kiosk-smoke*.pdf' -newer "$marker" 2>/dev/null | head -n 1)" || true
        [ -n "$f" ] && break
        sleep 0.3
    done
    rm -f "$pdf" "$marker"
    [ -n "$f" ] || { _cups_fail "smoke print on $KIOSK_PDF_PRINTER produced no PDF in $out within 30 s"; return 1; }
    rm -f "$f"
    _cups_say "printed a test page on $KIOSK_PDF_PRINTER in $((SECONDS - t0)) s (output folder $out)"
}

kiosk_cups_ensure() {
    local started=0 out err
    if ! _cups_running; then
        [ -x /usr/sbin/cupsd ] || { _cups_fail "/usr/sbin/cupsd not found (package cups)"; return 1; }
        kiosk_root_cmd mkdir -p /run/cups
        kiosk_root_cmd /usr/sbin/cupsd || { _cups_fail "could not start /usr/sbin/cupsd"; return 1; }
        for _ in $(seq 50); do
            _cups_running && break
            sleep 0.2
        done
        _cups_running || { _cups_fail "cupsd was started but the scheduler does not answer (lpstat -r)"; return 1; }
        started=1
    fi
    if ! lpstat -p "$KIOSK_PDF_PRINTER" >/dev/null 2>&1; then
        # lpadmin warns that printer drivers are deprecated: expected, so keep it quiet unless it fails.
        err="$(mktemp "${TMPDIR:-/tmp}/kiosk-lpadmin.XXXXXX")"
        if ! kiosk_root_cmd lpadmin -p "$KIOSK_PDF_PRINTER" -E -v cups-pdf:/ -m "$CUPS_PDF_PPD" 2>"$err" &&
            ! kiosk_root_cmd lpadmin -p "$KIOSK_PDF_PRINTER" -E -v cups-pdf:/ \
                -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd 2>>"$err"; then
            cat "$err" >&2
            rm -f "$err"
            _cups_fail "lpadmin could not create the queue $KIOSK_PDF_PRINTER"
            return 1
        fi
        rm -f "$err"
        _cups_say "created queue $KIOSK_PDF_PRINTER (cups-pdf)"
        started=1
    fi
    # A queue stops after a failed job: make sure it is enabled and accepting.
    if ! lpstat -p "$KIOSK_PDF_PRINTER" 2>/dev/null | grep -q 'enabled' ||
        ! lpstat -a "$KIOSK_PDF_PRINTER" 2>/dev/null | grep -q 'accepting requests'; then
        kiosk_root_cmd cupsenable "$KIOSK_PDF_PRINTER"
        kiosk_root_cmd cupsaccept "$KIOSK_PDF_PRINTER"
    fi
    out="$(kiosk_cups_pdf_out_dir)"
    if [ "$started" = 1 ] || [ ! -d "$out" ]; then
        _cups_smoke_print "$out" || return 1
    fi
    export KIOSK_PDF_PRINTER
    export KIOSK_PDF_OUT="$out"
}
