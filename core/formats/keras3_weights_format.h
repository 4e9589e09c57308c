#pragma once
// Keras 3 `model.save_weights("x.weights.h5")`: HDF5 with `layers/<key>/vars/<i>` datasets,
// optional `optimizer/vars/<i>`, no file-level attributes (checkpoint-formats.md §4.1, §4.5).

#include <string>
#include <unordered_map>

#include "formats/checkpoint_format.h"

namespace graft {

namespace hdf5 {
class OpenFile;
}

class Keras3WeightsFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "keras3-weights-h5"; }
  std::string displayName() const override { return "Keras 3 weights (.weights.h5)"; }
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  std::vector<std::string> fileExtensions() const override { return {".weights.h5", ".h5"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
  std::unique_ptr<Checkpoint> open(const FileProbe& probe) const override;
  std::vector<std::string> foreignKeys(const std::vector<std::string>& paths, const std::vector<std::string>& keys) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
};

// Layer container key under `layers/` ("conv2d_1") -> the layer's class ("Conv2D").
using LayerClasses = std::unordered_map<std::string, std::string>;

// Reads an open Keras 3 weights file. `shownPath` names it in the checkpoint and in errors;
// `formatId` is the checkpoint's format ("keras3-zip" when the file lies inside a .keras).
std::unique_ptr<Checkpoint> readKeras3Weights(const std::filesystem::path& shownPath, std::shared_ptr<hdf5::OpenFile> file,
                                              std::string formatId, LayerClasses layerClasses);

}  // namespace graft
