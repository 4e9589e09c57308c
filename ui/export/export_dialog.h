#pragma once
// Export: choose where and how, then watch it run in the background (progress, current
// tensor, ETA, Cancel) and get a summary with ways to go on.

#include <QDialog>

#include <chrono>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace graft::ui {

class ExportWorker;
class PlanDocument;

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  ExportDialog(PlanDocument* document, const QString& suggestedPath, QWidget* parent = nullptr);

  void setOutputPath(const QString& path);
  QString outputPath() const;
  // Starts the export (after asking before replacing an existing file unless `confirmed`).
  bool startExport(bool confirmed = false);
  void cancelExport();
  ExportWorker* worker() const { return worker_; }
  QString summaryText() const;

 Q_SIGNALS:
  void openResultAsTarget(const QString& path);

 private:
  void onProgress(quint64 done, quint64 total, int tensorsDone, int tensorsTotal, const QString& current);
  void onFinished(const QString& output, int tensors, quint64 bytes, double seconds, bool verified, const QStringList& warnings);
  void setRunning(bool running);

  PlanDocument* document_;
  ExportWorker* worker_;
  QLineEdit* path_;
  QComboBox* format_;
  QComboBox* layoutConvention_ = nullptr;
  QComboBox* castTo_ = nullptr;
  QCheckBox* verify_;
  QCheckBox* durable_;
  QProgressBar* progress_;
  QLabel* current_;
  QLabel* summary_;
  QPushButton* exportButton_;
  QPushButton* cancelButton_;
  QPushButton* openResult_;
  QPushButton* showFolder_;
  QString lastOutput_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace graft::ui
