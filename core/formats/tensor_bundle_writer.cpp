#include "formats/tensor_bundle_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "checkpoint/tree_builder.h"
#include "formats/tensor_bundle/bundle_paths.h"
#include "formats/tensor_bundle/bundle_tree.h"
#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/string_tensor.h"
#include "formats/tensor_bundle/table_reader.h"
#include "formats/tensor_bundle/table_writer.h"
#include "formats/tensor_bundle/wire.h"
#include "io/error.h"
#include "io/read_only_file.h"
#include "io/write_at.h"

namespace graft {
namespace {

using namespace tfbundle;
namespace fs = std::filesystem;

constexpr std::string_view kGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";
constexpr std::string_view kValueSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";

std::int32_t tfDataType(DType t) {
  switch (t) {
    case DType::Float32: return 1;
    case DType::Float64: return 2;
    case DType::Int32: return 3;
    case DType::UInt8: return 4;
    case DType::Int16: return 5;
    case DType::Int8: return 6;
    case DType::String: return 7;
    case DType::Complex64: return 8;
    case DType::Int64: return 9;
    case DType::Bool: return 10;
    case DType::QInt8: return 11;
    case DType::QUInt8: return 12;
    case DType::QInt32: return 13;
    case DType::BFloat16: return 14;
    case DType::QInt16: return 15;
    case DType::QUInt16: return 16;
    case DType::UInt16: return 17;
    case DType::Complex128: return 18;
    case DType::Float16: return 19;
    case DType::UInt32: return 22;
    case DType::UInt64: return 23;
    case DType::Float8E5M2: return 24;
    case DType::Float8E4M3FN: return 25;
    case DType::Float8E4M3FNUZ: return 26;
    case DType::Float8E4M3B11FNUZ: return 27;
    case DType::Float8E5M2FNUZ: return 28;
  }
  return 0;
}

// What the checkpoint the output keeps (layout.model) recorded, read back from its index.
struct ModelBundle {
  std::string headerValue;
  std::int32_t shards = 0;
  std::unordered_map<std::string, BundleEntry> entries;
  bool hasSlices = false;
};

std::optional<ModelBundle> readModelBundle(const Checkpoint* model) {
  if (!model || model->formatId() != "tf-bundle") return std::nullopt;
  ModelBundle m;
  const auto table = readTable(model->path());
  for (const auto& e : table) {
    if (e.key.empty()) {
      m.headerValue = e.value;
      m.shards = decodeHeader(e.value).numShards;
    } else if (e.key[0] == '\0') {
      m.hasSlices = true;
    } else {
      m.entries.emplace(e.key, decodeEntry(e.value));
    }
  }
  return m;
}

class ShardSink final : public TensorSink {
 public:
  ShardSink(const fs::path& file, int fd, TensorBundleWriter::Slot& slot) : file_(file), fd_(fd), slot_(slot) {}
  void write(std::span<const std::byte> bytes) override {
    const auto size = static_cast<std::uint64_t>(slot_.entry.size);
    if (bytes.size() > size - slot_.written) throw fileError(file_, "more bytes than tensor '" + slot_.key + "' holds");
    if (!slot_.fixedRegion.empty()) {  // the writer makes these bytes itself
      slot_.written += bytes.size();
      return;
    }
    writeAt(file_, fd_, bytes, static_cast<std::uint64_t>(slot_.entry.offset) + slot_.written);
    slot_.crc = crc32cExtend(slot_.crc, bytes);
    slot_.written += bytes.size();
  }
  std::optional<FileExtent> extent() const override {
    if (!slot_.fixedRegion.empty()) return std::nullopt;
    return FileExtent{fd_, static_cast<std::uint64_t>(slot_.entry.offset), std::nullopt, std::nullopt};
  }
  void copiedFrom(const FileExtent& source, std::uint64_t bytes) override {
    if (slot_.written != 0 || bytes != static_cast<std::uint64_t>(slot_.entry.size))
      throw fileError(file_, "tensor '" + slot_.key + "' copied in part");
    slot_.written = bytes;
    slot_.crc = source.crc32c ? *source.crc32c : crcOfWritten(bytes);
  }

 private:
  // CRC-32C of bytes already in the output file (a kernel-side copy from a file that records
  // none), read back from the page cache.
  std::uint32_t crcOfWritten(std::uint64_t bytes) const {
    const ReadOnlyFile written(file_);
    const auto offset = static_cast<std::uint64_t>(slot_.entry.offset);
    return crc32cOfChunks(bytes, [&](std::uint64_t at, std::span<std::byte> out) { written.readExactAt(offset + at, out); });
  }

