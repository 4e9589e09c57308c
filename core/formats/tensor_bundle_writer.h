#pragma once
// Writes TensorBundles TensorFlow loads (checkpoint-formats.md §2.13): `PREFIX.index` laid out
// like TF's own writer, data shards with every tensor's masked CRC32C computed as its bytes
// stream through. When the output keeps a TF checkpoint's tensors, their shard and order are
// kept (an identity convert reproduces the files byte for byte) and its object graph is kept,
// with variables that were dropped removed and added TF2-style keys linked in.

#include <cstdint>
#include <string>
#include <vector>

#include "formats/checkpoint_writer.h"
#include "formats/tensor_bundle/bundle_proto.h"

namespace graft {

class TensorBundleWriter final : public CheckpointWriter {
 public:
  ~TensorBundleWriter() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override;
  std::vector<std::string> warnings() const override { return warnings_; }
  bool rewrites(std::size_t index) const override { return !slots_.at(index).fixedRegion.empty(); }
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> companions(
      const std::filesystem::path& destination) const override;

  struct Slot {
    std::string key;
    tfbundle::BundleEntry entry;
    std::uint32_t crc = 0;      // running, unmasked
    std::uint64_t written = 0;
    std::string fixedRegion;    // bytes the writer makes itself (the object graph)
  };

 private:
  void placeTensors(const OutputLayout& layout);
  void keepObjectGraph(const OutputLayout& layout, std::size_t graphIndex);

  std::filesystem::path index_;
  std::string headerValue_;
  std::int32_t shards_ = 1;
  std::vector<int> fds_;
  std::vector<std::filesystem::path> shardFiles_;
  std::vector<Slot> slots_;
  std::vector<std::string> warnings_;
};

}  // namespace graft
