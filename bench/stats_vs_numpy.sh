#!/usr/bin/env bash
# Side-by-side benchmark: `graft-cli stats FILE KEY --bins 256 --json` vs the h5py + numpy
# script researchers write (bench/numpy_stats.py), on one 100M-element float32 tensor in a
# Keras 2 HDF5 file. Whole processes, warm page cache, alternating in each repetition.
#
# Usage: bench/stats_vs_numpy.sh [GRAFT_CLI] [WORKDIR]
#   GRAFT_CLI  default: build/app/graft-cli under the repo root
#   WORKDIR    default: ${GRAFT_BENCH_DIR:-/tmp/graft-bench}; the generated file is reused
# Env: BENCH_REPEATS (samples per tool, default 5), BENCH_ELEMENTS (default 100000000),
#      BENCH_BINS (default 256).
# Bars: graft-cli >= 5x faster (median wall), graft-cli peak RSS <= 128 MB.
# Exits 0 even when a bar fails (this is a report); non-zero on real errors.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
graft=${1:-$here/../build/app/graft-cli}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}
repeats=${BENCH_REPEATS:-5}
elements=${BENCH_ELEMENTS:-100000000}
bins=${BENCH_BINS:-256}
key=dense/dense/kernel:0
py=/usr/bin/python3  # Debian's python has h5py; a pyenv python3 on PATH may not

die() { echo "stats_vs_numpy: $*" >&2; exit 1; }

[[ -x $graft ]] || die "graft-cli not found: $graft (build it, or pass its path as the first argument)"
"$py" -c 'import h5py, numpy' 2>/dev/null || die "$py cannot import h5py and numpy: apt-get install python3-h5py python3-numpy"
[[ -x /usr/bin/time ]] || die "GNU time missing at /usr/bin/time (peak RSS): apt-get install time"

mkdir -p "$work"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Run a snapshot: a rebuild during the run would otherwise swap or break the binary.
cp "$graft" "$tmp/graft-cli"
bin=$tmp/graft-cli

file=$work/stats_${elements}.h5
if [[ ! -f $file ]]; then
  echo "generating $file ..." >&2
  "$py" "$here/make_single_tensor_h5.py" "$file" "$elements" >&2
fi

# OpenBLAS tuning variables in some environments slow numpy down; numpy runs without them.
set_cmd() {
  case $1 in
    graft) cmd=("$bin" stats "$file" "$key" --bins "$bins" --json) ;;
    numpy) cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/numpy_stats.py" "$file" "$key" "$bins") ;;
  esac
}

# One run under GNU time; output to $tmp/TOOL.out; prints "wall_ms rss_kb".
gnu_time() {
  local tool=$1
  set_cmd "$tool"
  /usr/bin/time -f '%e %M' -o "$tmp/time" "${cmd[@]}" >"$tmp/$tool.out" 2>"$tmp/err" \
    || die "$tool failed: $(cat "$tmp/err")"
  awk '{ printf "%.0f %d\n", $1 * 1000, $2 }' "$tmp/time"
}

# Warm the page cache and check both tools agree before timing anything.
gnu_time graft >/dev/null
gnu_time numpy >/dev/null
"$py" - "$tmp/graft.out" "$tmp/numpy.out" >"$tmp/agreement" <<'EOF' || die "results differ: $(cat "$tmp/agreement")"
import json, sys
g = json.load(open(sys.argv[1]))["tensors"][0]
n = json.load(open(sys.argv[2]))
for k in ("count", "zeros", "nan", "inf", "min", "max"):
    assert g[k] == n[k], f"{k}: graft {g[k]} numpy {n[k]}"
for k in ("mean", "std"):
    assert abs(g[k] - n[k]) <= 1e-6 * n["std"], f"{k}: graft {g[k]} numpy {n[k]}"
gc, nc = g["histogram"]["counts"], n["histogram"]["counts"]
assert sum(gc) == sum(nc) and len(gc) == len(nc), "histogram totals differ"
# numpy bins float32 data with float32 edges, graft with float64 ones: values within a float32
# rounding of an edge may sit one bin apart.
moved = sum(abs(a - b) for a, b in zip(gc, nc)) // 2
print(f"results agree: count {g['count']:,}, min/max/zeros exact, mean/std within 1e-6 std, "
      f"{moved} of {sum(gc):,} values in a neighbouring histogram bin")
EOF

for ((r = 0; r < repeats; r++)); do
  for t in graft numpy; do gnu_time "$t" >>"$tmp/$t.samples"; done
done

# Prints "median min max peak_rss_mb" of a sample file.
stats() {
  sort -n "$1" | awk '{ ms[NR] = $1; if ($2 > rss) rss = $2 }
    END { m = (NR % 2) ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2
          printf "%.0f %.0f %.0f %.1f\n", m, ms[1], ms[NR], rss / 1024 }'
}
read -r gm gmin gmax grss < <(stats "$tmp/graft.samples")
read -r nm nmin nmax nrss < <(stats "$tmp/numpy.samples")

echo
echo "file:      $file ($(stat -c %s "$file" | awk '{ printf "%.0f MB", $1 / 1e6 }'), $elements float32 values, $bins bins)"
echo "graft-cli: $graft (snapshot at start)"
echo "numpy:     $("$py" -c 'import numpy, h5py; print("numpy", numpy.__version__, "h5py", h5py.__version__)')"
echo "samples:   $repeats per tool, alternating; wall and peak RSS from GNU time"
cat "$tmp/agreement"
echo
row() { printf '%-10s %10s %8s %8s %12s %14s\n' "$@"; }
row tool median_ms min_ms max_ms peak_RSS_MB "values/s"
row graft-cli "$gm" "$gmin" "$gmax" "$grss" "$(awk -v n="$elements" -v ms="$gm" 'BEGIN { printf "%.2f G", n / ms / 1e6 }')"
row numpy "$nm" "$nmin" "$nmax" "$nrss" "$(awk -v n="$elements" -v ms="$nm" 'BEGIN { printf "%.2f G", n / ms / 1e6 }')"
speedup=$(awk -v g="$gm" -v n="$nm" 'BEGIN { printf "%.1f", n / g }')
echo "numpy / graft-cli median: ${speedup}x"

fails=0
bar() {  # NAME AWK_CONDITION DETAIL
  if awk "BEGIN { exit !($2) }"; then echo "PASS  $1 ($3)"; else echo "FAIL  $1 ($3)"; fails=$((fails + 1)); fi
}
echo
bar "graft-cli >= 5x faster than h5py + numpy" "$speedup >= 5" "${speedup}x"
bar "graft-cli peak RSS <= 128 MB" "$grss <= 128" "$grss MB"
if (( fails == 0 )); then echo "RESULT: PASS (2/2 bars)"; else echo "RESULT: FAIL ($fails of 2 bars failed)"; fi
