#pragma once
// Writes a PyTorch zip checkpoint that torch.load (including weights_only=True) accepts
// (checkpoint-formats.md §6.6): prefix "archive", data.pkl holding a flat OrderedDict of the
// output keys, one storage member data/<n> per tensor (stored, 64-byte aligned), byteorder
// "little" and version "3". Tensor bytes are streamed (or copied kernel-side) straight into
// their members; CRC-32s are computed on the way and the directory is written at finish().

#include <cstdint>
#include <string>
#include <vector>

#include "formats/checkpoint_writer.h"
#include "formats/pytorch/stored_zip.h"

namespace graft {

class PytorchWriter final : public CheckpointWriter {
 public:
  // forceZip64: ZIP64 records even when nothing needs them (tests of the >= 4 GiB layout).
  explicit PytorchWriter(bool forceZip64 = false) : forceZip64_(forceZip64) {}
  ~PytorchWriter() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override;

  struct Slot {
    std::string key;
    pytorch::StoredZipEntry* entry = nullptr;
    std::uint64_t written = 0;
    std::uint32_t crc = 0;
  };

 private:
  bool forceZip64_;
  std::filesystem::path file_;
  int fd_ = -1;
  std::vector<pytorch::StoredZipEntry> entries_;
  std::uint64_t directoryOffset_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace graft
