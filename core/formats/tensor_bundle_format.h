#pragma once
// TensorFlow TensorBundle checkpoints: `PREFIX.index` + `PREFIX.data-NNNNN-of-MMMMM`, written by
// tf.train.Saver (TF1, name-based), tf.train.Checkpoint and tf.keras save_weights (TF2,
// object-based) and inside SavedModels (checkpoint-formats.md §2).

#include "formats/checkpoint_format.h"

namespace graft {

class TensorBundleFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "tf-bundle"; }
  std::string displayName() const override { return "TensorFlow checkpoint"; }
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  // ".ckpt": TF1 names its checkpoints "model.ckpt" (prefix of model.ckpt.index), so an output
  // named so stays a TensorFlow checkpoint rather than becoming PyTorch's ".ckpt".
  std::vector<std::string> fileExtensions() const override { return {".index", ".ckpt"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::optional<std::filesystem::path> resolve(const std::filesystem::path& path) const override;
  std::filesystem::path outputFile(const std::filesystem::path& requested) const override;
  std::optional<std::string> keyForForeignPath(const std::string& path) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
  using CheckpointFormat::open;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
};

}  // namespace graft
