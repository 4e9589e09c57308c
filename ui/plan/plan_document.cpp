#include "plan/plan_document.h"

#include "panes/release_in_background.h"

#include <algorithm>

#include "plan/add_operations_command.h"
#include "plan/remove_operations_command.h"
#include "plan/replace_operation_command.h"
#include "plan/replace_plan_command.h"

namespace graft::ui {

PlanDocument::PlanDocument(QObject* parent) : QObject(parent), undoStack_(new QUndoStack(this)) {}

void PlanDocument::setSource(std::shared_ptr<const Checkpoint> source) {
  releaseInBackground(std::exchange(source_, std::move(source)));
  plan_.source = source_ ? source_->path() : std::filesystem::path();
  Q_EMIT checkpointsChanged();
  reevaluate();
}

void PlanDocument::setTarget(std::shared_ptr<const Checkpoint> target) {
  releaseInBackground(std::exchange(target_, std::move(target)));
  plan_.target = target_ ? target_->path() : std::filesystem::path();
  Q_EMIT checkpointsChanged();
  reevaluate();
}

void PlanDocument::addOperations(std::vector<Operation> operations, const QString& text) {
  if (operations.empty()) return;
  undoStack_->push(new AddOperationsCommand(this, static_cast<int>(plan_.operations.size()), std::move(operations), text));
}

void PlanDocument::removeOperations(std::vector<int> indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  std::erase_if(indices, [this](int i) { return i < 0 || i >= static_cast<int>(plan_.operations.size()); });
  if (indices.empty()) return;
  undoStack_->push(new RemoveOperationsCommand(this, std::move(indices)));
}

void PlanDocument::replaceOperation(int index, Operation operation, const QString& text) {
  if (index < 0 || index >= static_cast<int>(plan_.operations.size())) return;
  undoStack_->push(new ReplaceOperationCommand(this, index, std::move(operation), text));
}

void PlanDocument::replacePlan(std::vector<Operation> operations, bool keepOptimizer, const QString& text) {
  undoStack_->push(new ReplacePlanCommand(this, std::move(operations), keepOptimizer, text));
}

void PlanDocument::insertOperationsAt(int index, const std::vector<Operation>& operations) {
  plan_.operations.insert(plan_.operations.begin() + index, operations.begin(), operations.end());
  reevaluate();
}

void PlanDocument::eraseOperations(int index, int count) {
  plan_.operations.erase(plan_.operations.begin() + index, plan_.operations.begin() + index + count);
  reevaluate();
}

void PlanDocument::setOperation(int index, const Operation& operation) {
  plan_.operations[static_cast<std::size_t>(index)] = operation;
  reevaluate();
}

void PlanDocument::setOperationsAndOptimizer(std::vector<Operation> operations, bool keepOptimizer) {
  plan_.operations = std::move(operations);
  plan_.keepOptimizer = keepOptimizer;
  reevaluate();
}

void PlanDocument::reevaluate() {
  evaluation_ = ready() ? evaluatePlan(*source_, *target_, plan_) : MergeEvaluation{};
  Q_EMIT planChanged();
}

}  // namespace graft::ui