  fs::path file_;
  int fd_;
  TensorBundleWriter::Slot& slot_;
};

}  // namespace

TensorBundleWriter::~TensorBundleWriter() {
  for (int fd : fds_)
    if (fd >= 0) ::close(fd);
}

void TensorBundleWriter::create(const fs::path& file, const OutputLayout& layout) {
  index_ = file;
  placeTensors(layout);
  const fs::path prefix = prefixOf(file);
  for (std::int32_t s = 0; s < shards_; ++s) {
    shardFiles_.push_back(dataShardPath(prefix, s, shards_));
    const int fd = openForWriting(shardFiles_.back());
    fds_.push_back(fd);
  }
}

void TensorBundleWriter::placeTensors(const OutputLayout& layout) {
  std::optional<ModelBundle> model;
  try {
    model = readModelBundle(layout.model);
  } catch (const WireError& e) {
    throw fileError(layout.model->path(), std::string("malformed index: ") + e.what());
  }
  if (model) {
    shards_ = std::max(1, model->shards);
    headerValue_ = model->headerValue;
    if (model->hasSlices) warnings_.push_back("partitioned (sliced) variables of the original are written whole");
  } else {
    BundleHeader h;
    h.numShards = 1;
    h.version = VersionDef{1, 0, {}};
    headerValue_ = encodeHeader(h);
  }
  std::set<std::string> keys;
  std::optional<std::size_t> graphIndex;
  slots_.resize(layout.tensors.size());
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const OutputTensor& t = layout.tensors[i];
    if (!keys.insert(t.key).second) throw Error("two tensors named '" + t.key + "' in the output");
    if (t.key.empty() || t.key[0] == '\0') throw Error("a TensorFlow checkpoint key cannot be empty or start with a NUL byte");
    Slot& s = slots_[i];
    s.key = t.key;
    s.entry.dtype = tfDataType(t.dtype);
    s.entry.shape = t.shape.dims();
    s.entry.size = static_cast<std::int64_t>(t.byteSize);
    if (t.dtype == DType::String) {
      if (t.key != kGraphKey) throw Error("'" + t.key + "': Graft writes no string tensors other than the object graph");
      graphIndex = i;
    }
  }
  if (graphIndex) keepObjectGraph(layout, *graphIndex);
  else if (model && model->entries.count(std::string(kGraphKey)))
    warnings_.push_back("the object graph was dropped: TensorFlow restores this checkpoint by variable names only");

  // Order within each shard: the model's data order where it has the tensor, then the rest.
  struct Place { std::int32_t shard; std::uint64_t order; std::size_t index; };
  std::vector<Place> places;
  std::uint64_t next = std::uint64_t{1} << 62;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const BundleEntry* was = nullptr;
    if (model)
      if (const auto it = model->entries.find(slots_[i].key); it != model->entries.end()) was = &it->second;
    if (was && was->shardId >= 0 && was->shardId < shards_) places.push_back({was->shardId, static_cast<std::uint64_t>(was->offset), i});
    else places.push_back({shards_ - 1, next++, i});
  }
  std::stable_sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
    return a.shard != b.shard ? a.shard < b.shard : a.order < b.order;
  });
  std::vector<std::uint64_t> end(static_cast<std::size_t>(shards_), 0);
  for (const Place& p : places) {
    Slot& s = slots_[p.index];
    s.entry.shardId = p.shard;
    s.entry.offset = static_cast<std::int64_t>(end[static_cast<std::size_t>(p.shard)]);
    end[static_cast<std::size_t>(p.shard)] += static_cast<std::uint64_t>(s.fixedRegion.empty() ? s.entry.size : static_cast<std::int64_t>(s.fixedRegion.size()));
  }
}

