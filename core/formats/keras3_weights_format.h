#pragma once
// Keras 3 `model.save_weights("x.weights.h5")`: HDF5 with `layers/<key>/vars/<i>` datasets,
// optional `optimizer/vars/<i>`, no file-level attributes (checkpoint-formats.md §4.1, §4.5).

#include "formats/checkpoint_format.h"

namespace graft {

class Keras3WeightsFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "keras3-weights-h5"; }
  std::string displayName() const override { return "Keras 3 weights (.weights.h5)"; }
  FormatCapability capabilities() const override { return FormatCapability::Read; }
  std::vector<std::string> fileExtensions() const override { return {".weights.h5", ".h5"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
  std::unique_ptr<Checkpoint> open(const FileProbe& probe) const override;
};

}  // namespace graft
