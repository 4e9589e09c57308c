#include "formats/tensor_bundle/bundle_storage.h"

#include <algorithm>
#include <cstring>

#include "formats/tensor_bundle/crc32c.h"
#include "io/error.h"

namespace graft::tfbundle {
namespace {

class MemoryStream final : public TensorStream {
 public:
  explicit MemoryStream(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_->size(); }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset + out.size() > bytes_->size()) throw Error("read beyond the end of a string tensor");
    if (!out.empty()) std::memcpy(out.data(), bytes_->data() + offset, out.size());
  }

 private:
  std::shared_ptr<const std::string> bytes_;
};

class ShardStream final : public TensorStream {
 public:
  ShardStream(std::shared_ptr<const ReadOnlyFile> file, const StoredRange& t, std::string key, std::shared_ptr<RangeCheck> check)
      : file_(std::move(file)), offset_(t.offset), size_(t.size), crc_(t.crc), key_(std::move(key)), check_(std::move(check)) {}

  std::uint64_t size() const override { return size_; }
  // A kernel-side copy does not pass the bytes through this stream; the CRC goes with them
  // (an export's verification re-reads the result through a checking stream).
  std::optional<FileExtent> extent() const override { return FileExtent{file_->fd(), offset_, crc_, std::nullopt}; }

  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset + out.size() > size_) throw fileError(file_->path(), "read beyond tensor '" + key_ + "'");
    if (!check_->passed && offset != next_) verifyWhole();
    file_->readExactAt(offset_ + offset, out);
    if (check_->passed) return;
    running_ = crc32cExtend(running_, out);
    next_ += out.size();
    if (next_ == size_) pass(running_);
  }

 private:
  void pass(std::uint32_t crc) {
    if (crc != crc_)
      throw fileError(file_->path(), "checksum mismatch in tensor '" + key_ + "' (data file corrupted?)");
    check_->passed = true;
  }
  // Out-of-order reads (parallel statistics, say): check the whole tensor first, once for all
  // its streams; a stream that finds another one checking waits for its verdict.
  void verifyWhole() {
    const std::lock_guard lock(check_->mutex);
    if (check_->passed) return;
    pass(crc32cOfChunks(size_, [&](std::uint64_t at, std::span<std::byte> out) { file_->readExactAt(offset_ + at, out); }));
  }

  std::shared_ptr<const ReadOnlyFile> file_;
  std::uint64_t offset_, size_;
  std::uint32_t crc_;
  std::string key_;
  std::shared_ptr<RangeCheck> check_;
  std::uint64_t next_ = 0;
  std::uint32_t running_ = 0;
};

// A row-partitioned tensor: its slices one after another, each checked like a whole tensor.
class RowSlicesStream final : public TensorStream {
 public:
  RowSlicesStream(std::vector<std::unique_ptr<TensorStream>> parts) : parts_(std::move(parts)) {
    for (const auto& p : parts_) starts_.push_back(size_), size_ += p->size();
  }
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset + out.size() > size_) throw Error("read beyond a partitioned tensor");
    std::size_t i = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
    while (!out.empty()) {
      const std::uint64_t within = offset - starts_[i];
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), parts_[i]->size() - within));
      parts_[i]->read(within, out.first(n));
      out = out.subspan(n);
      offset += n;
      ++i;
    }
  }

 private:
  std::vector<std::unique_ptr<TensorStream>> parts_;
  std::vector<std::uint64_t> starts_;
  std::uint64_t size_ = 0;
};

}  // namespace

std::shared_ptr<const ReadOnlyFile> BundleStorage::shard(std::int32_t id) const {
  std::lock_guard lock(mutex_);
  if (id < 0 || static_cast<std::size_t>(id) >= shardFiles_.size()) throw Error("no data shard " + std::to_string(id));
  auto& slot = open_[id];
  if (!slot) {
    const auto& path = shardFiles_[static_cast<std::size_t>(id)];
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw fileError(path, "data shard missing (the checkpoint names " + std::to_string(shardFiles_.size()) + " shard(s))");
    slot = std::make_shared<const ReadOnlyFile>(path);
  }
  return slot;
}

std::shared_ptr<RangeCheck> BundleStorage::checkOf(const StoredRange& range) const {
  std::lock_guard lock(mutex_);
  auto& check = checks_[&range];
  if (!check) check = std::make_shared<RangeCheck>();
  return check;
}

std::unique_ptr<TensorStream> BundleStorage::open(const TensorInfo& tensor) const {
  if (tensor.storageSlot >= tensors_.size()) throw Error("no tensor '" + tensor.key + "' in this checkpoint");
  const StoredTensor* t = &tensors_[static_cast<std::size_t>(tensor.storageSlot)];
  if (t->decoded) return std::make_unique<MemoryStream>(t->decoded);
  auto rangeStream = [&](const StoredRange& r) -> std::unique_ptr<TensorStream> {
    auto file = shard(r.shard);
    if (r.offset > file->size() || r.size > file->size() - r.offset)
      throw fileError(file->path(), "tensor '" + tensor.key + "' lies beyond the end of the data file (truncated?)");
    return std::make_unique<ShardStream>(std::move(file), r, tensor.key, checkOf(r));
  };
  if (t->rowSlices.empty()) return rangeStream(*t);
  std::vector<std::unique_ptr<TensorStream>> parts;
  for (const auto& r : t->rowSlices) parts.push_back(rangeStream(r));
  return std::make_unique<RowSlicesStream>(std::move(parts));
}

}  // namespace graft::tfbundle
