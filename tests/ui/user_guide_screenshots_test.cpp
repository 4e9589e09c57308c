// The user guide's pictures (docs/user-guide.md): each seed task driven through the real
// window with the real checkpoints, one test per task, saved as
// $GRAFT_SCREENSHOT_DIR/guide-*.png by docs/screenshots/regenerate.sh. Every picture is
// taken only after the state it shows has been asserted (plan rows, statuses, menu entries,
// Inspector facts), so a test cannot pass while its picture shows something wrong.
//
// Menus, tooltips and dialogs are top-level windows of their own: QWidget::grab() of the main
// window misses them, so each is grabbed on its own and painted where a person would see it
// (the position is computed, not read back: the offscreen platform squeezes popups into an
// 800x600 screen). The mouse pointer is painted too where it matters.

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QTreeView>
#include <QUndoStack>
#include <QUrl>

#include <iostream>
#include <memory>

#include "checkpoint_variants.h"
#include "export/export_dialog.h"
#include "export/export_worker.h"
#include "formats/format_registry.h"
#include "inspector/facts_view.h"
#include "inspector/histogram_plot.h"
#include "inspector/inspector_dock.h"
#include "main_window.h"
#include "merge/matcher.h"
#include "merge/plan_json.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "panes/drop_preview_tree_view.h"
#include "plan/match_dialog.h"
#include "plan/plan_document.h"
#include "plan/plan_dock.h"
#include "plan/plan_table_model.h"
#include "test_support.h"
#include "window_gestures.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::CheckpointTreeModel;
using graft::ui::MainWindow;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";
const char* kGan = "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index";
const std::vector<std::string> kConvLayers = {"conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "conv2d_5", "conv2d_6"};

std::unique_ptr<Checkpoint> openCheckpoint(const fs::path& p) { return FormatRegistry::builtin().open(p); }

// Saves `image` as guide-NAME.png in $GRAFT_SCREENSHOT_DIR (else the temp folder), compressed hard.
bool saveShot(const QImage& image, const QString& name) {
  const QString path = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + QStringLiteral("/guide-") + name + QStringLiteral(".png");
  const bool ok = !image.isNull() && image.save(path, "PNG", 0);
  std::cout << "screenshot: " << path.toStdString() << (ok ? "" : " (not written)") << '\n';
  return ok;
}

QModelIndex rowOf(const CheckpointTreeModel* m, const std::string& path, int column = 0) {
  return m->indexOf(m->findNode(path), column);
}

// What a cell of the plan table says.
QString planCell(MainWindow& w, int row, int column) {
  QAbstractItemModel* m = w.planDock()->table()->model();
  return m->index(row, column).data().toString();
}

QStringList planStatuses(MainWindow& w) {
  QStringList out;
  for (int r = 0; r < w.planDock()->table()->model()->rowCount(); ++r) out << planCell(w, r, ui::PlanTableModel::StatusColumn);
  return out;
}

void paintWidget(QImage& shot, QWidget* widget, QPoint at) {
  QPainter p(&shot);
  p.drawPixmap(at, widget->grab());
}

// A dialog with the frame a window manager would draw (there is none offscreen or in Xvfb):
// a title bar, a border and a faint shadow, centred on the window.
void paintFramedDialog(QImage& shot, QWidget* dialog) {
  constexpr int kTitle = 26;
  const QPoint client((shot.width() - dialog->width()) / 2, (shot.height() - dialog->height() + kTitle) / 2);
  const QRect outer(client - QPoint(1, kTitle), QSize(dialog->width() + 2, dialog->height() + kTitle + 1));
  QPainter p(&shot);
  p.setPen(Qt::NoPen);
  for (int spread = 10; spread > 0; spread -= 2) {
    p.setBrush(QColor(0, 0, 0, 14));
    p.drawRect(outer.adjusted(-spread, -spread + 4, spread, spread + 4));
  }
  const QPalette& pal = dialog->palette();
  p.fillRect(outer, pal.color(QPalette::Window).darker(115));
  QFont title = dialog->font();
  title.setBold(true);
  p.setFont(title);
  p.setPen(pal.color(QPalette::WindowText));
  p.drawText(QRect(outer.topLeft(), QSize(outer.width(), kTitle)), Qt::AlignCenter, dialog->windowTitle());
  p.drawPixmap(client, dialog->grab());
  p.setPen(pal.color(QPalette::Dark));
  p.setBrush(Qt::NoBrush);
  p.drawRect(outer.adjusted(0, 0, -1, -1));
}

// The arrow of a mouse pointer whose tip is at `tip`; `copy` adds the "+" of a copy drag.
void paintPointer(QImage& shot, QPointF tip, bool copy) {
  QPainter p(&shot);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(Qt::black, 1));
  p.setBrush(Qt::white);
  p.drawPolygon(QPolygonF({tip, tip + QPointF(0, 17), tip + QPointF(4, 13), tip + QPointF(7, 20), tip + QPointF(10, 19),
                           tip + QPointF(7, 12), tip + QPointF(12, 12)}));
  if (!copy) return;
  const QRectF box(tip + QPointF(12, 16), QSizeF(10, 10));
  p.drawRect(box);
  p.drawLine(QPointF(box.center().x(), box.top() + 2), QPointF(box.center().x(), box.bottom() - 2));
  p.drawLine(QPointF(box.left() + 2, box.center().y()), QPointF(box.right() - 2, box.center().y()));
}

