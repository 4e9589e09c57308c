#include "formats/tensor_bundle_format.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "checkpoint/tree_builder.h"
#include "formats/tensor_bundle/bundle_paths.h"
#include "formats/tensor_bundle/bundle_proto.h"
#include "formats/tensor_bundle/bundle_storage.h"
#include "formats/tensor_bundle/bundle_tree.h"
#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/slice_key.h"
#include "formats/tensor_bundle/string_tensor.h"
#include "formats/tensor_bundle/table_reader.h"
#include "formats/tensor_bundle/wire.h"
#include "formats/tensor_bundle_writer.h"
#include "io/error.h"

namespace graft {
namespace {

using namespace tfbundle;
namespace fs = std::filesystem;

constexpr std::array<std::uint8_t, 8> kTableMagic = {0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb};
constexpr std::uint64_t kMaxDecodedStringBytes = 256u << 20;  // object graphs are kilobytes

// TF DataType enum (§2.5) -> Graft's; nullopt for types no checkpoint weight uses.
std::optional<DType> dtypeOf(std::int32_t tf) {
  switch (tf) {
    case 1: return DType::Float32;
    case 2: return DType::Float64;
    case 3: return DType::Int32;
    case 4: return DType::UInt8;
    case 5: return DType::Int16;
    case 6: return DType::Int8;
    case 7: return DType::String;
    case 8: return DType::Complex64;
    case 9: return DType::Int64;
    case 10: return DType::Bool;
    case 11: return DType::QInt8;
    case 12: return DType::QUInt8;
    case 13: return DType::QInt32;
    case 14: return DType::BFloat16;
    case 15: return DType::QInt16;
    case 16: return DType::QUInt16;
    case 17: return DType::UInt16;
    case 18: return DType::Complex128;
    case 19: return DType::Float16;
    case 22: return DType::UInt32;
    case 23: return DType::UInt64;
    case 24: return DType::Float8E5M2;
    case 25: return DType::Float8E4M3FN;
    case 26: return DType::Float8E4M3FNUZ;
    case 27: return DType::Float8E4M3B11FNUZ;
    case 28: return DType::Float8E5M2FNUZ;
    default: return std::nullopt;
  }
}

std::string tfTypeName(std::int32_t tf) {
  switch (tf) {
    case 20: return "DT_RESOURCE";
    case 21: return "DT_VARIANT";
    case 29: return "DT_INT4";
    case 30: return "DT_UINT4";
    default: return "DataType " + std::to_string(tf);
  }
}

class BundleReader {
 public:
  explicit BundleReader(fs::path index) : index_(std::move(index)), prefix_(prefixOf(index_)) {}

  std::unique_ptr<Checkpoint> read() {
    TableFacts facts;
    const std::vector<TableEntry> entries = readTable(index_, &facts);
    if (entries.empty() || !entries.front().key.empty()) throw fileError(index_, "no bundle header (the entry with the empty key)");
    const BundleHeader header = decode("the bundle header", [&] { return decodeHeader(entries.front().value); });
    if (header.numShards <= 0 || header.numShards > 100000)
      throw fileError(index_, "bundle header names " + std::to_string(header.numShards) + " data shards");
    if (header.endianness != 0) throw fileError(index_, "big-endian tensor data is not supported");
    std::vector<fs::path> shards;
    for (std::int32_t s = 0; s < header.numShards; ++s) shards.push_back(dataShardPath(prefix_, s, header.numShards));
    storage_ = std::make_shared<BundleStorage>(shards);

    std::vector<TensorInfo> tensors;
    tensors.reserve(entries.size());
    storage_->reserve(entries.size());
    std::size_t sliced = 0, unsupported = 0;
    std::string unsupportedExample;
    // Slices of partitioned tensors have binary keys starting with 0 (§2.8): by key, for their tensor.
    std::unordered_map<std::string_view, std::string_view> sliceValues;
    for (std::size_t i = 1; i < entries.size() && !entries[i].key.empty() && entries[i].key[0] == '\0'; ++i)
      sliceValues.emplace(entries[i].key, entries[i].value);
    for (std::size_t i = 1; i < entries.size(); ++i) {
      const TableEntry& e = entries[i];
      if (!e.key.empty() && e.key[0] == '\0') continue;  // a slice, read with its tensor
      BundleEntry entry = decode("entry", e.key, [&] { return decodeEntry(e.value); });
      const auto dtype = dtypeOf(entry.dtype);
      if (!dtype) {
        if (unsupported++ == 0) unsupportedExample = e.key + " (" + tfTypeName(entry.dtype) + ")";
        continue;
      }
      TensorInfo info = describe(e.key, entry, *dtype);
      if (!entry.slices.empty()) {
        ++sliced;
        if (!storeRowSlices(info, entry, sliceValues, header.numShards)) {
          ++unsupported;
          if (unsupportedExample.empty()) unsupportedExample = e.key + " (partitioned on more than its first dimension)";
          continue;
        }
      } else {
        store(info, entry, header.numShards);
      }
      tensors.push_back(std::move(info));
    }

    const TrackableObjectGraph* graphPtr = nullptr;
    TrackableObjectGraph graph;
    for (const TensorInfo& t : tensors)
      if (t.key == "_CHECKPOINTABLE_OBJECT_GRAPH" && storage_->at(t.storageSlot).decoded) {
        graph = decode("the object graph", [&] { return decodeObjectGraph(firstCanonicalString(*storage_->at(t.storageSlot).decoded)); });
        graphPtr = &graph;
      }
    auto root = [&] {
      try {
        return buildBundleTree(std::move(tensors), graphPtr);
      } catch (const Error& e) {
        throw fileError(index_, e.what());
      }
    }();
    auto checkpoint = std::make_unique<Checkpoint>("tf-bundle", index_, std::move(root), storage_);
    std::vector<fs::path> files{index_};
    files.insert(files.end(), shards.begin(), shards.end());
    checkpoint->setFiles(files);
    auto& meta = checkpoint->metadata();
    meta.set("kind", graphPtr ? "object-based (TF2: tf.train.Checkpoint, Keras save_weights, SavedModel)"
                              : "name-based (TF1 Saver, or no object graph)");
    meta.set("prefix", prefix_.filename().string());
    meta.set("data shards", std::to_string(header.numShards));
    meta.set("index blocks", std::to_string(facts.dataBlocks) + (facts.anySnappy ? " (snappy-compressed)" : " (uncompressed)"));
    if (header.version) meta.set("bundle version", "producer " + std::to_string(header.version->producer));
    if (graphPtr) meta.set("object graph", std::to_string(graph.nodes.size()) + " objects");
    if (sliced) meta.set("partitioned tensors", std::to_string(sliced) + " (stored in slices, shown whole)");
    if (unsupported)
      meta.set("skipped entries", std::to_string(unsupported) + " of types Graft does not read, e.g. " + unsupportedExample);
    checkpoint->setFramework("TensorFlow");
    return checkpoint;
  }

