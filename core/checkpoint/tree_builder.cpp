#include "checkpoint/tree_builder.h"

#include "io/error.h"

namespace graft {

TreeBuilder::TreeBuilder() : root_(std::make_unique<Node>(NodeKind::Group, "")) {}

void TreeBuilder::reset() {
  index_.clear();
  indexed_.clear();
  root_ = std::make_unique<Node>(NodeKind::Group, "");
}

Node* TreeBuilder::find(Node& parent, std::string_view name) {
  const auto& children = parent.children();
  if (children.size() <= kScanLimit) {
    // Newest first: sorted input mostly asks for the child it just made.
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      if ((*it)->name() == name) return it->get();
    return nullptr;
  }
  if (indexed_.insert(&parent).second)
    for (const auto& c : children) index_.emplace(std::make_pair(&parent, std::string_view(c->name())), c.get());
  const auto it = index_.find({&parent, name});
  return it == index_.end() ? nullptr : it->second;
}

Node& TreeBuilder::add(Node& parent, std::unique_ptr<Node> node) {
  Node& created = parent.addChild(std::move(node));
  if (indexed_.count(&parent)) index_.emplace(std::make_pair(&parent, std::string_view(created.name())), &created);
  return created;
}

Node& TreeBuilder::child(Node& parent, std::string_view name, NodeKind kind, NodeRole role) {
  if (Node* found = find(parent, name)) return *found;
  return add(parent, std::make_unique<Node>(kind, std::string(name), role));
}

Node& TreeBuilder::groups(Node& parent, const std::vector<std::string>& components, NodeRole role) {
  Node* at = &parent;
  for (const auto& c : components) at = &child(*at, c, NodeKind::Group, role);
  return *at;
}

Node& TreeBuilder::variable(Node& parent, std::string_view name, TensorInfo info, NodeRole role) {
  if (find(parent, name)) throw Error("duplicate variable '" + info.key + "'");
  Node& created = add(parent, std::make_unique<Node>(NodeKind::Variable, std::string(name), role));
  created.setTensor(std::move(info));
  return created;
}

void TreeBuilder::markLayersHoldingWeights() {
  std::vector<Node*> stack{root_.get()};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const auto& c : n->children()) {
      if (!c->isVariable()) stack.push_back(c.get());
      else if (c->role() == NodeRole::Weights && n != root_.get() && n->kind() == NodeKind::Group) n->setKind(NodeKind::Layer);
    }
  }
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

std::optional<std::string> dottedForeignKey(std::string_view path) {
  std::string key = joinedWithoutOutputIndex(path, '.');
  if (key.empty()) return std::nullopt;
  return key;
}

}  // namespace graft
