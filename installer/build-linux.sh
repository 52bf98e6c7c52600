#!/bin/sh
# Build the counter bundle into dist/kiosk/ (PyInstaller one folder) and self-check it headless.
# Needs the bundle extra: .venv/bin/pip install -e '.[counter,bundle]'. ~50 s and ~340 MB here.
# DIST and WORK move the output and PyInstaller's work folder (the test builds into a temporary folder).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DIST="${DIST:-dist}"
WORK="${WORK:-build/pyinstaller}"
export LANG="${LANG:-C.UTF-8}"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" installer/kiosk.spec
du -sh "$DIST/kiosk"
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$DIST/kiosk/kiosk" --self-check
