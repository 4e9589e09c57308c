#pragma once
// What the whole-file fuzz targets do with a candidate file: sniff it as their format, open it,
// and read every tensor through with its SHA-256 (as `graft-cli ls --checksums` does), so the
// metadata and the data paths both run. A clean refusal (graft::Error) is the expected outcome
// for most inputs; anything else reaches libFuzzer as a finding.

#include <filesystem>

#include "checkpoint/listing.h"
#include "formats/file_probe.h"
#include "formats/format_registry.h"
#include "io/error.h"

namespace graft::fuzz {

inline const CheckpointFormat& fuzzedFormat() {
  static const CheckpointFormat* f = FormatRegistry::builtin().find(GRAFT_FUZZ_FORMAT);
  return *f;
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
