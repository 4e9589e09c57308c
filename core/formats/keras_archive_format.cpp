#include "formats/keras_archive_format.h"

#include <nlohmann/json.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <map>
#include <regex>

#include "formats/keras3_weights_format.h"
#include "formats/keras3_weights_writer.h"
#include "formats/keras_archive_writer.h"
#include "io/error.h"
#include "io/hdf5/hdf5_dataset.h"
#include "io/zip_archive.h"

namespace graft {

namespace {

using json = nlohmann::json;

constexpr std::string_view kWeights = "model.weights.h5";
constexpr std::uint64_t kMaxMetadataBytes = 1 << 20;
constexpr std::uint64_t kMaxConfigBytes = 64 << 20;
constexpr std::uint64_t kMaxInflatedWeights = std::uint64_t{64} << 30;

json parseMember(const ZipArchive& zip, const ZipMember& member, std::uint64_t maxBytes, std::string& text) {
  text = zip.read(member, maxBytes);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw fileError(zip.path(), member.name + " is not valid JSON: " + e.what());
  }
}

std::string stringAt(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The container keys Keras gives config.json's layers in the weights file (§4.6): snake-cased
// class names numbered per name; a Sequential model's leading InputLayer is not one of its layers.
LayerClasses layerClassesOf(const json& config) {
  LayerClasses out;
  if (!config.is_object()) return out;
  const auto inner = config.find("config");
  if (inner == config.end() || !inner->is_object()) return out;
  const auto layers = inner->find("layers");
  if (layers == inner->end() || !layers->is_array()) return out;
  const bool sequential = stringAt(config, "class_name") == "Sequential";
  std::map<std::string, int> used;
  bool first = true;
  for (const auto& layer : *layers) {
    const std::string cls = layer.is_object() ? stringAt(layer, "class_name") : std::string();
    const bool skip = sequential && first && cls == "InputLayer";
    first = false;
    if (cls.empty() || skip) continue;
    std::string key = kerasSnakeCase(cls);
    if (const int n = used[key]++; n > 0) key += "_" + std::to_string(n);
    out.emplace(std::move(key), cls);
  }
  return out;
}

// A deflated weights member, inflated next to nothing the user owns: a temporary file that is
// unlinked as soon as it is open.
std::shared_ptr<hdf5::OpenFile> openInflated(const ZipArchive& zip, const ZipMember& member) {
  const char* tmp = std::getenv("TMPDIR");
  std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/graft-keras-XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw fileError(zip.path(), "cannot create a temporary file to inflate " + member.name);
  ::close(fd);
  std::filesystem::remove(name);  // extract() creates it anew, exclusively
  try {
    zip.extract(member, name, kMaxInflatedWeights);
    auto file = std::make_shared<hdf5::OpenFile>(name);
    std::filesystem::remove(name);
    return file;
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(name, ec);
    throw;
  }
}

}  // namespace

std::string kerasSnakeCase(const std::string& className) {
  static const std::regex nonWord(R"(\W+)"), capitalised("(.)([A-Z][a-z]+)"), camel("([a-z])([A-Z])");
  std::string s = std::regex_replace(className, nonWord, "");
  s = std::regex_replace(s, capitalised, "$1_$2");
  s = std::regex_replace(s, camel, "$1_$2");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> KerasArchiveFormat::foreignKeys(const std::vector<std::string>& paths,
                                                        const std::vector<std::string>& keys) const {
  return keras3KeysFor(paths, keys);
}

std::unique_ptr<CheckpointWriter> KerasArchiveFormat::createWriter() const { return std::make_unique<KerasArchiveWriter>(); }

SniffResult KerasArchiveFormat::sniff(const FileProbe& probe) const {
  if (!probe.looksLikeZip()) return {};  // other formats explain better what a non-zip file is not
  // Keras writes metadata.json (or config.json) first; a torch.save archive starts with its
  // <prefix>/data.pkl. Either way the directory need not be read.
  const std::string first = probe.firstZipMember();
  if (first == "metadata.json" || first == "config.json") return {100, {}};
  if (first.size() > 9 && first.compare(first.size() - 9, 9, "/data.pkl") == 0) return {0, "a PyTorch archive"};
  try {
    const ZipArchive zip(probe.path());
    if (!zip.find("config.json")) return {0, "a zip without config.json (not a .keras model)"};
    if (!zip.find(kWeights) && !zip.find("model.weights.npz")) return {0, "a zip without model.weights.h5 (not a .keras model)"};
    return {100, {}};
  } catch (const Error& e) {
    return {0, e.what()};
  }
}

std::unique_ptr<Checkpoint> KerasArchiveFormat::open(const std::filesystem::path& path) const {
  const ZipArchive zip(path);
  for (const auto& m : zip.members())
    if (!isSafeMemberName(m.name)) throw fileError(path, "zip member name '" + m.name + "' points outside the archive");
  const ZipMember* weights = zip.find(kWeights);
  if (!weights) {
    if (zip.find("model.weights.npz"))
      throw fileError(path, "the weights are stored as model.weights.npz (pickled numpy objects), which Graft does not read; "
                            "re-save the model with Keras' default weights_format=\"h5\"");
    throw fileError(path, "no model.weights.h5 in the archive (not a .keras model?)");
  }
  json metadata = json::object(), config = json::object();
  std::string metadataText, configText;  // kept verbatim for a writer of this format
  if (const ZipMember* m = zip.find("metadata.json")) metadata = parseMember(zip, *m, kMaxMetadataBytes, metadataText);
  if (const ZipMember* m = zip.find("config.json")) config = parseMember(zip, *m, kMaxConfigBytes, configText);

  auto file = weights->stored ? std::make_shared<hdf5::OpenFile>(path, weights->dataOffset, weights->size)
                              : openInflated(zip, *weights);
  auto checkpoint = readKeras3Weights(path, std::move(file), id(), layerClassesOf(config));

  if (!metadataText.empty()) checkpoint->formatAttributes().set("metadata.json", std::move(metadataText));
  if (!configText.empty()) checkpoint->formatAttributes().set("config.json", std::move(configText));
  auto& meta = checkpoint->metadata();
  const std::string version = metadata.is_object() ? stringAt(metadata, "keras_version") : std::string();
  meta.set("layout", ".keras archive (metadata.json, config.json, model.weights.h5)");
  meta.set("keras_version", version.empty() ? "not recorded" : version);
  if (const std::string saved = metadata.is_object() ? stringAt(metadata, "date_saved") : ""; !saved.empty()) meta.set("date_saved", saved);
  if (const std::string cls = stringAt(config, "class_name"); !cls.empty()) meta.set("model class", cls);
  meta.set("weights member", weights->stored ? "stored, read in place" : "deflated, inflated to a temporary file");
  if (!version.empty()) checkpoint->setFramework("Keras " + version);
  return checkpoint;
}

}  // namespace graft
