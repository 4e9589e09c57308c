#include "plan/plan_dock.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "plan/conflict_actions.h"
#include "plan/plan_document.h"
#include "plan/plan_table_model.h"
#include "plan/result_status.h"

namespace graft::ui {

PlanDock::PlanDock(PlanDocument* document, QWidget* parent)
    : QDockWidget(tr("Plan"), parent), document_(document), model_(new PlanTableModel(document, this)) {
  setObjectName(QStringLiteral("PlanDock"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  summary_ = new QLabel(body);
  layout->addWidget(summary_);

  table_ = new QTableView(body);
  table_->setAccessibleName(tr("Plan table"));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->setColumnWidth(PlanTableModel::OperationColumn, 80);
  table_->setColumnWidth(PlanTableModel::SourceColumn, 190);
  table_->setColumnWidth(PlanTableModel::TargetColumn, 190);
  table_->setColumnWidth(PlanTableModel::TransformsColumn, 150);
  table_->setColumnWidth(PlanTableModel::StatusColumn, 130);

  hint_ = new QLabel(tr("The plan is empty. Drag layers or weights from the source tree onto the target tree, "
                        "select in both and press T, or use Plan › Auto-match. Nothing is written until you export."),
                     body);
  hint_->setWordWrap(true);
  hint_->setAlignment(Qt::AlignCenter);
  hint_->setEnabled(false);
  stack_ = new QStackedWidget(body);
  stack_->addWidget(hint_);
  stack_->addWidget(table_);
  layout->addWidget(stack_, 1);
  setWidget(body);

  auto* remove = new QAction(tr("Remove Operation"), this);
  remove->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
  remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(remove, &QAction::triggered, this, &PlanDock::removeSelected);
  table_->addAction(remove);

  connect(table_, &QWidget::customContextMenuRequested, this, &PlanDock::showContextMenu);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { if (current.isValid()) Q_EMIT operationSelected(current.row()); });
  connect(document_, &PlanDocument::planChanged, this, &PlanDock::updateSummary);
  updateSummary();
}

void PlanDock::setEmptyHint(const QString& text) { hint_->setText(text); }

void PlanDock::updateSummary() {
  const auto& e = document_->evaluation();
  const bool empty = document_->plan().operations.empty();
  stack_->setCurrentWidget(empty ? static_cast<QWidget*>(hint_) : table_);
  if (empty) {
    summary_->clear();
    return;
  }
  QStringList parts;
  for (SlotStatus s : {SlotStatus::Replaced, SlotStatus::Converted, SlotStatus::Added, SlotStatus::Dropped})
    if (const std::size_t n = e.count(s)) parts << QStringLiteral("%1 %2").arg(n).arg(statusLabel(s));
  const std::size_t conflicts = e.conflictCount();
  QString text = parts.isEmpty() ? tr("No changes yet") : parts.join(QStringLiteral(" · "));
  if (conflicts)
    text += QStringLiteral(" · <span style='color:%1'><b>%2</b></span>")
                .arg(statusColor(SlotStatus::ConflictShape).name(),
                     conflicts == 1 ? tr("1 conflict to resolve before export") : tr("%1 conflicts to resolve before export").arg(conflicts));
  summary_->setText(text);
}

void PlanDock::removeSelected() {
  std::vector<int> rows;
  for (const QModelIndex& i : table_->selectionModel()->selectedRows()) rows.push_back(i.row());
  if (rows.empty() && table_->currentIndex().isValid()) rows.push_back(table_->currentIndex().row());
  document_->removeOperations(rows);
}

void PlanDock::showContextMenu(const QPoint& pos) {
  const QModelIndex index = table_->indexAt(pos);
  if (!index.isValid()) return;
  QMenu menu(this);
  if (const ResultSlot* slot = model_->slotOf(index.row())) {
    for (auto& r : resolutionsFor(document_, *slot)) menu.addAction(r.label, this, r.apply);
    if (!menu.isEmpty()) menu.addSeparator();
  }
  menu.addAction(tr("Remove Operation"), this, [this, row = index.row()] { document_->removeOperations({row}); });
  menu.exec(table_->viewport()->mapToGlobal(pos));
}

}  // namespace graft::ui
