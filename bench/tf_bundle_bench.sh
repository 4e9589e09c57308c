#!/usr/bin/env bash
# TensorFlow checkpoint bars (issue 5), side by side in one run:
#  * listing a ~1,000-variable bundle reads only its .index: `graft-cli ls --json` time and peak
#    RSS on a 0.5 GB and a 2 GB bundle with the same variables (flat in data size);
#  * export throughput: `graft-cli convert IN OUT --no-verify` (a full rewrite: index, shards,
#    every tensor's CRC) against `cp` of the same files, alternating runs, warm cache.
# The bundles are made once, outside the repo: Keras 2 files written by h5py (make_keras2_h5.py),
# converted with `graft-cli convert --format tf-bundle` (TensorFlow is not available here).
#
# Usage: bench/tf_bundle_bench.sh [GRAFT_CLI] [WORKDIR]   (env: BENCH_REPEATS=5)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
graft=${1:-$here/../build/app/graft-cli}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}/tf
repeats=${BENCH_REPEATS:-5}
py=/usr/bin/python3  # Debian's python has h5py
[[ -x $graft ]] || { echo "graft-cli not found: $graft" >&2; exit 1; }
mkdir -p "$work"

for size in 0.5 2; do
  if [[ ! -f $work/tf_${size}GB.index ]]; then
    echo "generating a ${size} GB, ~1,000-variable TensorFlow checkpoint in $work ..." >&2
    "$py" "$here/make_keras2_h5.py" "$work/keras_${size}GB.h5" "${size}e9" 1000 >/dev/null
    "$graft" convert "$work/keras_${size}GB.h5" "$work/tf_${size}GB" --format tf-bundle --no-verify -q
    rm -f "$work/keras_${size}GB.h5"
  fi
done

. "$here/bench_lib.sh"

echo "machine: $(nproc) cores, $(uname -r); graft-cli: $graft"
echo
echo "listing (graft-cli ls --json), $repeats samples of 10 calls each"
printf '%-16s %8s %10s %8s %12s\n' file data_GB variables ms peak_RSS_MB
declare -A lsms
for size in 0.5 2; do
  index=$work/tf_${size}GB.index
  data=$(cat "$work"/tf_${size}GB.data-* | wc -c)
  samples=""
  for ((i = 0; i < repeats; i++)); do samples+="$(perCall "$graft" ls --json "$index") "; done
  ms=$(echo "$samples" | median)
  rss=$(peakMB "$graft" ls --json "$index")
  vars=$("$graft" ls --json "$index" | grep -c '"key"')
  lsms[$size]=$ms
  awk -v f="tf_${size}GB" -v d="$data" -v v="$vars" -v ms="$ms" -v r="$rss" \
    'BEGIN{printf "%-16s %8.2f %10d %8.2f %12.1f\n", f, d/1e9, v, ms/100, r}'
done
echo

src=$work/tf_2GB
bytes=$(cat "$src".index "$src".data-* | wc -c)
declare -A cmds=(
  [cp]="cp $src.index $src.data-00000-of-00001 $work/out-cp/"
  [graft]="$graft convert $src.index $work/out-graft/copy --no-verify -q"
  [graft-verify]="$graft convert $src.index $work/out-graftv/copy -q"
)
order=(cp graft graft-verify)
declare -A times rss
timeAlternating "$work" "$repeats"
cp_t=$(echo "${times[cp]}" | median)
echo "export: $(awk -v b="$bytes" 'BEGIN{printf "%.2f GB", b/1e9}') (index + 1 data shard), $repeats runs each, alternating; warm page cache, sync before each run"
printf '%-13s %10s %8s %12s %12s\n' tool median_s GB/s peak_RSS_MB vs_cp_speed
for name in "${order[@]}"; do
  t=$(echo "${times[$name]}" | median)
  m=$(echo "${rss[$name]}" | maxof)
  awk -v n="$name" -v t="$t" -v b="$bytes" -v m="$m" -v c="$cp_t" \
    'BEGIN{printf "%-13s %10.3f %8.2f %12.1f %11.2fx\n", n, t, (t>0?b/t/1e9:0), m/1024, (t>0?c/t:0)}'
done
echo
g_t=$(echo "${times[graft]}" | median)
awk -v a="${lsms[0.5]}" -v b="${lsms[2]}" 'BEGIN{r=b/a; printf "%s  listing flat in data size: 2 GB / 0.5 GB = %.2fx (bar: <= 1.5x)\n", (r<=1.5?"PASS":"FAIL"), r}'
awk -v c="$cp_t" -v g="$g_t" 'BEGIN{r=(g>0?c/g:0); printf "%s  export >= 0.9x cp: %.2fx\n", (r>=0.9?"PASS":"FAIL"), r}'
