// The window opens real checkpoints into trees, reports bad files in a dialog and survives,
// and opens files dropped from the desktop onto a pane.

#include <gtest/gtest.h>

#include <QApplication>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QUrl>

#include "main_window.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "test_support.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::CheckpointTreeModel;
using graft::ui::MainWindow;
using Side = MainWindow::Side;

namespace {

QString qpath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

// Opens path into a side and waits for the background load to finish.
bool openAndWait(MainWindow& w, Side side, const std::filesystem::path& path) {
  QSignalSpy loaded(w.loader(side), &ui::CheckpointLoader::loaded);
  QSignalSpy failed(w.loader(side), &ui::CheckpointLoader::failed);
  w.openFile(side, qpath(path));
  return loaded.wait(10000) || !failed.isEmpty() ? !loaded.isEmpty() : false;
}

QString cell(const QAbstractItemModel* m, const QModelIndex& parent, int row, int column) {
  return m->index(row, column, parent).data().toString();
}

}  // namespace

TEST(MainWindow, OpensTwoRealCheckpointsIntoTrees) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  MainWindow w;
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(openAndWait(w, Side::Source, real / "keras2-model-h5/tf-fashion_my_model.h5"));
  ASSERT_TRUE(openAndWait(w, Side::Target, real / "keras2-model-h5/dl4j_cnn_batch_norm.h5"));

  const auto* src = w.pane(Side::Source)->model();
  ASSERT_EQ(src->rowCount(), 19);  // every layer in layer_names, weightless ones included
  EXPECT_EQ(cell(src, {}, 0, CheckpointTreeModel::NameColumn), "conv2d");
  EXPECT_EQ(cell(src, {}, 0, CheckpointTreeModel::ShapeColumn), "Conv2D");
  const QModelIndex conv = src->index(0, 0);
  ASSERT_EQ(src->rowCount(conv), 2);
  EXPECT_EQ(cell(src, conv, 0, CheckpointTreeModel::NameColumn), "kernel:0");
  EXPECT_EQ(cell(src, conv, 0, CheckpointTreeModel::ShapeColumn), "(3, 3, 1, 32)");
  EXPECT_EQ(cell(src, conv, 0, CheckpointTreeModel::DTypeColumn), "float32");
  EXPECT_EQ(cell(src, conv, 0, CheckpointTreeModel::ParamsColumn), "288");
  EXPECT_EQ(cell(src, {}, 0, CheckpointTreeModel::ParamsColumn), "320");
  EXPECT_EQ(src->parent(src->index(1, 0, conv)), conv);
  EXPECT_NE(src->index(0, 0, conv).data(Qt::ToolTipRole).toString().indexOf("conv2d/conv2d/kernel:0"), -1);

  const auto* dst = w.pane(Side::Target)->model();
  EXPECT_GT(dst->rowCount(), 0);
  EXPECT_NE(w.pane(Side::Source)->headerText().indexOf("tf-fashion_my_model.h5"), -1);
  EXPECT_NE(w.pane(Side::Source)->headerText().indexOf("Keras 2.2.4-tf"), -1);
  EXPECT_NE(w.pane(Side::Source)->headerText().indexOf("327,242 parameters"), -1) << w.pane(Side::Source)->headerText().toStdString();
  EXPECT_EQ(w.windowTitle(), "tf-fashion_my_model.h5 → dl4j_cnn_batch_norm.h5 — Graft");

  // A screenshot to look at: both trees side by side.
  w.pane(Side::Source)->treeView()->expandAll();
  const QString shot = qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/window-two-checkpoints.png";
  const QImage image = w.grab().toImage();
  EXPECT_TRUE(image.save(shot));
  EXPECT_GT(image.width(), 600);
}

TEST(MainWindow, UnreadableFileShowsADialogNamingFileAndReasonAndTheWindowCarriesOn) {
  test::TempDir dir;
  test::writeFile(dir / "broken.h5", "definitely not hdf5");
  MainWindow w;
  w.show();
  QSignalSpy failed(&w, &MainWindow::openFailed);
  w.openFile(Side::Source, qpath(dir / "broken.h5"));
  ASSERT_TRUE(failed.wait(10000));
  QMessageBox* box = test::visibleMessageBox(w);
  ASSERT_NE(box, nullptr);
  EXPECT_NE(box->text().indexOf("broken.h5"), -1) << box->text().toStdString();
  EXPECT_NE(box->informativeText().indexOf("not a checkpoint Graft can read"), -1) << box->informativeText().toStdString();
  box->accept();
  EXPECT_TRUE(w.isVisible());
  EXPECT_EQ(w.pane(Side::Source)->checkpoint(), nullptr);

  // A directory and a missing file fail the same way.
  w.openFile(Side::Target, qpath(dir.path()));
  ASSERT_TRUE(failed.wait(10000));
  EXPECT_NE(failed.last().at(1).toString().indexOf("is a directory"), -1);
}

TEST(MainWindow, FileDroppedFromTheDesktopOpensInThatPane) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  MainWindow w;
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ui::CheckpointPane* target = w.pane(Side::Target);
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(qpath(real / "keras2-weights-h5/emoji_model.h5"))});
  QSignalSpy loaded(w.loader(Side::Target), &ui::CheckpointLoader::loaded);
  const QPoint pos = target->rect().center();
  QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  ASSERT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  ASSERT_TRUE(loaded.wait(10000));
  EXPECT_EQ(target->model()->rowCount(), 6);
  EXPECT_EQ(w.pane(Side::Source)->checkpoint(), nullptr);
}

TEST(MainWindow, ANewerOpenSupersedesOneStillRunning) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  MainWindow w;
  QSignalSpy loaded(w.loader(Side::Source), &ui::CheckpointLoader::loaded);
  w.openFile(Side::Source, qpath(real / "keras2-model-h5/tf-fashion_my_model.h5"));
  w.openFile(Side::Source, qpath(real / "keras2-weights-h5/emoji_model.h5"));
  ASSERT_TRUE(loaded.wait(10000));
  QTest::qWait(200);  // let the superseded load finish too; it must not replace the newer one
  ASSERT_EQ(loaded.size(), 1);
  EXPECT_EQ(w.pane(Side::Source)->model()->rowCount(), 6);
}
