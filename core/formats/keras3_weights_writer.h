#pragma once
// Writes Keras 3 `.weights.h5` (checkpoint-formats.md §4.1, §4.6): every tensor a contiguous
// dataset at its `<owner>/vars/<i>` path, bfloat16 as Keras' 2-byte opaque type with a dtype
// attribute, the `name` attributes of vars groups kept, no file-level attributes.

#include "formats/checkpoint_writer.h"
#include "io/hdf5/tensor_file_writer.h"

namespace graft {

class Keras3WeightsWriter final : public CheckpointWriter {
 public:
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override { file_.finish(); }
  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  hdf5::TensorFileWriter file_;
  std::vector<std::optional<std::uint64_t>> offsets_;
  std::vector<std::uint64_t> sizes_;
  std::vector<bool> skipped_;
  std::vector<std::string> warnings_;
};

// True for a Keras 3 variable key: "<owner>/vars/<digits>".
bool isKeras3VariableKey(std::string_view key);

// Keras 3 keys for variables from another format, numbered per owner in the given order:
// "dense/kernel:0" and Keras 2's "dense/dense/kernel:0" -> "layers/dense/vars/0". Keys already
// in Keras 3 form are kept.
std::vector<std::string> keras3KeysFor(const std::vector<std::string>& paths, const std::vector<std::string>& keys);

}  // namespace graft
