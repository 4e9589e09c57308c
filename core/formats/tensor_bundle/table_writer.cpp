#include "formats/tensor_bundle/table_writer.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/wire.h"

namespace graft::tfbundle {

namespace {

// TF's table options for bundle indexes (table_options.h defaults).
constexpr std::size_t kBlockSize = 262144;
constexpr int kDataRestartInterval = 16;
constexpr int kIndexRestartInterval = 1;
// TF's writer starts a fresh block before an entry this many times block_size or larger.
constexpr std::size_t kOverlyLargeBlockRatio = 2;
constexpr unsigned char kMagic[8] = {0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB};

std::span<const std::byte> asBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// One block being filled: prefix-compressed entries, then the restart array.
class BlockBuilder {
 public:
  explicit BlockBuilder(int restartInterval) : interval_(restartInterval) {}

  bool empty() const { return buffer_.empty(); }

  // What the finished block would take; TF compares this against block_size.
  std::size_t sizeEstimate() const { return buffer_.size() + restarts_.size() * 4 + 4; }

  void add(std::string_view key, std::string_view value) {
    std::size_t shared = 0;
    if (counter_ < interval_) {
      const std::size_t n = std::min(lastKey_.size(), key.size());
      while (shared < n && lastKey_[shared] == key[shared]) ++shared;
    } else {
      restarts_.push_back(static_cast<std::uint32_t>(buffer_.size()));
      counter_ = 0;
    }
    WireWriter w;
    w.varint(shared);
    w.varint(key.size() - shared);
    w.varint(value.size());
    buffer_ += w.data();
    buffer_.append(key.substr(shared));
    buffer_.append(value);
    lastKey_.assign(key);
    ++counter_;
  }

  // The block's bytes; the builder starts over empty.
  std::string finish() {
    WireWriter w;
    for (const std::uint32_t r : restarts_) w.fixed32(r);
    w.fixed32(static_cast<std::uint32_t>(restarts_.size()));
    std::string out = std::move(buffer_) + w.data();
    buffer_.clear();
    restarts_.assign(1, 0);
    counter_ = 0;
    lastKey_.clear();
    return out;
  }

 private:
  int interval_;
  std::string buffer_;
  std::vector<std::uint32_t> restarts_{0};  // the first entry is always a restart point
  int counter_ = 0;
  std::string lastKey_;
};

struct BlockHandle {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::string encode() const {
    WireWriter w;
    w.varint(offset);
    w.varint(size);
    return w.take();
  }
};

// Shortens `start` to a key k with start <= k < limit where possible: bump the first
// differing byte when that keeps it below limit's byte, and cut after it.
void shortestSeparator(std::string& start, std::string_view limit) {
  const std::size_t n = std::min(start.size(), limit.size());
  std::size_t i = 0;
  while (i < n && start[i] == limit[i]) ++i;
  if (i >= n) return;  // one is a prefix of the other: keep start as is
  const auto s = static_cast<unsigned char>(start[i]);
  const auto l = static_cast<unsigned char>(limit[i]);
  if (s < 0xFF && s + 1 < l) {
    start[i] = static_cast<char>(s + 1);
    start.resize(i + 1);
  }
}

// A short key >= `key`: bump the first byte that is not 0xFF and cut after it.
void shortSuccessor(std::string& key) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto b = static_cast<unsigned char>(key[i]);
    if (b != 0xFF) {
      key[i] = static_cast<char>(b + 1);
      key.resize(i + 1);
      return;
    }
  }
}

class TableBuilder {
 public:
  void add(std::string_view key, std::string_view value) {
    if (numEntries_ > 0 && key.size() + value.size() >= kOverlyLargeBlockRatio * kBlockSize) flush();
    if (pendingIndexEntry_) {
      shortestSeparator(lastKey_, key);
      index_.add(lastKey_, pendingHandle_.encode());
      pendingIndexEntry_ = false;
    }
    lastKey_.assign(key);
    ++numEntries_;
    data_.add(key, value);
    if (data_.sizeEstimate() >= kBlockSize) flush();
  }

  std::string finish() {
    flush();
    BlockBuilder metaindex(kDataRestartInterval);
    const BlockHandle metaHandle = writeBlock(metaindex.finish());
    if (pendingIndexEntry_) {
      shortSuccessor(lastKey_);
      index_.add(lastKey_, pendingHandle_.encode());
      pendingIndexEntry_ = false;
    }
    const BlockHandle indexHandle = writeBlock(index_.finish());
    std::string footer = metaHandle.encode() + indexHandle.encode();
    footer.resize(40, '\0');
    footer.append(reinterpret_cast<const char*>(kMagic), sizeof kMagic);
    out_ += footer;
    return std::move(out_);
  }

 private:
  void flush() {
    if (data_.empty()) return;
    pendingHandle_ = writeBlock(data_.finish());
    pendingIndexEntry_ = true;
  }

  // Appends the block uncompressed with its trailer (type 0, masked crc over block ‖ type).
  BlockHandle writeBlock(const std::string& contents) {
    const BlockHandle handle{out_.size(), contents.size()};
    out_ += contents;
    const char type = 0;
    const std::uint32_t crc = crc32cExtend(crc32c(asBytes(contents)), asBytes(std::string_view(&type, 1)));
    out_.push_back(type);
    WireWriter w;
    w.fixed32(maskCrc(crc));
    out_ += w.data();
    return handle;
  }

  std::string out_;
  BlockBuilder data_{kDataRestartInterval};
  BlockBuilder index_{kIndexRestartInterval};
  std::string lastKey_;
  std::size_t numEntries_ = 0;
  bool pendingIndexEntry_ = false;
  BlockHandle pendingHandle_;
};

}  // namespace

std::string buildTable(const std::vector<TableEntry>& entries) {
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (!(entries[i - 1].key < entries[i].key))
      throw std::invalid_argument("buildTable: keys not strictly increasing at entry " + std::to_string(i));
  TableBuilder builder;
  for (const auto& e : entries) builder.add(e.key, e.value);
  return builder.finish();
}

}  // namespace graft::tfbundle
