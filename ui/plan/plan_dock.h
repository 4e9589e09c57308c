#pragma once
// The Plan dock: every operation with its status and message; Delete removes, the context
// menu resolves conflicts, selecting a row shows both ends in the trees.

#include <QDockWidget>

class QLabel;
class QStackedWidget;
class QTableView;

namespace graft::ui {

class PlanDocument;
class PlanTableModel;

class PlanDock : public QDockWidget {
  Q_OBJECT
 public:
  explicit PlanDock(PlanDocument* document, QWidget* parent = nullptr);
  QTableView* table() const { return table_; }
  // What the empty plan says to do (the demo explains its own transplant).
  void setEmptyHint(const QString& text);
  PlanTableModel* model() const { return model_; }

 Q_SIGNALS:
  void operationSelected(int index);

 private:
  void showContextMenu(const QPoint& pos);
  void removeSelected();
  void updateSummary();

  PlanDocument* document_;
  PlanTableModel* model_;
  QTableView* table_;
  QLabel* hint_;
  QLabel* summary_;
  QStackedWidget* stack_;
};

}  // namespace graft::ui
