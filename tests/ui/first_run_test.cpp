// What a first-time user meets: every action and column explains itself, the shortcuts are
// listed in one place, and Help opens the user guide inside the window.

#include <gtest/gtest.h>

#include <QAction>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeView>
#include <QToolBar>

#include "help/shortcuts_dialog.h"
#include "help/user_guide_window.h"
#include "main_window.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/plan_dock.h"
#include "plan/plan_table_model.h"
#include "test_support.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::MainWindow;

namespace {

QString plain(QString text) { return text.remove(QLatin1Char('&')).remove(QStringLiteral("…")); }

void allActions(QMenu* menu, std::vector<QAction*>& out) {
  for (QAction* a : menu->actions()) {
    if (a->isSeparator()) continue;
    if (a->menu())
      allActions(a->menu(), out);
    else
      out.push_back(a);
  }
}

std::vector<QAction*> menuActions(const MainWindow& w) {
  std::vector<QAction*> out;
  for (QAction* a : w.menuBar()->actions())
    if (a->menu()) allActions(a->menu(), out);
  return out;
}

QTextBrowser* guideBrowser(const QWidget& w) {
  for (auto* guide : w.findChildren<ui::UserGuideWindow*>())
    if (guide->isVisible()) return guide->browser();
  return nullptr;
}

}  // namespace

TEST(FirstRun, EveryActionAndColumnHasATooltipThatSaysMoreThanItsName) {
  MainWindow w;
  const auto actions = menuActions(w);
  ASSERT_GT(actions.size(), 20u);
  for (QAction* a : actions) {
    EXPECT_FALSE(a->statusTip().isEmpty()) << plain(a->text()).toStdString();
    EXPECT_NE(a->toolTip(), plain(a->text())) << plain(a->text()).toStdString();
    if (!a->shortcut().isEmpty()) {
      EXPECT_NE(a->toolTip().indexOf(a->shortcut().toString(QKeySequence::NativeText)), -1) << a->toolTip().toStdString();
    }
  }
  for (QAction* a : w.menuBar()->actions()) EXPECT_TRUE(a->menu()->toolTipsVisible()) << plain(a->text()).toStdString();
  for (QToolBar* bar : w.findChildren<QToolBar*>())
    for (QAction* a : bar->actions()) {
      if (!a->isSeparator()) {
        EXPECT_FALSE(a->statusTip().isEmpty()) << plain(a->text()).toStdString();
      }
    }

  const QAbstractItemModel* models[] = {w.pane(MainWindow::Side::Source)->treeView()->model(), w.planDock()->table()->model()};
  for (const QAbstractItemModel* m : models)
    for (int c = 0; c < m->columnCount(); ++c) {
      const QString header = m->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
      const QString tip = m->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString();
      EXPECT_GT(tip.size(), header.size() + 10) << header.toStdString() << ": " << tip.toStdString();
    }
}

