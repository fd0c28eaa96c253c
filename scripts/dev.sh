#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine with Python 3 and apt:
#   bash scripts/dev.sh run     set everything up, start the station (demo mode if unconfigured)
#   bash scripts/dev.sh test    set everything up, run the whole test suite
#   bash scripts/dev.sh bundle  set everything up, build the PyInstaller bundle, run its self-test
#   bash scripts/dev.sh lock    re-resolve the pinned versions in constraints.txt (on purpose only)
# Setup is idempotent: system packages are installed only when missing, the virtualenv
# is created once and re-synced when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv

# System libraries (see docs/platform-notes.md): Qt offscreen and in a real
# X11 window (the xcb plugin's libraries), zbar, Qt Multimedia, PDF tools for the report
# tests, fonts, and venv support.
APT_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libdbus-1-3 libfontconfig1 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0
  libzbar0 libpulse0 poppler-utils python3-venv
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_system_packages() {
  command -v dpkg-query >/dev/null || { log "not a Debian/Ubuntu system: install ${APT_PACKAGES[*]} yourself"; return; }
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    if [ "$pkg" = python3-venv ]; then
      "$PY" -c 'import ensurepip' 2>/dev/null && continue
    fi
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing system packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

setup_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating the virtualenv in $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "installing the station and its development tools into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -c constraints.txt -e '.[dev]'
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  if [ -f scripts/build_translations.py ]; then
    "$VENV/bin/python" scripts/build_translations.py >/dev/null
  fi
}

# Re-resolve every dependency to its newest allowed release and rewrite constraints.txt
# (its comment header is kept). On purpose only: then run the suite and the soak benchmark.
refresh_lock() {
  local tmp
  tmp=$(mktemp -d)
  "$PY" -m venv "$tmp/venv"
  "$tmp/venv/bin/python" -m pip install -q --upgrade pip
  "$tmp/venv/bin/python" -m pip install -q -e '.[dev]'
  { grep '^#' constraints.txt; "$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > "$tmp/c.txt"
  mv "$tmp/c.txt" constraints.txt
  rm -rf "$tmp"
  log "constraints.txt refreshed: check the PySide6 pin's reason still holds (tests/test_qt_refcounts.py)"
}

cmd=${1:-run}
shift || true
if [ "$cmd" = lock ]; then
  refresh_lock
  exit 0
fi
install_system_packages
setup_venv
case "$cmd" in
  setup) ;;
  run)
    # Developers land in training mode; with arguments, run exactly what was asked
    # (`bash scripts/dev.sh run gui` shows the setup screen on a new data folder).
    if [ "$#" -eq 0 ]; then set -- gui --training; fi
    exec "$VENV/bin/python" -m app "$@"
    ;;
  test)
    log "static checks"
    "$VENV/bin/ruff" check app ui tests scripts packaging
    "$VENV/bin/mypy"
    "$VENV/bin/lint-imports"
    log "test suite"
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  bundle)
    log "building the bundle"
    "$VENV/bin/pyinstaller" --noconfirm --clean build.spec
    log "self-test of the bundle"
    QT_QPA_PLATFORM=offscreen dist/inspection-station/inspection-station --self-test
    ;;
  *)
    echo "usage: bash scripts/dev.sh [run|test|bundle|setup|lock] [args...]" >&2
    exit 2
    ;;
esac
