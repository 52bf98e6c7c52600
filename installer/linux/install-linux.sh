#!/bin/sh
# Install Kiosk for the current user: the menu entry, the systemd user unit (restart on crash), then the self-check.
#
#   installer/linux/install-linux.sh --bundle dist/kiosk   # a PyInstaller bundle (copied to ~/.local/share/kiosk/app)
#   installer/linux/install-linux.sh --venv .venv          # a virtual environment with kiosk installed (used in place)
#   add --no-enable to install without enabling the unit (it then starts only by hand: systemctl --user start kiosk)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
SOURCE_KIND=""
SOURCE=""
ENABLE=1
while [ $# -gt 0 ]; do
    case "$1" in
        --bundle | --venv) SOURCE_KIND="${1#--}"; SOURCE="${2:?$1 needs a folder}"; shift 2 ;;
        --no-enable) ENABLE=0; shift ;;
        *) echo "install-linux.sh: unknown option $1 / 未知选项 $1" >&2; exit 2 ;;
    esac
done
if [ -z "$SOURCE_KIND" ]; then
    echo "install-linux.sh: give --bundle DIR or --venv DIR / 请指定 --bundle 或 --venv" >&2
    exit 2
fi
SOURCE="$(cd "$SOURCE" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
CONFIG_HOME="${XDG_CONFIG_HOME:-$HOME/.config}"

# The running counter first: a new release converts the cache at its first start, which must not happen under
# an older release still writing to it. The unit is stopped; a copy started by hand is the staff's to close.
systemctl --user stop kiosk.service 2>/dev/null || true
if command -v pgrep >/dev/null && pgrep -u "$(id -u)" -x kiosk >/dev/null; then
    echo "install-linux.sh: Kiosk is running; close it first, then install again / Kiosk 正在运行，请先关闭再安装" >&2
    exit 1
fi

if [ "$SOURCE_KIND" = bundle ]; then
    [ -x "$SOURCE/kiosk" ] || { echo "install-linux.sh: $SOURCE/kiosk is not a bundle / 不是程序包" >&2; exit 1; }
    APP="$DATA_HOME/kiosk/app"
    # A new folder beside the old one, swapped in whole: a failed copy leaves the installed version running.
    rm -rf "$APP.new"
    mkdir -p "$DATA_HOME/kiosk"
    cp -a "$SOURCE" "$APP.new"
    rm -rf "$APP.old"
    if [ -d "$APP" ]; then mv "$APP" "$APP.old"; fi
    mv "$APP.new" "$APP"
    rm -rf "$APP.old"
    KIOSK_BIN="$APP/kiosk"
else
    KIOSK_BIN="$SOURCE/bin/kiosk"
    [ -x "$KIOSK_BIN" ] || { echo "install-linux.sh: $KIOSK_BIN not found / 找不到程序" >&2; exit 1; }
fi

mkdir -p "$DATA_HOME/applications" "$CONFIG_HOME/systemd/user"
sed "s|@KIOSK_BIN@|$KIOSK_BIN|" "$HERE/kiosk.desktop" > "$DATA_HOME/applications/kiosk.desktop"
sed "s|@KIOSK_BIN@|$KIOSK_BIN|" "$HERE/kiosk.service" > "$CONFIG_HOME/systemd/user/kiosk.service"
echo "installed: $KIOSK_BIN, $DATA_HOME/applications/kiosk.desktop, $CONFIG_HOME/systemd/user/kiosk.service"

# The counter's own configuration when there is one (its data folder is then checked too).
set -- --self-check
if [ -f "$CONFIG_HOME/kiosk/kiosk.toml" ]; then set -- "$@" --config "$CONFIG_HOME/kiosk/kiosk.toml"; fi
if ! QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" LANG="${LANG:-C.UTF-8}" "$KIOSK_BIN" "$@"; then
    echo "install-linux.sh: self-check failed; the unit is not enabled / 自检失败，未设置开机启动" >&2
    exit 1
fi

if [ "$ENABLE" = 1 ]; then
    if systemctl --user daemon-reload 2>/dev/null; then
        systemctl --user enable kiosk.service
        echo "enabled: kiosk starts with the graphical session / 已设置随桌面启动"
    else
        echo "no systemd user manager reachable now; at the next graphical login run: systemctl --user enable --now kiosk.service"
    fi
fi
