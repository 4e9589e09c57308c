#pragma once
// The safetensors output: one file, or — when the output is named `*.safetensors.index.json`
// — a sharded set like transformers writes (§5.4): tensors in order into shards of at most
// OutputLayout::shardBytes (a bigger tensor gets a shard of its own), named
// `<stem>-00001-of-0000N.safetensors`, and the index {"metadata": {"total_size"}, "weight_map"}.
// While the export runs the index names the temporary shards, so verification reopens the
// set as it is; prepareCommit() rewrites it with the final names just before the renames.

#include <memory>

#include "formats/safetensors_writer.h"

namespace graft {

class SafetensorsSetWriter final : public CheckpointWriter {
 public:
  static constexpr std::uint64_t kDefaultShardBytes = 5'000'000'000;  // transformers' max_shard_size="5GB"

  ~SafetensorsSetWriter() override;
  void create(const std::filesystem::path& file, const OutputLayout& layout) override;
  std::unique_ptr<TensorSink> tensor(std::size_t index) override;
  void finish() override;
  void prepareCommit(const std::filesystem::path& destination) override;
  std::vector<std::string> warnings() const override;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> companions(
      const std::filesystem::path& destination) const override;

 private:
  void writeIndex(const std::vector<std::string>& shardNames) const;

  std::filesystem::path file_;
  bool sharded_ = false;
  std::vector<std::unique_ptr<SafetensorsWriter>> shards_;
  std::vector<std::filesystem::path> shardFiles_;            // temporary names
  std::vector<std::pair<std::size_t, std::size_t>> placeOf_;  // tensor -> (shard, index in it)
  std::vector<std::string> keys_;
  std::uint64_t totalSize_ = 0;
};

}  // namespace graft
