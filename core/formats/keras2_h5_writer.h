#pragma once
// Writes Keras 2 HDF5 that Keras loads (checkpoint-formats.md §3.8): layer_names and
// weight_names like recent Keras (chunked into name0..N over 64 KiB), backend and
// keras_version kept, model_config kept when the layout says it is still true.

#include "formats/checkpoint_writer.h"
#include "io/hdf5/tensor_file_writer.h"

namespace graft {

class Keras2H5Writer final : public CheckpointWriter {
 public:
  Keras2H5Writer();
  ~Keras2H5Writer() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override;
  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  hdf5::TensorFileWriter file_;
  std::vector<std::optional<std::uint64_t>> offsets_;  // where each tensor's bytes go
  std::vector<std::uint64_t> sizes_;
  std::vector<bool> skipped_;
  std::vector<std::string> warnings_;
};

}  // namespace graft
