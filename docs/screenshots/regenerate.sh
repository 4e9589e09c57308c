#!/usr/bin/env bash
# Retakes the documentation's screenshots from the current sources:
#   docs/screenshots/regenerate.sh [BUILD_DIR]        (default: build/ beside the sources)
#
# Builds graft_ui_tests, runs the UserGuideScreenshots suite (guide-*.png, the pictures of
# docs/user-guide.md) and the Screenshots suite (window-drag-preview, window-conflict-menu,
# window-export-progress, window-tensorflow) in the real window on an X server (Xvfb, xcb
# platform), and copies the pictures here. Each test asserts the state it pictures, so a
# failing test stops the script before anything is copied.
# GRAFT_JOBS sets the build's parallel jobs (default: all cores).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-${GRAFT_BUILD_DIR:-$root/build}}"
jobs="${GRAFT_JOBS:-$(nproc 2>/dev/null || echo 2)}"
started=$(date +%s)

for tool in cmake xvfb-run; do
  command -v "$tool" >/dev/null || { echo "regenerate.sh: $tool is missing (./graft.sh test installs it)" >&2; exit 1; }
done
if [ ! -f "$build/CMakeCache.txt" ]; then
  # graft.sh's preset, so the two share one build directory.
  cmake --preset release -S "$root" -B "$build" --log-level=WARNING
fi
cmake --build "$build" -j "$jobs" --target graft_ui_tests graft-cli

shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
runtime="$build/xdg-runtime"
mkdir -p "$runtime" && chmod 700 "$runtime"
GRAFT_SCREENSHOT_DIR="$shots" QT_QPA_PLATFORM=xcb XDG_RUNTIME_DIR="$runtime" \
  xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$build/tests/ui/graft_ui_tests" --gtest_filter='UserGuideScreenshots.*:Screenshots.*' --gtest_brief=1

from_screenshots_suite=(window-drag-preview.png window-conflict-menu.png window-export-progress.png window-tensorflow.png)
shopt -s nullglob
guide=("$shots"/guide-*.png)
[ ${#guide[@]} -gt 0 ] || { echo "regenerate.sh: the tests wrote no guide-*.png (was the real test data found?)" >&2; exit 1; }
for name in "${from_screenshots_suite[@]}"; do
  [ -f "$shots/$name" ] || { echo "regenerate.sh: the Screenshots suite wrote no $name" >&2; exit 1; }
done
rm -f "$here"/guide-*.png  # pictures of steps that no longer exist go too
for f in "${guide[@]}" "${from_screenshots_suite[@]/#/$shots/}"; do
  cp "$f" "$here/"
  printf '%-32s %4d KB\n' "$(basename "$f")" $(( $(stat -c %s "$f") / 1024 ))
done
echo "regenerate.sh: $(( ${#guide[@]} + ${#from_screenshots_suite[@]} )) screenshots in $here ($(( $(date +%s) - started )) s)"
