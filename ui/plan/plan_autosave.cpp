#include "plan/plan_autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QStandardPaths>
#include <QUuid>
#include <QtConcurrent>

#include "merge/plan_json.h"
#include "plan/plan_document.h"

namespace graft::ui {

namespace {
constexpr int kPauseMs = 1000;  // after the last edit: a burst of edits is written once
const QString kPlanSuffix = QStringLiteral(".plan.json");
const QString kLockSuffix = QStringLiteral(".lock");
}  // namespace

QString PlanAutosave::defaultFolder() {
  const QString fromEnvironment = qEnvironmentVariable("GRAFT_AUTOSAVE_DIR");
  if (!fromEnvironment.isEmpty()) return fromEnvironment;
  return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/autosave");
}

PlanAutosave::PlanAutosave(PlanDocument* document, const QString& folder, QObject* parent)
    : QObject(parent),
      document_(document),
      folder_(folder),
      session_(QStringLiteral("session-%1-%2")
                   .arg(QCoreApplication::applicationPid())
                   .arg(QUuid::createUuid().toString(QUuid::Id128).left(8))) {
  QDir().mkpath(folder_);
  // Held while this session lives; a lock nobody holds marks a session that ended uncleanly.
  lock_ = std::make_unique<QLockFile>(folder_ + QLatin1Char('/') + session_ + kLockSuffix);
  lock_->setStaleLockTime(0);
  if (!lock_->tryLock(0)) qWarning("graft: cannot lock %s; autosave off", qPrintable(folder_));
  timer_.setSingleShot(true);
  timer_.setInterval(kPauseMs);
  connect(&timer_, &QTimer::timeout, this, &PlanAutosave::saveNow);
  connect(document_, &PlanDocument::planChanged, &timer_, qOverload<>(&QTimer::start));
  connect(document_, &PlanDocument::checkpointsChanged, &timer_, qOverload<>(&QTimer::start));
  connect(&writer_, &QFutureWatcher<void>::finished, this, &PlanAutosave::writeFinished);
}

PlanAutosave::~PlanAutosave() {
  // No new write: the document may already be gone (it is an earlier child of the window).
  timer_.stop();
  pending_ = false;
  writer_.waitForFinished();
  QFile::remove(planFile());
  if (lock_->isLocked()) lock_->unlock();
}

QString PlanAutosave::planFile() const { return folder_ + QLatin1Char('/') + session_ + kPlanSuffix; }

void PlanAutosave::saveNow() {
  timer_.stop();
  if (!lock_->isLocked()) return;
  if (writer_.isRunning()) {
    pending_ = true;
    return;
  }
  const QString file = planFile();
  if (document_->plan().operations.empty()) {
    QFile::remove(file);  // nothing worth restoring
    return;
  }
  // A copy goes to the worker: serializing and writing a 100,000-operation plan stays off the
  // UI thread. savePlan writes a temporary file and renames it, so a crash mid-write leaves the
  // previous copy whole.
  writer_.setFuture(QtConcurrent::run([plan = document_->plan(), file] {
    try {
      savePlan(plan, QFile::encodeName(file).toStdString());
    } catch (const std::exception& e) {
      qWarning("graft: autosave failed: %s", e.what());
    }
  }));
}

void PlanAutosave::writeFinished() {
  if (pending_) {
    pending_ = false;
    saveNow();
    return;
  }
  if (QFile::exists(planFile())) Q_EMIT saved(planFile());
}

std::vector<PlanAutosave::Orphan> PlanAutosave::orphans(const QString& folder) {
  std::vector<Orphan> found;
  const QDir dir(folder);
  for (const QFileInfo& plan : dir.entryInfoList({QStringLiteral("session-*") + kPlanSuffix}, QDir::Files, QDir::Time)) {
    const QString session = plan.fileName().chopped(kPlanSuffix.size());
    const QString lockFile = dir.filePath(session + kLockSuffix);
    // Taking the lock succeeds only when its owner is gone (QLockFile checks the process).
    QLockFile probe(lockFile);
    probe.setStaleLockTime(0);
    if (!probe.tryLock(0)) continue;
    probe.unlock();  // removes the lock file; remove() takes the plan
    found.push_back({plan.absoluteFilePath(), lockFile, plan.lastModified()});
  }
  return found;
}

void PlanAutosave::remove(const Orphan& orphan) {
  QFile::remove(orphan.planFile);
  QFile::remove(orphan.lockFile);
}

}  // namespace graft::ui
