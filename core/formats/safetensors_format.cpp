#include "formats/safetensors_format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <regex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "checkpoint/tree_builder.h"
#include "formats/dotted_tree.h"
#include "formats/safetensors_set_writer.h"
#include "io/error.h"
#include "io/read_only_file.h"

namespace graft {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference's MAX_HEADER_SIZE
constexpr std::uint64_t kMaxIndexBytes = 64u << 20;     // index files are kilobytes to a few MB
constexpr std::size_t kMaxRank = 64;

struct DTypeName {
  std::string_view name;
  DType dtype;
};
// In the reference writer's order (the Rust Dtype enum, descending; §5.3).
constexpr std::array<DTypeName, 18> kDTypes = {{
    {"U64", DType::UInt64},       {"I64", DType::Int64},   {"F64", DType::Float64},
    {"C64", DType::Complex64},    {"F32", DType::Float32}, {"U32", DType::UInt32},
    {"I32", DType::Int32},        {"BF16", DType::BFloat16}, {"F16", DType::Float16},
    {"U16", DType::UInt16},       {"I16", DType::Int16},   {"F8_E5M2FNUZ", DType::Float8E5M2FNUZ},
    {"F8_E4M3FNUZ", DType::Float8E4M3FNUZ}, {"F8_E4M3", DType::Float8E4M3FN}, {"F8_E5M2", DType::Float8E5M2},
    {"I8", DType::Int8},          {"U8", DType::UInt8},    {"BOOL", DType::Bool},
}};
// Valid safetensors dtypes Graft has no type for.
constexpr std::array<std::string_view, 4> kUnsupported = {"F8_E8M0", "F4", "F6_E2M3", "F6_E3M2"};

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::uint64_t readLe64(std::span<const std::byte> b) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | std::to_integer<std::uint64_t>(b[static_cast<std::size_t>(i)]);
  return n;
}

// ---------------------------------------------------------------------------------------
// Tensor bytes: positional reads from the shard file; raw bytes, so exports copy kernel-side.

struct StoredRange {
  std::uint32_t file = 0;
  std::uint64_t offset = 0;  // absolute, in the file
  std::uint64_t size = 0;
};

class RangeStream final : public TensorStream {
 public:
  RangeStream(std::shared_ptr<const ReadOnlyFile> file, const StoredRange& r, std::string key)
      : file_(std::move(file)), offset_(r.offset), size_(r.size), key_(std::move(key)) {}
  std::optional<FileExtent> extent() const override { return FileExtent{file_->fd(), offset_, std::nullopt, std::nullopt}; }
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset > size_ || out.size() > size_ - offset) throw fileError(file_->path(), "read beyond tensor '" + key_ + "'");
    file_->readExactAt(offset_ + offset, out);
  }

 private:
  std::shared_ptr<const ReadOnlyFile> file_;
  std::uint64_t offset_, size_;
  std::string key_;
};

class SafetensorsStorage final : public TensorStorage {
 public:
  std::uint32_t addFile(std::shared_ptr<const ReadOnlyFile> f) {
    files_.push_back(std::move(f));
    return static_cast<std::uint32_t>(files_.size() - 1);
  }
  std::uint64_t add(StoredRange r) {
    tensors_.push_back(r);
    return tensors_.size() - 1;
  }
  std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const override {
    if (tensor.storageSlot >= tensors_.size()) throw Error("no tensor '" + tensor.key + "' in this checkpoint");
    const StoredRange& r = tensors_[static_cast<std::size_t>(tensor.storageSlot)];
    const auto& file = files_.at(r.file);
    if (r.offset > file->size() || r.size > file->size() - r.offset)
      throw fileError(file->path(), "tensor '" + tensor.key + "' lies beyond the end of the file (truncated?)");
    return std::make_unique<RangeStream>(file, r, tensor.key);
  }

 private:
  std::vector<std::shared_ptr<const ReadOnlyFile>> files_;
  std::vector<StoredRange> tensors_;
};

// ---------------------------------------------------------------------------------------
// The header, validated like the reference's read_metadata (§5.2).

struct HeaderTensor {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> dims;
  std::uint64_t elements = 0;
  std::uint64_t begin = 0, end = 0;  // relative to the data buffer
};

struct Header {
  std::uint64_t length = 0;  // N
  std::vector<HeaderTensor> tensors;
  std::optional<std::vector<std::pair<std::string, std::string>>> metadata;  // in file order
};

