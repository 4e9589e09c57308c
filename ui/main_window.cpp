#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTreeView>

#include <QCloseEvent>
#include <QSettings>
#include <QItemSelectionModel>
#include <QTableView>
#include <QToolBar>
#include <QUndoStack>

#include "about.h"
#include "export/export_dialog.h"
#include "merge/matcher.h"
#include "merge/plan_json.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/conflict_actions.h"
#include "plan/match_dialog.h"
#include "inspector/inspector_dock.h"
#include "help/action_tips.h"
#include "help/shortcuts_dialog.h"
#include "help/user_guide_window.h"
#include "plan/plan_autosave.h"
#include "plan/plan_dock.h"
#include "plan/restore_offer.h"
#include "plan/plan_document.h"
#include "plan/transplant_controller.h"
#include "formats/format_registry.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"

namespace graft::ui {

namespace {
// What to do when an action needs both checkpoints.
QString openBothFirst() {
  return MainWindow::tr("Open a source and a target first: File › Open Source (Ctrl+O) and Open Target (Ctrl+Shift+O), "
                        "or drop checkpoint files on the two panes");
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  sourcePane_ = new CheckpointPane(tr("Source"), this);
  targetPane_ = new CheckpointPane(tr("Target"), this);
  sourceLoader_ = new CheckpointLoader(this);
  targetLoader_ = new CheckpointLoader(this);
  document_ = new PlanDocument(this);
  autosave_ = new PlanAutosave(document_, PlanAutosave::defaultFolder(), this);
  transplanter_ = std::make_unique<TransplantController>(document_);
  sourcePane_->makeDragSource();
  targetPane_->makeDropTarget(transplanter_.get());
  planDock_ = new PlanDock(document_, this);
  addDockWidget(Qt::BottomDockWidgetArea, planDock_);
  setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);  // the inspector's plot gets the full height
  connect(document_, &PlanDocument::planChanged, this, &MainWindow::onPlanChanged);
  connect(document_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  connect(planDock_, &PlanDock::operationSelected, this, &MainWindow::selectOperation);
  inspectorDock_ = new InspectorDock(document_, this);
  addDockWidget(Qt::RightDockWidgetArea, inspectorDock_);
  connect(sourcePane_->treeView()->selectionModel(), &QItemSelectionModel::currentChanged, inspectorDock_, &InspectorDock::inspectSourceIndex);
  connect(targetPane_->treeView()->selectionModel(), &QItemSelectionModel::currentChanged, inspectorDock_, &InspectorDock::inspectTargetIndex);
  // After selectOperation: the operation's pair wins over the tree selections it makes.
  connect(planDock_, &PlanDock::operationSelected, inspectorDock_, &InspectorDock::inspectOperation);
  targetPane_->treeView()->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(targetPane_->treeView(), &QWidget::customContextMenuRequested, this, &MainWindow::showTargetContextMenu);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(sourcePane_);
  splitter->addWidget(targetPane_);
  splitter->setChildrenCollapsible(false);
  setCentralWidget(splitter);

  wireLoader(Side::Source);
  wireLoader(Side::Target);
  createActions();
  statusBar()->showMessage(tr("Open a source and a target checkpoint to compare them."));
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  lastFolder_ = settings.value(QStringLiteral("lastFolder")).toString();
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
  connect(l, &CheckpointLoader::loaded, this, [this, p, side](std::shared_ptr<const Checkpoint> c, std::shared_ptr<const FlatTree> tree) {
    statusBar()->showMessage(tr("Opened %1").arg(QString::fromStdString(c->path().string())), 5000);
    p->setCheckpoint(c, std::move(tree));
    rememberRecent(QString::fromStdString(c->path().string()));
    if (side == Side::Source)
      document_->setSource(std::move(c));
    else
      document_->setTarget(std::move(c));
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
    Q_EMIT openFailed(path, message);
  });
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openSource = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open &Source…"),
                                        this, [this] { chooseFile(Side::Source); });
  openSource->setShortcut(QKeySequence::Open);
  openSource->setStatusTip(tr("Open the checkpoint to take weights from"));
  QAction* openTarget =
      file->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Target…"), this, [this] { chooseFile(Side::Target); });
  openTarget->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  openTarget->setStatusTip(tr("Open the checkpoint to put weights into"));
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* savePlanAction = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Plan…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Plan"), lastFolder_, tr("Graft plans (*.json)"));
    if (!path.isEmpty()) savePlanTo(path);
  });
  savePlanAction->setShortcut(QKeySequence::Save);
  savePlanAction->setStatusTip(tr("Save the plan as JSON: reopen it later, or run it with graft-cli merge --plan"));
  QAction* loadPlanAction = file->addAction(tr("&Load Plan…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load Plan"), lastFolder_, tr("Graft plans (*.json)"));
    if (!path.isEmpty()) loadPlanFrom(path);
  });
  loadPlanAction->setStatusTip(tr("Replace the plan with a saved one, and open the source and target it names"));
  file->addSeparator();
  QAction* exportAction = file->addAction(style()->standardIcon(QStyle::SP_DialogApplyButton), tr("&Export…"), this, [this] { showExportDialog(); });
  exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  exportAction->setStatusTip(tr("Write the target with the plan applied"));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setStatusTip(tr("Close Graft (an unsaved plan is asked about first)"));

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = document_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  undo->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
  QAction* redo = document_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
  redo->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
  undo->setStatusTip(tr("Undo the last change to the plan"));
  redo->setStatusTip(tr("Redo the change just undone"));
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* planMenu = menuBar()->addMenu(tr("&Plan"));
  QAction* transplant = planMenu->addAction(tr("&Transplant Selection"), this, [this] { transplantSelection(); });
  transplant->setShortcut(QKeySequence(Qt::Key_T));
  transplant->setStatusTip(tr("Put the selected source layers or weights into the selected target node"));
  QMenu* match = planMenu->addMenu(tr("&Auto-match"));
  const std::pair<QString, MatchStrategy> strategies[] = {{tr("By &Name"), MatchStrategy::Name},
                                                          {tr("By N&ormalized Name"), MatchStrategy::Normalized},
                                                          {tr("By Layer &Order"), MatchStrategy::Order},
                                                          {tr("By &Shape"), MatchStrategy::Shape}};
  QAction* matchDialogAction = match->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("With Rules and &Preview…"), this,
                                                [this] { showMatchDialog(); });
  matchDialogAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
  matchDialogAction->setStatusTip(tr("Choose a strategy, rename rules and a take-only filter, and see the pairs before adding them"));
  match->addSeparator();
  const QString strategyTips[] = {tr("Pair weights whose names are the same, without asking"),
                                  tr("Pair weights whose names agree once framework decorations (:0, prefixes, module.) are removed"),
                                  tr("Pair the n-th source layer with weights with the n-th target layer, as Keras' load_weights does"),
                                  tr("Pair weights of the same shape, in order")};
  for (std::size_t i = 0; i < std::size(strategies); ++i) {
    QAction* a = match->addAction(strategies[i].first, this, [this, strategy = strategies[i].second] { autoMatch(static_cast<int>(strategy)); });
    a->setStatusTip(strategyTips[i]);
  }
  planMenu->addSeparator();
  QAction* clearPlan =
      planMenu->addAction(tr("&Clear Plan"), this, [this] { document_->replacePlan({}, document_->plan().keepOptimizer, tr("Clear plan")); });
  clearPlan->setStatusTip(tr("Remove every operation (undoable)"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  showOptimizerAction_ = view->addAction(tr("Show &Optimizer State"));
  showOptimizerAction_->setCheckable(true);
  showOptimizerAction_->setStatusTip(tr("Show optimizer slots and bookkeeping (step counters) in both trees"));
  connect(showOptimizerAction_, &QAction::toggled, this, [this](bool show) {
    sourcePane_->setShowOptimizer(show);
    targetPane_->setShowOptimizer(show);
  });
  QAction* findAction = view->addAction(tr("&Filter Source"), this, [this] { sourcePane_->filterEdit()->setFocus(); });
  findAction->setShortcut(QKeySequence::Find);
  findAction->setStatusTip(tr("Filter the source tree by name (substring, or a regular expression with .*)"));
  QAction* findTarget = view->addAction(tr("Filter &Target"), this, [this] { targetPane_->filterEdit()->setFocus(); });
  findTarget->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
  findTarget->setStatusTip(tr("Filter the target tree by name"));
  view->addSeparator();
  view->addAction(planDock_->toggleViewAction());
  planDock_->toggleViewAction()->setStatusTip(tr("Show or hide the plan: every operation with its status"));
  view->addAction(inspectorDock_->toggleViewAction());
  inspectorDock_->toggleViewAction()->setStatusTip(tr("Show or hide the Inspector: facts and a value histogram of the selected weight"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* guide = help->addAction(tr("&User Guide"), this, [this] { UserGuideWindow::open(this); });
  guide->setShortcut(QKeySequence::HelpContents);
  guide->setStatusTip(tr("Step-by-step guide to the common tasks, with pictures"));
  QAction* keys = help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
    auto* dialog = new ShortcutsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
  });
  keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
  keys->setStatusTip(tr("Every key and mouse gesture of the window"));
  help->addSeparator();
  QAction* about = help->addAction(tr("&About Graft"), this, &MainWindow::showAbout);
  about->setStatusTip(tr("Version, and the Qt and HDF5 versions Graft runs on"));
  describeMenuActions(menuBar());

  QToolBar* tools = addToolBar(tr("Main"));
  tools->setObjectName(QStringLiteral("MainToolBar"));
  tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  tools->addAction(openSource);
  tools->addAction(matchDialogAction);
  matchDialogAction->setIconText(tr("Auto-match"));
  tools->addAction(undo);
  tools->addAction(redo);
  tools->addSeparator();
  tools->addAction(exportAction);
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
  const QString modified = document_ && document_->isModified() ? QStringLiteral("*") : QString();
  if (!sourcePane_->checkpoint() && !targetPane_->checkpoint())
    setWindowTitle(modified + tr("Graft"));
  else
    setWindowTitle(modified + tr("%1 → %2 — Graft").arg(name(sourcePane_), name(targetPane_)));
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

namespace graft::ui {

MainWindow::~MainWindow() {
  // The undo stack announces cleanChanged while it is destroyed, after this object has stopped
  // being a MainWindow: nothing of the document may call back into it from then on.
  document_->undoStack()->disconnect(this);
  document_->disconnect(this);
}

void MainWindow::onPlanChanged() {
  targetPane_->model()->setPlanResult(document_->evaluation());
  updateTitle();
}

std::vector<const Node*> MainWindow::selectedNodes(Side side) const {
  std::vector<const Node*> nodes;
  const CheckpointPane* p = pane(side);
  for (const QModelIndex& i : p->treeView()->selectionModel()->selectedRows())
    if (const Node* n = p->model()->nodeAt(i)) nodes.push_back(n);
  return nodes;
}

bool MainWindow::transplantSelection() {
  const auto dragged = selectedNodes(Side::Source);
  const auto onto = selectedNodes(Side::Target);
  if (dragged.empty()) {
    statusBar()->showMessage(tr("Select source layers or weights first, then a target node (or none to add)"), 5000);
    return false;
  }
  return transplanter_->transplant(dragged, onto.empty() ? nullptr : onto.front());
}

void MainWindow::autoMatch(int strategy) {
  if (!document_->ready()) {
    statusBar()->showMessage(openBothFirst(), 5000);
    return;
  }
  MatchOptions options;
  options.strategy = static_cast<MatchStrategy>(strategy);
  auto ops = proposeMatches(*document_->source(), *document_->target(), options);
  statusBar()->showMessage(tr("Auto-match proposed %n operation(s)", nullptr, static_cast<int>(ops.size())), 5000);
  document_->addOperations(std::move(ops), tr("Auto-match"));
}

MatchDialog* MainWindow::showMatchDialog() {
  if (!document_->ready()) {
    statusBar()->showMessage(openBothFirst(), 5000);
    return nullptr;
  }
  auto* dialog = new MatchDialog(document_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

void MainWindow::selectOperation(int index) {
  if (index < 0 || index >= static_cast<int>(document_->plan().operations.size())) return;
  const Operation& op = document_->plan().operations[static_cast<std::size_t>(index)];
  auto select = [](CheckpointPane* p, const std::string& path) {
    if (!p->checkpoint() || path.empty()) return;
    const Node* found = p->model()->findNode(path);
    if (!found) return;
    const QModelIndex i = p->model()->indexOf(found);
    p->treeView()->scrollTo(i);
    p->treeView()->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  };
  select(sourcePane_, op.source);
  select(targetPane_, op.target);
}

void MainWindow::showTargetContextMenu(const QPoint& pos) {
  const QModelIndex index = targetPane_->treeView()->indexAt(pos);
  const Node* node = targetPane_->model()->nodeAt(index.sibling(index.row(), 0));
  if (!node) return;
  QMenu menu(this);
  if (const ResultSlot* slot = document_->evaluation().findByTarget(node)) {
    for (auto& r : resolutionsFor(document_, *slot)) menu.addAction(r.label, this, r.apply);
  }
  if (!menu.isEmpty()) menu.addSeparator();
  menu.addAction(tr("Drop from Result"), this, [this, node] {
    Operation op;
    op.kind = OperationKind::Drop;
    op.target = node->path();
    op.reason = "by hand";
    document_->addOperations({op}, tr("Drop %1").arg(QString::fromStdString(node->path())));
  });
  menu.exec(targetPane_->treeView()->viewport()->mapToGlobal(pos));
}

bool MainWindow::savePlanTo(const QString& path) {
  try {
    savePlan(document_->plan(), QFile::encodeName(path).toStdString());
    document_->markSaved();
    statusBar()->showMessage(tr("Saved plan to %1").arg(path), 5000);
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Cannot save plan"),
                         tr("%1\n\nChoose a folder you can write to, or another name.").arg(QString::fromStdString(e.what())));
    return false;
  }
}

bool MainWindow::loadPlanFrom(const QString& path, bool asSaved) {
  try {
    const MergePlan plan = loadPlan(QFile::encodeName(path).toStdString());
    document_->replacePlan(plan.operations, plan.keepOptimizer, tr("Load plan"));
    if (!plan.source.empty() && (!document_->source() || document_->source()->path() != plan.source))
      openFile(Side::Source, QString::fromStdString(plan.source.string()));
    if (!plan.target.empty() && (!document_->target() || document_->target()->path() != plan.target))
      openFile(Side::Target, QString::fromStdString(plan.target.string()));
    if (asSaved) document_->markSaved();
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Cannot load plan"),
                         tr("%1\n\nChoose a plan saved by Graft (File › Save Plan, or graft-cli merge --save-plan); "
                            "its format is described in the user guide and docs/plan-format.md.")
                             .arg(QString::fromStdString(e.what())));
    return false;
  }
}

QMessageBox* MainWindow::offerToRestore() {
  for (const PlanAutosave::Orphan& orphan : PlanAutosave::orphans(autosave_->folder()))
    if (QMessageBox* box = showRestoreOffer(this, orphan, [this](const QString& plan) { loadPlanFrom(plan, false); })) return box;
  return nullptr;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  settings.setValue(QStringLiteral("lastFolder"), lastFolder_);
  if (!document_->isModified() || document_->plan().operations.empty()) {
    event->accept();
    return;
  }
  const auto answer = QMessageBox::question(this, tr("Unsaved plan"), tr("The plan has changes that were not saved. Save them first?"),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Cancel) {
    event->ignore();
    return;
  }
  if (answer == QMessageBox::Save) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Plan"), lastFolder_, tr("Graft plans (*.json)"));
    if (path.isEmpty() || !savePlanTo(path)) {
      event->ignore();
      return;
    }
  }
  event->accept();
}

}  // namespace graft::ui

namespace graft::ui {

ExportDialog* MainWindow::showExportDialog() {
  if (!document_->ready()) {
    statusBar()->showMessage(openBothFirst(), 5000);
    return nullptr;
  }
  const QFileInfo target(QString::fromStdString(document_->target()->path().string()));
  const QString suggested = target.absolutePath() + "/" + target.completeBaseName() + "-merged." + target.suffix();
  auto* dialog = new ExportDialog(document_, suggested, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &ExportDialog::openResultAsTarget, this, [this](const QString& path) { openFile(Side::Target, path); });
  dialog->show();
  return dialog;
}

}  // namespace graft::ui

namespace graft::ui {

void MainWindow::openDemo(const QString& folder) {
  openFile(Side::Source, folder + QStringLiteral("/pretrained_cnn.h5"));
  openFile(Side::Target, folder + QStringLiteral("/new_cnn.h5"));
  planDock_->setEmptyHint(tr("<b>Demo:</b> a pretrained CNN (left) and a new CNN with a 5-class head (right).<br>"
                             "Drag conv2d and batch_normalization layers from left to right, or press <b>Auto-match</b>.<br>"
                             "The 10-class head will not fit the 5-class one: right-click it to slice or skip, then <b>Export</b>."));
}

void MainWindow::rememberRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > 10) recent.removeLast();
  settings.setValue(QStringLiteral("recentFiles"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  if (!recentMenu_) return;
  recentMenu_->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
  for (const QString& path : recent) {
    QMenu* entry = recentMenu_->addMenu(QFileInfo(path).fileName());
    entry->setToolTip(path);
    for (const Side side : {Side::Source, Side::Target}) {
      QAction* a = entry->addAction(side == Side::Source ? tr("Open as Source") : tr("Open as Target"), this,
                                    [this, path, side] { openFile(side, path); });
      a->setStatusTip(side == Side::Source ? tr("Open %1 as the checkpoint to take weights from").arg(path)
                                           : tr("Open %1 as the checkpoint to put weights into").arg(path));
      setTipWithShortcut(a);
    }
    entry->setToolTipsVisible(true);
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

}  // namespace graft::ui
