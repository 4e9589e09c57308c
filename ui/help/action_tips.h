#pragma once
// Every menu action explains itself: its status tip (what it does) becomes its tooltip, with its
// shortcut, and menus show tooltips on hover.

class QMenuBar;
class QAction;

namespace graft::ui {

// "What it does (Ctrl+E)": the tooltip for an action with this status tip and shortcut.
void setTipWithShortcut(QAction* action);

// For every action under the menu bar (submenus included).
void describeMenuActions(QMenuBar* menuBar);

}  // namespace graft::ui
