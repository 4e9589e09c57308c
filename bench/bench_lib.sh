# Shared by the bench scripts (sourced): statistics over space-separated samples, and timing.

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
maxof() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
spread() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {printf "%s-%s", a[1], a[NR]}'; }

# Hundredths of a millisecond per call of "$@", over 10 back-to-back calls (a listing takes a few ms).
perCall() {
  local start end
  start=$(date +%s%N)
  for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / 100000 ))
}

# Peak RSS of "$@" in MB.
peakMB() { { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1 | awk '{printf "%.1f", $1/1024}'; }

# Runs the commands named in the array `order` (from the associative array `cmds`), alternating,
# REPEATS times, each into empty $WORK/out-cp, out-graft, out-graftv after a sync; appends each
# run's wall seconds to times[name] and peak RSS (KB) to rss[name].
timeAlternating() {
  local work=$1 repeats=$2 i name out
  for ((i = 0; i < repeats; i++)); do
    for name in "${order[@]}"; do
      rm -rf "$work"/out-*; mkdir -p "$work"/out-cp "$work"/out-graft "$work"/out-graftv
      sync
      out=$( { /usr/bin/time -f '%e %M' ${cmds[$name]} >/dev/null; } 2>&1 | tail -1)
      times[$name]+="${out%% *} "
      rss[$name]+="${out##* } "
    done
  done
  rm -rf "$work"/out-*
}
