#pragma once
// Opens checkpoints on a worker thread so the window never waits on a disk or on libhdf5.

#include <QObject>
#include <QString>

#include <memory>

#include "checkpoint/checkpoint.h"
#include "checkpoint/flat_tree.h"

namespace graft::ui {

class CheckpointLoader : public QObject {
  Q_OBJECT
 public:
  explicit CheckpointLoader(QObject* parent = nullptr);
  // Starts opening; a later call supersedes an earlier one still running (its result is dropped).
  void load(const QString& path);
  bool busy() const { return running_ > 0; }

 Q_SIGNALS:
  void started(const QString& path);
  // `tree` is the checkpoint laid out flat for the views, built on the worker as well: on a
  // 100,000-variable file that keeps ~30 ms off the UI thread.
  void loaded(std::shared_ptr<const graft::Checkpoint> checkpoint, std::shared_ptr<const graft::FlatTree> tree);
  void failed(const QString& path, const QString& message);

 private:
  quint64 generation_ = 0;
  int running_ = 0;
};

}  // namespace graft::ui
