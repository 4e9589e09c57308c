#pragma once
// Keras `.keras` archives (Keras 3, and Keras 2.13–2.15): a zip of metadata.json (Keras
// version), config.json (the model: classes, layer names and order) and model.weights.h5,
// the §4.1 weights file (checkpoint-formats.md §4.4). A stored weights member is read in
// place inside the zip; a deflated one is inflated to a temporary file first.

#include "formats/checkpoint_format.h"

namespace graft {

class KerasArchiveFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "keras3-zip"; }
  std::string displayName() const override { return "Keras model (.keras)"; }
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  std::vector<std::string> fileExtensions() const override { return {".keras"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  using CheckpointFormat::open;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
  std::vector<std::string> foreignKeys(const std::vector<std::string>& paths, const std::vector<std::string>& keys) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
};

// "MaxPooling2D" -> "max_pooling2d": how Keras names a layer's container in the weights file.
std::string kerasSnakeCase(const std::string& className);

}  // namespace graft
