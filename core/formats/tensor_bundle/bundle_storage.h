#pragma once
// Tensor bytes of a TensorBundle: numeric tensors streamed from their data shard with the
// entry's CRC32C checked on every read (sequential reads are checked as they go; any other
// access pattern first checks the whole tensor once, and every stream of the same bytes, such
// as the parallel readers of a statistics pass, relies on that one check); string tensors
// (the object graph) served decoded, as per element a little-endian uint64 length and the bytes.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "io/read_only_file.h"

namespace graft::tfbundle {

struct StoredRange {
  std::int32_t shard = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t crc = 0;  // unmasked CRC32C of the stored bytes
};

// Whether a range's CRC was checked, shared by every stream over it.
struct RangeCheck {
  std::mutex mutex;  // held while one stream checks the whole range
  std::atomic<bool> passed{false};
};

struct StoredTensor : StoredRange {
  std::shared_ptr<const std::string> decoded;  // string tensors: the canonical bytes
  // A tensor partitioned along its first dimension: its slices' ranges in row order, which
  // concatenated are its bytes (§2.8).
  std::vector<StoredRange> rowSlices;
};

class BundleStorage final : public TensorStorage {
 public:
  explicit BundleStorage(std::vector<std::filesystem::path> shardFiles) : shardFiles_(std::move(shardFiles)) {}
  void reserve(std::size_t n) { tensors_.reserve(n); }
  // Returns the slot to put in the tensor's TensorInfo::storageSlot.
  std::uint64_t add(StoredTensor tensor) {
    tensors_.push_back(std::move(tensor));
    return tensors_.size() - 1;
  }
  const StoredTensor& at(std::uint64_t slot) const { return tensors_.at(static_cast<std::size_t>(slot)); }
  const std::vector<std::filesystem::path>& shardFiles() const { return shardFiles_; }
  // The shard, opened once and shared by every stream; throws naming a missing shard.
  std::shared_ptr<const ReadOnlyFile> shard(std::int32_t id) const;

  std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const override;

 private:
  std::shared_ptr<RangeCheck> checkOf(const StoredRange& range) const;

  std::vector<std::filesystem::path> shardFiles_;
  std::vector<StoredTensor> tensors_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::int32_t, std::shared_ptr<const ReadOnlyFile>> open_;
  // Made when a range is first opened, not for all 100,000 at load time.
  mutable std::unordered_map<const StoredRange*, std::shared_ptr<RangeCheck>> checks_;
};

}  // namespace graft::tfbundle
