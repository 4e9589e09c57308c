#pragma once
// Keeps a copy of the plan on disk while the window runs, so a crash (of Graft, of a library,
// of the machine) does not lose it. A clean exit of any kind removes the copy; a copy whose
// session is gone is what the next start offers to restore.

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

class QLockFile;

namespace graft::ui {

class PlanDocument;

class PlanAutosave : public QObject {
  Q_OBJECT
 public:
  // $GRAFT_AUTOSAVE_DIR, else <app data>/autosave.
  static QString defaultFolder();

  PlanAutosave(PlanDocument* document, const QString& folder, QObject* parent = nullptr);
  ~PlanAutosave() override;  // a clean exit: waits for a write under way, then removes the copy

  QString folder() const { return folder_; }
  QString planFile() const;
  int delayMs() const { return timer_.interval(); }

  // Plans left by sessions that ended without a clean exit (their lock is no longer held),
  // newest first.
  struct Orphan {
    QString planFile;
    QString lockFile;
    QDateTime saved;
  };
  static std::vector<Orphan> orphans(const QString& folder);
  static void remove(const Orphan& orphan);

 Q_SIGNALS:
  void saved(const QString& planFile);

 private:
  void saveNow();  // the pause has passed: write (on a worker thread)
  void writeFinished();

  PlanDocument* document_;
  QString folder_;
  QString session_;  // file names of this session: <session>.lock, <session>.plan.json
  std::unique_ptr<QLockFile> lock_;
  QTimer timer_;
  QFutureWatcher<void> writer_;
  bool pending_ = false;  // the plan changed while a write was under way
};

}  // namespace graft::ui
