#!/usr/bin/env bash
# Side-by-side merge-export benchmark: graft-cli merge vs the h5py scripts researchers write
# vs cp of the target, on two ~1 GB Keras 2 files (every matching tensor from the source,
# the rest from the target). Prints median wall time, GB/s, peak RSS and ratios.
#
# Usage: bench/merge_vs_h5py.sh [GRAFT_CLI] [WORKDIR]   (env: BENCH_REPEATS=5, BENCH_SIZE=1e9)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/bench_lib.sh"
graft=${1:-$here/../build/app/graft-cli}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}/merge
repeats=${BENCH_REPEATS:-5}
size=${BENCH_SIZE:-1e9}
py=/usr/bin/python3  # Debian's python has h5py

[[ -x $graft ]] || { echo "graft-cli not found: $graft" >&2; exit 1; }
mkdir -p "$work"
if [[ ! -f $work/source.h5 || ! -f $work/target.h5 ]]; then
  echo "generating two ~$size-byte checkpoints in $work ..." >&2
  "$py" "$here/make_merge_pair.py" "$work" "$size"
fi
bytes=$(stat -c %s "$work/target.h5")

declare -A cmds=(
  [graft]="$graft merge $work/source.h5 $work/target.h5 -o $work/out-graft.h5 --strategy name --on-conflict skip --quiet --no-verify"
  [graft-verify]="$graft merge $work/source.h5 $work/target.h5 -o $work/out-graftv.h5 --strategy name --on-conflict skip --quiet"
  [h5py-copy]="$py $here/h5py_merge.py $work/source.h5 $work/target.h5 $work/out-h5copy.h5 copy"
  [h5py-naive]="$py $here/h5py_merge.py $work/source.h5 $work/target.h5 $work/out-h5naive.h5 naive"
  [cp]="cp $work/target.h5 $work/out-cp.h5"
)
order=(cp graft graft-verify h5py-copy h5py-naive)
[[ -n ${BENCH_EXTRA:-} ]] && { cmds[extra]="$BENCH_EXTRA"; order+=(extra); }
declare -A times rss
for ((i = 0; i < repeats; i++)); do
  for name in "${order[@]}"; do
    rm -f "$work"/out-*.h5
    sync  # start every run without dirty pages from the last one (writeback throttling skews timings)
    out=$( { /usr/bin/time -f '%e %M' ${cmds[$name]} >/dev/null; } 2>&1 | tail -1)
    times[$name]+="${out%% *} "
    rss[$name]+="${out##* } "
  done
done
rm -f "$work"/out-*.h5

cp_t=$(echo "${times[cp]}" | median)
printf '%s\n' "target: $(awk -v b="$bytes" 'BEGIN{printf "%.2f GB", b/1e9}'), $repeats runs each, alternating; warm page cache, sync before each run"
printf '%-13s %10s %8s %12s %12s\n' tool median_s GB/s peak_RSS_MB vs_cp_speed
for name in "${order[@]}"; do
  t=$(echo "${times[$name]}" | median)
  m=$(echo "${rss[$name]}" | maxof)
  awk -v n="$name" -v t="$t" -v b="$bytes" -v m="$m" -v c="$cp_t" \
    'BEGIN{printf "%-13s %10.3f %8.2f %12.1f %11.2fx\n", n, t, (t>0?b/t/1e9:0), m/1024, (t>0?c/t:0)}'
done
