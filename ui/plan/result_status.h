#pragma once
// What the plan does to each node of the target tree, for the Status column: a variable
// takes its slot's status; a layer or group sums up its children.

#include <QColor>
#include <QIcon>
#include <QString>

#include <unordered_map>

#include "merge/merge_evaluation.h"
#include "panes/result_additions.h"

namespace graft::ui {

struct NodeStatus {
  SlotStatus status = SlotStatus::Unchanged;
  QString text;     // "replaced", "3 replaced, 1 conflict", ...
  QString message;  // the evaluation's message, for tooltips
};

using NodeStatuses = std::unordered_map<const Node*, NodeStatus>;

// Statuses of every target node the plan touches, added nodes included (untouched nodes are
// absent = unchanged).
NodeStatuses computeNodeStatuses(const MergeEvaluation& evaluation, const ResultAdditions& additions);

// Icon, colour and label for a status: each status has a distinct symbol, so colour is never
// the only cue.
QIcon statusIcon(SlotStatus status);
QColor statusColor(SlotStatus status);
QString statusLabel(SlotStatus status);

}  // namespace graft::ui