QWidget* shownToolTip() {
  for (QWidget* w : QApplication::topLevelWidgets())
    if (w->isVisible() && w->inherits("QTipLabel")) return w;
  return nullptr;
}

// The window with the pointer resting on `widget` and its tooltip shown (e.g. the whole of an
// elided key), where Qt puts it: below the pointer, kept inside the window.
QImage withToolTipOf(QWidget* window, QWidget* widget) {
  const QPoint pointer = widget->mapTo(window, QPoint(widget->width() / 2, widget->height() / 2));
  QToolTip::showText(widget->mapToGlobal(QPoint(widget->width() / 2, widget->height() / 2)), widget->toolTip(), widget);
  QApplication::processEvents();
  QImage shot = window->grab().toImage();
  if (QWidget* tip = shownToolTip()) {
    QPoint place = pointer + QPoint(2, 16);
    place.rx() = std::min(place.x(), shot.width() - tip->width() - 2);
    paintWidget(shot, tip, place);
  }
  paintPointer(shot, pointer, false);
  QToolTip::hideText();
  return shot;
}

// A drag from the source tree held over the target tree: the preview is up until drop() or
// leave(). `onto` is a target path, or "" for empty space below the rows.
class HeldDrag {
 public:
  HeldDrag(MainWindow& w, const std::string& onto) : window_(w) {
    ui::CheckpointPane* from = w.pane(Side::Source);
    ui::CheckpointPane* to = w.pane(Side::Target);
    mime_.reset(from->model()->mimeData(from->treeView()->selectionModel()->selectedRows()));
    view_ = static_cast<ui::DropPreviewTreeView*>(to->treeView());
    if (onto.empty()) {
      const QModelIndex last = to->model()->index(to->model()->rowCount() - 1, 0);
      at_ = QPoint(view_->viewport()->width() / 4, (view_->visualRect(last).bottom() + view_->viewport()->height()) / 2);
    } else {
      const QModelIndex i = rowOf(to->model(), onto);
      view_->scrollTo(i);
      at_ = view_->visualRect(i).center() - QPoint(view_->visualRect(i).width() / 4, 0);
    }
    QDragEnterEvent enter(at_, Qt::CopyAction, mime_.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view_->viewport(), &enter);
    QDragMoveEvent move(at_, Qt::CopyAction, mime_.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view_->viewport(), &move);
    accepted_ = move.isAccepted();
    QApplication::processEvents();
  }

  bool accepted() const { return accepted_; }
  QString preview() const { return view_->lastPreview(); }
  bool overEmptySpace() const { return !view_->indexAt(at_).isValid(); }

  // The window with the preview beside the pointer, as the person dragging sees it.
  QImage picture() const {
    QImage shot = window_.grab().toImage();
    const QPoint pointer = view_->viewport()->mapTo(&window_, at_);
    if (QWidget* tip = shownToolTip()) {
      // The view asks for pointer + (18, 12); Qt's tooltip adds (2, 16) and keeps it on screen.
      QPoint place = pointer + QPoint(20, 28);
      if (place.x() + tip->width() > shot.width()) place.rx() = shot.width() - tip->width() - 4;
      if (place.y() + tip->height() > shot.height()) place.ry() -= tip->height() + 40;
      paintWidget(shot, tip, place);
    }
    paintPointer(shot, pointer, true);
    return shot;
  }

  void drop() {
    QDropEvent drop(QPointF(at_), Qt::CopyAction, mime_.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view_->viewport(), &drop);
    QApplication::processEvents();
  }

 private:
  MainWindow& window_;
  std::unique_ptr<QMimeData> mime_;
  ui::DropPreviewTreeView* view_ = nullptr;
  QPoint at_;
  bool accepted_ = false;
};

// Right-clicks the target row `path`, photographs the menu with the entry starting with
// `highlight` under the pointer, and chooses that entry if `choose` (else closes the menu).
struct ContextMenuShot {
  QImage picture;
  QStringList entries;
};
ContextMenuShot targetContextMenu(MainWindow& w, const std::string& path, const QString& highlight, bool choose) {
  QTreeView* view = w.pane(Side::Target)->treeView();
  const QModelIndex i = rowOf(w.pane(Side::Target)->model(), path);
  view->scrollTo(i, QAbstractItemView::PositionAtCenter);
  view->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  QApplication::processEvents();
  const QPoint click(view->visualRect(i).left() + 50, view->visualRect(i).center().y());
  ContextMenuShot out;
  // The menu runs its own event loop; the first thing that loop does is this.
  QTimer::singleShot(0, [&] {
    auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
    if (!menu) return;
    QAction* chosen = nullptr;
    for (QAction* a : menu->actions()) {
      if (a->isSeparator()) continue;
      out.entries << a->text();
      if (!chosen && a->text().startsWith(highlight)) chosen = a;
    }
    if (chosen) menu->setActiveAction(chosen);
    QApplication::processEvents();
    const QPoint menuAt = view->viewport()->mapTo(&w, click);
    out.picture = w.grab().toImage();
    paintWidget(out.picture, menu, menuAt);
    if (chosen) paintPointer(out.picture, QPointF(menuAt + menu->actionGeometry(chosen).center() + QPoint(40, 0)), false);
    if (choose && chosen)
      QTest::keyClick(menu, Qt::Key_Return);
    else
      menu->close();
  });
  Q_EMIT view->customContextMenuRequested(click);  // returns when the menu closes
  return out;
}

