#include "plan/transplant_controller.h"

#include <QMimeData>
#include <QStringList>

#include "merge/transplant.h"
#include "plan/plan_document.h"
#include "plan/result_status.h"

namespace graft::ui {

std::vector<const Node*> TransplantController::draggedNodes(const QMimeData* mime) const {
  std::vector<const Node*> nodes;
  if (!mime || !document_->ready() || !mime->hasFormat(QString::fromLatin1(kNodesMimeType))) return nodes;
  const QStringList lines = QString::fromUtf8(mime->data(QString::fromLatin1(kNodesMimeType))).split(QLatin1Char('\n'));
  // Only nodes of the open source checkpoint can be transplanted.
  if (lines.isEmpty() || lines.front().toStdString() != document_->source()->path().string()) return nodes;
  for (int i = 1; i < lines.size(); ++i) {
    if (const Node* found = document_->source()->findNode(lines[i].toStdString())) nodes.push_back(found);
  }
  return nodes;
}

std::vector<Operation> TransplantController::operationsFor(const std::vector<const Node*>& dragged, const Node* onto) const {
  if (!document_->ready() || dragged.empty()) return {};
  return transplantOperations(*document_->source(), *document_->target(), dragged, onto);
}

bool TransplantController::canDrop(const QMimeData* mime, const Node* onto) const {
  return !operationsFor(draggedNodes(mime), onto).empty();
}

QString TransplantController::preview(const QMimeData* mime, const Node* onto) const {
  return describe(operationsFor(draggedNodes(mime), onto));
}

bool TransplantController::drop(const QMimeData* mime, const Node* onto) {
  return transplant(draggedNodes(mime), onto);
}

bool TransplantController::transplant(const std::vector<const Node*>& dragged, const Node* onto) {
  auto ops = operationsFor(dragged, onto);
  if (ops.empty()) return false;
  const QString text = ops.size() == 1 ? QObject::tr("Transplant %1").arg(QString::fromStdString(ops.front().source))
                                       : QObject::tr("Transplant %1 items").arg(ops.size());
  document_->addOperations(std::move(ops), text);
  return true;
}

QString TransplantController::describe(const std::vector<Operation>& operations) const {
  if (operations.empty() || !document_->ready()) return QObject::tr("Nothing to transplant here");
  MergePlan trial = document_->plan();
  const int first = static_cast<int>(trial.operations.size());
  trial.operations.insert(trial.operations.end(), operations.begin(), operations.end());
  const MergeEvaluation e = evaluatePlan(*document_->source(), *document_->target(), trial);
  QStringList rows;
  int shown = 0, hidden = 0, fits = 0, converts = 0, conflicts = 0;
  for (const auto& slot : e.slots) {
    if (slot.operation < first) continue;
    const bool conflict = isConflict(slot.status), converted = slot.status == SlotStatus::Converted;
    ++(conflict ? conflicts : converted ? converts : fits);
    if (shown == 12) {
      ++hidden;
      continue;
    }
    ++shown;
    const QString verdict = conflict ? QObject::tr("conflict") : converted ? QObject::tr("converts") : QObject::tr("fits");
    const QString from = slot.source ? QString::fromStdString(slot.source->path()) : QStringLiteral("—");
    QString line = QStringLiteral("<tr><td><span style='color:%1'><b>%2</b></span></td><td style='white-space:nowrap'>%3 → %4</td></tr>")
                       .arg(statusColor(slot.status).name(), verdict, from.toHtmlEscaped(), QString::fromStdString(slot.path).toHtmlEscaped());
    if (conflict || converted) {
      // The pair is on the line above: the message need not name the slot again.
      std::string message = slot.message;
      if (message.rfind(slot.path + ": ", 0) == 0) message.erase(0, slot.path.size() + 2);
      line += QStringLiteral("<tr><td></td><td><i>%1</i></td></tr>").arg(QString::fromStdString(message).toHtmlEscaped());
    }
    rows << line;
  }
  for (const auto& p : e.problems)
    if (p.operation >= first) {
      ++conflicts;
      rows << QStringLiteral("<tr><td><b>problem</b></td><td>%1</td></tr>").arg(QString::fromStdString(p.message).toHtmlEscaped());
    }
  if (hidden) rows << QObject::tr("<tr><td></td><td>… and %1 more</td></tr>").arg(hidden);
  QStringList summary;
  if (fits) summary << (fits == 1 ? QObject::tr("1 fits") : QObject::tr("%1 fit").arg(fits));
  if (converts) summary << (converts == 1 ? QObject::tr("1 converts") : QObject::tr("%1 convert").arg(converts));
  if (conflicts)
    summary << QStringLiteral("<span style='color:%1'>%2</span>")
                   .arg(statusColor(SlotStatus::ConflictShape).name(),
                        conflicts == 1 ? QObject::tr("1 conflict") : QObject::tr("%1 conflicts").arg(conflicts));
  return QStringLiteral("<b>%1</b><table cellspacing=2>%2</table>").arg(summary.join(QStringLiteral(" · ")), rows.join(QString()));
}

}  // namespace graft::ui
