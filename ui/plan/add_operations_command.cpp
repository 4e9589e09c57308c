#include "plan/add_operations_command.h"

#include "plan/plan_document.h"

namespace graft::ui {

AddOperationsCommand::AddOperationsCommand(PlanDocument* document, int at, std::vector<Operation> operations, const QString& text)
    : QUndoCommand(text), document_(document), at_(at), operations_(std::move(operations)) {}

void AddOperationsCommand::redo() { document_->insertOperationsAt(at_, operations_); }

void AddOperationsCommand::undo() { document_->eraseOperations(at_, static_cast<int>(operations_.size())); }

}  // namespace graft::ui
