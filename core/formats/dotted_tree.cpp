#include "formats/dotted_tree.h"

#include <unordered_map>

#include "checkpoint/tree_builder.h"
#include "io/error.h"

namespace graft {

namespace {

// Calls fn(offset) for each '.' that ends a non-empty component before the last one.
template <typename Fn>
void forEachInnerBoundary(std::string_view name, Fn&& fn) {
  for (std::size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1)) fn(dot);
}

}  // namespace

std::unique_ptr<Node> buildDottedTree(const std::filesystem::path& file, std::vector<TensorInfo> tensors,
                                      const std::vector<NodeRole>& roles) {
  const std::size_t n = tensors.size();
  // Each name with empty components dropped ("a..b." -> "a.b"); views of the keys themselves
  // where nothing is dropped (almost always), so 100,000 names cost no allocations.
  std::vector<std::string> owned(n);
  std::vector<std::string_view> names(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& key = tensors[i].key;
    if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) {
      owned[i] = joinPath(splitPath(key, '.'), '.');
      names[i] = owned[i];
    } else {
      names[i] = key;
    }
  }
  std::unordered_map<std::string_view, std::size_t> byName;
  byName.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!names[i].empty() && !byName.emplace(names[i], i).second && tensors[i].key == tensors[byName[names[i]]].key)
      throw fileError(file, "two tensors are named '" + tensors[i].key + "'");
  // A tensor whose name is also a group ("a.b" beside "a.b.c"), or that has no usable
  // components, sits at the root under its whole name.
  std::vector<bool> atRoot(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (names[i].empty()) atRoot[i] = true;
    forEachInnerBoundary(names[i], [&](std::size_t dot) {
      if (const auto it = byName.find(names[i].substr(0, dot)); it != byName.end()) atRoot[it->second] = true;
    });
  }
  TreeBuilder builder;
  // The previous name's nodes: consecutive names share prefixes, so most components are found
  // here without a look-up.
  std::vector<std::pair<std::string_view, Node*>> chain;
  std::vector<std::pair<Node*, std::size_t>> variables;  // the tensors go in after the names are done with
  variables.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& key = tensors[i].key;
    try {
      if (atRoot[i]) {
        chain.clear();
        variables.emplace_back(&builder.variable(builder.root(), key.empty() ? std::string_view("\"\"") : std::string_view(key), TensorInfo{},
                                                 roles[i]), i);
        continue;
      }
      const std::string_view name = names[i];
      const std::size_t last = name.rfind('.');
      Node* at = &builder.root();
      std::size_t depth = 0, start = 0;
      bool reuse = true;
      if (last != std::string_view::npos)
        for (std::size_t end = name.find('.'); start <= last; end = name.find('.', start)) {
          const std::string_view c = name.substr(start, end - start);
          if (reuse && depth < chain.size() && chain[depth].first == c && chain[depth].second->role() == roles[i]) {
            at = chain[depth].second;
          } else {
            reuse = false;
            at = &builder.child(*at, c, NodeKind::Group, roles[i]);
            chain.resize(depth);
            chain.emplace_back(c, at);
          }
          ++depth;
          start = end + 1;
        }
      chain.resize(depth);
      if (at->isVariable()) throw Error("inside another tensor");
      variables.emplace_back(&builder.variable(*at, name.substr(last == std::string_view::npos ? 0 : last + 1), TensorInfo{}, roles[i]), i);
    } catch (const Error&) {
      throw fileError(file, "tensor '" + key + "' cannot be placed: its name collides with another tensor's");
    }
  }
  for (auto& [node, i] : variables) node->setTensor(std::move(tensors[i]));
  builder.markLayersHoldingWeights();
  return builder.take();
}

}  // namespace graft