// Parses `text` as JSON with nesting limited to `maxDepth` and arrays to kMaxRank elements
// below depth 2, so a hostile header cannot build a huge or deep document. Records the keys
// of the top-level member `orderOf` in file order.
// nlohmann's DOM builder with the bounds checked as events arrive. (Its callback parser scans
// every member of an object each time a child object ends: quadratic, minutes for a header of
// 100,000 tensors.) With a member handler, each top-level member is handed over as soon as it
// is complete and dropped, so the root never holds more than one: a one-map DOM of 100,000
// tensors cost more to build and free than everything else in opening the file.
class BoundedDomBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  using Base = nlohmann::detail::json_sax_dom_parser<json>;
  using MemberHandler = std::function<void(const std::string& name, const json& value)>;
  BoundedDomBuilder(json& result, const fs::path& file, const char* what, int maxDepth, bool limitArrays,
                    std::vector<std::string>* orderOf, std::string_view member, MemberHandler onMember = {})
      : Base(result), root_(result), file_(file), what_(what), maxDepth_(maxDepth), limitArrays_(limitArrays), orderOf_(orderOf),
        member_(member), onMember_(std::move(onMember)) {}

  bool start_object(std::size_t n) { return open() && Base::start_object(n); }
  bool start_array(std::size_t n) { return open() && Base::start_array(n); }
  bool end_object() { return close() && Base::end_object() && completed(); }
  bool end_array() { return close() && Base::end_array() && completed(); }
  bool key(string_t& k) {
    if (depth_ == 1) top_ = k;
    else if (depth_ == 2 && orderOf_ && top_ == member_) orderOf_->push_back(k);
    return Base::key(k);
  }
  bool null() { return value() && Base::null() && completed(); }
  bool boolean(bool v) { return value() && Base::boolean(v) && completed(); }
  bool number_integer(number_integer_t v) { return value() && Base::number_integer(v) && completed(); }
  bool number_unsigned(number_unsigned_t v) { return value() && Base::number_unsigned(v) && completed(); }
  bool number_float(number_float_t v, const string_t& s) { return value() && Base::number_float(v, s) && completed(); }
  bool string(string_t& v) { return value() && Base::string(v) && completed(); }

 private:
  bool open() {
    if (depth_ >= maxDepth_) throw fileError(file_, std::string(what_) + " nests deeper than expected");
    value();
    ++depth_;
    arrayValues_ = 0;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  bool value() {
    if (limitArrays_ && depth_ >= 3 && ++arrayValues_ > kMaxRank) throw fileError(file_, std::string(what_) + " holds an implausibly long array");
    return true;
  }
  // After a value: one that completes a top-level member goes to the handler and leaves the root.
  bool completed() {
    if (!onMember_ || depth_ != 1 || !root_.is_object()) return true;
    const auto it = root_.find(top_);
    if (it != root_.end()) {
      onMember_(top_, *it);
      root_.erase(it);
    }
    return true;
  }

  json& root_;
  const fs::path& file_;
  const char* what_;
  int maxDepth_;
  bool limitArrays_;
  std::vector<std::string>* orderOf_;
  std::string_view member_;
  MemberHandler onMember_;
  int depth_ = 0;
  std::size_t arrayValues_ = 0;
  std::string top_;
};

json parseBounded(const fs::path& file, const std::string& text, const char* what, int maxDepth, bool limitArrays,
                  std::vector<std::string>* orderOf = nullptr, std::string_view member = {},
                  BoundedDomBuilder::MemberHandler onMember = {}) {
  json root;
  BoundedDomBuilder builder(root, file, what, maxDepth, limitArrays, orderOf, member, std::move(onMember));
  try {
    json::sax_parse(text, &builder);
  } catch (const json::exception& e) {
    throw fileError(file, std::string(what) + " is not valid JSON (" + e.what() + ")");
  }
  return root;
}

std::uint64_t unsignedOf(const json& v, bool* ok) {
  if (!v.is_number_unsigned()) {
    *ok = false;
    return 0;
  }
  return v.get<std::uint64_t>();
}

