#!/usr/bin/env bash
# Side-by-side benchmark: `graft-cli ls --json` vs `h5ls -r` on Keras 2 HDF5 checkpoints.
#
# Usage: bench/ls_vs_h5ls.sh [GRAFT_CLI] [WORKDIR]
#   GRAFT_CLI  default: build/app/graft-cli under the repo root
#   WORKDIR    default: ${GRAFT_BENCH_DIR:-/tmp/graft-bench}; generated files are reused
# Env: BENCH_REPEATS (samples per tool and file, default 7),
#      BENCH_LOOP (calls per sample when a call takes under BENCH_LOOP_BELOW_MS,
#      default 20 calls below 100 ms).
#
# Two files with the same ~500 tensors, ~0.5 GB and ~2 GB: a metadata-only
# listing should cost the same on both. Runs are on a warm page cache.
# Exits 0 even when a bar fails (this is a report); non-zero on real errors.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
graft=${1:-$here/../build/app/graft-cli}
work=${2:-${GRAFT_BENCH_DIR:-/tmp/graft-bench}}
repeats=${BENCH_REPEATS:-7}
loop=${BENCH_LOOP:-20}
# GNU time counts in 10 ms steps: too coarse to compare calls of ~50-100 ms.
loop_below_ms=${BENCH_LOOP_BELOW_MS:-100}
tensors=500
py=/usr/bin/python3  # Debian's python has h5py; a pyenv python3 on PATH may not

die() { echo "ls_vs_h5ls: $*" >&2; exit 1; }

[[ -x $graft ]] || die "graft-cli not found: $graft (build it, or pass its path as the first argument)"
command -v h5ls >/dev/null || die "h5ls not found: apt-get install hdf5-tools"
"$py" -c 'import h5py' 2>/dev/null || die "$py cannot import h5py: apt-get install python3-h5py"
if [[ ! -x /usr/bin/time ]]; then
  # Peak RSS (%M) needs GNU time; the bash keyword `time` cannot report it.
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq time >/dev/null || die "could not install GNU time: apt-get install time"
  else
    die "GNU time missing at /usr/bin/time: sudo apt-get install time"
  fi
fi

mkdir -p "$work"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Run a snapshot: a rebuild during the run would otherwise swap or break the binary.
cp "$graft" "$tmp/graft-cli"
bin=$tmp/graft-cli

# Generate a checkpoint, or reuse it when its size is within 5 %; prints its path.
make_file() {
  local f=$work/keras2_$1_${tensors}t.h5 target=$2 size
  if [[ -f $f ]]; then
    size=$(stat -c %s "$f")
    if (( size * 100 >= target * 95 && size * 100 <= target * 105 )); then echo "$f"; return; fi
  fi
  echo "generating $f ..." >&2
  "$py" "$here/make_keras2_h5.py" "$f" "$target" "$tensors" >&2
  echo "$f"
}
small=$(make_file 0.5GB 500000000)
large=$(make_file 2GB 2000000000)
files=("$small" "$large")

# Both tools must see the same tensors, otherwise the comparison is meaningless.
for f in "${files[@]}"; do
  n_graft=$("$bin" ls --json "$f" | grep -o '"key"' | wc -l) || die "graft-cli ls --json failed on $f"
  n_h5ls=$(h5ls -r "$f" | grep -c ' Dataset ') || die "h5ls -r failed on $f"
  (( n_graft > 0 && n_graft == n_h5ls )) || die "tensor count mismatch on $f: graft-cli $n_graft, h5ls $n_h5ls"
done

tools=(graft h5ls)
# Sets the array `cmd` to TOOL's command line on FILE.
set_cmd() { case $1 in graft) cmd=("$bin" ls --json "$2") ;; h5ls) cmd=(h5ls -r "$2") ;; esac; }

# One run under GNU time; prints "wall_ms rss_kb".
gnu_time() {
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" \
    || die "failed: $* : $(cat "$tmp/err")"
  awk '{ printf "%.1f %d\n", $1 * 1000, $2 }' "$tmp/time"
}
# K back-to-back calls timed with date; prints ms per call (GNU time has 10 ms resolution).
loop_ms() {
  local k=$1 i t0 t1; shift
  t0=$(date +%s%N)
  for ((i = 0; i < k; i++)); do "$@" >/dev/null || die "failed: $*"; done
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) -v k="$k" 'BEGIN { printf "%.2f\n", ns / k / 1e6 }'
}

