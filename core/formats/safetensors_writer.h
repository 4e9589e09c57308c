#pragma once
// Writes one safetensors file laid out like the reference writer (checkpoint-formats.md §5.3,
// §5.6): tensors sorted by dtype (the Rust Dtype enum, descending) then name, packed back to
// back; header JSON padded with spaces to a multiple of 8. `__metadata__` is kept verbatim
// from a safetensors model (absent stays absent); other sources get {"format":"pt"}.
// Sharded sets are written by SafetensorsSetWriter, one of these per shard.

#include <cstdint>
#include <string>
#include <vector>

#include "formats/checkpoint_writer.h"

namespace graft {

class SafetensorsWriter final : public CheckpointWriter {
 public:
  ~SafetensorsWriter() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override;
  std::vector<std::string> warnings() const override { return warnings_; }

  struct Slot {
    std::string key;
    std::uint64_t offset = 0;  // absolute, in the file
    std::uint64_t size = 0;
    std::uint64_t written = 0;
  };

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  std::vector<Slot> slots_;
  std::vector<std::string> warnings_;
};

}  // namespace graft
