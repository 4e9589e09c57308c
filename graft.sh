#!/usr/bin/env bash
# Graft's two entry points, both idempotent and quick when nothing changed:
#   ./graft.sh run [SOURCE [TARGET]]   install what is missing, build, open the window
#   ./graft.sh test [--quick]          install what is missing, build, run the whole suite:
#       1. the release build's tests (ctest, with the performance guard and the package check);
#       2. a clang-14 ASan + UBSan build and every test again under the sanitizers;
#       3. a short fuzz run of every parser (GRAFT_FUZZ_SECONDS per target, default 60).
#     --quick runs stage 1 only; --sanitize runs stages 2 and 3 only.
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
  clang-14 libclang-rt-14-dev llvm-14
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
  # The flags are CMakePresets.json's "release" preset; options given here override it.
  cmake --preset release -S "$here" -B "$dir" --log-level=WARNING "$@"
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
    stages="release sanitize fuzz"
    case "${1:-}" in
      --quick) stages="release" ;;
      --sanitize) stages="sanitize fuzz" ;;
      "") ;;
      *) echo "usage: ./graft.sh test [--quick|--sanitize]" >&2; exit 2 ;;
    esac
    started=$SECONDS
    stage() { echo "== graft.sh test: $1 ($(( SECONDS - started )) s so far)" >&2; }
    if [[ $stages == *release* ]]; then
      stage "release build and tests"
      flags=()
      # CI builds with warnings as errors: the tree must stay warning-free.
      [ "${CI:-}" = "true" ] && flags+=(-DGRAFT_WERROR=ON)
      build "$build" "${flags[@]}"
      mkdir -p "$build/xdg-runtime" && chmod 700 "$build/xdg-runtime"
      ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 300
    fi
    if [[ $stages == *sanitize* ]]; then
      # One clang build serves both: everything under ASan + UBSan (-O1 keeps the suite quick),
      # and the fuzz targets, which need clang's libFuzzer. libhdf5 is Debian's shared build.
      stage "ASan + UBSan build and tests"
      sanitized="${GRAFT_SANITIZE_BUILD_DIR:-${build}-sanitize}"
      CC=clang-14 CXX=clang++-14 build "$sanitized" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
        -DGRAFT_SANITIZE=ON -DGRAFT_FUZZ=ON -DGRAFT_STATIC_HDF5=OFF
      mkdir -p "$sanitized/xdg-runtime" && chmod 700 "$sanitized/xdg-runtime"
      # Third-party leaks only, each explained in the file; stacks symbolized by llvm-14.
      export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
      LSAN_OPTIONS="suppressions=$here/fuzz/lsan.supp" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        ctest --test-dir "$sanitized" --output-on-failure -j "$jobs" --timeout 600
    fi
    if [[ $stages == *fuzz* ]]; then
      stage "fuzz run"
      FUZZ_JOBS="$jobs" "$here/fuzz/run.sh" "${GRAFT_FUZZ_SECONDS:-60}" "${GRAFT_SANITIZE_BUILD_DIR:-${build}-sanitize}"
    fi
    stage "done"
    ;;
  *)
    echo "usage: ./graft.sh run [SOURCE [TARGET]] | ./graft.sh test [--quick|--sanitize]" >&2
    exit 2
    ;;
esac