Header readHeader(const ReadOnlyFile& f) {
  const fs::path& path = f.path();
  const std::uint64_t size = f.size();
  if (size < 8) throw fileError(path, "too short for a safetensors file (" + std::to_string(size) + " bytes)");
  std::array<std::byte, 8> lenBytes{};
  f.readExactAt(0, lenBytes);
  Header h;
  h.length = readLe64(lenBytes);
  if (h.length > kMaxHeaderBytes)
    throw fileError(path, "safetensors header length " + std::to_string(h.length) + " exceeds the 100,000,000-byte limit");
  if (h.length > size - 8)
    throw fileError(path, "safetensors header length " + std::to_string(h.length) + " goes beyond the end of the file (" +
                              std::to_string(size) + " bytes; truncated?)");
  std::string text(static_cast<std::size_t>(h.length), '\0');
  f.readExactAt(8, std::as_writable_bytes(std::span<char>(text.data(), text.size())));
  std::vector<std::string> metadataOrder;
  // Every tensor is one JSON object: their count is bounded by the braces (one allocation
  // instead of a vector doubling through 100,000 entries).
  h.tensors.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '{')));
  // Each top-level member is checked as soon as it is parsed (see BoundedDomBuilder).
  auto member = [&](const std::string& name, const json& v) {
    if (name == "__metadata__") {
      if (v.is_null()) return;
      if (!v.is_object()) throw fileError(path, "__metadata__ is not a JSON object");
      std::vector<std::pair<std::string, std::string>> meta;
      std::set<std::string> seen;
      for (const auto& k : metadataOrder) {
        if (!seen.insert(k).second || !v.contains(k)) continue;
        const json& value = v.at(k);
        if (!value.is_string()) throw fileError(path, "__metadata__ value of '" + k + "' is not a string");
        meta.emplace_back(k, value.get<std::string>());
      }
      h.metadata = std::move(meta);
      return;
    }
    const std::string where = "tensor '" + name + "'";
    if (!v.is_object()) throw fileError(path, where + " is not described by a JSON object");
    if (!v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw fileError(path, where + " lacks dtype, shape or data_offsets");
    HeaderTensor t;
    t.name = name;
    const json& dt = v["dtype"];
    if (!dt.is_string()) throw fileError(path, where + " has a dtype that is not a string");
    const std::string dts = dt.get<std::string>();
    const auto dtype = safetensors::dtypeFromString(dts);
    if (!dtype) {
      if (std::find(kUnsupported.begin(), kUnsupported.end(), dts) != kUnsupported.end())
        throw fileError(path, where + " has dtype " + dts + ", which Graft does not support");
      throw fileError(path, where + " has unknown dtype '" + dts + "'");
    }
    t.dtype = *dtype;
    const json& shape = v["shape"];
    if (!shape.is_array()) throw fileError(path, where + " has a shape that is not an array");
    std::uint64_t elements = 1;
    bool overflow = false;
    for (const json& d : shape) {
      bool ok = true;
      const std::uint64_t dim = unsignedOf(d, &ok);
      if (!ok || dim > static_cast<std::uint64_t>(INT64_MAX))
        throw fileError(path, where + " has an invalid shape (dimensions must be non-negative integers)");
      t.dims.push_back(static_cast<std::int64_t>(dim));
      overflow = overflow || __builtin_mul_overflow(elements, dim, &elements);
    }
    if (std::find(t.dims.begin(), t.dims.end(), 0) != t.dims.end()) elements = 0, overflow = false;
    std::uint64_t bytes = 0;
    if (overflow || __builtin_mul_overflow(elements, std::uint64_t{dtypeSize(t.dtype)}, &bytes))
      throw fileError(path, where + " has a shape whose size overflows");
    t.elements = elements;
    const json& offs = v["data_offsets"];
    bool ok = offs.is_array() && offs.size() == 2;
    if (ok) {
      t.begin = unsignedOf(offs[0], &ok);
      t.end = unsignedOf(offs[1], &ok);
    }
    if (!ok) throw fileError(path, where + " has invalid data_offsets (expected two non-negative integers)");
    if (t.end < t.begin) throw fileError(path, where + " has data_offsets that end before they begin");
    if (t.end - t.begin != bytes)
      throw fileError(path, where + " stores " + std::to_string(t.end - t.begin) + " bytes but its dtype and shape need " +
                                std::to_string(bytes));
    h.tensors.push_back(std::move(t));
  };
  const json root = parseBounded(path, text, "the safetensors header", 3, true, &metadataOrder, "__metadata__", member);
  if (!root.is_object()) throw fileError(path, "the safetensors header is not a JSON object");
  {
    std::unordered_set<std::string_view> names;
    names.reserve(h.tensors.size());
    for (const auto& t : h.tensors)
      if (!names.insert(t.name).second) throw fileError(path, "tensor '" + t.name + "' is described twice in the header");
  }

  // Every byte of the data buffer belongs to exactly one tensor, in offset order.
  std::vector<const HeaderTensor*> byOffset;
  for (const auto& t : h.tensors) byOffset.push_back(&t);
  std::sort(byOffset.begin(), byOffset.end(), [](const HeaderTensor* a, const HeaderTensor* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t covered = 0;
  for (const HeaderTensor* t : byOffset) {
    if (t->begin > covered)
      throw fileError(path, "gap in the data before tensor '" + t->name + "' (bytes " + std::to_string(covered) + " to " +
                                std::to_string(t->begin) + " belong to no tensor)");
    if (t->begin < covered) throw fileError(path, "tensor '" + t->name + "' overlaps the tensor stored before it");
    covered = t->end;
  }
  const std::uint64_t dataStart = 8 + h.length;
  if (covered > size - dataStart)
    throw fileError(path, "the header describes " + std::to_string(covered) + " bytes of tensor data but the file holds " +
                              std::to_string(size - dataStart) + " (truncated?)");
  if (covered < size - dataStart)
    throw fileError(path, std::to_string(size - dataStart - covered) + " trailing bytes after the last tensor");
  return h;
}

// ---------------------------------------------------------------------------------------
// The tree: names split on '.'; nodes that directly hold tensors are layers.

// "layers.10" after "layers.9": digit runs compare by value.
bool naturalLess(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::size_t si = i, sj = j;
      while (si + 1 < ei && a[si] == '0') ++si;
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      if (ei - si != ej - sj) return ei - si < ej - sj;
      if (const int c = a.substr(si, ei - si).compare(b.substr(sj, ej - sj)); c != 0) return c < 0;
      if (ei - i != ej - j) return ei - i < ej - j;
      i = ei, j = ej;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j || (a.size() - i == b.size() - j && a < b);
}

// Names in natural order ("layer.2" before "layer.10"): a safetensors header has no order of its own.
std::unique_ptr<Node> buildTree(const fs::path& file, std::vector<TensorInfo> tensors) {
  // Positions are sorted, not the tensors: moving 100,000 TensorInfos through a sort cost more
  // than comparing their names.
  std::vector<std::size_t> order(tensors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return naturalLess(tensors[a].key, tensors[b].key); });
  std::vector<TensorInfo> sorted;
  sorted.reserve(tensors.size());
  for (const std::size_t i : order) sorted.push_back(std::move(tensors[i]));
  const std::vector<NodeRole> roles(sorted.size(), NodeRole::Weights);
  return buildDottedTree(file, std::move(sorted), roles);
}

std::string metadataJson(const std::vector<std::pair<std::string, std::string>>& meta) {
  std::string out = "{";
  for (const auto& [k, v] : meta) {
    if (out.size() > 1) out += ',';
    out += json(k).dump() + ":" + json(v).dump();
  }
  return out + "}";
}

void describeMetadata(Checkpoint& c, const std::optional<std::vector<std::pair<std::string, std::string>>>& meta) {
  if (!meta) return;
  c.formatAttributes().set(safetensors::kMetadataAttribute, metadataJson(*meta));
  for (const auto& [k, v] : *meta) {
    c.metadata().set(k, v);
    if (k == "format") {
      if (v == "pt") c.setFramework("PyTorch");
      else if (v == "tf") c.setFramework("TensorFlow");
      else if (v == "flax") c.setFramework("Flax");
      else if (v == "mlx") c.setFramework("MLX");
      else if (v == "np" || v == "numpy") c.setFramework("NumPy");
    }
  }
}

// Adds a file's tensors to storage; returns their infos (storageSlot set).
std::vector<TensorInfo> addTensors(SafetensorsStorage& storage, std::shared_ptr<const ReadOnlyFile> file, const Header& h) {
  const std::uint32_t id = storage.addFile(std::move(file));
  std::vector<TensorInfo> out;
  out.reserve(h.tensors.size());
  for (const auto& t : h.tensors) {
    TensorInfo info;
    info.key = t.name;
    info.dtype = t.dtype;
    info.shape = Shape(t.dims);
    info.elementCount = t.elements;
    info.byteSize = t.end - t.begin;
    info.storageSlot = storage.add(StoredRange{id, 8 + h.length + t.begin, t.end - t.begin});
    out.push_back(std::move(info));
  }
  return out;
}

std::unique_ptr<Checkpoint> openSingle(const fs::path& path) {
  auto file = std::make_shared<const ReadOnlyFile>(path);
  const Header h = readHeader(*file);
  auto storage = std::make_shared<SafetensorsStorage>();
  auto tensors = addTensors(*storage, std::move(file), h);
  const std::size_t count = tensors.size();
  auto c = std::make_unique<Checkpoint>("safetensors", path, buildTree(path, std::move(tensors)), storage);
  c->metadata().set("tensors", std::to_string(count));
  c->metadata().set("header bytes", std::to_string(h.length));
  describeMetadata(*c, h.metadata);
  return c;
}

std::string readSmallFile(const fs::path& path, std::uint64_t limit, const char* what) {
  const ReadOnlyFile f(path);
  if (f.size() > limit) throw fileError(path, std::string(what) + " is implausibly large (" + std::to_string(f.size()) + " bytes)");
  std::string text(static_cast<std::size_t>(f.size()), '\0');
  f.readExactAt(0, std::as_writable_bytes(std::span<char>(text.data(), text.size())));
  return text;
}

std::unique_ptr<Checkpoint> openSharded(const fs::path& index) {
  const std::string text = readSmallFile(index, kMaxIndexBytes, "the index");
  const json root = parseBounded(index, text, "the index", 64, false);
  if (!root.is_object() || !root.contains("weight_map") || !root["weight_map"].is_object())
    throw fileError(index, "not a sharded safetensors index (no weight_map object)");
  // Shard file -> the tensors the weight map places there.
  std::map<std::string, std::vector<std::string>> shards;
  for (const auto& [name, shard] : root["weight_map"].items()) {
    if (!shard.is_string()) throw fileError(index, "weight_map entry '" + name + "' does not name a file");
    shards[shard.get<std::string>()].push_back(name);
  }
  if (shards.empty()) throw fileError(index, "the weight_map names no tensors");
  auto storage = std::make_shared<SafetensorsStorage>();
  std::vector<TensorInfo> all;
  std::map<std::string, std::string> shardOf;
  std::vector<fs::path> files{index};
  std::optional<std::vector<std::pair<std::string, std::string>>> firstMeta;
  std::size_t unlisted = 0;
  for (const auto& [name, expected] : shards) {
    const fs::path rel(name);
    bool safe = !name.empty() && rel.is_relative();
    for (const auto& part : rel) safe = safe && part != "..";
    if (!safe) throw fileError(index, "weight_map names shard '" + name + "' outside the index's folder");
    const fs::path shardPath = index.parent_path() / rel;
    std::shared_ptr<const ReadOnlyFile> file;
    try {
      file = std::make_shared<const ReadOnlyFile>(shardPath);
    } catch (const Error& e) {
      throw fileError(index, "shard '" + name + "' cannot be opened: " + e.what());
    }
    const Header h = readHeader(*file);
    if (!firstMeta) firstMeta = h.metadata;
    std::unordered_set<std::string_view> present;
    for (const auto& t : h.tensors) present.insert(t.name);
    for (const auto& want : expected)
      if (!present.count(want))
        throw fileError(shardPath, "tensor '" + want + "', which " + index.filename().string() + " places in this shard, is not in it");
    std::unordered_set<std::string_view> listed(expected.begin(), expected.end());
    for (auto& t : addTensors(*storage, file, h)) {
      if (!listed.count(t.key)) ++unlisted;
      if (const auto [it, fresh] = shardOf.emplace(t.key, name); !fresh)
        throw fileError(shardPath, "tensor '" + t.key + "' is also in shard '" + it->second + "'");
      all.push_back(std::move(t));
    }
    files.push_back(shardPath);
  }
  const std::size_t count = all.size();
  auto c = std::make_unique<Checkpoint>("safetensors", index, buildTree(index, std::move(all)), storage);
  c->setFiles(files);
  c->metadata().set("tensors", std::to_string(count));
  c->metadata().set("shards", std::to_string(shards.size()));
  if (root.contains("metadata") && root["metadata"].is_object())
    for (const auto& [k, v] : root["metadata"].items()) c->metadata().set("index " + k, v.is_string() ? v.get<std::string>() : v.dump());
  if (unlisted) c->metadata().set("tensors not in weight_map", std::to_string(unlisted));
  describeMetadata(*c, firstMeta);
  return c;
}

}  // namespace

