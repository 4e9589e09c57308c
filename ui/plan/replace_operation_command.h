#pragma once
// Changes one operation in place: resolving a conflict by slicing, padding, casting, ...

#include <QUndoCommand>

#include "merge/merge_plan.h"

namespace graft::ui {

class PlanDocument;

class ReplaceOperationCommand : public QUndoCommand {
 public:
  ReplaceOperationCommand(PlanDocument* document, int index, Operation operation, const QString& text);
  void redo() override;
  void undo() override;

 private:
  PlanDocument* document_;
  int index_;
  Operation before_;
  Operation after_;
};

}  // namespace graft::ui
