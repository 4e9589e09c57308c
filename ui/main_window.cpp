#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTreeView>

#include "about.h"
#include "formats/format_registry.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"

namespace graft::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  sourcePane_ = new CheckpointPane(tr("Source"), this);
  targetPane_ = new CheckpointPane(tr("Target"), this);
  sourceLoader_ = new CheckpointLoader(this);
  targetLoader_ = new CheckpointLoader(this);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(sourcePane_);
  splitter->addWidget(targetPane_);
  splitter->setChildrenCollapsible(false);
  setCentralWidget(splitter);

  wireLoader(Side::Source);
  wireLoader(Side::Target);
  createActions();
  statusBar()->showMessage(tr("Open a source and a target checkpoint to compare them."));
  resize(1280, 800);
  updateTitle();
}

CheckpointPane* MainWindow::pane(Side side) const { return side == Side::Source ? sourcePane_ : targetPane_; }
CheckpointLoader* MainWindow::loader(Side side) const { return side == Side::Source ? sourceLoader_ : targetLoader_; }

void MainWindow::wireLoader(Side side) {
  CheckpointPane* p = pane(side);
  CheckpointLoader* l = loader(side);
  connect(p, &CheckpointPane::fileDropped, this, [this, side](const QString& path) { openFile(side, path); });
  connect(l, &CheckpointLoader::started, this, [this, p](const QString& path) {
    const QString name = QFileInfo(path).fileName();
    if (!p->checkpoint()) p->setBusy(tr("Opening %1…").arg(name));
    statusBar()->showMessage(tr("Opening %1…").arg(name));
  });
  connect(l, &CheckpointLoader::loaded, this, [this, p](std::shared_ptr<const Checkpoint> c) {
    statusBar()->showMessage(tr("Opened %1").arg(QString::fromStdString(c->path().string())), 5000);
    p->setCheckpoint(std::move(c));
    updateTitle();
  });
  connect(l, &CheckpointLoader::failed, this, [this, p](const QString& path, const QString& message) {
    p->clearBusy();
    statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 5000);
    // Non-blocking, so the window (and any test driving it) carries on.
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Cannot open checkpoint"),
                                tr("Graft could not open “%1”.").arg(QFileInfo(path).fileName()), QMessageBox::Ok, this);
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit openFailed(path, message);
  });
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openSource = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open &Source…"),
                                        this, [this] { chooseFile(Side::Source); });
  openSource->setShortcut(QKeySequence::Open);
  openSource->setStatusTip(tr("Open the checkpoint to take weights from"));
  QAction* openTarget =
      file->addAction(tr("Open &Target…"), this, [this] { chooseFile(Side::Target); });
  openTarget->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  openTarget->setStatusTip(tr("Open the checkpoint to put weights into"));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Graft"), this, &MainWindow::showAbout);
}

void MainWindow::chooseFile(Side side) {
  const QString title = side == Side::Source ? tr("Open Source Checkpoint") : tr("Open Target Checkpoint");
  const QString filter = QString::fromStdString(FormatRegistry::builtin().fileDialogFilter());
  const QString path = QFileDialog::getOpenFileName(this, title, lastFolder_, filter);
  if (!path.isEmpty()) openFile(side, path);
}

void MainWindow::openFile(Side side, const QString& path) {
  lastFolder_ = QFileInfo(path).absolutePath();
  loader(side)->load(path);
}

void MainWindow::updateTitle() {
  auto name = [](const CheckpointPane* p) {
    return p->checkpoint() ? QFileInfo(QString::fromStdString(p->checkpoint()->path().string())).fileName()
                           : tr("(none)");
  };
  if (!sourcePane_->checkpoint() && !targetPane_->checkpoint())
    setWindowTitle(tr("Graft"));
  else
    setWindowTitle(tr("%1 → %2 — Graft").arg(name(sourcePane_), name(targetPane_)));
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Graft"),
                     tr("<h3>Graft %1</h3><p>A side-by-side editor for deep-learning checkpoints: "
                        "inspect, transplant and merge weights.</p>"
                        "<p>Qt %2 · HDF5 %3</p>")
                         .arg(QString::fromStdString(graftVersion()), QString::fromLatin1(qVersion()),
                              QString::fromStdString(hdf5Version())));
}

}  // namespace graft::ui