// The original's object graph, with attributes whose keys the output lost removed and added
// TF2-style keys (<path>/.ATTRIBUTES/VARIABLE_VALUE) linked in as new objects along their path.
void TensorBundleWriter::keepObjectGraph(const OutputLayout& layout, std::size_t graphIndex) {
  Slot& slot = slots_[graphIndex];
  TrackableObjectGraph graph;
  const Node* node = layout.model ? layout.model->findByKey(std::string(kGraphKey)) : nullptr;
  if (node) {
    auto stream = layout.model->openTensor(*node);
    std::string canonical(static_cast<std::size_t>(stream->size()), '\0');
    stream->read(0, std::as_writable_bytes(std::span<char>(canonical.data(), canonical.size())));
    graph = decodeObjectGraph(firstCanonicalString(canonical));
  }
  if (graph.nodes.empty()) graph.nodes.emplace_back();  // the root
  std::set<std::string> present;
  for (const auto& s : slots_) present.insert(s.key);
  std::set<std::string> inGraph;
  for (auto& obj : graph.nodes) {
    std::erase_if(obj.attributes, [&](const SerializedTensor& a) { return !present.count(a.checkpointKey); });
    for (const auto& a : obj.attributes) inGraph.insert(a.checkpointKey);
  }
  std::size_t unlinked = 0;
  for (const auto& s : slots_) {
    if (s.key == kGraphKey || inGraph.count(s.key)) continue;
    if (s.key.size() <= kValueSuffix.size() || s.key.compare(s.key.size() - kValueSuffix.size(), kValueSuffix.size(), kValueSuffix) != 0 ||
        s.key.find("/.OPTIMIZER_SLOT/") != std::string::npos) {
      ++unlinked;
      continue;
    }
    // Walk (and extend) the graph from the root along the escaped path components.
    std::size_t at = 0;
    for (const auto& part : splitPath(s.key.substr(0, s.key.size() - kValueSuffix.size()))) {
      const std::string local = unescapeKeyComponent(part);
      const auto& children = graph.nodes[at].children;
      const auto it = std::find_if(children.begin(), children.end(), [&](const ObjectReference& r) { return r.localName == local; });
      if (it != children.end() && it->nodeId >= 0 && static_cast<std::size_t>(it->nodeId) < graph.nodes.size()) {
        at = static_cast<std::size_t>(it->nodeId);
      } else {
        graph.nodes.emplace_back();
        graph.nodes[at].children.push_back({static_cast<std::int32_t>(graph.nodes.size() - 1), local});
        at = graph.nodes.size() - 1;
      }
    }
    graph.nodes[at].attributes.push_back({"VARIABLE_VALUE", s.key.substr(0, s.key.size() - kValueSuffix.size()), s.key});
  }
  if (unlinked)
    warnings_.push_back(std::to_string(unlinked) + " variable(s) have keys outside TF2's object naming (<path>/.ATTRIBUTES/VARIABLE_VALUE); "
                        "TensorFlow's object-based restore will not see them, tf.train.load_checkpoint will (drop _CHECKPOINTABLE_OBJECT_GRAPH "
                        "from the plan to write a plain name-based checkpoint)");
  const EncodedStringTensor encoded = encodeStringTensor({encodeObjectGraph(graph)});
  slot.fixedRegion = encoded.region;
  slot.crc = unmaskCrc(encoded.entryCrcMasked);
}

std::unique_ptr<TensorSink> TensorBundleWriter::tensor(std::size_t index) {
  Slot& s = slots_.at(index);
  const auto shard = static_cast<std::size_t>(s.entry.shardId);
  return std::make_unique<ShardSink>(shardFiles_[shard], fds_[shard], s);
}

void TensorBundleWriter::finish() {
  std::vector<TableEntry> entries;
  entries.push_back({"", headerValue_});
  for (Slot& s : slots_) {
    const auto shard = static_cast<std::size_t>(s.entry.shardId);
    if (!s.fixedRegion.empty()) {
      writeAt(shardFiles_[shard], fds_[shard], s.fixedRegion, static_cast<std::uint64_t>(s.entry.offset));
      s.entry.size = static_cast<std::int64_t>(s.fixedRegion.size());
    } else if (s.written != static_cast<std::uint64_t>(s.entry.size)) {
      throw fileError(shardFiles_[shard], "tensor '" + s.key + "' was not written in full");
    }
    s.entry.crc32c = maskCrc(s.crc);
    entries.push_back({s.key, encodeEntry(s.entry)});
  }
  std::sort(entries.begin() + 1, entries.end(), [](const TableEntry& a, const TableEntry& b) { return a.key < b.key; });
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    const int rc = ::close(fds_[i]);
    fds_[i] = -1;
    if (rc != 0) throw fileError(shardFiles_[i], std::string("write failed: ") + std::strerror(errno));
  }
  const std::string table = buildTable(entries);
  const int fd = openForWriting(index_);
  try {
    writeAt(index_, fd, table, 0);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw fileError(index_, std::string("write failed: ") + std::strerror(errno));
}

std::vector<std::pair<fs::path, fs::path>> TensorBundleWriter::companions(const fs::path& destination) const {
  std::vector<std::pair<fs::path, fs::path>> out;
  const fs::path prefix = prefixOf(destination);
  for (std::int32_t s = 0; s < shards_; ++s)
    out.emplace_back(shardFiles_[static_cast<std::size_t>(s)], dataShardPath(prefix, s, shards_));
  return out;
}

}  // namespace graft
