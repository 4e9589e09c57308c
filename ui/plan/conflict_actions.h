#pragma once
// The ways to resolve a slot's conflict, offered in context menus of the plan dock and the
// target tree: slice to fit, pad with zeros, reshape, transpose, cast, skip.

#include <QString>

#include <functional>
#include <vector>

namespace graft {
struct ResultSlot;
}

namespace graft::ui {

class PlanDocument;

struct Resolution {
  QString label;                 // "Slice to fit (128, 5)"
  std::function<void()> apply;   // one undoable step
};

std::vector<Resolution> resolutionsFor(PlanDocument* document, const ResultSlot& slot);

}  // namespace graft::ui
