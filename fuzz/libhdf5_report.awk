# Exits 0 when the sanitizer or libFuzzer report in its input is libhdf5's own bug, 1 otherwise
# (Graft's, or no report at all). Used by fuzz/run.sh and tests/cli/hostile_files_test.cpp.
#   awk -f fuzz/libhdf5_report.awk LOG
# Debian's libhdf5 1.10.8 over-reads attribute messages of crafted files, and allocates what a
# crafted header or string length claims (tests/fuzz-findings/README.md). Graft cannot fix that;
# the window parses such files in a helper process because of it. But a fault inside libhdf5 is
# Graft's when the memory is Graft's (a buffer too small for what Graft asked libhdf5 to read into
# it), so every stack the report names is checked, not only the faulting one:
# - the faulting stack's first frame of interest must be in libhdf5;
# - so must that of the "allocated by" stack when the access starts right at the block's end
#   ("0 bytes to the right of"): a block libhdf5 runs off the end of is the one it was given or
#   made. An access further away is a wild one, and ASan merely names the nearest block
#   (tests/cli/sanitizer-reports/libhdf5/over-reads-far-past-a-block-libfuzzer-made.txt). Those
#   stacks often end in the C library or an unknown module, since they are unwound without
#   libhdf5's frame pointers; one with no frame of interest proves nothing either way;
# - a stack report names the frame whose variables were hit. libhdf5's frames have no redzones,
#   so that is always one of Graft's: libhdf5 writing past its own stack buffer into Graft's
#   frames is a finding, one Graft must keep libhdf5 from
#   (tests/fuzz-findings/libhdf5-float-bit-offset-stack-overflow.h5);
# - a freed block is checked only when libhdf5 writes to it. libhdf5's crafted-offset reads land
#   in whichever freed block lies past its buffer, and ASan's quarantine is full of Graft's
#   (tests/cli/sanitizer-reports/libhdf5/over-reads-into-a-block-graft-freed.txt). So a dangling
#   pointer Graft passed to libhdf5 for reading would be counted as libhdf5's;
# - UBSan ("runtime error") and overflows of instrumented globals are always Graft's: libhdf5 is
#   not instrumented, so they can only be in Graft's code.
# Frames of no interest: the sanitizer's and libFuzzer's own (its malloc limit and timeout), the
# allocators and the C library's string and copy routines (ASan's strdup, memcpy...).
function uninteresting(line) {
  return line ~ /__interceptor_|__asan|__sanitizer| fuzzer::|sysdeps\/|libio\/|libc\.so|<unknown module>| in operator (new|delete)/ ||
         line ~ / in (malloc|calloc|realloc|free|str[a-z_]*|mem[a-z_]*) /
}
/runtime error|global variable/ { graft = 1; exit }
# ASan's own CHECK fails, instead of a report, on a copy of 2^40 bytes or more (libhdf5 copying
# what a crafted string length claims): its stack is judged like a report's.
/ERROR: AddressSanitizer|ERROR: libFuzzer|AddressSanitizer: CHECK failed/ { report = 1; looking = 1; faulting = 1; next }
!report { next }
/^WRITE of size/ { writing = 1 }
/ bytes to the (left|right) of / { wild = !/ is located 0 bytes to the right of / }
/(allocated|freed) by thread|is located in stack of thread/ {
  if (faulting && looking) { graft = 1; exit }  # the faulting stack had no frame in libhdf5
  if (/freed by thread/) unchecked = !writing  # so is the "previously allocated by" stack after it
  else if (!/previously allocated/) unchecked = /allocated by thread/ && wild
  looking = !unchecked; faulting = 0; next
}
looking && /^ +#[0-9]+ / && !uninteresting($0) {
  if ($0 !~ /libhdf5/) { graft = 1; exit }
  looking = 0; if (faulting) found = 1; faulting = 0
}
# (exit in a rule still runs END, whose exit status is the one that counts)
END { exit (report && found && !graft) ? 0 : 1 }
