#pragma once
// Turns gestures into plan operations: drops from the source tree onto the target tree, and
// the keyboard's Transplant (T) of the selected source nodes onto the selected target node.

#include <QString>

#include <vector>

#include "merge/merge_plan.h"
#include "panes/drop_handler.h"

namespace graft::ui {

class PlanDocument;

class TransplantController : public DropHandler {
 public:
  explicit TransplantController(PlanDocument* document) : document_(document) {}

  bool canDrop(const QMimeData* mime, const Node* onto) const override;
  QString preview(const QMimeData* mime, const Node* onto) const override;
  bool drop(const QMimeData* mime, const Node* onto) override;

  // The operations for dragging `dragged` (source nodes) onto `onto` (target node or null).
  std::vector<Operation> operationsFor(const std::vector<const Node*>& dragged, const Node* onto) const;
  // One undoable step; false when nothing would happen.
  bool transplant(const std::vector<const Node*>& dragged, const Node* onto);
  // Rich text listing each pair the operations create with its status.
  QString describe(const std::vector<Operation>& operations) const;

 private:
  std::vector<const Node*> draggedNodes(const QMimeData* mime) const;

  PlanDocument* document_;
};

}  // namespace graft::ui
