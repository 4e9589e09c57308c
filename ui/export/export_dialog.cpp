#include "export/export_dialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "export/export_worker.h"
#include "formats/format_registry.h"
#include "formats/output_name.h"
#include "merge/layout_conversion.h"
#include "plan/plan_document.h"
#include "text/units.h"

namespace graft::ui {

ExportDialog::ExportDialog(PlanDocument* document, const QString& suggestedPath, QWidget* parent)
    : QDialog(parent), document_(document), worker_(new ExportWorker(this)) {
  setWindowTitle(tr("Export Result"));
  setModal(false);  // the window stays usable while the export runs
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  path_ = new QLineEdit(suggestedPath, this);
  auto* browse = new QPushButton(tr("Browse…"), this);
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse);
  form->addRow(tr("Output file:"), pathRow);
  format_ = new QComboBox(this);
  for (const auto& f : FormatRegistry::builtin().formats())
    if (f->createWriter()) format_->addItem(QString::fromStdString(f->displayName()), QString::fromStdString(f->id()));
  if (document_->target()) format_->setCurrentIndex(std::max(0, format_->findData(QString::fromStdString(document_->target()->formatId()))));
  form->addRow(tr("Format:"), format_);
  format_->setObjectName(QStringLiteral("format"));
  layoutConvention_ = new QComboBox(this);
  layoutConvention_->setObjectName(QStringLiteral("layoutConvention"));
  layoutConvention_->addItem(tr("Keep as they are"), QString());
  layoutConvention_->addItem(tr("Keras: kernel (in, out), HWIO, gamma/beta/moving_*"), QStringLiteral("keras"));
  layoutConvention_->addItem(tr("PyTorch: weight (out, in), OIHW, weight/bias/running_*"), QStringLiteral("torch"));
  layoutConvention_->setToolTip(tr("Rename and transpose variables to the other framework's layer conventions, "
                                   "e.g. when exporting a Keras model as PyTorch"));
  form->addRow(tr("Layer conventions:"), layoutConvention_);
  castTo_ = new QComboBox(this);
  castTo_->setObjectName(QStringLiteral("castTo"));
  castTo_->addItem(tr("Keep each tensor's dtype"), QString());
  for (const char* d : {"float32", "float16", "bfloat16"}) castTo_->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
  castTo_->setToolTip(tr("Cast every floating-point tensor on the way out"));
  form->addRow(tr("Floating-point tensors:"), castTo_);
  verify_ = new QCheckBox(tr("Verify after writing (re-read and compare every tensor)"), this);
  verify_->setChecked(true);
  form->addRow(QString(), verify_);
  durable_ = new QCheckBox(tr("Flush to disk before finishing (survives a power loss)"), this);
  form->addRow(QString(), durable_);
  layout->addLayout(form);

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setTextVisible(true);
  progress_->setFormat(QString());
  layout->addWidget(progress_);
  current_ = new QLabel(this);
  current_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(current_);
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);

  auto* buttons = new QDialogButtonBox(this);
  exportButton_ = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
  openResult_ = buttons->addButton(tr("Open Result as Target"), QDialogButtonBox::ActionRole);
  showFolder_ = buttons->addButton(tr("Show in Folder"), QDialogButtonBox::ActionRole);
  cancelButton_ = buttons->addButton(QDialogButtonBox::Cancel);
  openResult_->setVisible(false);
  showFolder_->setVisible(false);
  layout->addWidget(buttons);

  const bool conflicts = document_->evaluation().hasConflicts();
  if (conflicts) {
    summary_->setText(tr("<span style='color:#c62828'><b>%1 unresolved conflict(s).</b></span> Resolve or skip them in the Plan dock first; "
                         "nothing can be written while they remain.").arg(document_->evaluation().conflictCount()));
    exportButton_->setEnabled(false);
  }
  // A name typed or chosen for another format switches the format (graft-cli's rule,
  // output_name.h), so that "merged.safetensors" is not written as HDF5. Of two formats that
  // share the name (".h5"), the target's wins.
  connect(path_, &QLineEdit::textChanged, this, [this](const QString& text) {
    const std::filesystem::path name = text.trimmed().toStdString();
    const FormatRegistry& registry = FormatRegistry::builtin();
    const CheckpointFormat* current = registry.find(format_->currentData().toString().toStdString());
    const CheckpointFormat* targets = document_->target() ? registry.find(document_->target()->formatId()) : nullptr;
    const CheckpointFormat* chosen = formatForOutputName(registry, name, current, targets).format;
    if (chosen) format_->setCurrentIndex(format_->findData(QString::fromStdString(chosen->id())));
  });
  // And the other way: choosing a format renames an output named for another one.
  connect(format_, &QComboBox::activated, this, [this](int index) {
    const CheckpointFormat* chosen = FormatRegistry::builtin().find(format_->itemData(index).toString().toStdString());
    const QString text = path_->text().trimmed();
    if (!chosen || text.isEmpty()) return;
    const std::filesystem::path renamed = renamedForFormat(FormatRegistry::builtin(), text.toStdString(), *chosen);
    if (renamed != std::filesystem::path(text.toStdString())) path_->setText(QString::fromStdString(renamed.string()));
  });
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, tr("Export Result"), path_->text());
    if (!p.isEmpty()) path_->setText(p);
  });
  connect(exportButton_, &QPushButton::clicked, this, [this] { startExport(); });
  connect(cancelButton_, &QPushButton::clicked, this, [this] {
    if (worker_->running())
      cancelExport();
    else
      reject();
  });
  connect(openResult_, &QPushButton::clicked, this, [this] {
    Q_EMIT openResultAsTarget(lastOutput_);
    accept();
  });
  connect(showFolder_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(lastOutput_).absolutePath())); });
  connect(worker_, &ExportWorker::progress, this, &ExportDialog::onProgress);
  connect(worker_, &ExportWorker::finished, this, &ExportDialog::onFinished);
  connect(worker_, &ExportWorker::failed, this, [this](const QString& message) {
    setRunning(false);
    summary_->setText(tr("<span style='color:#c62828'><b>Export failed.</b></span> %1<br>Nothing was written; the inputs are untouched.")
                          .arg(message.toHtmlEscaped()));
  });
  connect(worker_, &ExportWorker::cancelled, this, [this] {
    setRunning(false);
    progress_->setValue(0);
    summary_->setText(tr("Export cancelled. Nothing was written."));
  });
  resize(640, sizeHint().height());
}

