#pragma once
// One open checkpoint: what format it is, which files it spans, what the framework recorded
// about it, its layer tree, and a way to stream any tensor's bytes.

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "types/node.h"

namespace graft {

// Ordered key/value facts shown to the user: "keras_version" -> "2.2.4", ...
class CheckpointMetadata {
 public:
  void set(std::string key, std::string value);
  // For a key known to be new: no search (set() looks for the key, so many of them are quadratic).
  void append(std::string key, std::string value) { entries_.emplace_back(std::move(key), std::move(value)); }
  // Empty string when absent.
  const std::string& get(const std::string& key) const;
  bool has(const std::string& key) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

class Checkpoint {
 public:
  Checkpoint(std::string formatId, std::filesystem::path path, std::unique_ptr<Node> root,
             std::shared_ptr<const TensorStorage> storage);

  const std::string& formatId() const { return formatId_; }  // "keras2-h5", ...
  const std::filesystem::path& path() const { return path_; }  // what the user opened
  const std::vector<std::filesystem::path>& files() const { return files_; }
  void setFiles(std::vector<std::filesystem::path> files) { files_ = std::move(files); }

  CheckpointMetadata& metadata() { return metadata_; }
  const CheckpointMetadata& metadata() const { return metadata_; }
  // File-level values a writer of the same format keeps verbatim (Keras: model_config, ...).
  CheckpointMetadata& formatAttributes() { return formatAttributes_; }
  const CheckpointMetadata& formatAttributes() const { return formatAttributes_; }
  // "Keras 2.2.4" or "" when the file does not say.
  const std::string& framework() const { return framework_; }
  void setFramework(std::string framework) { framework_ = std::move(framework); }

  const Node& root() const { return *root_; }
  // Every variable in tree order.
  const std::vector<const Node*>& variables() const { return variables_; }
  // Totals over model weights only (optimizer state and bookkeeping excluded).
  std::uint64_t modelParameterCount() const { return modelParameters_; }
  std::uint64_t modelByteSize() const { return modelBytes_; }
  const Node* findByKey(const std::string& key) const;
  const Node* findByPath(const std::string& path) const;  // a variable only
  // Any node (layer, group or variable) at this tree path; nullptr if none.
  const Node* findNode(const std::string& path) const;

  std::unique_ptr<TensorStream> openTensor(const Node& variable) const;

 private:
  std::string formatId_;
  std::filesystem::path path_;
  std::vector<std::filesystem::path> files_;
  CheckpointMetadata metadata_;
  CheckpointMetadata formatAttributes_;
  std::string framework_;
  std::unique_ptr<Node> root_;
  std::shared_ptr<const TensorStorage> storage_;
  std::vector<const Node*> variables_;
  std::uint64_t modelParameters_ = 0;
  std::uint64_t modelBytes_ = 0;
  std::unordered_map<std::string_view, const Node*> byKey_;  // views of the nodes' keys
};

}  // namespace graft
