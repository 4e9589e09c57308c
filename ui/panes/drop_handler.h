#pragma once
// What the target tree asks when something is dragged over it. The window's transplant
// controller answers; the model itself never edits the plan.

#include <QString>

class QMimeData;

namespace graft {
class Node;
}

namespace graft::ui {

class DropHandler {
 public:
  virtual ~DropHandler() = default;
  // onto: the target node under the cursor, nullptr for empty space.
  virtual bool canDrop(const QMimeData* mime, const Node* onto) const = 0;
  virtual QString preview(const QMimeData* mime, const Node* onto) const = 0;  // rich text
  virtual bool drop(const QMimeData* mime, const Node* onto) = 0;
};

// Mime type of dragged checkpoint nodes: the source file, then one tree path per line.
inline constexpr const char* kNodesMimeType = "application/x-graft-nodes";

}  // namespace graft::ui
