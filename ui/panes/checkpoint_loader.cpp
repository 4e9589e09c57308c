#include "panes/checkpoint_loader.h"

#include <QFile>
#include <QFutureWatcher>
#include <QtConcurrent>

#include "formats/format_registry.h"

namespace graft::ui {

namespace {
struct LoadResult {
  std::shared_ptr<const Checkpoint> checkpoint;
  QString error;
};
}  // namespace

CheckpointLoader::CheckpointLoader(QObject* parent) : QObject(parent) {}

void CheckpointLoader::load(const QString& path) {
  const quint64 generation = ++generation_;
  ++running_;
  Q_EMIT started(path);
  auto* watcher = new QFutureWatcher<LoadResult>(this);
  connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher, generation, path] {
    --running_;
    const LoadResult r = watcher->result();
    watcher->deleteLater();
    if (generation != generation_) return;  // superseded by a newer load
    if (r.checkpoint)
      Q_EMIT loaded(r.checkpoint);
    else
      Q_EMIT failed(path, r.error);
  });
  watcher->setFuture(QtConcurrent::run([path]() -> LoadResult {
    try {
      return {FormatRegistry::builtin().open(QFile::encodeName(path).toStdString()), {}};
    } catch (const std::exception& e) {
      return {nullptr, QString::fromStdString(e.what())};
    }
  }));
}

}  // namespace graft::ui
