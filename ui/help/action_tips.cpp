#include "help/action_tips.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>

namespace graft::ui {

void setTipWithShortcut(QAction* action) {
  if (action->statusTip().isEmpty()) return;
  const QString keys = action->shortcut().toString(QKeySequence::NativeText);
  action->setToolTip(keys.isEmpty() ? action->statusTip() : QStringLiteral("%1 (%2)").arg(action->statusTip(), keys));
}

namespace {
void describe(QMenu* menu) {
  menu->setToolTipsVisible(true);
  for (QAction* a : menu->actions()) {
    if (a->menu())
      describe(a->menu());
    else
      setTipWithShortcut(a);
  }
}
}  // namespace

void describeMenuActions(QMenuBar* menuBar) {
  for (QAction* a : menuBar->actions())
    if (a->menu()) describe(a->menu());
}

}  // namespace graft::ui
