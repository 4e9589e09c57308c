#pragma once
// Removes operations from the plan (Delete in the plan dock, "Skip" on a conflict).

#include <QUndoCommand>

#include "merge/merge_plan.h"

namespace graft::ui {

class PlanDocument;

class RemoveOperationsCommand : public QUndoCommand {
 public:
  RemoveOperationsCommand(PlanDocument* document, std::vector<int> sortedIndices);
  void redo() override;
  void undo() override;

 private:
  PlanDocument* document_;
  std::vector<int> indices_;
  std::vector<Operation> removed_;
};

}  // namespace graft::ui
