#include "formats/safetensors_set_writer.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats/safetensors_format.h"
#include "io/error.h"

namespace graft {

namespace {

namespace fs = std::filesystem;

// "model-00001-of-00003.safetensors" for shard 0 of 3 of "model.safetensors.index.json".
std::string shardName(const fs::path& destination, std::size_t shard, std::size_t count) {
  const std::string name = destination.filename().string();
  const std::string stem = safetensors::isIndexName(destination) ? name.substr(0, name.size() - safetensors::kIndexSuffix.size()) : name;
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "-%05zu-of-%05zu", shard + 1, count);
  return stem + numbers + ".safetensors";
}

}  // namespace

SafetensorsSetWriter::~SafetensorsSetWriter() {
  std::error_code ec;
  for (const auto& f : shardFiles_) fs::remove(f, ec);  // removed again after commit is harmless: renamed away
}

void SafetensorsSetWriter::create(const fs::path& file, const OutputLayout& layout) {
  file_ = file;
  sharded_ = safetensors::isIndexName(file);
  if (!sharded_) {
    shards_.push_back(std::make_unique<SafetensorsWriter>());
    shards_.back()->create(file, layout);
    for (std::size_t i = 0; i < layout.tensors.size(); ++i) placeOf_.emplace_back(0, i);
    return;
  }
  const std::uint64_t limit = layout.shardBytes ? layout.shardBytes : kDefaultShardBytes;
  std::vector<OutputLayout> parts;
  std::uint64_t inPart = 0;
  for (const auto& t : layout.tensors) {
    if (parts.empty() || (inPart > 0 && inPart + t.byteSize > limit)) {
      parts.emplace_back();
      parts.back().layers = layout.layers;
      parts.back().keepModelConfig = layout.keepModelConfig;
      inPart = 0;
    }
    placeOf_.emplace_back(parts.size() - 1, parts.back().tensors.size());
    parts.back().tensors.push_back(t);
    inPart += t.byteSize;
    totalSize_ += t.byteSize;
    keys_.push_back(t.key);
  }
  if (parts.empty()) parts.emplace_back();  // an empty model still gets its one (empty) shard
  for (std::size_t s = 0; s < parts.size(); ++s) {
    shardFiles_.push_back(fs::path(file.string() + ".shard-" + std::to_string(s + 1) + ".safetensors"));
    shards_.push_back(std::make_unique<SafetensorsWriter>());
    shards_.back()->create(shardFiles_.back(), parts[s]);
  }
}

std::unique_ptr<TensorSink> SafetensorsSetWriter::tensor(std::size_t index) {
  const auto [shard, local] = placeOf_.at(index);
  return shards_[shard]->tensor(local);
}

void SafetensorsSetWriter::finish() {
  for (auto& s : shards_) s->finish();
  if (!sharded_) return;
  std::vector<std::string> names;
  for (const auto& f : shardFiles_) names.push_back(f.filename().string());
  writeIndex(names);
}

void SafetensorsSetWriter::prepareCommit(const fs::path& destination) {
  if (!sharded_) return;
  std::vector<std::string> names;
  for (std::size_t s = 0; s < shardFiles_.size(); ++s) names.push_back(shardName(destination, s, shardFiles_.size()));
  writeIndex(names);
}

void SafetensorsSetWriter::writeIndex(const std::vector<std::string>& shardNames) const {
  nlohmann::ordered_json index;
  index["metadata"]["total_size"] = totalSize_;
  nlohmann::ordered_json& map = index["weight_map"];
  map = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < keys_.size(); ++i) map[keys_[i]] = shardNames.at(placeOf_[i].first);
  std::ofstream out(file_, std::ios::binary | std::ios::trunc);
  out << index.dump(2) << '\n';
  out.flush();
  if (!out) throw fileError(file_, "cannot write the index (disk full?)");
}

std::vector<std::string> SafetensorsSetWriter::warnings() const {
  std::vector<std::string> all;
  for (const auto& s : shards_)
    for (auto& w : s->warnings()) all.push_back(w);
  return all;
}

std::vector<std::pair<fs::path, fs::path>> SafetensorsSetWriter::companions(const fs::path& destination) const {
  std::vector<std::pair<fs::path, fs::path>> out;
  for (std::size_t s = 0; s < shardFiles_.size(); ++s)
    out.emplace_back(shardFiles_[s], destination.parent_path() / shardName(destination, s, shardFiles_.size()));
  return out;
}

}  // namespace graft
