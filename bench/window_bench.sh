#!/usr/bin/env bash
# The window's bars (issue 4): a 100,000-variable checkpoint opens in < 300 ms, each filter
# keystroke < 50 ms, the UI thread never stalls > 50 ms while a ~1 GB export runs. Generates
# its data outside the repo on first use (h5py), then runs graft-window-bench offscreen.
#
# Usage: bench/window_bench.sh [BUILD_DIR] [WORKDIR]   (env: BENCH_REPEATS=5)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../build}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}
py=/usr/bin/python3  # Debian's python has h5py
bench=$build/bench/graft-window-bench
[[ -x $bench ]] || { echo "graft-window-bench not found in $build/bench" >&2; exit 1; }

mkdir -p "$work/merge"
big=$work/keras2_100k_variables.h5
if [[ ! -f $big ]]; then
  echo "generating a 100,000-variable Keras 2 file in $big ..." >&2
  "$py" "$here/make_keras2_h5.py" "$big" 50e6 100000
fi
if [[ ! -f $work/merge/source.h5 || ! -f $work/merge/target.h5 ]]; then
  echo "generating two ~1 GB checkpoints in $work/merge ..." >&2
  "$py" "$here/make_merge_pair.py" "$work/merge" 1e9
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
# The open time of a 100,000-object HDF5 file is libhdf5's: what h5ls -r and graft-cli ls take.
for tool in "h5ls -r" "$build/app/graft-cli ls"; do
  /usr/bin/time -f "%e s  %M KB  $tool (100k-variable file)" $tool "$big" >/dev/null
done
# The same 100,000 variables as a TensorFlow checkpoint (written by graft-cli convert): its
# open is Graft's own work, not libhdf5's.
tf=$work/tf/tf_100k
if [[ ! -f $tf.index ]]; then
  mkdir -p "$work/tf"
  "$build/app/graft-cli" convert "$big" "$tf" --format tf-bundle --no-verify -q
fi
for file in "$big" "$tf.index"; do
  echo
  echo "== $(basename "$file")"
  QT_QPA_PLATFORM=offscreen "$bench" "$file" "$work/merge/source.h5" "$work/merge/target.h5" "$work/merge/out-window.h5" "${BENCH_REPEATS:-5}"
done
