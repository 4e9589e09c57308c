#include "plan/restore_offer.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

#include "merge/plan_json.h"

namespace graft::ui {

namespace {
QString fileName(const std::filesystem::path& p) {
  return p.empty() ? QMessageBox::tr("(none)") : QString::fromStdString(p.filename().string());
}
}  // namespace

QMessageBox* showRestoreOffer(QWidget* parent, const PlanAutosave::Orphan& orphan, std::function<void(const QString&)> restore) {
  MergePlan plan;
  try {
    plan = loadPlan(QFile::encodeName(orphan.planFile).toStdString());
  } catch (const std::exception& e) {
    qWarning("graft: discarding an unreadable autosaved plan: %s", e.what());
    PlanAutosave::remove(orphan);
    return nullptr;
  }
  auto* box = new QMessageBox(QMessageBox::Question, QMessageBox::tr("Restore plan?"),
                              QMessageBox::tr("Graft did not close normally last time. Restore the plan it was editing?"),
                              QMessageBox::NoButton, parent);
  const std::size_t count = plan.operations.size();
  const QString operations = count == 1 ? QMessageBox::tr("1 operation") : QMessageBox::tr("%1 operations").arg(count);
  box->setInformativeText(QMessageBox::tr("%1 from %2 into %3, autosaved %4.")
                              .arg(operations, fileName(plan.source), fileName(plan.target),
                                   QLocale().toString(orphan.saved, QLocale::ShortFormat)));
  box->setDetailedText(QMessageBox::tr("Source: %1\nTarget: %2\nAutosave: %3")
                           .arg(QString::fromStdString(plan.source.string()), QString::fromStdString(plan.target.string()), orphan.planFile));
  QPushButton* restoreButton = box->addButton(QMessageBox::tr("&Restore"), QMessageBox::AcceptRole);
  box->addButton(QMessageBox::tr("&Discard"), QMessageBox::DestructiveRole);
  box->setDefaultButton(restoreButton);
  box->setAttribute(Qt::WA_DeleteOnClose);
  QObject::connect(box, &QMessageBox::buttonClicked, box, [orphan, restoreButton, restore = std::move(restore)](QAbstractButton* clicked) {
    if (clicked == restoreButton) restore(orphan.planFile);
    PlanAutosave::remove(orphan);
  });
  box->open();
  return box;
}

}  // namespace graft::ui