 private:
  template <typename Fn>
  auto decode(std::string_view what, Fn&& fn) -> decltype(fn()) {
    return decode(what, {}, std::forward<Fn>(fn));
  }
  // "malformed <what> '<key>': ..."; the message is only built on failure (100,000 entries).
  template <typename Fn>
  auto decode(std::string_view what, std::string_view key, Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const WireError& e) {
      std::string message = "malformed " + std::string(what);
      if (!key.empty()) message += " '" + std::string(key) + "'";
      throw fileError(index_, message + ": " + e.what());
    }
  }

  // Takes the entry's dims (moved into the TensorInfo's shape).
  TensorInfo describe(const std::string& key, BundleEntry& entry, DType dtype) {
    TensorInfo info;
    info.key = key;
    info.dtype = dtype;
    std::uint64_t count = 1;
    for (const std::int64_t d : entry.shape) {
      if (d < 0 || (d > 0 && count > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(d)))
        throw fileError(index_, "tensor '" + key + "' has an impossible shape");
      count *= static_cast<std::uint64_t>(d);
    }
    info.shape = Shape(std::move(entry.shape));
    info.elementCount = count;
    info.byteSize = count * dtypeSize(dtype);
    if (entry.offset < 0 || entry.size < 0) throw fileError(index_, "tensor '" + key + "' has a negative offset or size");
    if (dtype != DType::String && entry.slices.empty() && static_cast<std::uint64_t>(entry.size) != info.byteSize)
      throw fileError(index_, "tensor '" + key + "' stores " + std::to_string(entry.size) + " bytes but its shape and dtype need " +
                                  std::to_string(info.byteSize));
    return info;
  }

  void store(TensorInfo& info, const BundleEntry& entry, std::int32_t shards) {
    if (entry.shardId < 0 || entry.shardId >= shards)
      throw fileError(index_, "tensor '" + info.key + "' names data shard " + std::to_string(entry.shardId) + " of " + std::to_string(shards));
    StoredTensor t;
    t.shard = entry.shardId;
    t.offset = static_cast<std::uint64_t>(entry.offset);
    t.size = static_cast<std::uint64_t>(entry.size);
    t.crc = unmaskCrc(entry.crc32c);
    if (info.dtype == DType::String) {
      // Strings are decoded now: their canonical size is only known from the lengths.
      if (t.size > kMaxDecodedStringBytes) throw fileError(index_, "string tensor '" + info.key + "' is implausibly large");
      // The entry's CRC covers the decoded lengths (§2.7), so the raw region is read directly.
      const auto file = storage_->shard(t.shard);
      if (t.offset > file->size() || t.size > file->size() - t.offset)
        throw fileError(file->path(), "string tensor '" + info.key + "' lies beyond the end of the data file (truncated?)");
      std::vector<std::byte> region(static_cast<std::size_t>(t.size));
      file->readExactAt(t.offset, region);
      std::vector<std::string> elements;
      try {
        elements = decodeStringTensor(region, info.elementCount, entry.crc32c);
      } catch (const WireError& e) {
        throw fileError(storage_->shardFiles()[static_cast<std::size_t>(t.shard)], "string tensor '" + info.key + "': " + e.what());
      }
      t.decoded = std::make_shared<const std::string>(canonicalStrings(elements));
      info.byteSize = t.decoded->size();
    }
    info.storageSlot = storage_->add(std::move(t));
  }

