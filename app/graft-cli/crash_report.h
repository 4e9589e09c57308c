#pragma once
// A fault inside a parsing library (libhdf5 reads crafted global heaps out of bounds:
// tests/fuzz-findings/README.md) ends graft-cli with a one-line error naming the command and
// its files, exit code 1, instead of a core dump. Nothing is cleaned up: like a kill, an export
// under way leaves only its hidden temporary file, never a partial destination.

namespace graft::cli {

// Installs the handlers (SIGSEGV, SIGBUS, SIGFPE, SIGILL, on an alternate stack). Not in
// sanitizer builds, whose own reports are the point, and not for `probe`, whose death by signal
// is what the window looks for.
void reportLibraryCrashes(int argc, char** argv);

}  // namespace graft::cli
