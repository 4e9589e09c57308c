#include "plan/replace_operation_command.h"

#include "plan/plan_document.h"

namespace graft::ui {

ReplaceOperationCommand::ReplaceOperationCommand(PlanDocument* document, int index, Operation operation, const QString& text)
    : QUndoCommand(text),
      document_(document),
      index_(index),
      before_(document->plan().operations[static_cast<std::size_t>(index)]),
      after_(std::move(operation)) {}

void ReplaceOperationCommand::redo() { document_->setOperation(index_, after_); }

void ReplaceOperationCommand::undo() { document_->setOperation(index_, before_); }

}  // namespace graft::ui
