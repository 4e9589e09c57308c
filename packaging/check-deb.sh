#!/usr/bin/env bash
# packaging/check-deb.sh BUILD_DIR
#
# Builds the Debian package of a configured and built tree (cpack -G DEB) and checks it:
#   - control fields (name, version, section, maintainer) and that Depends covers every shared
#     library the programs need and every Qt plugin the window loads;
#   - every file the package must hold (programs, demo checkpoints, .desktop, MIME types, AppStream
#     metainfo, icons, man pages, copyright, the documents of docs/ with working relative links),
#     and nothing outside /usr;
#   - desktop-file-validate, appstreamcli validate --no-net and validate-tree on the packaged files;
#   - the MIME XML: well-formed, accepted by update-mime-database in a scratch database, and files
#     written by Graft (and the real test checkpoints, when present) recognised by that database;
#   - both man pages render without a groff warning, and name every subcommand and option that
#     the programs' --help prints;
#   - the programs run from the unpacked package: graft-cli --version, graft-cli ls on a packaged
#     demo checkpoint, and the window (offscreen, and on X11 under Xvfb).
# Exits 0 when all pass, 77 (skipped) for a sanitizer build, 1 with a message naming what failed.
# Runs as the CTest test package.Deb; the build writes BUILD_DIR/packaging/check-deb.env for it.
set -euo pipefail
shopt -s inherit_errexit

fail() {
  echo "check-deb: FAIL: $*" >&2
  exit 1
}
step() { echo "check-deb: $*"; }

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ -d "$1" ] || fail "$1 is not a build folder"
build="$(cd "$1" && pwd)"
env_file="$build/packaging/check-deb.env"
[ -f "$env_file" ] || fail "$env_file not found: configure $build with cmake first"
# shellcheck source=/dev/null
. "$env_file"
case "${GRAFT_SANITIZE^^}" in
  ON | TRUE | YES | 1)
    echo "check-deb: skipped: $build is a sanitizer build (GRAFT_SANITIZE), which is not packaged"
    exit 77
    ;;
esac

