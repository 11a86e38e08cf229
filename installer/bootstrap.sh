#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs the Debian packages Lepton needs,
# builds everything, then either runs the demo pipeline or the whole test suite.
#
#   bash installer/bootstrap.sh demo [lepton demo options...]   # build + import/train/eval/export demo
#   bash installer/bootstrap.sh test                            # build + all tests (CTest)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-}
shift || true
build=${LEPTON_BUILD_DIR:-$root/build}

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # Qt 6
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-httpserver-dev qt6-websockets-dev
  qt6-tools-dev libqt6sql6-sqlite qt6-qpa-plugins libgl-dev
  # LibTorch (CPU) and what its headers need; OpenBLAS so matrix products are not on the reference BLAS
  libtorch-dev libgloo-dev libopenblas0-pthread
  # OpenCV, ONNX, SQLite
  libopencv-dev libonnx-dev libprotobuf-dev protobuf-compiler libsqlite3-dev
  # sample data: OpenCV's digits.png
  opencv-doc
  # GUI tests and screenshots
  xvfb xauth
  # packaging checks: cpack's DEB generator (file, dpkg-shlibdeps), desktop entry and AppStream validators, lintian
  file dpkg-dev desktop-file-utils appstream lintian
  # reference checks only (never part of the product)
  python3 python3-torch python3-torchvision python3-sklearn python3-numpy python3-onnx
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "bootstrap: all ${#packages[@]} Debian packages present"
    return
  fi
  echo "bootstrap: installing ${#missing[@]} Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  # ccache can reuse objects compiled with precompiled headers only with these sloppiness flags.
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  export CCACHE_BASEDIR="$root"
  local jobs
  jobs=$(nproc)
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  # Torch translation units need ~1.5 GiB each: at most one job per 2 GiB of memory.
  local mem_jobs=$(( $(awk '/MemTotal/ {print int($2 / 2097152)}' /proc/meminfo) ))
  [ "$mem_jobs" -ge 1 ] && [ "$mem_jobs" -lt "$jobs" ] && jobs=$mem_jobs
  local start=$SECONDS
  cmake --build "$build" -j "$jobs"
  echo "bootstrap: build took $((SECONDS - start)) s"
}

case "$mode" in
  demo)
    install_packages
    configure_and_build
    "$build/app/lepton" demo --workdir "${LEPTON_DEMO_DIR:-$root/demo-output}" "$@"
    ;;
  test)
    install_packages
    configure_and_build
    start=$SECONDS
    # GUI tests use Qt's offscreen platform; each test sets it through CTest's environment.
    ctest --test-dir "$build" --output-on-failure --timeout 1500 "$@"
    echo "bootstrap: tests took $((SECONDS - start)) s"
    ;;
  *)
    echo "usage: bash installer/bootstrap.sh demo|test [options]" >&2
    exit 2
    ;;
esac
