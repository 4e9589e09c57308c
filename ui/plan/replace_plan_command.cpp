#include "plan/replace_plan_command.h"

#include "plan/plan_document.h"

namespace graft::ui {

ReplacePlanCommand::ReplacePlanCommand(PlanDocument* document, std::vector<Operation> operations, bool keepOptimizer, const QString& text)
    : QUndoCommand(text),
      document_(document),
      before_(document->plan().operations),
      after_(std::move(operations)),
      keepBefore_(document->plan().keepOptimizer),
      keepAfter_(keepOptimizer) {}

void ReplacePlanCommand::redo() { document_->setOperationsAndOptimizer(after_, keepAfter_); }

void ReplacePlanCommand::undo() { document_->setOperationsAndOptimizer(before_, keepBefore_); }

}  // namespace graft::ui
