#pragma once
// The editing session: a source, a target, the plan between them and its evaluation. The
// undo stack is the only way the plan changes; every change re-evaluates the plan.

#include <QObject>
#include <QUndoStack>

#include <memory>

#include "merge/merge_evaluation.h"
#include "merge/merge_plan.h"

namespace graft::ui {

class PlanDocument : public QObject {
  Q_OBJECT
 public:
  explicit PlanDocument(QObject* parent = nullptr);

  void setSource(std::shared_ptr<const Checkpoint> source);
  void setTarget(std::shared_ptr<const Checkpoint> target);
  const Checkpoint* source() const { return source_.get(); }
  const Checkpoint* target() const { return target_.get(); }
  std::shared_ptr<const Checkpoint> sourceShared() const { return source_; }
  std::shared_ptr<const Checkpoint> targetShared() const { return target_; }
  bool ready() const { return source_ && target_; }

  const MergePlan& plan() const { return plan_; }
  const MergeEvaluation& evaluation() const { return evaluation_; }
  QUndoStack* undoStack() const { return undoStack_; }
  bool isModified() const { return !undoStack_->isClean(); }

  // Undoable edits.
  void addOperations(std::vector<Operation> operations, const QString& text);
  void removeOperations(std::vector<int> indices);
  void replaceOperation(int index, Operation operation, const QString& text);
  // Replaces the whole plan (Load Plan), undoable as one step.
  void replacePlan(std::vector<Operation> operations, bool keepOptimizer, const QString& text);
  void markSaved() { undoStack_->setClean(); }

  // What the commands call: apply without pushing another command.
  void insertOperationsAt(int index, const std::vector<Operation>& operations);
  void eraseOperations(int index, int count);
  void setOperation(int index, const Operation& operation);
  void setOperationsAndOptimizer(std::vector<Operation> operations, bool keepOptimizer);

 Q_SIGNALS:
  void checkpointsChanged();
  void planChanged();

 private:
  void reevaluate();

  std::shared_ptr<const Checkpoint> source_;
  std::shared_ptr<const Checkpoint> target_;
  MergePlan plan_;
  MergeEvaluation evaluation_;
  QUndoStack* undoStack_;
};

}  // namespace graft::ui
