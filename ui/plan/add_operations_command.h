#pragma once
// Adds operations to the plan (a drop, an auto-match, a keyboard transplant).

#include <QUndoCommand>

#include "merge/merge_plan.h"

namespace graft::ui {

class PlanDocument;

class AddOperationsCommand : public QUndoCommand {
 public:
  AddOperationsCommand(PlanDocument* document, int at, std::vector<Operation> operations, const QString& text);
  void redo() override;
  void undo() override;

 private:
  PlanDocument* document_;
  int at_;
  std::vector<Operation> operations_;
};

}  // namespace graft::ui
