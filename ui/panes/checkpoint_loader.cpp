#include "panes/checkpoint_loader.h"

#include <QFile>
#include <QFutureWatcher>
#include <QtConcurrent>

#include "formats/format_registry.h"
#include "panes/isolated_parse_check.h"
#include "panes/release_in_background.h"

namespace graft::ui {

namespace {
struct LoadResult {
  std::shared_ptr<const Checkpoint> checkpoint;
  std::shared_ptr<const FlatTree> tree;
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
      Q_EMIT loaded(r.checkpoint, r.tree);
    else
      Q_EMIT failed(path, r.error);
  });
  watcher->setFuture(QtConcurrent::run([path]() -> LoadResult {
    try {
      waitForBackgroundReleases();
      if (auto crashed = IsolatedParseCheck::run(path)) return {nullptr, nullptr, *crashed};
      std::shared_ptr<const Checkpoint> checkpoint = FormatRegistry::builtin().open(QFile::encodeName(path).toStdString());
      auto tree = std::make_shared<const FlatTree>(checkpoint->root());
      return {std::move(checkpoint), std::move(tree), {}};
    } catch (const std::exception& e) {
      return {nullptr, nullptr, QString::fromStdString(e.what())};
    }
  }));
}

}  // namespace graft::ui
