#include "checkpoint/tree_builder.h"

#include "io/error.h"

namespace graft {

TreeBuilder::TreeBuilder() : root_(std::make_unique<Node>(NodeKind::Group, "")) {}

void TreeBuilder::reset() {
  index_.clear();
  root_ = std::make_unique<Node>(NodeKind::Group, "");
}

Node& TreeBuilder::child(Node& parent, const std::string& name, NodeKind kind, NodeRole role) {
  if (auto it = index_.find({&parent, name}); it != index_.end()) return *it->second;
  Node& created = parent.addChild(std::make_unique<Node>(kind, name, role));
  index_.emplace(std::make_pair(&parent, std::string_view(created.name())), &created);
  return created;
}

Node& TreeBuilder::groups(Node& parent, const std::vector<std::string>& components, NodeRole role) {
  Node* at = &parent;
  for (const auto& c : components) at = &child(*at, c, NodeKind::Group, role);
  return *at;
}

Node& TreeBuilder::variable(Node& parent, const std::string& name, TensorInfo info, NodeRole role) {
  if (index_.count({&parent, name})) throw Error("duplicate variable '" + info.key + "'");
  Node& created = parent.addChild(std::make_unique<Node>(NodeKind::Variable, name, role));
  created.setTensor(std::move(info));
  index_.emplace(std::make_pair(&parent, std::string_view(created.name())), &created);
  return created;
}

std::vector<std::string> splitPath(std::string_view path, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = path.find(sep, start);
    const std::string_view part = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty()) parts.emplace_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string joinPath(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

void stripOutputIndex(std::string& component) {
  const auto colon = component.rfind(':');
  if (colon == std::string::npos || colon + 1 == component.size()) return;
  if (component.find_first_not_of("0123456789", colon + 1) == std::string::npos) component.erase(colon);
}

std::string joinedWithoutOutputIndex(std::string_view path, char sep) {
  std::vector<std::string> parts;
  for (std::string part : splitPath(path)) {
    stripOutputIndex(part);
    if (!part.empty()) parts.push_back(std::move(part));
  }
  return joinPath(parts, sep);
}

}  // namespace graft
