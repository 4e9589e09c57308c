#include "formats/tensor_bundle/bundle_paths.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <system_error>

namespace graft::tfbundle {
namespace fs = std::filesystem;

namespace {

bool isFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

fs::path withSuffix(const fs::path& prefix, const std::string& suffix) { return fs::path(prefix.string() + suffix); }

// The only `.index` directly in a folder, if there is exactly one.
std::optional<fs::path> soleIndexIn(const fs::path& folder) {
  std::optional<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.path().extension() != ".index" || !isFile(e.path())) continue;
    if (found) return std::nullopt;
    found = e.path();
  }
  return found;
}

// Reads one quoted value of a text-format proto field ("model_checkpoint_path: \"ckpt-3\"").
std::optional<std::string> quotedField(const std::string& text, const std::string& field) {
  const std::regex re("(^|\\n)\\s*" + field + "\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  std::string out;
  const std::string raw = m[2].str();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) ++i;  // \" and \\ as written by TF's text format
    out += raw[i];
  }
  return out;
}

}  // namespace

fs::path prefixOf(const fs::path& indexFile) {
  std::string s = indexFile.string();
  if (s.size() > 6 && s.compare(s.size() - 6, 6, ".index") == 0) s.resize(s.size() - 6);
  return s;
}

fs::path dataShardPath(const fs::path& prefix, std::int32_t shard, std::int32_t shards) {
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, shards);
  return withSuffix(prefix, suffix);
}

std::optional<fs::path> latestCheckpointPrefix(const fs::path& stateFile) {
  std::error_code ec;
  if (!isFile(stateFile) || fs::file_size(stateFile, ec) > (1u << 20)) return std::nullopt;
  std::ifstream in(stateFile, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto value = quotedField(text, "model_checkpoint_path");
  if (!value || value->empty()) return std::nullopt;
  fs::path p(*value);
  // TF2 writes paths relative to the state file's folder; TF1 often absolute ones from
  // another machine: fall back to the file name beside the state file.
  if (p.is_relative()) return stateFile.parent_path() / p;
  if (isFile(withSuffix(p, ".index"))) return p;
  return stateFile.parent_path() / p.filename();
}

std::optional<fs::path> findIndexFile(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (auto latest = latestCheckpointPrefix(path / "checkpoint"))
      if (isFile(withSuffix(*latest, ".index"))) return withSuffix(*latest, ".index");
    if (isFile(path / "variables" / "variables.index")) return path / "variables" / "variables.index";  // SavedModel
    return soleIndexIn(path);
  }
  const std::string name = path.filename().string();
  if (path.extension() == ".index") return isFile(path) ? std::optional<fs::path>(path) : std::nullopt;
  // A data shard: PREFIX.data-00000-of-00002.
  static const std::regex shard(R"(^(.*)\.data-\d{5}-of-\d{5}$)");
  std::smatch m;
  if (std::regex_match(name, m, shard)) {
    const fs::path index = path.parent_path() / (m[1].str() + ".index");
    return isFile(index) ? std::optional<fs::path>(index) : std::nullopt;
  }
  if (name == "checkpoint" && isFile(path))
    if (auto latest = latestCheckpointPrefix(path))
      if (isFile(withSuffix(*latest, ".index"))) return withSuffix(*latest, ".index");
  // A prefix: the path itself need not exist.
  if (!fs::exists(path, ec) && isFile(withSuffix(path, ".index"))) return withSuffix(path, ".index");
  return std::nullopt;
}

}  // namespace graft::tfbundle
