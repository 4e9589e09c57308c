#pragma once
// The question the window asks at start when a previous session left an autosaved plan.

#include <QString>

#include <functional>

#include "plan/plan_autosave.h"

class QMessageBox;
class QWidget;

namespace graft::ui {

// Shows (without blocking) what the orphaned plan was: its operations, source and target, when
// it was saved. Restore calls `restore` with the plan file, then the copy is removed; Discard
// removes it. A copy that cannot be read is removed and a warning says so. Returns the box, or
// nullptr when the copy was unreadable.
QMessageBox* showRestoreOffer(QWidget* parent, const PlanAutosave::Orphan& orphan, std::function<void(const QString& planFile)> restore);

}  // namespace graft::ui
