#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each one.
#   fuzz/run.sh [SECONDS_PER_TARGET=60] [BUILD_DIR=build-fuzz] [TARGET...]
# FUZZ_JOBS=N runs N targets at a time (default 1). A BUILD_DIR already configured with
# GRAFT_FUZZ=ON (graft.sh's sanitizer build) is reused as it is; otherwise it is configured with
# the UI and tests off. Seeds: the real checkpoints (../shared/testdata/real or
# $GRAFT_REAL_TESTDATA) under 1 MiB, the plan files under tests/. Corpora grow in
# BUILD_DIR/corpus/TARGET; anything that crashes, leaks, takes over 1 s, grows past 2 GB or asks
# `new` for over 512 MB fails the run (exit code 1) and is kept as BUILD_DIR/findings/TARGET-*,
# except a report that is libhdf5's own bug (fuzz/libhdf5_report.awk tells), which is counted and
# the target restarted without that input in its corpus. Each target's last line gives its
# execution count.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
build="${2:-$here/build-fuzz}"
jobs="${FUZZ_JOBS:-1}"
real="${GRAFT_REAL_TESTDATA:-$here/../shared/testdata/real}"
[ -d "$real" ] || { echo "fuzz/run.sh: no real test data at $real (seeds)" >&2; exit 1; }

if ! grep -qs '^GRAFT_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
  CC=clang-14 CXX=clang++-14 cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGRAFT_FUZZ=ON -DGRAFT_BUILD_UI=OFF -DGRAFT_BUILD_TESTS=OFF -DGRAFT_STATIC_HDF5=OFF --log-level=WARNING
fi
targets=(fuzz_pickle fuzz_tf_index fuzz_plan_json fuzz_open_keras2_h5 fuzz_open_keras3_weights_h5
         fuzz_open_keras3_zip fuzz_open_safetensors fuzz_open_pytorch fuzz_open_tf_bundle_folder
         fuzz_open_safetensors_folder)
shift $(( $# > 2 ? 2 : $# ))
(( $# > 0 )) && targets=("$@")
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

seed() {  # TARGET: the seed files' paths
  case $1 in
    fuzz_tf_index) find "$real" -name '*.index' -size -1048576c ;;
    fuzz_plan_json) find "$here/tests" "$here/docs" -name '*.json' -size -1048576c ;;
    fuzz_open_keras2_h5) find "$real/keras2-model-h5" "$real/keras2-weights-h5" -name '*.h5' -size -1048576c ;;
    fuzz_open_keras3_weights_h5) find "$real/keras3-weights-h5" -name '*.h5' -size -1048576c ;;
    fuzz_open_keras3_zip) find "$real/keras3-zip" -name '*.keras' -size -1048576c ;;
    fuzz_open_safetensors) find "$real/safetensors" -name '*.safetensors' -size -1048576c ;;
    fuzz_open_pytorch) find "$real/pytorch" -name '*.pt' -size -1048576c ;;
    *) ;;  # made below
  esac
}

# Seeds that are not plain files: the pickles inside the real .pt zips, and whole checkpoint
# folders packed as fuzz_open_folder.cpp reads them (the file to open first).
make_seeds() {  # TARGET CORPUS
  /usr/bin/python3 - "$1" "$real" "$2" <<'PY'
import pathlib, struct, sys, zipfile
target, real, corpus = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
def pack(first, others, name):
    blob = b""
    for f in [first] + sorted(others):
        blob += bytes([len(f.name)]) + f.name.encode() + struct.pack("<I", f.stat().st_size) + f.read_bytes()
    if len(blob) < 1 << 20:
        (corpus / name).write_bytes(blob)
if target == "fuzz_pickle":
    for i, pt in enumerate(sorted(real.rglob("*.pt"))):
        with zipfile.ZipFile(pt) as z:
            for n in z.namelist():
                if n.endswith("data.pkl"):
                    (corpus / f"seed{i}.pkl").write_bytes(z.read(n))
elif target == "fuzz_open_tf_bundle_folder":
    for i, index in enumerate(sorted(real.rglob("*.index"))):
        prefix = index.name[: -len(".index")]
        pack(index, [p for p in index.parent.iterdir() if p.name.startswith(prefix + ".data-")], f"seed{i}")
elif target == "fuzz_open_safetensors_folder":
    for i, index in enumerate(sorted(real.rglob("*.safetensors.index.json"))):
        pack(index, [p for p in index.parent.iterdir() if p.suffix == ".safetensors"], f"seed{i}")
PY
}

