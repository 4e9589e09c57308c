// The window survives a parser that crashes, and a plan survives a window that crashes.
//
// GRAFT_TEST_CRASH_WHEN_OPENING makes any process that opens a file of that name die of
// SIGSEGV, standing in for libhdf5 crashing on a crafted file. The window parses files only
// after `graft-cli probe` has parsed them in a child process, so the child dies, not the window;
// without that isolation these tests would kill the test binary.

#include <gtest/gtest.h>

#include <QDir>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <thread>

#include "main_window.h"
#include "merge/matcher.h"
#include "merge/plan_json.h"
#include "panes/checkpoint_pane.h"
#include "panes/isolated_parse_check.h"
#include "plan/plan_autosave.h"
#include "plan/plan_document.h"
#include "test_support.h"
#include "window_test_support.h"

using namespace graft;
using graft::ui::MainWindow;
using graft::ui::PlanAutosave;
using Side = MainWindow::Side;
namespace fs = std::filesystem;

namespace {

const char* kCnn = "keras2-model-h5/tf-fashion_my_model.h5";

QString qpath(const fs::path& p) { return QString::fromStdString(p.string()); }

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const QByteArray& value) : name_(name), was_(qEnvironmentVariableIsSet(name)), old_(qgetenv(name)) {
    qputenv(name_, value);
  }
  ~ScopedEnv() { was_ ? qputenv(name_, old_) : qunsetenv(name_); }

 private:
  const char* name_;
  bool was_;
  QByteArray old_;
};

// The plan as the user would save it: operations and checkpoint paths.
std::string planText(const MergePlan& plan) { return planToJson(plan, "/plan.json"); }

class CrashIsolation : public ::testing::Test {
 protected:
  void SetUp() override {
    GRAFT_REAL_DATA_OR_SKIP(real);
    real_ = real;
    autosaveDir_ = std::make_unique<ScopedEnv>("GRAFT_AUTOSAVE_DIR", QFile::encodeName(qpath(dir_ / "autosave")));
    fs::copy_file(real_ / kCnn, dir_ / "target.h5");
  }

  // A window with the CNN as source, a copy as target and an auto-matched plan.
  std::unique_ptr<MainWindow> windowWithPlan() {
    auto w = std::make_unique<MainWindow>();
    w->show();
    EXPECT_TRUE(test::openBoth(*w, real_ / kCnn, dir_ / "target.h5"));
    w->autoMatch(static_cast<int>(MatchStrategy::Name));
    EXPECT_GT(w->document()->plan().operations.size(), 10u);
    return w;
  }

  fs::path real_;
  test::TempDir dir_;
  std::unique_ptr<ScopedEnv> autosaveDir_;
};

}  // namespace

