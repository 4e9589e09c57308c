#include "checkpoint/listing.h"

#include <algorithm>

#include "stats/sha256.h"

namespace graft {

std::string tensorSha256(const Checkpoint& checkpoint, const Node& variable, std::size_t chunkBytes) {
  Sha256 hash;
  auto stream = checkpoint.openTensor(variable);
  forEachChunk(*stream, chunkBytes, [&](std::span<const std::byte> chunk) { hash.update(chunk); });
  return hash.hexDigest();
}

bool matchesFilter(const Node& node, const std::regex& filter) {
  if (std::regex_search(node.path(), filter)) return true;
  return node.tensor() && std::regex_search(node.tensor()->key, filter);
}

namespace {

// The variables a listing shows, sorted by key. std::string compares with
// char_traits<char>::compare, i.e. memcmp: bytewise UTF-8 order, as the goldens are.
std::vector<const Node*> listedVariables(const Checkpoint& checkpoint, const ListingOptions& options) {
  std::vector<const Node*> vars;
  for (const Node* v : checkpoint.variables())
    if (!options.filter || matchesFilter(*v, *options.filter)) vars.push_back(v);
  std::sort(vars.begin(), vars.end(), [](const Node* a, const Node* b) { return a->tensor()->key < b->tensor()->key; });
  return vars;
}

// A JSON string literal, escaped as nlohmann::json dumps it.
void appendQuoted(std::string& out, const std::string& s) {
  out += nlohmann::ordered_json(s).dump();
}

}  // namespace

std::string listingText(const Checkpoint& checkpoint, const ListingOptions& options) {
  std::string out = "{\n \"format\": ";
  appendQuoted(out, checkpoint.formatId());
  out += ",\n \"variables\": [";
  bool first = true;
  for (const Node* v : listedVariables(checkpoint, options)) {
    const TensorInfo& t = *v->tensor();
    out += first ? "\n  {\"key\":" : ",\n  {\"key\":";
    first = false;
    appendQuoted(out, t.key);
    out += ",\"path\":";
    appendQuoted(out, v->path());
    out += ",\"dtype\":\"";
    out += dtypeName(t.dtype);
    out += "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.rank(); ++i) {
      if (i) out += ',';
      out += std::to_string(t.shape[i]);
    }
    out += ']';
    if (options.checksums) {
      out += ",\"sha256\":\"";
      out += tensorSha256(checkpoint, *v, options.chunkBytes);
      out += '"';
    }
    out += '}';
  }
  out += first ? "]\n}\n" : "\n ]\n}\n";
  return out;
}

nlohmann::ordered_json listingJson(const Checkpoint& checkpoint, const ListingOptions& options) {
  const std::vector<const Node*> vars = listedVariables(checkpoint, options);

  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Node* v : vars) {
    const TensorInfo& t = *v->tensor();
    nlohmann::ordered_json entry;
    entry["key"] = t.key;
    entry["path"] = v->path();
    entry["dtype"] = std::string(dtypeName(t.dtype));
    entry["shape"] = t.shape.dims();
    if (options.checksums) entry["sha256"] = tensorSha256(checkpoint, *v, options.chunkBytes);
    list.push_back(std::move(entry));
  }
  nlohmann::ordered_json out;
  out["format"] = checkpoint.formatId();
  out["variables"] = std::move(list);
  return out;
}

}  // namespace graft

namespace graft {

std::string listingText(const nlohmann::ordered_json& listing) {
  std::string out = "{\n";
  bool first = true;
  for (const auto& [key, value] : listing.items()) {
    out += first ? " " : ",\n ";
    first = false;
    out += nlohmann::ordered_json(key).dump() + ": ";
    if (value.is_array()) {
      out += "[";
      for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ",\n  " : "\n  ") + value[i].dump();
      out += value.empty() ? "]" : "\n ]";
    } else {
      out += value.dump();
    }
  }
  return out + "\n}\n";
}

}  // namespace graft
