#pragma once
// Replaces every operation at once (Load Plan, Clear Plan).

#include <QUndoCommand>

#include "merge/merge_plan.h"

namespace graft::ui {

class PlanDocument;

class ReplacePlanCommand : public QUndoCommand {
 public:
  ReplacePlanCommand(PlanDocument* document, std::vector<Operation> operations, bool keepOptimizer, const QString& text);
  void redo() override;
  void undo() override;

 private:
  PlanDocument* document_;
  std::vector<Operation> before_, after_;
  bool keepBefore_, keepAfter_;
};

}  // namespace graft::ui
