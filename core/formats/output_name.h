#pragma once
// What an output file's name says about its format. Graft recognises the files it reads by
// content; a file it is about to write has only its name, and `graft-cli convert a.h5
// b.safetensors` must not put HDF5 bytes under a safetensors name.

#include <filesystem>
#include <vector>

#include "formats/format_registry.h"

namespace graft {

// What `output`'s name asks of the format an export would otherwise write (`current`, may be
// null). The name keeps `current` when it fits it or names no writable format (`format` null,
// `tied` empty); it chooses the one writable format it names, or among several the `preferred`
// one (the window's target's); several without the preferred one are `tied`: the caller asks.
struct OutputNameChoice {
  const CheckpointFormat* format = nullptr;
  std::vector<const CheckpointFormat*> tied;
};
OutputNameChoice formatForOutputName(const FormatRegistry& registry, const std::filesystem::path& output,
                                     const CheckpointFormat* current, const CheckpointFormat* preferred = nullptr);

// `output` renamed for `format` when its name ends with another writable format's extension:
// "merged.h5" -> "merged.pt" for PyTorch. A name that fits `format`, or names no format, is kept.
std::filesystem::path renamedForFormat(const FormatRegistry& registry, const std::filesystem::path& output,
                                       const CheckpointFormat& format);

}  // namespace graft
