#!/usr/bin/env bash
# safetensors and PyTorch bars (issue 6), side by side in one run:
#  * listing: `graft-cli ls --json` of a ~0.5 GB and a ~2 GB file with the same ~500 tensors
#    (flat in data size), against what a researcher runs instead: a Python header read
#    (struct + json) for safetensors, torch.load for PyTorch;
#  * export throughput: `graft-cli convert IN OUT --no-verify` (and verified) against `cp` of the
#    same file, alternating runs, warm cache, sync before each run.
# The files are made once, outside the repo: Keras 2 files written by h5py (make_keras2_h5.py),
# converted with `graft-cli convert --format F --layout torch`.
#
# Usage: bench/formats_bench.sh [GRAFT_CLI] [WORKDIR] [FORMATS...]   (env: BENCH_REPEATS=5)
#   FORMATS: safetensors pytorch (default: both)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
graft=${1:-$here/../build/app/graft-cli}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}/formats
shift $(( $# > 2 ? 2 : $# )) || true
formats=("${@:-safetensors pytorch}")
read -r -a formats <<< "${formats[*]}"
repeats=${BENCH_REPEATS:-5}
py=/usr/bin/python3  # Debian's python has h5py, numpy and torch
[[ -x $graft ]] || { echo "graft-cli not found: $graft" >&2; exit 1; }
mkdir -p "$work"

declare -A ext=([safetensors]=safetensors [pytorch]=pt)
for size in 0.5 2; do
  for f in "${formats[@]}"; do
    out=$work/model_${size}GB.${ext[$f]}
    [[ -f $out ]] && continue
    if [[ ! -f $work/keras_${size}GB.h5 ]]; then
      echo "generating a ${size} GB, ~500-tensor Keras 2 file in $work ..." >&2
      "$py" "$here/make_keras2_h5.py" "$work/keras_${size}GB.h5" "${size}e9" 500 >/dev/null
    fi
    echo "converting it to $f ..." >&2
    "$graft" convert "$work/keras_${size}GB.h5" "$out" --format "$f" --layout torch --no-verify -q
  done
done
rm -f "$work"/keras_*.h5

. "$here/bench_lib.sh"

safetensorsHeader='import json, struct, sys
f = open(sys.argv[1], "rb"); n = struct.unpack("<Q", f.read(8))[0]; h = json.loads(f.read(n)); print(len(h))'
torchLoad='import sys, torch
sd = torch.load(sys.argv[1], map_location="cpu"); print(len(sd))'

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); graft-cli: $graft"
for f in "${formats[@]}"; do
  echo
  echo "== $f: listing, $repeats samples (graft: 10 calls each), alternating with the anchor"
  printf '%-24s %8s %-22s %10s %12s %12s\n' file data_GB tool median_ms spread_ms peak_RSS_MB
  for size in 0.5 2; do
    file=$work/model_${size}GB.${ext[$f]}
    gs="" as=""
    for ((i = 0; i < repeats; i++)); do
      gs+="$(perCall "$graft" ls --json "$file") "
      if [[ $f == safetensors ]]; then
        as+="$(perCall "$py" -c "$safetensorsHeader" "$file") "
      else
        s=$(date +%s%N); "$py" -c "$torchLoad" "$file" >/dev/null; e=$(date +%s%N); as+="$(( (e - s) / 10000 )) "
      fi
    done
    gbytes=$(stat -c %s "$file")
    anchor=$([[ $f == safetensors ]] && echo "python header read" || echo "torch.load")
    anchorCmd=("$py" -c "$([[ $f == safetensors ]] && echo "$safetensorsHeader" || echo "$torchLoad")" "$file")
    awk -v n="$(basename "$file")" -v b="$gbytes" -v m="$(echo "$gs" | median)" -v s="$(echo "$gs" | spread)" -v r="$(peakMB "$graft" ls --json "$file")" \
      'BEGIN{split(s, p, "-"); printf "%-24s %8.2f %-22s %10.2f %12s %12s\n", n, b/1e9, "graft-cli ls --json", m/100, sprintf("%.2f-%.2f", p[1]/100, p[2]/100), r}'
    awk -v n="" -v a="$anchor" -v m="$(echo "$as" | median)" -v s="$(echo "$as" | spread)" -v r="$(peakMB "${anchorCmd[@]}")" \
      'BEGIN{split(s, p, "-"); printf "%-24s %8s %-22s %10.2f %12s %12s\n", n, "", a, m/100, sprintf("%.2f-%.2f", p[1]/100, p[2]/100), r}'
  done

  src=$work/model_2GB.${ext[$f]}
  bytes=$(stat -c %s "$src")
  declare -A cmds=(
    [cp]="cp $src $work/out-cp/"
    [graft]="$graft convert $src $work/out-graft/copy.${ext[$f]} --no-verify -q"
    [graft-verified]="$graft convert $src $work/out-graftv/copy.${ext[$f]} -q"
  )
  order=(cp graft graft-verified)
  declare -A times=() rss=()
  timeAlternating "$work" "$repeats"
  cp_t=$(echo "${times[cp]}" | median)
  echo
  echo "== $f: export of $(awk -v b="$bytes" 'BEGIN{printf "%.2f GB", b/1e9}'), $repeats runs each, alternating; warm cache, sync before each"
  printf '%-16s %10s %12s %8s %12s %10s\n' tool median_s spread_s GB/s peak_RSS_MB vs_cp
  for name in "${order[@]}"; do
    t=$(echo "${times[$name]}" | median)
    awk -v n="$name" -v t="$t" -v s="$(echo "${times[$name]}" | spread)" -v b="$bytes" -v r="$(echo "${rss[$name]}" | tr ' ' '\n' | sort -g | tail -1)" -v c="$cp_t" \
      'BEGIN{printf "%-16s %10.2f %12s %8.2f %12.1f %9.2fx\n", n, t, s, b/1e9/t, r/1024, c/t}'
  done
done
