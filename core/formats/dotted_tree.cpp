#include "formats/dotted_tree.h"

#include <unordered_set>

#include "checkpoint/tree_builder.h"
#include "io/error.h"

namespace graft {

std::unique_ptr<Node> buildDottedTree(const std::filesystem::path& file, std::vector<TensorInfo> tensors,
                                      const std::vector<NodeRole>& roles) {
  std::vector<std::vector<std::string>> parts(tensors.size());
  std::unordered_set<std::string> inner;  // joined paths of every node above a tensor
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    parts[i] = splitPath(tensors[i].key, '.');
    std::string prefix;
    for (std::size_t c = 0; c + 1 < parts[i].size(); ++c) {
      prefix += (c ? "." : "") + parts[i][c];
      inner.insert(prefix);
    }
  }
  TreeBuilder builder;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const std::string key = tensors[i].key;
    if (!seen.insert(key).second) throw fileError(file, "two tensors are named '" + key + "'");
    try {
      // A tensor whose path is also a group ("a.b" beside "a.b.c"), or that has no usable
      // components, sits at the root under its whole name.
      if (parts[i].empty() || inner.count(joinPath(parts[i], '.'))) {
        builder.variable(builder.root(), key.empty() ? std::string("\"\"") : key, std::move(tensors[i]), roles[i]);
        continue;
      }
      Node* at = &builder.root();
      for (std::size_t c = 0; c + 1 < parts[i].size(); ++c) at = &builder.child(*at, parts[i][c], NodeKind::Group, roles[i]);
      if (at->isVariable()) throw Error("inside another tensor");
      builder.variable(*at, parts[i].back(), std::move(tensors[i]), roles[i]);
    } catch (const Error&) {
      throw fileError(file, "tensor '" + key + "' cannot be placed: its name collides with another tensor's");
    }
  }
  builder.markLayersHoldingWeights();
  return builder.take();
}

}  // namespace graft
