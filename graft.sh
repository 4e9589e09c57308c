#!/usr/bin/env bash
# Graft's two entry points, both idempotent and quick when nothing changed:
#   ./graft.sh run [SOURCE [TARGET]]   install what is missing, build, open the window
#   ./graft.sh test [--sanitize]       install what is missing, build, run the whole suite (ctest)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${GRAFT_BUILD_DIR:-$here/build}"
jobs="$(nproc 2>/dev/null || echo 2)"

# Debian 12 (bookworm) packages; nothing else is fetched.
packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libqt6svg6 libqcustomplot-dev libqcustomplot2.1-qt6
  libhdf5-dev libsnappy-dev libzip-dev nlohmann-json3-dev libcli11-dev libssl-dev libgtest-dev libgmock-dev libeigen3-dev
  hdf5-tools python3-h5py python3-numpy python3-snappy python3-torch time
  xvfb xauth fonts-dejavu-core
  qt6-svg-dev dpkg-dev file desktop-file-utils appstream shared-mime-info libglib2.0-bin libxml2-utils groff-base man-db
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "graft.sh: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "graft.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
}

build() {
  local dir="$1"; shift
  # Re-running configure is a no-op when nothing changed, and applies changed options when something did.
  cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo --log-level=WARNING "$@"
  cmake --build "$dir" -j "$jobs"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    install_missing
    build "$build"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "graft.sh: no display found; running the window inside Xvfb (xvfb-run)" >&2
      exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/graft" "$@"
    fi
    exec "$build/app/graft" "$@"
    ;;
  test)
    install_missing
    flags=()
    # CI builds with warnings as errors: the tree must stay warning-free.
    [ "${CI:-}" = "true" ] && flags+=(-DGRAFT_WERROR=ON)
    if [ "${1:-}" = "--sanitize" ]; then
      build="${build}-asan"
      flags+=(-DGRAFT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
    fi
    build "$build" "${flags[@]}"
    mkdir -p "$build/xdg-runtime" && chmod 700 "$build/xdg-runtime"
    exec ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 300
    ;;
  *)
    echo "usage: ./graft.sh run [SOURCE [TARGET]] | ./graft.sh test [--sanitize]" >&2
    exit 2
    ;;
esac