TEST_F(CrashIsolation, AParserCrashLeavesTheWindowRunningWithAnErrorDialogAndThePlanIntact) {
  auto w = windowWithPlan();
  const std::string before = planText(w->document()->plan());
  const Checkpoint* target = w->document()->target();
  fs::copy_file(real_ / kCnn, dir_ / "crafted-crash.h5");
  const ScopedEnv crash("GRAFT_TEST_CRASH_WHEN_OPENING", "crafted-crash");

  QSignalSpy failed(w.get(), &MainWindow::openFailed);
  w->openFile(Side::Target, qpath(dir_ / "crafted-crash.h5"));
  ASSERT_TRUE(failed.wait(30000));
  const QString message = failed.last().at(1).toString();
  EXPECT_NE(message.indexOf("crafted-crash.h5"), -1) << message.toStdString();
#if defined(GRAFT_SANITIZED)
  // ASan catches the signal itself, reports and exits: not a signal death, still abnormal.
  EXPECT_NE(message.indexOf("the file reader stopped abnormally"), -1) << message.toStdString();
#else
  EXPECT_NE(message.indexOf("the file reader crashed (Segmentation fault)"), -1) << message.toStdString();
#endif
  EXPECT_NE(message.indexOf("this window and your plan are unaffected"), -1) << message.toStdString();
  QMessageBox* box = test::visibleMessageBox(*w);
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->informativeText(), message);
  EXPECT_TRUE(box->grab().save(qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/parser-crash-dialog.png"));
  box->accept();

  // Still running, still editing the same pair with the same plan, and still undoable.
  EXPECT_TRUE(w->isVisible());
  EXPECT_EQ(w->document()->target(), target);
  EXPECT_EQ(w->pane(Side::Target)->checkpoint(), target);
  EXPECT_EQ(planText(w->document()->plan()), before);
  w->document()->undoStack()->undo();
  EXPECT_TRUE(w->document()->plan().operations.empty());
  w->document()->undoStack()->redo();
  EXPECT_EQ(planText(w->document()->plan()), before);

  // The same bytes under another name open normally: only the simulated crash was refused.
  fs::copy_file(real_ / kCnn, dir_ / "fine.h5");
  QSignalSpy loaded(w->loader(Side::Target), &ui::CheckpointLoader::loaded);
  w->openFile(Side::Target, qpath(dir_ / "fine.h5"));
  ASSERT_TRUE(loaded.wait(30000));
  EXPECT_EQ(w->document()->target()->path(), dir_ / "fine.h5");
}

TEST_F(CrashIsolation, TheCrashTriggerReallyFaultsAProcessThatParsesInItself) {
  // What the window is spared: graft-cli parses in its own process and faults. It reports the
  // fault as a one-line error naming the command (a sanitizer build reports it its own way).
  fs::copy_file(real_ / kCnn, dir_ / "crafted-crash.h5");
  const ScopedEnv crash("GRAFT_TEST_CRASH_WHEN_OPENING", "crafted-crash");
  const auto r = test::runCommand({GRAFT_CLI_PATH, "ls", (dir_ / "crafted-crash.h5").string()}, 30);
#if defined(GRAFT_SANITIZED)
  EXPECT_NE(r.err.find("SEGV"), std::string::npos) << r.exitCode << r.err;
#else
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_EQ(r.err, "graft-cli: error: a library crashed while running `graft-cli ls " + (dir_ / "crafted-crash.h5").string() +
                       "`: an input file is damaged or crafted (this is a bug of the library, see docs/security.md)\n");
#endif
}

TEST_F(CrashIsolation, EditsAreAutosavedAndACleanExitRemovesTheCopy) {
  auto w = windowWithPlan();
  QSignalSpy saved(w->autosave(), &PlanAutosave::saved);
  ASSERT_TRUE(saved.count() || saved.wait(w->autosave()->delayMs() + 10000));
  const QString file = w->autosave()->planFile();
  ASSERT_TRUE(QFile::exists(file));
  // The copy is the plan: same operations, same checkpoints (its paths are relative to itself).
  EXPECT_EQ(planText(loadPlan(QFile::encodeName(file).toStdString())), planText(w->document()->plan()));
  // A later edit is written too.
  w->document()->removeOperations({0});
  ASSERT_TRUE(saved.wait(w->autosave()->delayMs() + 10000));
  EXPECT_EQ(planText(loadPlan(QFile::encodeName(file).toStdString())), planText(w->document()->plan()));
  // While this session lives its copy is not an orphan.
  EXPECT_TRUE(PlanAutosave::orphans(w->autosave()->folder()).empty());

  w.reset();  // a clean exit of any kind
  EXPECT_FALSE(QFile::exists(file));
  EXPECT_TRUE(QDir(qpath(dir_ / "autosave")).entryList(QDir::Files).isEmpty());
}

TEST_F(CrashIsolation, AWindowKilledMidEditLeavesAPlanTheNextStartOffersToRestore) {
  // The real program, killed with SIGKILL once it has autosaved a plan loaded from a file.
  std::string plan;
  {
    auto w = windowWithPlan();
    ASSERT_TRUE(w->savePlanTo(qpath(dir_ / "plan.json")));
    plan = planText(w->document()->plan());
  }
  const fs::path autosave = dir_ / "autosave";
  ASSERT_TRUE(QDir(qpath(autosave)).entryList(QDir::Files).isEmpty());
  const ScopedEnv platform("QT_QPA_PLATFORM", "offscreen");
  const int pid = test::spawnProcess({GRAFT_APP_PATH, "--plan", (dir_ / "plan.json").string()});
  bool written = false;
  for (int i = 0; i < 600 && !written; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (const auto& e : fs::directory_iterator(autosave)) written |= e.path().string().ends_with(".plan.json");
  }
  ASSERT_TRUE(written) << "no autosave after 30 s";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let a write in flight finish its rename
  ::kill(pid, SIGKILL);
  ASSERT_EQ(test::waitForExit(pid, 30), 128 + SIGKILL);

  const auto orphans = PlanAutosave::orphans(qpath(autosave));
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(planText(loadPlan(QFile::encodeName(orphans[0].planFile).toStdString())), plan);

  // The next start asks; Restore brings back the plan and both checkpoints, marked unsaved.
  MainWindow w;
  w.show();
  QMessageBox* box = w.offerToRestore();
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->isVisible());
  EXPECT_TRUE(box->grab().save(qEnvironmentVariable("GRAFT_SCREENSHOT_DIR", QDir::tempPath()) + "/restore-offer.png"));
  const QString facts = box->informativeText();
  EXPECT_NE(facts.indexOf("tf-fashion_my_model.h5"), -1) << facts.toStdString();
  EXPECT_NE(facts.indexOf("target.h5"), -1) << facts.toStdString();
  EXPECT_NE(facts.indexOf(QString::number(loadPlan(dir_ / "plan.json").operations.size()) + " operations"), -1) << facts.toStdString();
  QSignalSpy source(w.loader(Side::Source), &ui::CheckpointLoader::loaded);
  QSignalSpy target(w.loader(Side::Target), &ui::CheckpointLoader::loaded);
  QPushButton* restore = nullptr;
  for (QAbstractButton* b : box->buttons())
    if (b->text() == QStringLiteral("&Restore")) restore = qobject_cast<QPushButton*>(b);
  ASSERT_NE(restore, nullptr);
  restore->click();
  ASSERT_TRUE((source.count() || source.wait(30000)) && (target.count() || target.wait(30000)));
  EXPECT_EQ(planText(w.document()->plan()), plan);
  EXPECT_TRUE(w.document()->isModified());  // closing will ask to save it
  EXPECT_FALSE(w.document()->evaluation().hasConflicts());
  EXPECT_FALSE(QFile::exists(orphans[0].planFile));
  EXPECT_EQ(w.offerToRestore(), nullptr);  // asked once
}

