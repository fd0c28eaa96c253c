#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine with Python 3 and apt:
#   bash scripts/dev.sh run     set everything up, start the station (demo mode if unconfigured)
#   bash scripts/dev.sh test    set everything up, run the whole test suite
#   bash scripts/dev.sh bundle  set everything up, build the PyInstaller bundle, run its self-test
#                               (with the lean OpenCV, below: compiled once, ~20 min, then cached)
#   STATION_FULL_OPENCV=1 bash scripts/dev.sh bundle   the same with pip's full OpenCV (network
#                               cameras; ~385 MiB, over the size limit tests/test_bundle.py checks)
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
# Only for `bundle`: compilers for the bundle's lean OpenCV (nasm: libjpeg-turbo's SIMD code).
BUNDLE_APT_PACKAGES=(build-essential cmake nasm patch linux-libc-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_system_packages() {
  local wanted=("$@")
  command -v dpkg-query >/dev/null || { log "not a Debian/Ubuntu system: install ${wanted[*]} yourself"; return; }
  local missing=()
  for pkg in "${wanted[@]}"; do
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

# --- the bundle's OpenCV -----------------------------------------------------------------------
# The pip wheel of OpenCV is 152 MB in the bundle: every module (dnn, calib, features, photo,
# stitching...), FFmpeg with its codecs (avcodec, aom, vpx: 40 MB) and a second OpenBLAS (37 MB)
# beside numpy's. The station calls only core, imgproc, imgcodecs and videoio (grep cv2. in
# app/ ui/), reads USB cameras through V4L2 and its MJPEG video files through OpenCV's own
# MJPEG reader. So the bundle gets the SAME release as constraints.txt built from PyPI's source
# with only those modules (the compiler pulls in features, flann and geometry as dependencies):
# cv2 is 23 MB and the bundle 270 MB instead of 404. The test venv keeps the full wheel (network
# cameras and other video codecs work from source installs; see README "Bundle size"). The wheel
# is built once per release, flags and patch (36 CPU-minutes: ~20 min on two idle cores) and kept
# in .cache/opencv-lean/.
OPENCV_LEAN_CMAKE_ARGS="-DBUILD_LIST=core,imgproc,imgcodecs,videoio,features,python3 \
 -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_LAPACK=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF \
 -DWITH_OPENCL=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_1394=OFF -DWITH_OPENEXR=OFF \
 -DBUILD_OPENEXR=OFF -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF \
 -DWITH_AVIF=OFF -DWITH_PROTOBUF=OFF -DWITH_EIGEN=OFF -DWITH_TBB=OFF -DWITH_OPENMP=OFF \
 -DWITH_V4L=ON -DBUILD_JPEG=ON -DBUILD_PNG=ON -DBUILD_ZLIB=ON -DWITH_OBSENSOR=OFF \
 -DWITH_FASTCV=OFF -DWITH_KLEIDICV=OFF -DCV_TRACE=OFF -DPYTHON3_LIMITED_API=ON"
# OpenCV's typing-stub generator refines symbols of modules this build leaves out; the patch skips
# those instead of failing (a failed stub step leaves no py.typed and the wheel cannot be packed).
OPENCV_LEAN_PATCH=packaging/opencv-lean-stubs.patch
BUNDLE_VENV=.venv-bundle

lean_opencv_wheel() {
  local pin version key dir src log
  pin=$(grep -i '^opencv-python-headless==' constraints.txt)
  version=${pin#*==}
  key=$(cat <(printf '%s %s' "$version" "$OPENCV_LEAN_CMAKE_ARGS") "$OPENCV_LEAN_PATCH" \
    | sha256sum | cut -c1-12)
  dir=.cache/opencv-lean/$key
  if ! ls "$dir"/opencv_python_headless-"$version"-*.whl >/dev/null 2>&1; then
    # The source is unpacked and built in place under $dir/src, so a failure late in the build
    # (packaging) keeps the compiled objects and the next run resumes instead of starting over.
    src=$dir/src
    log=$dir/build.log
    mkdir -p "$dir"
    if [ ! -f "$src/.patched" ]; then
      log "fetching OpenCV $version's source"
      rm -rf "$src" "$dir/sdist"
      "$VENV/bin/python" -m pip download -q --no-deps --no-binary opencv-python-headless \
        -d "$dir/sdist" "opencv-python-headless==$version" >&2
      mkdir -p "$src"
      tar -xzf "$dir"/sdist/opencv_python_headless-"$version".tar.gz -C "$src" --strip-components=1
      patch -s -p1 -d "$src" <"$OPENCV_LEAN_PATCH"
      touch "$src/.patched"
    fi
    log "building OpenCV $version for the bundle (core, imgproc, imgcodecs, videoio; once," \
      "~20 min on two idle cores; log: $log)"
    if ! CMAKE_ARGS="$OPENCV_LEAN_CMAKE_ARGS" ENABLE_HEADLESS=1 MAKEFLAGS="-j$(nproc)" \
      CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
      "$VENV/bin/python" -m pip wheel -v --no-deps -w "$dir" "./$src" >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      echo "the OpenCV build failed; the whole log is $log (a rerun resumes the build)" >&2
      return 1
    fi
  fi
  ls "$dir"/opencv_python_headless-"$version"-*.whl
}

# The bundle is built from its own venv: the station's pinned dependencies with the lean OpenCV.
setup_bundle_venv() {
  local wheel stamp
  wheel=$(lean_opencv_wheel)
  stamp="$BUNDLE_VENV/.installed-$(cat pyproject.toml constraints.txt <(echo "$wheel") | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    rm -rf "$BUNDLE_VENV"
    log "creating the bundle's virtualenv in $BUNDLE_VENV"
    "$PY" -m venv "$BUNDLE_VENV"
    "$BUNDLE_VENV/bin/python" -m pip install -q --upgrade pip
    "$BUNDLE_VENV/bin/python" -m pip install -q "$wheel"
    "$BUNDLE_VENV/bin/python" -m pip install -q -c constraints.txt -e '.[bundle]'
    touch "$stamp"
  fi
}

cmd=${1:-run}
shift || true
if [ "$cmd" = lock ]; then
  refresh_lock
  exit 0
fi
install_system_packages "${APT_PACKAGES[@]}"
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
    builder="$VENV"
    if [ "${STATION_FULL_OPENCV:-0}" != 1 ]; then
      install_system_packages "${BUNDLE_APT_PACKAGES[@]}"
      setup_bundle_venv
      builder="$BUNDLE_VENV"
    fi
    log "building the bundle"
    "$builder/bin/pyinstaller" --noconfirm --clean build.spec
    log "self-test of the bundle"
    QT_QPA_PLATFORM=offscreen dist/inspection-station/inspection-station --self-test
    ;;
  *)
    echo "usage: bash scripts/dev.sh [run|test|bundle|setup|lock] [args...]" >&2
    exit 2
    ;;
esac
