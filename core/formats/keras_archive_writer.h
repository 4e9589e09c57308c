#pragma once
// Writes a `.keras` archive like Keras does (§4.6): metadata.json, config.json and
// model.weights.h5, every member stored (no compression). The weights are written by the
// Keras 3 writer into a temporary file beside the output, then stored into the zip.
// config.json comes from the model the result is based on; without one there is nothing a
// Keras could build, so the writer refuses and points to .weights.h5.

#include "formats/keras3_weights_writer.h"

namespace graft {

class KerasArchiveWriter final : public CheckpointWriter {
 public:
  ~KerasArchiveWriter() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override { return weights_.tensor(index); }
  void finish() override;
  std::vector<std::string> warnings() const override;

 private:
  std::filesystem::path file_;
  std::filesystem::path weightsFile_;  // the temporary model.weights.h5
  std::string metadata_;
  std::string config_;
  Keras3WeightsWriter weights_;
  std::vector<std::string> warnings_;
};

}  // namespace graft
