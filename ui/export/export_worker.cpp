#include "export/export_worker.h"

#include <QFile>
#include <QFutureWatcher>
#include <QtConcurrent>

#include <chrono>

namespace graft::ui {

ExportWorker::ExportWorker(QObject* parent) : QObject(parent) {}

ExportWorker::~ExportWorker() {
  if (cancel_) *cancel_ = true;
}

void ExportWorker::cancel() {
  if (cancel_) *cancel_ = true;
}

void ExportWorker::start(std::shared_ptr<const Checkpoint> source, std::shared_ptr<const Checkpoint> target,
                         MergeEvaluation evaluation, QString output, ExportOptions options) {
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  running_ = true;
  auto cancel = cancel_;
  QPointer<ExportWorker> self(this);
  // Progress crosses threads as queued signals, at most ~20 per second so the UI never floods.
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  options.cancel = cancel.get();
  options.progress = [self, last](const ExportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(50) && p.tensorsDone < p.tensorsTotal) return;
    *last = now;
    if (self)
      QMetaObject::invokeMethod(self, [self, p] {
        if (self)
          Q_EMIT self->progress(p.bytesDone, p.bytesTotal, static_cast<int>(p.tensorsDone), static_cast<int>(p.tensorsTotal),
                                QString::fromStdString(p.current));
      }, Qt::QueuedConnection);
  };
  struct Outcome {
    std::optional<ExportReport> report;
    QString error;
    bool cancelled = false;
  };
  auto* watcher = new QFutureWatcher<Outcome>(this);
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
    const Outcome o = watcher->result();
    watcher->deleteLater();
    running_ = false;
    if (o.cancelled) {
      Q_EMIT cancelled();
    } else if (o.report) {
      QStringList warnings;
      for (const auto& w : o.report->warnings) warnings << QString::fromStdString(w);
      Q_EMIT finished(QString::fromStdString(o.report->output.string()), static_cast<int>(o.report->tensors), o.report->bytes,
                      o.report->seconds, o.report->verified, warnings);
    } else {
      Q_EMIT failed(o.error);
    }
  });
  watcher->setFuture(QtConcurrent::run([source, target, evaluation = std::move(evaluation), output, options, cancel]() -> Outcome {
    try {
      return {exportMerge(*source, *target, evaluation, QFile::encodeName(output).toStdString(), options), {}, false};
    } catch (const ExportCancelled&) {
      return {std::nullopt, {}, true};
    } catch (const std::exception& e) {
      return {std::nullopt, QString::fromStdString(e.what()), false};
    }
  }));
}

}  // namespace graft::ui
