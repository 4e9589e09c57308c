#pragma once
// What the whole-file fuzz targets do with a candidate file: sniff it as their format, open it,
// and read every tensor through with its SHA-256 (as `graft-cli ls --checksums` does), so the
// metadata and the data paths both run. A clean refusal (graft::Error) is the expected outcome
// for most inputs; anything else reaches libFuzzer as a finding.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "checkpoint/listing.h"
#include "formats/file_probe.h"
#include "formats/format_registry.h"
#include "io/error.h"

namespace graft::fuzz {

inline const CheckpointFormat& fuzzedFormat() {
  static const CheckpointFormat* f = FormatRegistry::builtin().find(GRAFT_FUZZ_FORMAT);
  return *f;
}

// A path of this process's own on tmpfs (/dev/shm), removed when the fuzzer exits normally.
inline std::filesystem::path scratchPath(const std::string& name) {
  static const std::filesystem::path root = "/dev/shm/graft-fuzz-" + std::to_string(getpid());
  static const bool made = [] {
    std::filesystem::create_directories(root);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(root, ignored);
    });
    return true;
  }();
  (void)made;
  return root / name;
}

inline void openAndList(const std::filesystem::path& path) {
  try {
    const FileProbe probe(path);
    if (fuzzedFormat().sniff(probe).score == 0) return;
    const auto checkpoint = fuzzedFormat().open(probe);
    ListingOptions options;
    options.checksums = true;
    listingJson(*checkpoint, options);
  } catch (const Error&) {
  }
}

}  // namespace graft::fuzz