TEST_F(CrashIsolation, DiscardingTheOfferRemovesTheCopyAndAnUnreadableCopyIsDropped) {
  const fs::path autosave = dir_ / "autosave";
  fs::create_directories(autosave);
  test::writeFile(autosave / "session-1-deadbeef.plan.json", "{ not a plan");
  MergePlan plan;
  plan.source = real_ / kCnn;
  plan.target = dir_ / "target.h5";
  Operation copy;
  copy.source = copy.target = "conv2d/conv2d/kernel:0";
  plan.operations.push_back(copy);
  savePlan(plan, autosave / "session-2-deadbeef.plan.json");

  MainWindow w;
  QMessageBox* box = w.offerToRestore();
  ASSERT_NE(box, nullptr);
  EXPECT_NE(box->informativeText().indexOf("1 operation from"), -1) << box->informativeText().toStdString();
  QAbstractButton* discard = nullptr;
  for (QAbstractButton* b : box->buttons())
    if (b->text() == QStringLiteral("&Discard")) discard = b;
  ASSERT_NE(discard, nullptr);
  discard->click();
  EXPECT_TRUE(w.document()->plan().operations.empty());
  EXPECT_EQ(w.offerToRestore(), nullptr);
  EXPECT_TRUE(QDir(qpath(autosave)).entryList({"*.plan.json"}, QDir::Files).isEmpty());
}

TEST_F(CrashIsolation, OnlyFilesThatLibhdf5OrLibzipParseGoThroughTheHelper) {
  // A helper that always fails marks every file it is asked about. Fresh copies: a file that
  // passed before is not probed again.
  const ScopedEnv failing("GRAFT_CLI", "/bin/false");
  const auto probed = [&](const char* realFile, const char* copyName) {
    fs::copy_file(real_ / realFile, dir_ / copyName);
    return ui::IsolatedParseCheck::run(qpath(dir_ / copyName)).has_value();
  };
  EXPECT_TRUE(probed(kCnn, "a.h5"));                                             // libhdf5
  EXPECT_TRUE(probed("keras3-weights-h5/snake_model.weights.h5", "b.weights.h5"));  // libhdf5
  EXPECT_TRUE(probed("keras3-zip/aman_fashion_cnn.keras", "c.keras"));  // libzip, then libhdf5
  EXPECT_TRUE(probed("pytorch/candle_test.pt", "d.pt"));                          // libzip
  EXPECT_FALSE(probed("safetensors/coffee_custom_metadata.safetensors", "e.safetensors"));  // Graft's own reader
  // A TensorFlow checkpoint, named by its folder: the index is read by Graft's own table reader.
  fs::copy(real_ / "tf2-checkpoint/vince_gan_ckpt-1", dir_ / "gan");
  EXPECT_FALSE(ui::IsolatedParseCheck::run(qpath(dir_ / "gan")).has_value());
  // What cannot be read at all still goes to the helper, which reports it.
  EXPECT_TRUE(ui::IsolatedParseCheck::run(qpath(dir_ / "missing.safetensors")).has_value());
}

TEST_F(CrashIsolation, TheProbeTellsAnOpenedFileFromARefusedOne) {
  // The window's reading of the helper's answer: 0 opened, 4 refused with a message, else abnormal.
  const auto opened = test::runCommand({GRAFT_CLI_PATH, "probe", (real_ / kCnn).string()}, 30);
  EXPECT_EQ(opened.exitCode, 0) << opened.err;
  EXPECT_NE(opened.out.find("opened 44 variables"), std::string::npos) << opened.out;
  test::writeFile(dir_ / "broken.h5", "definitely not hdf5");
  const auto refused = test::runCommand({GRAFT_CLI_PATH, "probe", (dir_ / "broken.h5").string()}, 30);
  EXPECT_EQ(refused.exitCode, 4);
  EXPECT_NE(refused.err.find("broken.h5"), std::string::npos) << refused.err;
  // An internal mode: not offered in the help.
  const auto help = test::runCommand({GRAFT_CLI_PATH, "--help"}, 30);
  EXPECT_EQ(help.out.find("probe"), std::string::npos) << help.out;
}