namespace safetensors {

bool isIndexName(const fs::path& p) { return endsWith(p.filename().string(), kIndexSuffix); }

std::optional<std::string_view> dtypeString(DType t) {
  for (const auto& d : kDTypes)
    if (d.dtype == t) return d.name;
  return std::nullopt;
}

std::optional<DType> dtypeFromString(std::string_view s) {
  for (const auto& d : kDTypes)
    if (d.name == s) return d.dtype;
  return std::nullopt;
}

int writerRank(DType t) {
  for (std::size_t i = 0; i < kDTypes.size(); ++i)
    if (kDTypes[i].dtype == t) return static_cast<int>(i);
  return static_cast<int>(kDTypes.size());
}

}  // namespace safetensors

SniffResult SafetensorsFormat::sniff(const FileProbe& probe) const {
  const fs::path& path = probe.path();
  const bool named = path.extension() == ".safetensors";
  if (safetensors::isIndexName(path)) {
    try {
      const std::string text = readSmallFile(path, kMaxIndexBytes, "the index");
      const json root = parseBounded(path, text, "the index", 64, false);
      if (root.is_object() && root.contains("weight_map") && root["weight_map"].is_object()) return {80, {}};
      return {0, "a .safetensors.index.json without a weight_map object"};
    } catch (const Error& e) {
      return {0, e.what()};
    }
  }
  const auto& head = probe.head();
  auto no = [&](std::string why) { return SniffResult{0, named ? std::move(why) : std::string()}; };
  if (probe.fileSize() < 10 || head.size() < 9) return no("too short for a safetensors file");
  const std::uint64_t n = readLe64(std::span<const std::byte>(head.data(), 8));
  if (n < 2 || n > kMaxHeaderBytes || n > probe.fileSize() - 8)
    return no("its safetensors header length (" + std::to_string(n) + ") does not fit in the file");
  for (std::size_t i = 8; i < head.size() && i < 8 + n; ++i) {
    const auto c = std::to_integer<unsigned char>(head[i]);
    if (c == ' ') continue;
    if (c == '{') return {90, {}};
    break;
  }
  return no("its safetensors header does not start with a JSON object");
}

