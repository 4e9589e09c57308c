#pragma once
// Help › Keyboard Shortcuts: every shortcut of the window, read from its actions (so the list
// cannot drift from what the keys do), plus the mouse gestures.

#include <QDialog>

class QMainWindow;
class QTableWidget;

namespace graft::ui {

class ShortcutsDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ShortcutsDialog(QMainWindow* window);
  QTableWidget* table() const { return table_; }

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  QTableWidget* table_;
};

}  // namespace graft::ui
