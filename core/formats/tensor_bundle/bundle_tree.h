#pragma once
// The tree a researcher sees for a TensorBundle (checkpoint-formats.md §2.9, §2.10).
// TF2: the object graph's first breadth-first path to each object is its place
// (model/layer_with_weights-0/kernel); optimizer slots sit beside their variable in a group
// named after the optimizer and slot (layer_with_weights-0/optimizer/m/kernel). Keys the
// graph does not name (or a bundle without a graph) are placed by parsing the key: TF2 key
// grammar, else TF1 '/' scopes with `var/Adam`-style slots moved the same way.
// Optimizer state and bookkeeping (save_counter, global_step, the graph) get their roles.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formats/tensor_bundle/bundle_proto.h"
#include "types/node.h"

namespace graft::tfbundle {

// `tensors` in index order, moved into the tree's variables (no key or shape is copied);
// `graph` may be null. Throws graft::Error on duplicate places.
// One component of a TF2 key unescaped (§2.10: "." is written "..", "/" is written ".S"), with
// an escaped '/' written as `slashAs`.
std::string unescapeKeyComponent(std::string_view escaped, std::string_view slashAs = "/");

std::unique_ptr<Node> buildBundleTree(std::vector<TensorInfo>&& tensors, const TrackableObjectGraph* graph);

}  // namespace graft::tfbundle
