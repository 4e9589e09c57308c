#pragma once
// What an output file's name says about its format. Graft recognises the files it reads by
// content; a file it is about to write has only its name, and `graft-cli convert a.h5
// b.safetensors` must not put HDF5 bytes under a safetensors name.

#include <filesystem>
#include <vector>

#include "formats/format_registry.h"

namespace graft {

// Whether one of `format`'s extensions ends `output`'s file name (case ignored).
bool nameFitsFormat(const CheckpointFormat& format, const std::filesystem::path& output);

// The writable formats whose extension ending `output`'s name is the longest: none, one, or
// several sharing it (".h5": Keras 2 and Keras 3; ".keras": Keras 2 and the Keras 3 archive).
std::vector<const CheckpointFormat*> writableFormatsNamedBy(const FormatRegistry& registry, const std::filesystem::path& output);

// `output` renamed for `format` when its name ends with another writable format's extension:
// "merged.h5" -> "merged.pt" for PyTorch. A name that fits `format`, or names no format, is kept.
std::filesystem::path renamedForFormat(const FormatRegistry& registry, const std::filesystem::path& output,
                                       const CheckpointFormat& format);

}  // namespace graft