# Warm the page cache (first call discarded), then pick the timing mode from the slowest tool.
slowest=0
for f in "${files[@]}"; do
  for t in "${tools[@]}"; do
    set_cmd "$t" "$f"
    loop_ms 1 "${cmd[@]}" >/dev/null
    ms=$(loop_ms 3 "${cmd[@]}")
    slowest=$(awk -v a="$ms" -v b="$slowest" 'BEGIN { print (a > b) ? a : b }')
  done
done
if awk -v s="$slowest" -v lim="$loop_below_ms" 'BEGIN { exit !(s < lim) }'; then k=$loop; else k=1; fi

# Alternate the tools inside each repetition so drift hits both equally.
for ((r = 0; r < repeats; r++)); do
  for i in "${!files[@]}"; do
    for t in "${tools[@]}"; do
      set_cmd "$t" "${files[i]}"
      out=$(gnu_time "${cmd[@]}")
      read -r wall rss <<<"$out"
      if (( k > 1 )); then wall=$(loop_ms "$k" "${cmd[@]}"); fi
      echo "$wall $rss" >>"$tmp/$t.$i"
    done
  done
done

# Prints "median min max peak_rss_mb" of a sample file.
stats() {
  sort -n "$1" | awk '{ ms[NR] = $1; if ($2 > rss) rss = $2 }
    END { m = (NR % 2) ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2
          printf "%.2f %.2f %.2f %.1f\n", m, ms[1], ms[NR], rss / 1024 }'
}

if (( k > 1 )); then mode="mean of $k back-to-back calls per sample (date)"; else mode="one call per sample (GNU time)"; fi
echo
echo "graft-cli: $graft (snapshot at start)"
echo "h5ls:      $(command -v h5ls) ($(h5ls --version | awk '{ print $NF }'))"
echo "samples:   $repeats per tool and file; wall = $mode; RSS = GNU time %M"
echo
row() { printf '%-10s %-22s %8s %10s %9s %9s %12s %11s\n' "$@"; }
row tool file size median_ms min_ms max_ms peak_RSS_MB graft/h5ls
g_med=() h_med=() g_rss=()
for i in "${!files[@]}"; do
  name=$(basename "${files[i]}")
  size=$(stat -c %s "${files[i]}" | awk '{ printf "%.2f GB", $1 / 1e9 }')
  read -r gm gmin gmax grss < <(stats "$tmp/graft.$i")
  read -r hm hmin hmax hrss < <(stats "$tmp/h5ls.$i")
  row graft-cli "$name" "$size" "$gm" "$gmin" "$gmax" "$grss" "$(awk -v a="$gm" -v b="$hm" 'BEGIN { printf "%.2fx", a / b }')"
  row h5ls "$name" "$size" "$hm" "$hmin" "$hmax" "$hrss" ""
  g_med[i]=$gm h_med[i]=$hm g_rss[i]=$grss
done

# The bars: at least as fast as h5ls, small memory, flat in file size.
fails=0
bar() {  # NAME AWK_CONDITION DETAIL
  if awk "BEGIN { exit !($2) }"; then echo "PASS  $1 ($3)"; else echo "FAIL  $1 ($3)"; fails=$((fails + 1)); fi
}
echo
bar "graft-cli median <= h5ls median on 0.5 GB" "${g_med[0]} <= ${h_med[0]}" "${g_med[0]} ms vs ${h_med[0]} ms"
bar "graft-cli peak RSS < 50 MB" "${g_rss[0]} < 50 && ${g_rss[1]} < 50" "${g_rss[0]} MB, ${g_rss[1]} MB"
bar "graft-cli median flat in file size (2 GB <= 1.5x 0.5 GB)" "${g_med[1]} <= 1.5 * ${g_med[0]}" "${g_med[1]} ms vs ${g_med[0]} ms"
if (( fails == 0 )); then echo "RESULT: PASS (3/3 bars)"; else echo "RESULT: FAIL ($fails of 3 bars failed)"; fi
