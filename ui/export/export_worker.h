#pragma once
// Runs the core exporter on a worker thread; the window stays usable and can cancel.

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "merge/exporter.h"

namespace graft::ui {

class ExportWorker : public QObject {
  Q_OBJECT
 public:
  explicit ExportWorker(QObject* parent = nullptr);
  ~ExportWorker() override;

  // Starts exporting; the checkpoints are kept alive until the export ends.
  void start(std::shared_ptr<const Checkpoint> source, std::shared_ptr<const Checkpoint> target, MergeEvaluation evaluation,
             QString output, ExportOptions options);
  void cancel();
  bool running() const { return running_; }

 Q_SIGNALS:
  void progress(quint64 bytesDone, quint64 bytesTotal, int tensorsDone, int tensorsTotal, const QString& current);
  void finished(const QString& output, int tensors, quint64 bytes, double seconds, bool verified, const QStringList& warnings);
  void failed(const QString& message);
  void cancelled();

 private:
  std::shared_ptr<std::atomic<bool>> cancel_;
  bool running_ = false;
};

}  // namespace graft::ui