// The menu-bar action `title` (without '&').
QAction* menuBarEntry(MainWindow& w, const QString& title) {
  for (QAction* a : w.menuBar()->actions())
    if (a->text().remove(QLatin1Char('&')) == title) return a;
  return nullptr;
}

QAction* entryOf(QMenu* menu, const QString& text) {
  for (QAction* a : menu->actions())
    if (a->text().remove(QLatin1Char('&')).startsWith(text)) return a;
  return nullptr;
}

// Opens the menu bar's menus along `path` ("Plan", "Auto-match", "By Layer Order") the way a
// person hovers through them, photographs them with the last entry highlighted, closes them
// and returns the picture and the last entry (null, and a null picture, if one is missing).
struct MenuShot {
  QImage picture;
  QAction* last = nullptr;
};
MenuShot menuPath(MainWindow& w, const QStringList& path) {
  MenuShot out;
  QAction* top = menuBarEntry(w, path.front());
  if (!top || !top->menu()) return out;
  QMenuBar* bar = w.menuBar();
  const QRect barEntry = bar->actionGeometry(top);
  QMenu* menu = top->menu();
  menu->popup(bar->mapToGlobal(barEntry.bottomLeft()));
  QApplication::processEvents();
  std::vector<std::pair<QMenu*, QPoint>> open{{menu, bar->mapTo(&w, barEntry.bottomLeft())}};  // each menu, where it sits
  for (int level = 1; level < path.size(); ++level) {
    QAction* entry = entryOf(menu, path[level]);
    out.last = entry;
    if (!entry) break;
    menu->setActiveAction(entry);  // a submenu entry opens its submenu at once
    QApplication::processEvents();
    if (level + 1 == path.size()) break;
    if (!entry->menu()) {
      out.last = nullptr;
      break;
    }
    const QRect r = menu->actionGeometry(entry);
    const QPoint subAt = open.back().second + QPoint(r.right() + 1, r.top() - 3);
    menu = entry->menu();
    if (!menu->isVisible()) menu->popup(open.back().first->mapToGlobal(r.topRight()));
    QApplication::processEvents();
    open.push_back({menu, subAt});
  }
  if (out.last) {
    out.picture = w.grab().toImage();
    QPainter p(&out.picture);
    // The menu bar entry looks pressed while its menu is open.
    const QRect pressed(bar->mapTo(&w, barEntry.topLeft()), barEntry.size());
    p.fillRect(pressed, w.palette().color(QPalette::Highlight));
    p.setPen(w.palette().color(QPalette::HighlightedText));
    p.drawText(pressed, Qt::AlignCenter, path.front());
    p.end();
    for (const auto& [m, at] : open) paintWidget(out.picture, m, at);
    paintPointer(out.picture, QPointF(open.back().second + open.back().first->actionGeometry(out.last).center()), false);
  }
  for (auto it = open.rbegin(); it != open.rend(); ++it) it->first->hide();
  QApplication::processEvents();
  return out;
}

// Waits for the Inspector's histogram of whatever `select` selects.
template <typename Select>
bool inspectAndWait(MainWindow& w, Select select) {
  QSignalSpy ready(w.inspectorDock(), &ui::InspectorDock::histogramReady);
  select();
  return ready.count() > 0 || ready.wait(10000);
}

void selectPlanRow(MainWindow& w, int row) {
  QTableView* table = w.planDock()->table();
  table->selectionModel()->setCurrentIndex(table->model()->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

}  // namespace

class UserGuideScreenshots : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    // The pictures must not depend on what earlier tests left in the (test-mode) settings.
    QSettings settings;
    for (const char* key : {"recentFiles", "window/geometry", "window/state", "lastFolder"}) settings.remove(QLatin1String(key));
    window_ = std::make_unique<MainWindow>();
    window_->resize(1400, 900);
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  }

  void openPair(const fs::path& source, const fs::path& target) {
    ASSERT_TRUE(test::openBoth(*window_, source, target));
    window_->resize(1400, 900);
    QApplication::processEvents();
    // The target pane gets the width its Status column takes, as a person drags the splitter.
    auto* panes = qobject_cast<QSplitter*>(window_->centralWidget());
    ASSERT_NE(panes, nullptr);
    const int width = panes->width();
    panes->setSizes({width * 44 / 100, width - width * 44 / 100});
    QApplication::processEvents();
  }

  CheckpointTreeModel* model(Side side) const { return window_->pane(side)->model(); }
  QTreeView* tree(Side side) const { return window_->pane(side)->treeView(); }
  const MergeEvaluation& evaluation() const { return window_->document()->evaluation(); }
  QString status(const std::string& targetPath) const {
    return rowOf(model(Side::Target), targetPath, CheckpointTreeModel::StatusColumn).data().toString();
  }
  QImage windowShot() const {
    QApplication::processEvents();
    return window_->grab().toImage();
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<MainWindow> window_;
};

