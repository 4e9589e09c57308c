#include "merge/merge_plan.h"

#include <array>
#include <utility>

namespace graft {
namespace {
constexpr std::array<std::pair<OperationKind, std::string_view>, 5> kNames{{
    {OperationKind::Copy, "copy"},
    {OperationKind::CopyLayer, "copy-layer"},
    {OperationKind::Add, "add"},
    {OperationKind::Drop, "drop"},
    {OperationKind::Rename, "rename"},
}};
}  // namespace

std::string_view operationKindName(OperationKind kind) {
  for (const auto& [k, n] : kNames)
    if (k == kind) return n;
  return "copy";
}

std::optional<OperationKind> operationKindFromName(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

}  // namespace graft
