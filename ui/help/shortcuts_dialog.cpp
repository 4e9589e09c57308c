#include "help/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QShowEvent>
#include <QVBoxLayout>

namespace graft::ui {

namespace {

struct Entry {
  QString keys;
  QString what;
  QString where;
};

QString keysOf(const QAction* a) {
  QStringList keys;
  for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
  return keys.join(QStringLiteral(", "));
}

QString plain(QString text) { return text.remove(QLatin1Char('&')).remove(QStringLiteral("…")); }

void collect(QMenu* menu, const QString& where, std::vector<Entry>& out) {
  for (QAction* a : menu->actions()) {
    if (a->menu()) {
      collect(a->menu(), where + QStringLiteral(" › ") + plain(a->text()), out);
      continue;
    }
    if (const QString keys = keysOf(a); !keys.isEmpty()) out.push_back({keys, plain(a->text()), where});
  }
}

}  // namespace

ShortcutsDialog::ShortcutsDialog(QMainWindow* window) : QDialog(window) {
  setWindowTitle(tr("Keyboard Shortcuts"));
  std::vector<Entry> entries;
  for (QAction* a : window->menuBar()->actions())
    if (a->menu()) collect(a->menu(), plain(a->text()), entries);
  // Actions that live on a widget rather than in a menu (the plan table's Delete): widgets that
  // carry such actions have an accessible name, which says where the keys work.
  for (QWidget* w : window->findChildren<QWidget*>()) {
    if (w->accessibleName().isEmpty()) continue;
    for (QAction* a : w->actions()) {
      if (const QString keys = keysOf(a); !keys.isEmpty()) entries.push_back({keys, plain(a->text()), w->accessibleName()});
    }
  }
  const Entry gestures[] = {
      {tr("Drag"), tr("Drag source layers or weights onto a target node (or empty space to add them); the drop preview shows the result first"), tr("Trees")},
      {tr("Right-click"), tr("On a target weight: fixes for its conflict (slice, pad, reshape, transpose, cast, skip) and Drop from Result"), tr("Target tree")},
      {tr("Right-click"), tr("On an operation: its fixes and Remove Operation"), tr("Plan table")},
      {tr("Click"), tr("An operation selects both of its ends in the trees; any weight shows its histogram in the Inspector"), tr("Plan table, trees")},
      {tr("Drop a file"), tr("A checkpoint dropped from the file manager opens in that pane"), tr("Either pane")},
  };
  for (const Entry& g : gestures) entries.push_back(g);

  table_ = new QTableWidget(static_cast<int>(entries.size()), 3, this);
  table_->setHorizontalHeaderLabels({tr("Keys"), tr("Action"), tr("Where")});
  table_->verticalHeader()->setVisible(false);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionMode(QAbstractItemView::NoSelection);
  table_->setWordWrap(true);
  for (int row = 0; row < static_cast<int>(entries.size()); ++row) {
    const Entry& e = entries[static_cast<std::size_t>(row)];
    table_->setItem(row, 0, new QTableWidgetItem(e.keys));
    table_->setItem(row, 1, new QTableWidgetItem(e.what));
    table_->setItem(row, 2, new QTableWidgetItem(e.where));
  }
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(table_);
  layout->addWidget(buttons);
  resize(760, 470);
}

void ShortcutsDialog::showEvent(QShowEvent* event) {
  QDialog::showEvent(event);
  // Wrapped rows take their height from the laid-out column widths, known only now.
  layout()->activate();
  table_->resizeRowsToContents();
}

}  // namespace graft::ui