void ExportDialog::setOutputPath(const QString& path) { path_->setText(path); }
QString ExportDialog::outputPath() const { return path_->text(); }
QString ExportDialog::summaryText() const { return summary_->text(); }

bool ExportDialog::startExport(bool confirmed) {
  const QString path = path_->text().trimmed();
  if (path.isEmpty() || !document_->ready() || document_->evaluation().hasConflicts() || worker_->running()) return false;
  if (!confirmed && QFileInfo::exists(path) &&
      QMessageBox::question(this, tr("Replace file?"), tr("“%1” exists. Replace it with the result?").arg(QFileInfo(path).fileName())) !=
          QMessageBox::Yes)
    return false;
  ExportOptions options;
  options.verify = verify_->isChecked();
  options.durable = durable_->isChecked();
  options.format = FormatRegistry::builtin().find(format_->currentData().toString().toStdString());
  summary_->clear();
  openResult_->setVisible(false);
  showFolder_->setVisible(false);
  setRunning(true);
  started_ = std::chrono::steady_clock::now();
  MergeEvaluation evaluation = document_->evaluation();
  if (const auto layout = weightLayoutFromName(layoutConvention_->currentData().toString().toStdString())) convertLayout(evaluation, *layout);
  if (const auto dtype = dtypeFromName(castTo_->currentData().toString().toStdString())) castFloatingTensors(evaluation, *dtype);
  worker_->start(document_->sourceShared(), document_->targetShared(), std::move(evaluation), path, options);
  return true;
}

void ExportDialog::cancelExport() {
  worker_->cancel();
  current_->setText(tr("Cancelling…"));
}

void ExportDialog::setRunning(bool running) {
  exportButton_->setEnabled(!running && !document_->evaluation().hasConflicts());
  path_->setEnabled(!running);
  format_->setEnabled(!running);
  layoutConvention_->setEnabled(!running);
  castTo_->setEnabled(!running);
  verify_->setEnabled(!running);
  durable_->setEnabled(!running);
  cancelButton_->setText(running ? tr("Cancel Export") : tr("Close"));
  if (!running) current_->clear();
}

void ExportDialog::onProgress(quint64 done, quint64 total, int tensorsDone, int tensorsTotal, const QString& current) {
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  progress_->setValue(static_cast<int>(fraction * 1000));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  QString eta;
  if (fraction > 0.02 && fraction < 1) {  // never "about 0 s left"; minutes once it is long
    const double left = elapsed * (1 - fraction) / fraction;
    eta = left < 1.5 ? tr(" · almost done")
          : left < 90 ? tr(" · about %1 s left").arg(qRound(left))
                      : tr(" · about %1 min left").arg(qRound(left / 60));
  }
  progress_->setFormat(QStringLiteral("%1 / %2").arg(QString::fromStdString(humanBytes(done)), QString::fromStdString(humanBytes(total))));
  current_->setText(tr("%1 of %2 tensors · %3%4").arg(tensorsDone).arg(tensorsTotal).arg(current.toHtmlEscaped(), eta));
}

void ExportDialog::onFinished(const QString& output, int tensors, quint64 bytes, double seconds, bool verified,
                              const QStringList& warnings) {
  setRunning(false);
  progress_->setValue(1000);
  lastOutput_ = output;
  QString text = tr("<b>Wrote %1</b><br>%2 tensors · %3 · %4 s%5")
                     .arg(QFileInfo(output).fileName().toHtmlEscaped())
                     .arg(tensors)
                     .arg(QString::fromStdString(humanBytes(bytes)))
                     .arg(seconds, 0, 'f', 2)
                     .arg(verified ? tr(" · verified: every tensor re-read and equal") : tr(" · not verified"));
  for (const auto& w : warnings) text += QStringLiteral("<br><span style='color:#e65100'>⚠ %1</span>").arg(w.toHtmlEscaped());
  summary_->setText(text);
  openResult_->setVisible(true);
  showFolder_->setVisible(true);
}

}  // namespace graft::ui