TEST(FirstRun, TheShortcutsDialogListsEveryKeyOfTheWindow) {
  MainWindow w;
  w.show();
  ui::ShortcutsDialog dialog(&w);
  dialog.show();
  const QTableWidget* table = dialog.table();
  auto listed = [&](const QString& keys, const QString& action) {
    for (int r = 0; r < table->rowCount(); ++r)
      if (table->item(r, 0)->text() == keys && table->item(r, 1)->text() == action) return true;
    return false;
  };
  int withKeys = 0;
  for (QAction* a : menuActions(w)) {
    if (a->shortcuts().isEmpty()) continue;
    ++withKeys;
    QStringList keys;
    for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    EXPECT_TRUE(listed(keys.join(", "), plain(a->text()))) << keys.join(", ").toStdString() << " " << plain(a->text()).toStdString();
  }
  EXPECT_GE(withKeys, 12);
  EXPECT_TRUE(listed("Del, Backspace", "Remove Operation"));  // the plan table's own key
  EXPECT_TRUE(listed("Ctrl+/", "Keyboard Shortcuts"));
  EXPECT_TRUE(listed("F1", "User Guide"));
  bool drag = false;  // and the mouse gestures
  for (int r = 0; r < table->rowCount(); ++r) drag |= table->item(r, 0)->text() == "Drag" && table->item(r, 1)->text().contains("onto a target node");
  EXPECT_TRUE(drag);
  const QImage shot = dialog.grab().toImage();
  EXPECT_TRUE(shot.save(qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/shortcuts-dialog.png"));
}

TEST(FirstRun, HelpOpensTheUserGuideWithItsPicturesInTheWindow) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "screenshots");
  QImage picture(40, 30, QImage::Format_RGB32);
  picture.fill(Qt::darkGreen);
  ASSERT_TRUE(picture.save(QString::fromStdString((dir / "screenshots" / "step.png").string())));
  test::writeFile(dir / "user-guide.md", "# Graft user guide\n\nTake a feature extractor.\n\n![the window](screenshots/step.png)\n\n"
                                         "See [the plan format](plan-format.md).\n");
  test::writeFile(dir / "plan-format.md", "# Plan format\n\nJSON.\n");
  qputenv("GRAFT_DOCS_DIR", QFile::encodeName(QString::fromStdString(dir.path().string())));

  MainWindow w;
  w.show();
  QAction* guide = nullptr;
  for (QAction* a : menuActions(w))
    if (plain(a->text()) == "User Guide") guide = a;
  ASSERT_NE(guide, nullptr);
  guide->trigger();
  QTextBrowser* browser = guideBrowser(w);
  ASSERT_NE(browser, nullptr);
  EXPECT_TRUE(browser->toPlainText().startsWith("Graft user guide")) << browser->toPlainText().toStdString();
  const QVariant image = browser->document()->resource(QTextDocument::ImageResource, QUrl("screenshots/step.png"));
  EXPECT_EQ(image.value<QImage>().size(), QSize(40, 30));
  // The documents' links stay inside the guide.
  browser->setSource(QUrl("plan-format.md"), QTextDocument::MarkdownResource);
  EXPECT_TRUE(browser->toPlainText().startsWith("Plan format")) << browser->toPlainText().toStdString();

  // Without the documents it says where it looked and what to do.
  qputenv("GRAFT_DOCS_DIR", QFile::encodeName(QString::fromStdString((dir / "nowhere").string())));
  if (ui::UserGuideWindow::documentsFolder().isEmpty()) {
    EXPECT_EQ(ui::UserGuideWindow::open(&w), nullptr);
    QMessageBox* box = test::visibleMessageBox(w);
    ASSERT_NE(box, nullptr);
    EXPECT_NE(box->text().indexOf("GRAFT_DOCS_DIR"), -1) << box->text().toStdString();
  }
  qunsetenv("GRAFT_DOCS_DIR");
}

TEST(FirstRun, TheRealUserGuideRendersWithEveryPicture) {
  // The guide in docs/ (found from the build tree), with every picture it names.
  MainWindow w;
  ASSERT_FALSE(ui::UserGuideWindow::documentsFolder().isEmpty());
  ui::UserGuideWindow* window = ui::UserGuideWindow::open(&w);
  ASSERT_NE(window, nullptr);
  const QString markdown = window->browser()->document()->toMarkdown();
  const QDir docs(ui::UserGuideWindow::documentsFolder());
  int pictures = 0;
  for (const QTextFormat& f : window->browser()->document()->allFormats()) {
    if (!f.isImageFormat()) continue;
    const QString name = f.toImageFormat().name();
    ++pictures;
    EXPECT_TRUE(QFileInfo::exists(docs.filePath(name))) << name.toStdString();
    EXPECT_FALSE(window->browser()->document()->resource(QTextDocument::ImageResource, QUrl(name)).value<QImage>().isNull()) << name.toStdString();
  }
  EXPECT_GE(pictures, 6) << "one picture per seed task at least";
  EXPECT_TRUE(QTest::qWaitForWindowExposed(window));
  EXPECT_TRUE(window->grab().save(qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/user-guide-window.png"));
}
