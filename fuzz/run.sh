#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each one.
#   fuzz/run.sh [SECONDS_PER_TARGET=60] [BUILD_DIR=build-fuzz] [TARGET...]
# Seeds: the real checkpoints (../shared/testdata/real or $GRAFT_REAL_TESTDATA) under 1 MiB,
# the plan files under tests/. Corpora grow in BUILD_DIR/corpus/TARGET; anything that crashes,
# leaks, takes over 1 s or allocates over 2 GB stops the run (exit code 1) and is kept as
# BUILD_DIR/findings/TARGET-*. The last line of each target is its execution count.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
build="${2:-$here/build-fuzz}"
real="${GRAFT_REAL_TESTDATA:-$here/../shared/testdata/real}"

CC=clang-14 CXX=clang++-14 cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGRAFT_FUZZ=ON -DGRAFT_BUILD_UI=OFF -DGRAFT_BUILD_TESTS=OFF -DGRAFT_STATIC_HDF5=OFF --log-level=WARNING
targets=(fuzz_pickle fuzz_tf_index fuzz_plan_json fuzz_open_keras2_h5 fuzz_open_keras3_weights_h5
         fuzz_open_keras3_zip fuzz_open_safetensors fuzz_open_pytorch)
shift $(( $# > 2 ? 2 : $# ))
(( $# > 0 )) && targets=("$@")
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

seed() {  # TARGET: the seed files' paths
  case $1 in
    fuzz_pickle) ;;  # the pickles inside the real .pt zips are extracted below
    fuzz_tf_index) find "$real" -name '*.index' -size -1048576c ;;
    fuzz_plan_json) find "$here/tests" "$here/docs" -name '*.json' -size -1048576c ;;
    fuzz_open_keras2_h5) find "$real/keras2-model-h5" "$real/keras2-weights-h5" -name '*.h5' -size -1048576c ;;
    fuzz_open_keras3_weights_h5) find "$real/keras3-weights-h5" -name '*.h5' -size -1048576c ;;
    fuzz_open_keras3_zip) find "$real/keras3-zip" -name '*.keras' -size -1048576c ;;
    fuzz_open_safetensors) find "$real/safetensors" -name '*.safetensors' -size -1048576c ;;
    fuzz_open_pytorch) find "$real/pytorch" -name '*.pt' -size -1048576c ;;
  esac
}

mkdir -p "$build/findings"
export LSAN_OPTIONS="suppressions=$here/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seed "$t" | while read -r f; do cp -n "$f" "$corpus/" 2>/dev/null || true; done
  if [[ $t == fuzz_pickle ]]; then
    /usr/bin/python3 - "$real/pytorch" "$corpus" <<'PY'
import pathlib, sys, zipfile
for i, pt in enumerate(sorted(pathlib.Path(sys.argv[1]).rglob("*.pt"))):
    with zipfile.ZipFile(pt) as z:
        for name in z.namelist():
            if name.endswith("data.pkl"):
                pathlib.Path(sys.argv[2], f"seed{i}.pkl").write_bytes(z.read(name))
PY
  fi
  echo "== $t: $seconds s"
  if ! "$build/fuzz/$t" "$corpus" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=1048576 \
        -artifact_prefix="$build/findings/$t-" -print_final_stats=1 > "$build/$t.log" 2>&1; then
    status=1
    tail -40 "$build/$t.log"
  fi
  grep -E "stat::number_of_executed_units" "$build/$t.log" | sed "s/^/$t /" || true
done
exit $status
