#pragma once
// An ordered list of edits that turn the target checkpoint into the result. Nothing is
// written until the plan is exported; the window's undo stack edits exactly this.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "merge/transform.h"

namespace graft {

enum class OperationKind {
  Copy,       // a source variable into a target variable's slot
  CopyLayer,  // a source layer onto a target layer: variables paired by name, then by order
  Add,        // a source variable or layer the target lacks
  Drop,       // a target variable or layer
  Rename,     // a target node gets a new name
};

std::string_view operationKindName(OperationKind kind);  // "copy", "copy-layer", ...
std::optional<OperationKind> operationKindFromName(std::string_view name);

struct Operation {
  OperationKind kind = OperationKind::Copy;
  std::string source;  // tree path in the source (copy, copy-layer, add)
  std::string target;  // tree path in the target (copy, copy-layer, drop, rename); for add the
                       // path the new node gets, empty = the source path
  std::string newName;                // rename: the node's new name
  std::vector<Transform> transforms;  // copy, add; copy-layer applies them to every pair
  std::string reason;                 // why: "same name", "layer #3 by order", "by hand"

  friend bool operator==(const Operation&, const Operation&) = default;
};

struct MergePlan {
  std::filesystem::path source;
  std::filesystem::path target;
  std::filesystem::path output;  // optional: where `graft-cli merge --plan` writes without -o
  std::vector<Operation> operations;
  bool keepOptimizer = true;  // keep the target's optimizer state in the result

  friend bool operator==(const MergePlan&, const MergePlan&) = default;
};

}  // namespace graft
