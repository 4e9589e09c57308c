#pragma once
// Keras 1 / Keras 2 / tf.keras HDF5: `save_weights` and `model.save` layouts
// (checkpoint-formats.md §3).

#include "formats/checkpoint_format.h"

namespace graft {

class Keras2H5Format final : public CheckpointFormat {
 public:
  std::string id() const override { return "keras2-h5"; }
  std::string displayName() const override { return "Keras 2 HDF5"; }
  // "dense/kernel" -> "dense/dense/kernel:0": the layer, then its weight name with an output index.
  std::optional<std::string> keyForForeignPath(const std::string& path) const override;
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  std::vector<std::string> fileExtensions() const override { return {".h5", ".hdf5", ".keras"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
  std::unique_ptr<Checkpoint> open(const FileProbe& probe) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
};

}  // namespace graft