// Opening files: the empty window, a file dropped from the desktop, File › Open Recent.
TEST_F(UserGuideScreenshots, OpeningFiles) {
  EXPECT_EQ(window_->windowTitle(), "Graft");
  EXPECT_NE(window_->pane(Side::Source)->headerText().indexOf("no checkpoint open"), -1);
  EXPECT_FALSE(window_->planDock()->table()->isVisible()) << "an empty plan shows its hint instead of the table";
  ASSERT_TRUE(saveShot(windowShot(), "start"));

  // A file dragged from the file manager onto the source pane opens there.
  const fs::path cnn = real_ / kCnn;
  QMimeData files;
  files.setUrls({QUrl::fromLocalFile(QString::fromStdString(cnn.string()))});
  QSignalSpy loaded(window_->loader(Side::Source), &ui::CheckpointLoader::loaded);
  ui::CheckpointPane* pane = window_->pane(Side::Source);
  const QPoint middle = pane->rect().center();
  QDragEnterEvent enter(middle, Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(pane, &enter);
  ASSERT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(middle), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(pane, &drop);
  ASSERT_TRUE(loaded.count() || loaded.wait(10000));
  EXPECT_NE(pane->headerText().indexOf("tf-fashion_my_model.h5"), -1);
  EXPECT_NE(pane->headerText().indexOf("keras2-h5 · Keras 2.2.4-tf · 327,242 parameters"), -1) << pane->headerText().toStdString();

  test::writeWithNewHead(cnn, dir_ / "new_model.h5");
  QSignalSpy target(window_->loader(Side::Target), &ui::CheckpointLoader::loaded);
  window_->openFile(Side::Target, QString::fromStdString((dir_ / "new_model.h5").string()));
  ASSERT_TRUE(target.wait(10000));
  EXPECT_EQ(window_->windowTitle(), "tf-fashion_my_model.h5 → new_model.h5 — Graft");

  // Both files are now under File › Open Recent, newest first, each openable on either side.
  const MenuShot shot = menuPath(*window_, {"File", "Open Recent", "tf-fashion_my_model.h5", "Open as Target"});
  ASSERT_NE(shot.last, nullptr) << "File › Open Recent › tf-fashion_my_model.h5 › Open as Target";
  QMenu* recent = entryOf(menuBarEntry(*window_, "File")->menu(), "Open Recent")->menu();
  QStringList names;
  for (QAction* a : recent->actions()) names << a->text();
  EXPECT_EQ(names, QStringList({"new_model.h5", "tf-fashion_my_model.h5"}));
  ASSERT_TRUE(saveShot(shot.picture, "open-recent"));
}

// (a) Transfer learning: the trained feature extractor into a model with a new head.
TEST_F(UserGuideScreenshots, TransferLearningTakesTheFeatureExtractor) {
  test::writeWithNewHead(real_ / kCnn, dir_ / "new_model.h5");
  openPair(real_ / kCnn, dir_ / "new_model.h5");
  std::vector<std::string> features = kConvLayers;
  for (int i = 0; i < 7; ++i) features.push_back(i ? "batch_normalization_" + std::to_string(i) : "batch_normalization");
  window_->pane(Side::Source)->regexToggle()->setChecked(true);
  window_->pane(Side::Source)->filterEdit()->setText(QStringLiteral("conv|batch"));
  ASSERT_EQ(window_->pane(Side::Source)->filterStatus(), "42 matches");
  test::selectRows(*window_, Side::Source, features);
  ASSERT_EQ(tree(Side::Source)->selectionModel()->selectedRows().size(), 14);
  tree(Side::Source)->collapseAll();
  tree(Side::Target)->collapseAll();
  tree(Side::Source)->scrollToTop();

  HeldDrag drag(*window_, "");
  ASSERT_TRUE(drag.overEmptySpace());
  ASSERT_TRUE(drag.accepted()) << drag.preview().toStdString();
  EXPECT_TRUE(drag.preview().startsWith("<b>42 fit</b>")) << drag.preview().toStdString();
  EXPECT_EQ(drag.preview().indexOf("conflict"), -1);
  ASSERT_NE(shownToolTip(), nullptr);
  ASSERT_TRUE(saveShot(drag.picture(), "transfer-drag"));
  drag.drop();

  ASSERT_EQ(window_->document()->plan().operations.size(), 14u);
  EXPECT_EQ(evaluation().count(SlotStatus::Replaced), 42u);
  EXPECT_FALSE(evaluation().hasConflicts());
  EXPECT_EQ(planStatuses(*window_), QStringList(14, QStringLiteral("replaced")));
  EXPECT_EQ(planCell(*window_, 0, ui::PlanTableModel::OperationColumn), "copy-layer");
  EXPECT_EQ(status("conv2d"), "2 replaced");
  EXPECT_EQ(status("batch_normalization"), "4 replaced");
  EXPECT_EQ(status("dense"), "") << "the new head is kept";
  EXPECT_TRUE(window_->windowTitle().startsWith('*'));
  ASSERT_TRUE(saveShot(windowShot(), "transfer-result"));

  // Undo: Edit › Undo names the step it takes back.
  const MenuShot undo = menuPath(*window_, {"Edit", "Undo Transplant 14 items"});
  ASSERT_NE(undo.last, nullptr);
  ASSERT_TRUE(saveShot(undo.picture, "undo"));
  undo.last->trigger();
  EXPECT_TRUE(window_->document()->plan().operations.empty());
  EXPECT_FALSE(window_->windowTitle().startsWith('*'));
  window_->document()->undoStack()->redo();
  ASSERT_EQ(window_->document()->plan().operations.size(), 14u);

  // Save Plan, then the same plan run headless by graft-cli merge --plan.
  const QString planFile = QString::fromStdString((dir_ / "transfer.json").string());
  ASSERT_TRUE(window_->savePlanTo(planFile));
  EXPECT_FALSE(window_->windowTitle().startsWith('*')) << "saved";
  std::cout << "saved plan:\n" << test::readFile(dir_ / "transfer.json") << '\n';
  const MergePlan saved = loadPlan(dir_ / "transfer.json");
  EXPECT_EQ(saved.source, real_ / kCnn);
  EXPECT_EQ(saved.operations.size(), 14u);
  const auto run = test::runCommand({GRAFT_CLI_PATH, "merge", "--plan", (dir_ / "transfer.json").string(), "-o", (dir_ / "merged.h5").string()});
  std::cout << "graft-cli merge --plan: exit " << run.exitCode << "\n" << run.out << run.err;
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_NE(run.out.find("42 replaced"), std::string::npos) << run.out;
  const auto merged = openCheckpoint(dir_ / "merged.h5");
  const auto source = openCheckpoint(real_ / kCnn);
  const auto target = openCheckpoint(dir_ / "new_model.h5");
  EXPECT_EQ(test::tensorBytes(*merged, "conv2d_4/conv2d_4/kernel:0"), test::tensorBytes(*source, "conv2d_4/conv2d_4/kernel:0"));
  EXPECT_EQ(test::tensorBytes(*merged, "dense/dense/kernel:0"), test::tensorBytes(*target, "dense/dense/kernel:0"));

  // Load Plan puts a cleared plan back.
  window_->document()->replacePlan({}, true, QStringLiteral("Clear plan"));
  ASSERT_TRUE(window_->loadPlanFrom(planFile));
  EXPECT_EQ(window_->document()->plan().operations.size(), 14u);
  EXPECT_EQ(evaluation().count(SlotStatus::Replaced), 42u);
}

// (b) Restore one layer from a checkpoint saved before training went wrong.
TEST_F(UserGuideScreenshots, RestoreOneLayerFromAnotherCheckpoint) {
  test::writeVariant(real_ / kCnn, dir_ / "after_bad_run.h5", {});  // every weight changed a little
  openPair(real_ / kCnn, dir_ / "after_bad_run.h5");
  test::selectRows(*window_, Side::Source, {"conv2d_3"});
  tree(Side::Source)->collapseAll();
  tree(Side::Target)->collapseAll();
  tree(Side::Source)->scrollToTop();
  tree(Side::Target)->scrollToTop();
  HeldDrag drag(*window_, "conv2d_3");
  ASSERT_TRUE(drag.accepted());
  EXPECT_TRUE(drag.preview().startsWith("<b>2 fit</b>")) << drag.preview().toStdString();
  EXPECT_NE(drag.preview().indexOf("conv2d_3/kernel:0 → conv2d_3/kernel:0"), -1);
  ASSERT_TRUE(saveShot(drag.picture(), "restore-drag"));
  drag.drop();

  ASSERT_EQ(window_->document()->plan().operations.size(), 1u);
  EXPECT_EQ(window_->document()->plan().operations[0].kind, OperationKind::CopyLayer);
  EXPECT_EQ(planStatuses(*window_), QStringList({"replaced"}));
  EXPECT_EQ(evaluation().count(SlotStatus::Replaced), 2u);
  EXPECT_EQ(status("conv2d_3"), "2 replaced");
  for (Side side : {Side::Source, Side::Target}) tree(side)->expand(rowOf(model(side), "conv2d_3"));

  // Selecting the operation overlays the good and the drifted values in the Inspector.
  ASSERT_TRUE(inspectAndWait(*window_, [&] { selectPlanRow(*window_, 0); }));
  QTest::qWait(50);
  ui::InspectorDock* inspector = window_->inspectorDock();
  EXPECT_EQ(inspector->title(), "conv2d_3/kernel:0 → conv2d_3/kernel:0");
  EXPECT_EQ(inspector->pairChooser()->count(), 2) << "kernel and bias";
  EXPECT_NE(inspector->subtitle().indexOf("replaced"), -1);
  EXPECT_EQ(inspector->plot()->bars().size(), 2u) << "source and target overlaid";
  EXPECT_FALSE(inspector->facts()->text("cosine").isEmpty());
  EXPECT_EQ(status("conv2d_3/kernel:0"), "replaced");
  EXPECT_EQ(status("conv2d_2/kernel:0"), "") << "every other layer stays as it is";
  ASSERT_TRUE(saveShot(windowShot(), "restore-inspector"));
}

// (c) Renamed layers: a rename rule in the Auto-match dialog, then matching by layer order.
TEST_F(UserGuideScreenshots, RenamedLayersByARuleAndByLayerOrder) {
  std::vector<Operation> renames;
  for (const auto& layer : kConvLayers) renames.push_back(test::renameOp(layer, "features_" + layer));
  test::writeVariant(real_ / kCnn, dir_ / "renamed.h5", renames);
  openPair(real_ / kCnn, dir_ / "renamed.h5");

  ui::MatchDialog* dialog = window_->showMatchDialog();
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
  dialog->setStrategy(MatchStrategy::Name);
  dialog->setRulesText(QStringLiteral("# the new model calls its conv layers features_conv2d…\n^(conv2d[_0-9]*)/=>features_$1/"));
  dialog->setTakeText(QStringLiteral("^conv2d"));
  dialog->refreshNow();
  QApplication::processEvents();
  ASSERT_TRUE(dialog->errorText().isEmpty()) << dialog->errorText().toStdString();
  ASSERT_EQ(dialog->proposals().size(), 14u);
  EXPECT_EQ(dialog->summaryText(), "14 pairs · 14 fit");
  EXPECT_EQ(dialog->addButton()->text(), "Add 14 Pairs");
  EXPECT_EQ(dialog->proposals()[0].target, "features_conv2d/kernel:0");
  QImage shot = windowShot();
  paintFramedDialog(shot, dialog);
  ASSERT_TRUE(saveShot(shot, "rename-rule"));
  dialog->accept();
  EXPECT_EQ(evaluation().count(SlotStatus::Replaced), 14u);
  EXPECT_FALSE(evaluation().hasConflicts());
  EXPECT_EQ(status("features_conv2d_3"), "2 replaced");
  EXPECT_EQ(status("batch_normalization_3"), "") << "the take-only filter kept the batch norms out";

  // The same files matched by layer order instead: names play no part.
  window_->document()->undoStack()->undo();
  ASSERT_TRUE(window_->document()->plan().operations.empty());
  const MenuShot menu = menuPath(*window_, {"Plan", "Auto-match", "By Layer Order"});
  ASSERT_NE(menu.last, nullptr);
  ASSERT_TRUE(saveShot(menu.picture, "order-menu"));
  menu.last->trigger();
  EXPECT_EQ(evaluation().count(SlotStatus::Replaced), 44u);
  EXPECT_FALSE(evaluation().hasConflicts());
  EXPECT_EQ(planStatuses(*window_), QStringList(window_->document()->plan().operations.size(), QStringLiteral("replaced")));
  EXPECT_EQ(status("features_conv2d"), "2 replaced");
  EXPECT_EQ(status("dense"), "2 replaced");
  const QString firstReason = planCell(*window_, 0, ui::PlanTableModel::MessageColumn);
  std::cout << "first layer-order row: " << planCell(*window_, 0, ui::PlanTableModel::SourceColumn).toStdString() << " → "
            << planCell(*window_, 0, ui::PlanTableModel::TargetColumn).toStdString() << ": " << firstReason.toStdString() << '\n';
  tree(Side::Target)->scrollToTop();
  ASSERT_TRUE(saveShot(windowShot(), "order-result"));
}

// (d) A widened layer: the old (128, 10) head into a (128, 20) one, padded with zeros.
TEST_F(UserGuideScreenshots, WidenedLayerPaddedWithZeros) {
  // The wider head's own values stand in for a fresh initialisation: a (128, 20) piece of
  // another layer's kernel, and zeros for the bias.
  test::writeVariant(real_ / kCnn, dir_ / "wider_head.h5",
                     {test::dropOp("dense"),
                      test::addOp("conv2d_6/kernel:0", {Transform::reshape(Shape{1024, 128}), Transform::slice({{0, 128}, {0, 20}})}, "dense/kernel:0"),
                      test::addOp("dense/bias:0", {Transform::pad(Shape{20}, 0)})});
  openPair(real_ / kCnn, dir_ / "wider_head.h5");
  test::selectRows(*window_, Side::Source, {"dense"});
  HeldDrag drag(*window_, "dense");
  ASSERT_TRUE(drag.accepted());
  EXPECT_NE(drag.preview().indexOf("2 conflicts"), -1) << drag.preview().toStdString();
  drag.drop();
  ASSERT_EQ(evaluation().conflictCount(), 2u);
  EXPECT_EQ(status("dense/kernel:0"), "conflict-shape");
  EXPECT_EQ(planStatuses(*window_), QStringList({"conflict-shape"}));

  ContextMenuShot menu = targetContextMenu(*window_, "dense/kernel:0", QStringLiteral("Pad with zeros"), false);
  EXPECT_EQ(menu.entries, QStringList({"Pad with zeros to (128, 20)", "Skip (keep the target's tensor)", "Drop from Result"}));
  EXPECT_EQ(evaluation().conflictCount(), 2u) << "closing the menu chose nothing";
  ASSERT_TRUE(saveShot(menu.picture, "widen-menu"));

  for (const char* slot : {"dense/kernel:0", "dense/bias:0"})
    ASSERT_FALSE(targetContextMenu(*window_, slot, QStringLiteral("Pad with zeros"), true).entries.isEmpty());
  EXPECT_FALSE(evaluation().hasConflicts());
  EXPECT_EQ(status("dense/kernel:0"), "converted");
  EXPECT_EQ(status("dense"), "2 converted");
  ASSERT_EQ(window_->document()->plan().operations.size(), 2u) << "the layer copy is split into its two copies";
  EXPECT_EQ(planStatuses(*window_), QStringList({"converted", "converted"}));
  const QString transforms = planCell(*window_, 0, ui::PlanTableModel::TransformsColumn);
  EXPECT_NE(transforms.indexOf("pad"), -1) << transforms.toStdString();
  ASSERT_TRUE(inspectAndWait(*window_, [&] { selectPlanRow(*window_, 0); }));
  EXPECT_EQ(window_->inspectorDock()->facts()->text("shape", 0), "(128, 10)");
  EXPECT_EQ(window_->inspectorDock()->facts()->text("shape", 1), "(128, 20)");
  ASSERT_TRUE(saveShot(windowShot(), "widen-result"));
}

// (e) What a TensorFlow checkpoint holds: its object-graph names, optimizer slots hidden and
// shown, the values of one variable.
TEST_F(UserGuideScreenshots, TensorFlowCheckpointNamesSlotsAndHistogram) {
  const fs::path gan = real_ / kGan;
  test::writeVariant(gan, dir_ / "ckpt-2", {});  // a second checkpoint of the same GAN
  openPair(gan, dir_ / "ckpt-2.index");
  CheckpointTreeModel* m = model(Side::Source);
  for (const char* path : {"generator", "generator/layer_with_weights-0", "discriminator"})
    for (Side side : {Side::Source, Side::Target}) tree(side)->expand(rowOf(model(side), path));
  const std::string kernel = "generator/layer_with_weights-0/kernel";
  const std::string slot = "generator/layer_with_weights-0/generator_optimizer/m/kernel";
  ASSERT_TRUE(rowOf(m, kernel).isValid());
  EXPECT_FALSE(m->indexOf(m->checkpoint()->findNode(slot)).isValid()) << "optimizer slots are hidden at first";
  EXPECT_FALSE(m->indexOf(m->checkpoint()->findNode("save_counter")).isValid());
  EXPECT_NE(window_->pane(Side::Source)->headerText().indexOf("tf-bundle"), -1);

  ASSERT_TRUE(inspectAndWait(*window_, [&] {
    tree(Side::Source)->selectionModel()->setCurrentIndex(rowOf(m, kernel), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }));
  ui::FactsView* facts = window_->inspectorDock()->facts();
  EXPECT_EQ(facts->text("key"), "generator/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(window_->inspectorDock()->plot()->bars().size(), 1u);
  // The key is elided at the dock's width; the pointer on it shows all of it.
  QLabel* keyLabel = nullptr;
  for (QLabel* label : facts->findChildren<QLabel*>())
    if (label->toolTip() == "generator/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE") keyLabel = label;
  ASSERT_NE(keyLabel, nullptr);
  ASSERT_TRUE(saveShot(withToolTipOf(window_.get(), keyLabel), "tf-names"));

  // View › Show Optimizer State: the Adam slots appear beside their variable.
  const MenuShot view = menuPath(*window_, {"View", "Show Optimizer State"});
  ASSERT_NE(view.last, nullptr);
  view.last->trigger();
  ASSERT_TRUE(window_->showOptimizerAction()->isChecked());
  ASSERT_TRUE(rowOf(m, slot).isValid());
  EXPECT_TRUE(rowOf(m, "save_counter").isValid());
  tree(Side::Source)->expand(rowOf(m, "generator/layer_with_weights-0/generator_optimizer"));
  tree(Side::Source)->expand(rowOf(m, "generator/layer_with_weights-0/generator_optimizer/m"));
  tree(Side::Source)->expand(rowOf(m, "generator/layer_with_weights-0/generator_optimizer/v"));
  ASSERT_TRUE(inspectAndWait(*window_, [&] {
    tree(Side::Source)->selectionModel()->setCurrentIndex(rowOf(m, slot), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }));
  EXPECT_EQ(facts->text("key"), "generator/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/generator_optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  tree(Side::Source)->scrollToTop();
  // The picture: the slots shown, with the View menu open on its (now checked) entry.
  const MenuShot checked = menuPath(*window_, {"View", "Show Optimizer State"});
  ASSERT_NE(checked.last, nullptr);
  ASSERT_TRUE(checked.last->isChecked());
  ASSERT_TRUE(saveShot(checked.picture, "tf-optimizer"));
}

// (f) Export to another format: the dialog, the export under way, the summary.
TEST_F(UserGuideScreenshots, ExportToAnotherFormat) {
  // The transfer-learning result, whose target also carries a 100000 x 768 embedding table
  // (293 MiB) so that the export lasts long enough to be photographed under way.
  test::writeVariant(real_ / kCnn, dir_ / "new_model.h5",
                     {test::dropOp("dense"), test::addOp("dense/kernel:0", {Transform::slice({{0, 128}, {0, 5}})}),
                      test::addOp("dense/bias:0", {Transform::slice({{0, 5}})}),
                      test::addOp("dense/kernel:0", {Transform::pad(Shape{100000, 768})}, "embedding/embeddings:0")});
  openPair(real_ / kCnn, dir_ / "new_model.h5");
  std::vector<Operation> features;
  for (const auto& layer : kConvLayers) {
    Operation op;
    op.kind = OperationKind::CopyLayer;
    op.source = op.target = layer;
    features.push_back(op);
  }
  window_->document()->addOperations(features, QStringLiteral("Transplant 7 items"));
  ASSERT_FALSE(evaluation().hasConflicts());

  ui::ExportDialog* dialog = window_->showExportDialog();
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
  EXPECT_EQ(dialog->outputPath(), QString::fromStdString((dir_ / "new_model-merged.h5").string())) << "suggested beside the target";
  auto* format = dialog->findChild<QComboBox*>(QStringLiteral("format"));
  auto* layout = dialog->findChild<QComboBox*>(QStringLiteral("layoutConvention"));
  ASSERT_NE(format, nullptr);
  ASSERT_NE(layout, nullptr);
  EXPECT_EQ(format->currentData().toString(), "keras2-h5") << "the target's format by default";
  format->setCurrentIndex(format->findData(QStringLiteral("pytorch")));
  layout->setCurrentIndex(layout->findData(QStringLiteral("torch")));
  const fs::path out = dir_ / "new_model.pt";
  dialog->setOutputPath(QString::fromStdString(out.string()));
  ASSERT_EQ(format->currentText(), "PyTorch");
  QApplication::processEvents();
  QImage before = windowShot();
  paintFramedDialog(before, dialog);
  ASSERT_TRUE(saveShot(before, "export-dialog"));

  // Progress arrives as queued signals after the dialog has shown it: a grab in the handler
  // shows the dialog at that moment. Kept: the one nearest half-way while tensors remain.
  QImage during;
  double shownAt = -1;
  QString shownText;
  QObject::connect(dialog->worker(), &ui::ExportWorker::progress, dialog,
                   [&](quint64 done, quint64 total, int tensorsDone, int tensorsTotal, const QString&) {
                     const double f = total ? static_cast<double>(done) / static_cast<double>(total) : 0;
                     if (tensorsDone >= tensorsTotal || std::abs(f - 0.5) >= std::abs(shownAt - 0.5)) return;
                     shownAt = f;
                     shownText = dialog->findChild<QProgressBar*>()->text();
                     during = window_->grab().toImage();
                     paintFramedDialog(during, dialog);
                   });
  QSignalSpy finished(dialog->worker(), &ui::ExportWorker::finished);
  QSignalSpy failed(dialog->worker(), &ui::ExportWorker::failed);
  ASSERT_TRUE(dialog->startExport(true));
  ASSERT_TRUE(QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, 120000));
  ASSERT_EQ(failed.count(), 0) << failed.value(0).value(0).toString().toStdString();
  ASSERT_FALSE(during.isNull()) << "no progress arrived while tensors remained";
  std::cout << "export progress photographed at " << static_cast<int>(shownAt * 100) << "% (" << shownText.toStdString() << ")\n";
  EXPECT_GT(shownAt, 0.0);
  EXPECT_LT(shownAt, 1.0);
  ASSERT_TRUE(saveShot(during, "export-progress"));

  const QString summary = dialog->summaryText();
  EXPECT_NE(summary.indexOf("Wrote new_model.pt"), -1) << summary.toStdString();
  EXPECT_NE(summary.indexOf("verified: every tensor re-read and equal"), -1) << summary.toStdString();
  QPushButton* openResult = nullptr;
  for (QPushButton* b : dialog->findChildren<QPushButton*>())
    if (b->text() == "Open Result as Target") openResult = b;
  ASSERT_NE(openResult, nullptr);
  ASSERT_TRUE(openResult->isVisible());
  QImage after = windowShot();
  paintFramedDialog(after, dialog);
  ASSERT_TRUE(saveShot(after, "export-done"));

  // The result is a PyTorch state dict with PyTorch's layer conventions.
  const auto result = openCheckpoint(out);
  EXPECT_EQ(result->formatId(), "pytorch");
  const Node* conv = result->findByKey("conv2d.weight");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->tensor()->shape, Shape({32, 1, 3, 3})) << "Conv2D HWIO became OIHW";
  const Node* head = result->findByKey("dense.weight");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->tensor()->shape, Shape({5, 128})) << "Dense (in, out) became Linear (out, in)";
  EXPECT_NE(result->findByKey("batch_normalization.running_mean"), nullptr);

  QSignalSpy reopened(window_->loader(Side::Target), &ui::CheckpointLoader::loaded);
  openResult->click();
  ASSERT_TRUE(reopened.wait(20000));
  EXPECT_NE(window_->pane(Side::Target)->headerText().indexOf("new_model.pt"), -1);
  EXPECT_NE(window_->pane(Side::Target)->headerText().indexOf("pytorch"), -1);
}