  // A tensor stored as slices along its first dimension (every other dimension whole): its
  // bytes are the slices' in row order. False for other partitionings (not read yet).
  bool storeRowSlices(TensorInfo& info, const BundleEntry& entry,
                      const std::unordered_map<std::string_view, std::string_view>& sliceValues, std::int32_t shards) {
    if (info.dtype == DType::String || info.shape.isScalar()) return false;
    const std::uint64_t rowBytes = info.elementCount && info.shape[0] ? info.byteSize / static_cast<std::uint64_t>(info.shape[0]) : 0;
    std::vector<std::pair<std::int64_t, StoredRange>> rows;
    for (const auto& extents : entry.slices) {
      if (extents.size() != info.shape.rank()) throw fileError(index_, "tensor '" + info.key + "' has a slice of another rank");
      for (std::size_t d = 1; d < extents.size(); ++d)
        if (extents[d].start != 0 || (extents[d].length && *extents[d].length != info.shape[d])) return false;
      const std::int64_t start = extents[0].start;
      const std::int64_t length = extents[0].length.value_or(info.shape[0] - start);
      const auto it = sliceValues.find(sliceKey(info.key, extents));
      if (it == sliceValues.end()) throw fileError(index_, "tensor '" + info.key + "' names a slice the index does not hold");
      const BundleEntry slice = decode("a slice of", info.key, [&] { return decodeEntry(it->second); });
      if (start < 0 || length < 0 || slice.size < 0 || slice.offset < 0 ||
          static_cast<std::uint64_t>(slice.size) != static_cast<std::uint64_t>(length) * rowBytes)
        throw fileError(index_, "a slice of tensor '" + info.key + "' has the wrong size");
      if (slice.shardId < 0 || slice.shardId >= shards) throw fileError(index_, "a slice of tensor '" + info.key + "' names a missing data shard");
      rows.push_back({start, StoredRange{slice.shardId, static_cast<std::uint64_t>(slice.offset), static_cast<std::uint64_t>(slice.size), unmaskCrc(slice.crc32c)}});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    StoredTensor t;
    std::int64_t next = 0;
    for (const auto& [start, range] : rows) {
      if (start != next) throw fileError(index_, "the slices of tensor '" + info.key + "' leave a gap or overlap at row " + std::to_string(next));
      next += rowBytes ? static_cast<std::int64_t>(range.size / rowBytes) : 0;
      t.rowSlices.push_back(range);
    }
    if (rowBytes && next != info.shape[0]) throw fileError(index_, "the slices of tensor '" + info.key + "' do not cover it");
    info.storageSlot = storage_->add(std::move(t));
    return true;
  }


  fs::path index_;
  fs::path prefix_;
  std::shared_ptr<BundleStorage> storage_;
};

}  // namespace

SniffResult TensorBundleFormat::sniff(const FileProbe& probe) const {
  // No reason when the magic is missing: the registry then lists what Graft reads.
  const auto& tail = probe.tail();
  if (probe.fileSize() < 48 || tail.size() < 8) return {};
  for (std::size_t i = 0; i < 8; ++i)
    if (tail[tail.size() - 8 + i] != std::byte{kTableMagic[i]}) return {};
  return {100, {}};
}

std::optional<fs::path> TensorBundleFormat::resolve(const fs::path& path) const { return findIndexFile(path); }

fs::path TensorBundleFormat::outputFile(const fs::path& requested) const {
  return requested.extension() == ".index" ? requested : fs::path(requested.string() + ".index");
}

// TF1 names (§2.9): the scopes of the tree path, without Keras' ":0" output index.
std::optional<std::string> TensorBundleFormat::keyForForeignPath(const std::string& path) const {
  std::string key = joinedWithoutOutputIndex(path, '/');
  return key.empty() ? std::nullopt : std::optional<std::string>(std::move(key));
}

std::unique_ptr<CheckpointWriter> TensorBundleFormat::createWriter() const { return std::make_unique<TensorBundleWriter>(); }

std::unique_ptr<Checkpoint> TensorBundleFormat::open(const fs::path& path) const {
  const fs::path index = findIndexFile(path).value_or(path);
  return BundleReader(index).read();
}

}  // namespace graft