fuzz_one() {  # TARGET: runs it for $seconds; prints its execution count; returns 1 on a finding
  local t=$1 corpus="$build/corpus/$1" started=$SECONDS runs=0 libhdf5=0 rc=0 n
  mkdir -p "$corpus"
  seed "$t" | while read -r f; do cp -n "$f" "$corpus/" 2>/dev/null || true; done
  make_seeds "$t" "$corpus"
  : > "$build/$t.log"
  # A report inside libhdf5 is counted and the run goes on with the same corpus; anything else
  # stops it as a finding.
  while (( SECONDS - started < seconds )); do
    if "$build/fuzz/$t" "$corpus" -max_total_time=$(( seconds - (SECONDS - started) )) -timeout=1 -rss_limit_mb=2048 \
         -max_len=1048576 -artifact_prefix="$build/findings/$t-" -print_final_stats=1 > "$build/$t.run.log" 2>&1; then
      rc=0
    else
      rc=1
    fi
    cat "$build/$t.run.log" >> "$build/$t.log"
    n=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$build/$t.run.log" | grep -Eo '[0-9]+$' || true)
    [ -z "$n" ] && n=$(grep -Eo '^#[0-9]+' "$build/$t.run.log" | tail -1 | tr -d '#' || true)
    runs=$(( runs + ${n:-0} ))
    (( rc == 0 )) && break
    if awk -f "$here/fuzz/libhdf5_report.awk" "$build/$t.run.log"; then
      # Counted, not a finding: if the time runs out now, the target still passed.
      libhdf5=$(( libhdf5 + 1 ))
      rc=0
      # The input is kept in findings/ and leaves the corpus: an input the corpus took in can
      # fail once libhdf5's state differs, and the restart would replay it while loading the
      # corpus, report it again, and spend the whole run restarting.
      unit=$(sed -n 's/^.*Test unit written to //p' "$build/$t.run.log" | tail -1)
      if [ -f "$unit" ]; then rm -f "$corpus/$(sha1sum < "$unit" | cut -c1-40)"; fi
      continue
    fi
    echo "== $t: FINDING (log: $build/$t.log)"
    tail -40 "$build/$t.run.log"
    break
  done
  echo "$t: $runs executions in $(( SECONDS - started )) s; reports inside libhdf5 (third-party): $libhdf5"
  return $rc
}

mkdir -p "$build/findings"
export LSAN_OPTIONS="suppressions=$here/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# malloc returns NULL for over 512 MB, as glibc's does for a size it cannot give (in the window's
# probe, anything past its 4 GiB address-space cap), so libhdf5's own error path runs. libhdf5
# asks for what a crafted header or string length claims (1.7 GB, 17 GB, 2^64 bytes) and zeroes
# it; under ASan even an untouched 17 GB block costs 2 GB of shadow memory, so such inputs ended
# as RSS reports that named no culprit and could not be told from a fault of Graft's. C++ `new`
# over 512 MB still reports (Graft's containers), and RSS past 2 GB still fails the run.
export ASAN_OPTIONS="allocator_may_return_null=1:max_allocation_size_mb=512${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}"
echo "fuzz/run.sh: ${#targets[@]} targets, $seconds s each, $jobs at a time"
status=0
pids=()
for t in "${targets[@]}"; do
  fuzz_one "$t" & pids+=($!)
  if (( ${#pids[@]} >= jobs )); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
