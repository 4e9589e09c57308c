#include "checkpoint/checkpoint.h"

#include "checkpoint/tree_builder.h"
#include "io/error.h"

namespace graft {

void CheckpointMetadata::set(std::string key, std::string value) {
  for (auto& [k, v] : entries_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  entries_.emplace_back(std::move(key), std::move(value));
}

const std::string& CheckpointMetadata::get(const std::string& key) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : entries_)
    if (k == key) return v;
  return kEmpty;
}

bool CheckpointMetadata::has(const std::string& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return true;
  return false;
}

Checkpoint::Checkpoint(std::string formatId, std::filesystem::path path, std::unique_ptr<Node> root,
                       std::shared_ptr<const TensorStorage> storage)
    : formatId_(std::move(formatId)),
      path_(path),
      files_{std::move(path)},
      root_(std::move(root)),
      storage_(std::move(storage)) {
  root_->computeTotals();
  std::size_t count = 0;
  forEachVariable(*root_, [&count](const Node&) { ++count; });
  variables_.reserve(count);
  byKey_.reserve(count);  // no rehash while 100,000 keys go in
  forEachVariable(*root_, [this](const Node& v) {
    variables_.push_back(&v);
    byKey_.emplace(v.tensor()->key, &v);
    if (v.role() == NodeRole::Weights) {
      modelParameters_ += v.tensor()->elementCount;
      modelBytes_ += v.tensor()->byteSize;
    }
  });
}

const Node* Checkpoint::findByKey(const std::string& key) const {
  const auto it = byKey_.find(key);
  return it == byKey_.end() ? nullptr : it->second;
}

const Node* Checkpoint::findByPath(const std::string& path) const {
  const Node* n = findNode(path);
  return n && n->isVariable() ? n : nullptr;
}

const Node* Checkpoint::findNode(const std::string& path) const {
  const Node* at = root_.get();
  for (const auto& part : splitPath(path)) {
    const Node* next = nullptr;
    for (const auto& child : at->children())
      if (child->name() == part) {
        next = child.get();
        break;
      }
    if (!next) return nullptr;
    at = next;
  }
  return at == root_.get() ? nullptr : at;
}

std::unique_ptr<TensorStream> Checkpoint::openTensor(const Node& variable) const {
  if (!variable.tensor()) throw fileError(path_, "'" + variable.path() + "' is not a variable");
  return storage_->open(*variable.tensor());
}

}  // namespace graft