std::optional<fs::path> SafetensorsFormat::resolve(const fs::path& path) const {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    if (safetensors::isIndexName(path)) return path;
    // A shard ("model-00002-of-00006.safetensors") opens its whole set when the index beside
    // it names it; alone otherwise.
    static const std::regex shardName(R"((.+)-\d+-of-\d+\.safetensors)");
    std::smatch m;
    const std::string name = path.filename().string();
    if (!std::regex_match(name, m, shardName)) return std::nullopt;
    const fs::path index = path.parent_path() / (m[1].str() + std::string(safetensors::kIndexSuffix));
    if (!fs::is_regular_file(index, ec)) return std::nullopt;
    try {
      if (readSmallFile(index, kMaxIndexBytes, "the index").find("\"" + name + "\"") != std::string::npos) return index;
    } catch (const Error&) {
    }
    return std::nullopt;
  }
  if (!fs::is_directory(path, ec)) return std::nullopt;
  std::vector<fs::path> indexes, singles;
  for (const auto& e : fs::directory_iterator(path, ec)) {
    if (!e.is_regular_file(ec)) continue;
    if (safetensors::isIndexName(e.path())) indexes.push_back(e.path());
    else if (e.path().extension() == ".safetensors") singles.push_back(e.path());
  }
  if (indexes.size() == 1) return indexes.front();
  if (indexes.empty() && singles.size() == 1) return singles.front();
  return std::nullopt;
}

std::unique_ptr<CheckpointWriter> SafetensorsFormat::createWriter() const { return std::make_unique<SafetensorsSetWriter>(); }

std::unique_ptr<Checkpoint> SafetensorsFormat::open(const fs::path& path) const {
  std::error_code ec;
  fs::path file = path;
  if (fs::is_directory(path, ec)) {
    const auto resolved = resolve(path);
    if (!resolved) throw fileError(path, "a folder without exactly one safetensors file or .safetensors.index.json");
    file = *resolved;
  }
  if (safetensors::isIndexName(file)) return openSharded(file);
  return openSingle(file);
}

// PyTorch-style names for variables from other formats: "dense/kernel:0" -> "dense.kernel".
std::optional<std::string> SafetensorsFormat::keyForForeignPath(const std::string& path) const { return dottedForeignKey(path); }

}  // namespace graft
