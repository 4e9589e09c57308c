#include "plan/remove_operations_command.h"

#include "plan/plan_document.h"

namespace graft::ui {

RemoveOperationsCommand::RemoveOperationsCommand(PlanDocument* document, std::vector<int> sortedIndices)
    : QUndoCommand(sortedIndices.size() == 1 ? QObject::tr("Remove operation") : QObject::tr("Remove %1 operations").arg(sortedIndices.size())),
      document_(document),
      indices_(std::move(sortedIndices)) {
  for (int i : indices_) removed_.push_back(document_->plan().operations[static_cast<std::size_t>(i)]);
}

void RemoveOperationsCommand::redo() {
  for (auto it = indices_.rbegin(); it != indices_.rend(); ++it) document_->eraseOperations(*it, 1);
}

void RemoveOperationsCommand::undo() {
  for (std::size_t k = 0; k < indices_.size(); ++k) document_->insertOperationsAt(indices_[k], {removed_[k]});
}

}  // namespace graft::ui