# --- tools -----------------------------------------------------------------------------------------
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package $2)"); }
need "$GRAFT_CPACK" cmake
need dpkg-deb dpkg
need dpkg-shlibdeps dpkg-dev
need objdump binutils
need file file
need desktop-file-validate desktop-file-utils
need appstreamcli appstream
need update-mime-database shared-mime-info
need xmllint libxml2-utils
need gio libglib2.0-bin
need groff groff-base
need man man-db
need xvfb-run xvfb
[ ${#missing[@]} -eq 0 ] || fail "missing tools: ${missing[*]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/graft-check-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# --- build the package -------------------------------------------------------------------------------
rm -f "$build"/package/graft_*.deb
if ! (cd "$build" && "$GRAFT_CPACK" -G DEB) >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed in $build"
fi
debs=("$build"/package/graft_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single graft_*.deb in $build/package"
deb="${debs[0]}"
step "built $deb ($(du -k "$deb" | cut -f1) kB) in $((SECONDS - started)) s"

# --- control fields --------------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = graft ] || fail "Package is '$(field Package)', not graft"
[ "$(field Version)" = "$GRAFT_VERSION" ] || fail "Version is '$(field Version)', not the project's $GRAFT_VERSION"
[ "$(field Section)" = science ] || fail "Section is '$(field Section)', not science"
[ -n "$(field Maintainer)" ] || fail "no Maintainer field"
[ -n "$(field Description)" ] || fail "no Description field"
depends="$(field Depends)"
[ -n "$depends" ] || fail "no Depends field"
# Package names in Depends, alternatives included, without versions and architecture qualifiers.
depends_names="$(tr ',|' '\n' <<<"$depends" | sed -e 's/(.*)//' -e 's/:.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)"
depends_on() { grep -qx "$1" <<<"$depends_names"; }
depends_on libqt6svg6 || fail "Depends lacks libqt6svg6 (the window's SVG icon engine): $depends"
step "Depends: $depends"
[ -n "$(field Recommends)" ] && step "Recommends: $(field Recommends)"

# --- contents ----------------------------------------------------------------------------------------
dpkg-deb --contents "$deb" >"$work/contents.txt"
awk '{print $6}' "$work/contents.txt" | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' | grep -vx '/' >"$work/paths.txt"
outside="$(grep -v '^/usr\(/\|$\)' "$work/paths.txt" || true)"
[ -z "$outside" ] || fail "files outside /usr: $outside"
id="$GRAFT_APPSTREAM_ID"
expected=(
  /usr/bin/graft
  /usr/bin/graft-cli
  /usr/share/graft/demo/pretrained_cnn.h5
  /usr/share/graft/demo/new_cnn.h5
  /usr/share/applications/graft.desktop
  /usr/share/mime/packages/graft.xml
  "/usr/share/metainfo/$id.metainfo.xml"
  /usr/share/icons/hicolor/scalable/apps/graft.svg
  /usr/share/man/man1/graft.1.gz
  /usr/share/man/man1/graft-cli.1.gz
  /usr/share/doc/graft/copyright
)
for size in $GRAFT_ICON_SIZES; do expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/graft.png"); done
# The documents (Help › User Guide reads share/doc/graft/user-guide.md) and their pictures.
while read -r doc; do expected+=("/usr/share/doc/graft/$doc"); done < <(cd "$GRAFT_SOURCE_DIR/docs" && find . -type f \( -name '*.md' -o -name '*.png' \) | sed 's|^\./||' | sort)
absent=()
for f in "${expected[@]}"; do grep -qxF "$f" "$work/paths.txt" || absent+=("$f"); done
[ ${#absent[@]} -eq 0 ] || fail "missing from the package: ${absent[*]}"
for program in graft graft-cli; do
  grep -q "^-rwxr-xr-x .* \./usr/bin/$program\$" "$work/contents.txt" || fail "/usr/bin/$program is not an executable file (mode 0755)"
done
extra="$(awk '$1 ~ /^-/ {print $6}' "$work/contents.txt" | sed 's|^\./|/|' | grep -vxF -f <(printf '%s\n' "${expected[@]}") || true)"
step "all ${#expected[@]} expected files present${extra:+; also: $(tr '\n' ' ' <<<"$extra")}"

root="$work/root"
dpkg-deb -x "$deb" "$root"

# Every relative link of the packaged documents (pictures, other documents) resolves in the package.
broken=()
while read -r doc; do
  while read -r target; do
    [ -e "$(dirname "$doc")/$target" ] || broken+=("${doc#"$root"}: $target")
  done < <(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\(//; s/\)$//; s/[[:space:]].*//; s/#.*//' | grep -vE '^$|^[a-z]+:' || true)
done < <(find "$root/usr/share/doc/graft" -name '*.md')
[ ${#broken[@]} -eq 0 ] || fail "packaged documents link to files the package lacks: ${broken[*]}"
step "documents: $(find "$root/usr/share/doc/graft" -name '*.md' | wc -l) Markdown files, their relative links resolve$( [ -f "$root/usr/share/doc/graft/user-guide.md" ] || echo " (no user-guide.md in docs/ yet)")"

# --- the programs' libraries -------------------------------------------------------------------------
# Every NEEDED library of graft and graft-cli must come from a package named in Depends.
package_of() {  # the Debian package that owns a file ("" when none does)
  local path="$1" candidate owner
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do
    owner="$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)" || true
    [ -n "$owner" ] && { echo "$owner"; return 0; }
  done
  return 0
}
for program in graft graft-cli; do
  binary="$root/usr/bin/$program"
  file -b "$binary" | grep -q 'ELF .* executable\|ELF .*pie executable\|ELF .*shared object' || fail "$program is not an ELF program: $(file -b "$binary")"
  file -b "$binary" | grep -q ', stripped' || fail "$program is not stripped: $(file -b "$binary")"
  if objdump -p "$binary" | grep -qE '^\s+(RPATH|RUNPATH)\s'; then
    fail "$program has an RPATH/RUNPATH: $(objdump -p "$binary" | grep -E 'RPATH|RUNPATH')"
  fi
  ldd "$binary" >"$work/ldd-$program.txt" 2>&1 || fail "ldd $program failed: $(cat "$work/ldd-$program.txt")"
  ! grep -q 'not found' "$work/ldd-$program.txt" || fail "$program: libraries not found: $(grep 'not found' "$work/ldd-$program.txt")"
  uncovered=()
  count=0
  while read -r soname; do
    count=$((count + 1))
    path="$(awk -v s="$soname" '$1 == s && $2 == "=>" {print $3; exit}' "$work/ldd-$program.txt")"
    [ -n "$path" ] || fail "$program needs $soname, which ldd does not resolve"
    owner="$(package_of "$path")"
    [ -n "$owner" ] || fail "$program needs $soname ($path), which no Debian package owns"
    depends_on "$owner" || uncovered+=("$soname ($owner)")
  done < <(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}')
  [ ${#uncovered[@]} -eq 0 ] || fail "$program needs libraries whose packages are not in Depends: ${uncovered[*]}"
  step "$program: stripped, no RUNPATH, all $count NEEDED libraries' packages in Depends"
done

# --- desktop entry -----------------------------------------------------------------------------------
desktop="$root/usr/share/applications/graft.desktop"
out="$(desktop-file-validate "$desktop" 2>&1)" || fail "desktop-file-validate failed: $out"
[ -z "$out" ] || fail "desktop-file-validate reports on graft.desktop: $out"
exec_program="$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")"
[ -x "$root/usr/bin/$exec_program" ] || fail "graft.desktop runs '$exec_program', which the package does not install in /usr/bin"
icon="$(sed -n 's/^Icon=//p' "$desktop")"
[ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "graft.desktop names icon '$icon', which is not in hicolor/scalable"
desktop_types="$(sed -n 's/^MimeType=//p' "$desktop" | tr ';' '\n' | grep -v '^$')"
[ -n "$desktop_types" ] || fail "graft.desktop has no MimeType="
step "graft.desktop: desktop-file-validate clean; Exec, Icon and $(wc -l <<<"$desktop_types") MIME types"

# --- icons -------------------------------------------------------------------------------------------
for size in $GRAFT_ICON_SIZES; do
  png="$root/usr/share/icons/hicolor/${size}x${size}/apps/graft.png"
  file -b "$png" | grep -q "^PNG image data, $size x $size," || fail "${size}x${size}/apps/graft.png is not a ${size}x${size} PNG: $(file -b "$png")"
done
xmllint --noout "$root/usr/share/icons/hicolor/scalable/apps/graft.svg" || fail "graft.svg is not well-formed XML"
step "icons: scalable SVG and PNGs of $GRAFT_ICON_SIZES px"

# --- AppStream ---------------------------------------------------------------------------------------
metainfo="$root/usr/share/metainfo/$id.metainfo.xml"
# Only pedantic hints pass, and the one note that a placeholder id under .example is not a known
# top-level domain (see GRAFT_APPSTREAM_ID in cmake/GraftPackaging.cmake).
appstream() {  # appstreamcli ARGS...: fails on errors, warnings and other notes; prints the notes it let pass
  local out rc=0 unexpected
  out="$(appstreamcli "$@" 2>&1)" || rc=$?
  [ $rc -eq 0 ] || fail "appstreamcli $* failed (exit $rc): $out"
  unexpected="$(grep -E '^ *[EWI]: ' <<<"$out" | grep -vE "^ *I: [^ ]+ cid-maybe-not-rdns example\." || true)"
  [ -z "$unexpected" ] || fail "appstreamcli $* reports: $unexpected"
  grep -E '^ *[IP]: ' <<<"$out" | sed -E 's/^ *([IP]): [^ ]+ ([^ ]+).*/\1 \2/' | sort -u | tr '\n' ' ' | sed 's/ $//' || true
}
appstream_notes="$(appstream validate --no-net --pedantic "$metainfo")"
appstream_tree_notes="$(appstream validate-tree --no-net --pedantic "$root")"
grep -q "<binary>graft</binary>" "$metainfo" && grep -q "<binary>graft-cli</binary>" "$metainfo" || fail "the metainfo does not provide both binaries"
grep -q "<launchable type=\"desktop-id\">graft.desktop</launchable>" "$metainfo" || fail "the metainfo's launchable is not graft.desktop"
grep -q "<release version=\"$GRAFT_VERSION\"" "$metainfo" || fail "the metainfo has no release $GRAFT_VERSION"
for type in $desktop_types; do
  grep -q "<mediatype>$type</mediatype>" "$metainfo" || fail "the metainfo does not provide mediatype $type (named by graft.desktop)"
done
step "metainfo $id: appstreamcli validate --no-net passes${appstream_notes:+ (notes: $appstream_notes)}, and so does validate-tree on the package${appstream_tree_notes:+ (notes: $appstream_tree_notes)}"

# --- MIME types --------------------------------------------------------------------------------------
mime_xml="$root/usr/share/mime/packages/graft.xml"
xmllint --noout "$mime_xml" || fail "graft.xml is not well-formed XML"
system_xml=/usr/share/mime/packages/freedesktop.org.xml
[ -f "$system_xml" ] || fail "$system_xml not found (shared-mime-info)"
own_types="$(xmllint --xpath '//*[local-name()="mime-type"]/@type' "$mime_xml" | sed -E 's/ *type="([^"]*)"/\1\n/g' | grep -v '^$')"
for type in $own_types; do
  ! grep -q "<mime-type type=\"$type\"" "$system_xml" || fail "graft.xml redefines $type, which freedesktop.org.xml already defines"
done
for type in $desktop_types; do
  grep -qx "$type" <<<"$own_types" || grep -q "<mime-type type=\"$type\"" "$system_xml" ||
    fail "graft.desktop names $type, which neither graft.xml nor freedesktop.org.xml defines"
done
xdg="$work/xdg"
mkdir -p "$xdg/mime/packages" "$work/no-user-data"
cp "$system_xml" "$mime_xml" "$xdg/mime/packages/"
out="$(XDG_DATA_DIRS="$xdg" XDG_DATA_HOME="$work/no-user-data" update-mime-database "$xdg/mime" 2>&1)" || fail "update-mime-database rejects graft.xml: $out"
[ -z "$out" ] || fail "update-mime-database warns about graft.xml: $out"
mime_of() {
  XDG_DATA_DIRS="$xdg" XDG_DATA_HOME="$work/no-user-data" gio info -a standard::content-type "$1" |
    sed -n 's/^ *standard::content-type: //p'
}
expect_type() {  # FILE TYPE
  local got
  got="$(mime_of "$1")" || fail "gio info $1 failed"
  [ "$got" = "$2" ] || fail "the scratch MIME database calls $1 '$got', not $2"
  mime_checked=$((mime_checked + 1))
}
mime_checked=0
samples="$work/samples"
mkdir -p "$samples"
cli="$root/usr/bin/graft-cli"
demo="$root/usr/share/graft/demo/pretrained_cnn.h5"
"$cli" convert "$demo" "$samples/model.safetensors" --format safetensors -q >/dev/null || fail "graft-cli convert to safetensors failed"
"$cli" convert "$demo" "$samples/model.pt" --format pytorch -q >/dev/null || fail "graft-cli convert to pytorch failed"
mkdir -p "$samples/tf"
"$cli" convert "$demo" "$samples/tf/ckpt" --format tf-bundle -q >/dev/null || fail "graft-cli convert to tf-bundle failed"
expect_type "$demo" application/x-hdf
expect_type "$samples/model.safetensors" application/x-safetensors
expect_type "$samples/model.pt" application/x-pytorch
expect_type "$samples/tf/ckpt.index" application/x-tensorflow-checkpoint-index
# By content alone (no extension): the magic rules.
cp "$samples/model.safetensors" "$samples/safetensors-no-extension"
cp "$samples/model.pt" "$samples/pytorch-no-extension"
expect_type "$samples/safetensors-no-extension" application/x-safetensors
expect_type "$samples/pytorch-no-extension" application/x-pytorch
# *.bin is not claimed by name: a .bin that is not a torch zip stays unknown.
head -c 4096 /dev/urandom >"$samples/firmware.bin"
[ "$(mime_of "$samples/firmware.bin")" != application/x-pytorch ] || fail "a random .bin file is called application/x-pytorch"
# The real checkpoints from other tools, when present (always in CI).
real="${GRAFT_REAL_TESTDATA:-$GRAFT_SOURCE_DIR/../shared/testdata/real}"
if [ -d "$real" ]; then
  for f in "$real"/safetensors/*.safetensors; do expect_type "$f" application/x-safetensors; done
  for f in "$real"/keras3-zip/*.keras; do expect_type "$f" application/x-keras; done
  for f in "$real"/pytorch/*; do expect_type "$f" application/x-pytorch; done  # .pt, .pth and a diffusers .bin
  for f in "$real"/tf2-checkpoint/*/*.index "$real"/tf1-checkpoint/*/*.index; do
    expect_type "$f" application/x-tensorflow-checkpoint-index
  done
  keras_files=("$real"/keras3-zip/*.keras)
  cp "${keras_files[0]}" "$samples/keras-no-extension"
  expect_type "$samples/keras-no-extension" application/x-keras
elif [ "${CI:-}" = true ]; then
  fail "real test checkpoints not found at $real (CI=true): set GRAFT_REAL_TESTDATA"
else
  step "real test checkpoints not found at $real: checked Graft's own files only"
fi
step "MIME: graft.xml well-formed, update-mime-database clean, $mime_checked files recognised"

# --- man pages ---------------------------------------------------------------------------------------
render() {  # PAGE.gz -> plain text on stdout; any groff warning fails
  local warnings
  warnings="$(gzip -dc "$1" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1)"
  [ -z "$warnings" ] || fail "groff warns about $(basename "$1"): $warnings"
  gzip -dc "$1" | LC_ALL=C.UTF-8 groff -man -Tascii -P-cbou -rLL=300n -rHY=0 2>/dev/null
}
for page in graft graft-cli; do
  gz="$root/usr/share/man/man1/$page.1.gz"
  gzip -t "$gz" || fail "$page.1.gz is not a valid gzip file"
  render "$gz" >"$work/$page.txt"
  out="$(LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat man --warnings -l "$gz" 2>&1 >/dev/null)" || fail "man -l $page.1.gz failed: $out"
  [ -z "$out" ] || fail "man -l $page.1.gz warns: $out"
  grep -q "^NAME" "$work/$page.txt" && grep -q "^SYNOPSIS" "$work/$page.txt" || fail "$page.1 has no NAME or SYNOPSIS section"
done
# Options as --help prints them, one per line: '-o,--output TEXT' (CLI11), '-v, --version' (Qt).
options_of() { sed -n '/^Options:/,/^[A-Z][a-z]*:/p' | grep -oE '^ +-[^ ]+(, --[^ ]+)?' | tr ',' '\n' | sed 's/ //g' | grep -vE '^(-h|--help)$' || true; }
# The text of one subcommand's section of graft-cli.1: from its heading to the next one.
section_of() { awk -v s="$1" '/^   [a-z]/ {inside = ($1 == s)} /^[A-Z]/ {inside = 0} inside' "$work/graft-cli.txt"; }
"$cli" --help >"$work/cli-help.txt" || fail "graft-cli --help failed"
subcommands="$(sed -n '/^Subcommands:/,$p' "$work/cli-help.txt" | awk 'NR > 1 && /^  [a-z]/ {print $1}')"
[ -n "$subcommands" ] || fail "graft-cli --help lists no subcommands"
checked_options=0
for sub in $subcommands; do
  section="$(section_of "$sub")"
  [ -n "$section" ] || fail "graft-cli.1 has no section for the subcommand '$sub' that graft-cli --help lists"
  "$cli" "$sub" --help >"$work/help-$sub.txt" || fail "graft-cli $sub --help failed"
  for option in $(options_of <"$work/help-$sub.txt"); do
    grep -qe "$option\b" <<<"$section" || fail "graft-cli.1 does not describe '$option' under '$sub' (graft-cli $sub --help has it)"
    checked_options=$((checked_options + 1))
  done
done
grep -qe '--version' "$work/graft-cli.txt" || fail "graft-cli.1 does not mention --version"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/graft" --help >"$work/graft-help.txt" 2>/dev/null || fail "graft --help failed"
for option in $(options_of <"$work/graft-help.txt") --help; do
  grep -qe "$option\b" "$work/graft.txt" || fail "graft.1 does not describe '$option' (graft --help has it)"
  checked_options=$((checked_options + 1))
done
step "man pages: render without warnings; graft-cli.1 covers subcommands $(tr '\n' ' ' <<<"$subcommands")and $checked_options options of --help"

# --- run the programs from the unpacked package ------------------------------------------------------
export XDG_RUNTIME_DIR="$work/runtime" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data" XDG_CACHE_HOME="$work/home/cache"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
version_line="$("$cli" --version)" || fail "graft-cli --version failed"
[[ "$version_line" == "graft-cli $GRAFT_VERSION "* ]] || fail "graft-cli --version prints '$version_line', not version $GRAFT_VERSION"
for demo_file in "$root"/usr/share/graft/demo/*.h5; do
  "$cli" ls "$demo_file" >"$work/ls.txt" || fail "graft-cli ls $demo_file failed"
  head -n1 "$work/ls.txt" | grep -q 'keras2-h5\|Keras' || fail "graft-cli ls $demo_file: unexpected header: $(head -n1 "$work/ls.txt")"
done
step "graft-cli: '$version_line'; ls of both packaged demo checkpoints"

# The window, with the dynamic loader reporting what it loads: every Qt plugin it loads must come
# from a package in Depends (libqt6gui6 holds xcb and offscreen, libqt6svg6 the SVG icon engine).
run_window() {  # NAME PREFIX... -- ARGS...: runs PREFIX... graft ARGS... with the loader's report on
  local name="$1" rc=0 prefix=()
  shift
  while [ "$1" != -- ]; do prefix+=("$1"); shift; done
  shift
  rm -rf "$work/ld-$name" && mkdir -p "$work/ld-$name"
  "${prefix[@]}" env LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld-$name/ld" "$root/usr/bin/graft" "$@" >"$work/window-$name.log" 2>&1 || rc=$?
  [ $rc -eq 0 ] || fail "the window ($name) exited with $rc: $(tail -n 20 "$work/window-$name.log")"
  ! grep -qi 'could not load the qt platform plugin\|cannot load library\|QSvg' "$work/window-$name.log" ||
    fail "the window ($name) reports a loading problem: $(grep -i 'plugin\|library\|QSvg' "$work/window-$name.log")"
  # (Qt first tries a hardware-specific name such as libqxcb.so.avx2; the loader reports those
  # attempts too, so only files that exist count.)
  cat "$work/ld-$name"/ld.* | sed -n 's/.*file=\([^ ]*\) \[[0-9]*\];  dynamically loaded by .*/\1/p' | sort -u |
    while read -r f; do [ ! -e "$f" ] || echo "$f"; done >"$work/dlopened-$name.txt"
  grep -q '/qt6/plugins/platforms/' "$work/dlopened-$name.txt" || fail "the window ($name) loaded no Qt platform plugin"
  local plugin owner
  while read -r plugin; do
    owner="$(package_of "$plugin")"
    [ -n "$owner" ] || fail "the window ($name) loads $plugin, which no Debian package owns"
    depends_on "$owner" || fail "the window ($name) loads $plugin from $owner, which is not in Depends: $depends"
  done < <(grep '/qt6/plugins/' "$work/dlopened-$name.txt")
  grep '/qt6/plugins/' "$work/dlopened-$name.txt" | sed 's|.*/qt6/plugins/||' | tr '\n' ' '
}
demo_dir="$root/usr/share/graft/demo"
plugins="$(run_window offscreen env QT_QPA_PLATFORM=offscreen -- --quit-after 500)"
grep -q 'iconengines/libqsvgicon.so' <<<"$plugins" || fail "the window did not load the SVG icon engine (libqsvgicon.so): $plugins"
step "window (offscreen, no arguments: the demo): ran and quit; Qt plugins loaded: $plugins"
plugins="$(run_window xcb xvfb-run -a -s "-screen 0 1280x800x24" env -u QT_QPA_PLATFORM -- --quit-after 1500 \
  "$demo_dir/pretrained_cnn.h5" "$demo_dir/new_cnn.h5")"
grep -q 'platforms/libqxcb.so' <<<"$plugins" || fail "the window under Xvfb did not use the xcb platform plugin: $plugins"
step "window (X11 under Xvfb, the packaged demo files as arguments): ran and quit; Qt plugins loaded: $plugins"

step "PASS: $(basename "$deb") in $((SECONDS - started)) s"
