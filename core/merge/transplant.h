#pragma once
// What a drag and drop (or the keyboard's Transplant) means as plan operations: source
// layers or variables dropped onto a target variable, a target layer, or empty space.

#include <vector>

#include "checkpoint/checkpoint.h"
#include "merge/merge_plan.h"

namespace graft {

// `onto` is a node of the target, or nullptr for empty space (= add, or copy where the same
// path exists). A layer dropped on a layer pairs its variables by name, then by order.
std::vector<Operation> transplantOperations(const Checkpoint& source, const Checkpoint& target,
                                            const std::vector<const Node*>& dragged, const Node* onto);

// The top-level ancestor of a node (its layer), or the node itself.
const Node* topLevelOf(const Node& node);

}  // namespace graft
