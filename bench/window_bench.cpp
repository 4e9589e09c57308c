// The window's responsiveness bars, measured in the real MainWindow on the offscreen platform:
// opening a 100,000-variable checkpoint until its tree is painted, each keystroke of a filter
// until the tree is repainted, the UI thread's longest stall while a ~1 GB export runs in the
// background; and, given two large checkpoints, the window's memory with both open and the
// longest stall while the Inspector computes the statistics of the largest tensor.
// Lines "RESULT name value unit bar" are for bench/suite.py (bar "-": none).
//
// Usage: graft-window-bench BIG_TREE SOURCE.h5 TARGET.h5 OUTPUT.h5 [REPEATS]
//        graft-window-bench --large A B [STATS_FILE]   (a fresh process: the memory is theirs alone)

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "export/export_dialog.h"
#include "inspector/inspector_dock.h"
#include "export/export_worker.h"
#include "main_window.h"
#include "merge/conflict_resolution.h"
#include "merge/matcher.h"
#include "panes/checkpoint_loader.h"
#include "panes/checkpoint_pane.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/plan_document.h"

using graft::ui::MainWindow;
using Side = MainWindow::Side;

namespace {

struct Series {
  std::vector<double> ms;
  double median() const {
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
  double max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

void result(const char* name, double value, const char* unit, double bar) {
  if (bar > 0)
    std::printf("RESULT %s %.2f %s %.0f\n", name, value, unit, bar);
  else
    std::printf("RESULT %s %.2f %s -\n", name, value, unit);
}

// name: for the RESULT lines, the median's and the maximum's.
void report(const char* what, const char* name, const Series& s, double bar) {
  std::printf("%-44s median %8.1f ms   max %8.1f ms   (n=%zu)   bar < %.0f ms: %s\n", what, s.median(), s.max(), s.ms.size(),
              bar, s.max() < bar ? "met" : "MISSED");
  result((std::string(name) + "_median").c_str(), s.median(), "ms", 0);
  result((std::string(name) + "_max").c_str(), s.max(), "ms", bar);
}

// Resident memory of this process now, in MB (VmRSS).
double residentMB() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1) break;
  std::fclose(f);
  return kb / 1024;
}

// The UI thread's longest busy stretch from `start` (which begins the work) until `spy` fires:
// a timer probes every millisecond and the longest gap between two probes is the stall.
struct Stall {
  bool finished = false;  // spy fired within the timeout
  double longestMs = 0;
  double endedAtMs = 0;   // when the longest stall ended, from the start
  double totalMs = 0;
};

Stall longestStallDuring(const std::function<bool()>& start, QSignalSpy& spy, int timeoutMs) {
  Stall s;
  QElapsedTimer tick, since;
  QTimer probe;
  probe.setInterval(1);
  auto sample = [&] {
    const double gap = tick.nsecsElapsed() / 1e6;
    if (gap > s.longestMs) {
      s.longestMs = gap;
      s.endedAtMs = since.nsecsElapsed() / 1e6;
    }
    tick.restart();
  };
  QObject::connect(&probe, &QTimer::timeout, sample);
  tick.start();
  since.start();
  probe.start();
  if (!start()) return s;  // started inside the probed stretch: its own work counts
  s.finished = spy.count() > 0 || spy.wait(timeoutMs);
  probe.stop();
  sample();
  s.totalMs = since.nsecsElapsed() / 1e6;
  return s;
}

// Open until painted: the background read, the model and view set-up on the UI thread, and
// one full paint of the tree.
double timedOpen(MainWindow& w, const QString& path, double* uiThreadMs) {
  graft::ui::CheckpointPane* pane = w.pane(Side::Source);
  QSignalSpy loaded(w.loader(Side::Source), &graft::ui::CheckpointLoader::loaded);
  QElapsedTimer t;
  t.start();
  w.openFile(Side::Source, path);
  if (!loaded.wait(60000)) {
    std::fprintf(stderr, "open timed out\n");
    std::exit(1);
  }
  // The loaded signal's handlers (model, view) ran inside wait(); measure them separately by
  // timing a second apply of the same checkpoint below.
  pane->treeView()->viewport()->repaint();
  const double total = t.nsecsElapsed() / 1e6;
  QElapsedTimer u;
  u.start();
  const QList<QVariant> args = loaded.takeFirst();
  pane->setCheckpoint(args.at(0).value<std::shared_ptr<const graft::Checkpoint>>(), args.at(1).value<std::shared_ptr<const graft::FlatTree>>());
  pane->treeView()->viewport()->repaint();
  *uiThreadMs = u.nsecsElapsed() / 1e6;
  return total;
}

// Two large checkpoints in a fresh window: its memory with both open; then the UI thread's
// longest stall while the Inspector computes the statistics of the largest tensor of
// `statsFile` (opened as the source) or, without one, of A.
int largeCheckpoints(MainWindow& w, const char* a, const char* b, const char* statsFile) {
  const double before = residentMB();
  QSignalSpy loadedA(w.loader(Side::Source), &graft::ui::CheckpointLoader::loaded);
  QSignalSpy loadedB(w.loader(Side::Target), &graft::ui::CheckpointLoader::loaded);
  w.openFile(Side::Source, QString::fromLocal8Bit(a));
  w.openFile(Side::Target, QString::fromLocal8Bit(b));
  if (!(loadedA.count() || loadedA.wait(120000)) || !(loadedB.count() || loadedB.wait(120000))) return 1;
  QTest::qWait(200);  // both trees painted
  const auto large = w.document()->source(), largeTarget = w.document()->target();
  const double both = residentMB();
  std::printf("two large checkpoints open: %s (%.2f GB) and %s (%.2f GB): window RSS %.1f MB (%.1f MB before)\n", a,
              static_cast<double>(large->modelByteSize()) / 1e9, b, static_cast<double>(largeTarget->modelByteSize()) / 1e9, both, before);
  result("window_RSS_two_large_checkpoints", both, "MB", 200);
  auto inspected = large;
  if (statsFile) {
    QSignalSpy loaded(w.loader(Side::Source), &graft::ui::CheckpointLoader::loaded);
    w.openFile(Side::Source, QString::fromLocal8Bit(statsFile));
    if (!loaded.wait(120000)) return 1;
    inspected = w.document()->source();
  }
  const graft::Node* largest = nullptr;
  for (const graft::Node* v : inspected->variables())
    if (!largest || v->tensor()->byteSize > largest->tensor()->byteSize) largest = v;
  QSignalSpy ready(w.inspectorDock(), &graft::ui::InspectorDock::histogramReady);
  const Stall stall = longestStallDuring(
      [&] {
        w.inspectorDock()->inspectNode(graft::ui::InspectorDock::Side::Source, largest);
        return true;
      },
      ready, 120000);
  if (!stall.finished) return 1;
  std::printf("statistics of %s (%.2f GB): %.0f ms, longest UI stall %.1f ms; window RSS after %.1f MB\n",
              largest->path().c_str(), static_cast<double>(largest->tensor()->byteSize) / 1e9, stall.totalMs, stall.longestMs,
              residentMB());
  result("stall_during_statistics", stall.longestMs, "ms", 50);
  result("window_RSS_after_statistics", residentMB(), "MB", 200);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  if ((argc == 4 || argc == 5) && std::string(argv[1]) == "--large") {
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return 1;
    return largeCheckpoints(w, argv[2], argv[3], argc == 5 ? argv[4] : nullptr);
  }
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s BIG_TREE SOURCE.h5 TARGET.h5 OUTPUT.h5 [REPEATS]\n       %s --large A B [STATS_FILE]\n", argv[0], argv[0]);
    return 2;
  }
  const QString big = QString::fromLocal8Bit(argv[1]);
  const QString source = QString::fromLocal8Bit(argv[2]), target = QString::fromLocal8Bit(argv[3]);
  const QString output = QString::fromLocal8Bit(argv[4]);
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 5;

  MainWindow w;
  w.resize(1400, 900);
  w.show();
  if (!QTest::qWaitForWindowExposed(&w)) return 1;

  // 1. Open a 100,000-variable checkpoint.
  Series open, openUi;
  for (int i = 0; i < repeats; ++i) {
    double ui = 0;
    open.ms.push_back(timedOpen(w, big, &ui));
    openUi.ms.push_back(ui);
  }
  const auto* model = w.pane(Side::Source)->model();
  std::printf("tree: %zu variables\n", model->checkpoint()->variables().size());
  report("open until painted (read + model + paint)", "open_100k", open, 300);
  std::printf("  each open, in order (the first in a fresh process):");
  for (double ms : open.ms) std::printf(" %.0f", ms);
  std::printf(" ms\n");
  report("  of which on the UI thread (model + paint)", "open_100k_UI_thread", openUi, 300);

  // 2. Filter keystrokes, each until the tree is repainted.
  graft::ui::CheckpointPane* pane = w.pane(Side::Source);
  auto typeAndTime = [&](const QString& text, Series& s) {
    pane->filterEdit()->clear();
    for (QChar ch : text) {
      QElapsedTimer t;
      t.start();
      QTest::keyClick(pane->filterEdit(), ch.toLatin1());
      pane->treeView()->viewport()->repaint();
      s.ms.push_back(t.nsecsElapsed() / 1e6);
    }
  };
  Series substring, regex, erase;
  for (int i = 0; i < repeats; ++i) typeAndTime(QStringLiteral("conv2d_12/kernel"), substring);
  std::printf("last filter: %s\n", pane->filterStatus().toUtf8().constData());
  for (int i = 0; i < repeats; ++i) {
    for (int k = 0; k < 6; ++k) {
      QElapsedTimer t;
      t.start();
      QTest::keyClick(pane->filterEdit(), Qt::Key_Backspace);
      pane->treeView()->viewport()->repaint();
      erase.ms.push_back(t.nsecsElapsed() / 1e6);
    }
    typeAndTime(QStringLiteral("conv2d_12/kernel"), substring);
  }
  pane->regexToggle()->setChecked(true);
  for (int i = 0; i < repeats; ++i) typeAndTime(QStringLiteral("^batch.*_1\\d/gamma"), regex);
  std::printf("last regex filter: %s\n", pane->filterStatus().toUtf8().constData());
  pane->filterEdit()->clear();
  pane->regexToggle()->setChecked(false);
  {  // per keystroke of the text: the first letters match most of the tree and cost most
    const QString text = QStringLiteral("conv2d_12/kernel");
    std::printf("substring keystrokes (median over runs):");
    for (qsizetype k = 0; k < text.size(); ++k) {
      Series one;
      for (std::size_t r = static_cast<std::size_t>(k); r < substring.ms.size(); r += static_cast<std::size_t>(text.size()))
        one.ms.push_back(substring.ms[r]);
      std::printf(" %c:%.0f", text[k].toLatin1(), one.median());
    }
    std::printf(" ms\n");
  }
  {  // where the first, widest keystroke goes: the projection, the pane, Qt's relayout and paint
    Series projection, relayout, paint;
    for (int i = 0; i < repeats; ++i) {
      pane->filterEdit()->blockSignals(true);
      pane->filterEdit()->clear();
      pane->filterEdit()->blockSignals(false);
      static_cast<graft::ui::CheckpointTreeModel*>(pane->model())->setFilter({}, false);
      pane->treeView()->viewport()->repaint();
      QElapsedTimer t;
      t.start();
      static_cast<graft::ui::CheckpointTreeModel*>(pane->model())->setFilter(QStringLiteral("c"), false);
      projection.ms.push_back(t.nsecsElapsed() / 1e6);
      t.restart();
      pane->treeView()->doItemsLayout();
      relayout.ms.push_back(t.nsecsElapsed() / 1e6);
      t.restart();
      pane->treeView()->viewport()->repaint();
      paint.ms.push_back(t.nsecsElapsed() / 1e6);
    }
    std::printf("keystroke 'c' (%s): projection %.1f ms, view relayout %.1f ms, paint %.1f ms (medians)\n",
                QString::number(pane->model()->matchCount()).toUtf8().constData(), projection.median(), relayout.median(), paint.median());
  }
  report("filter keystroke, substring (type)", "filter_keystroke_substring", substring, 50);
  report("filter keystroke, substring (backspace)", "filter_keystroke_backspace", erase, 50);
  report("filter keystroke, regex", "filter_keystroke_regex", regex, 50);

  // 3. The UI thread's longest stall during a ~1 GB export.
  {
    QSignalSpy a(w.loader(Side::Source), &graft::ui::CheckpointLoader::loaded);
    QSignalSpy b(w.loader(Side::Target), &graft::ui::CheckpointLoader::loaded);
    w.openFile(Side::Source, source);
    w.openFile(Side::Target, target);
    if (!(a.count() || a.wait(60000)) || !(b.count() || b.wait(60000))) return 1;
  }
  w.autoMatch(static_cast<int>(graft::MatchStrategy::Name));
  {  // the pair's heads differ: keep the target's, as a person would with "Skip"
    graft::ui::PlanDocument* doc = w.document();
    const graft::MergePlan resolved = graft::resolveConflicts(doc->plan(), *doc->source(), *doc->target(), graft::ConflictPolicy::Skip);
    doc->replacePlan(resolved.operations, resolved.keepOptimizer, QStringLiteral("Skip conflicts"));
    if (doc->evaluation().hasConflicts()) {
      std::fprintf(stderr, "plan still has conflicts\n");
      return 1;
    }
  }
  Series stall;
  double exportSeconds = 0;
  quint64 exportBytes = 0;
  bool verified = false;
  for (int i = 0; i < std::max(1, repeats / 2); ++i) {
    std::filesystem::remove(output.toStdString());
    graft::ui::ExportDialog* dialog = w.showExportDialog();
    if (!dialog) {
      std::fprintf(stderr, "no export dialog\n");
      return 1;
    }
    dialog->setOutputPath(output);
    // A person presses Export in a dialog already on screen: let it show and paint first.
    if (!QTest::qWaitForWindowExposed(dialog)) return 1;
    QTest::qWait(100);
    QSignalSpy done(dialog->worker(), &graft::ui::ExportWorker::finished);
    bool started = false;
    const Stall s = longestStallDuring([&] { return started = dialog->startExport(true); }, done, 600000);
    if (!started) {
      std::fprintf(stderr, "export refused: %s\n", dialog->summaryText().toUtf8().constData());
      return 1;
    }
    if (!s.finished) {
      std::fprintf(stderr, "export did not finish\n");
      return 1;
    }
    stall.ms.push_back(s.longestMs);
    std::printf("  longest stall %.1f ms, ending %.0f ms after the export started (%.0f ms in all)\n", s.longestMs, s.endedAtMs,
                s.totalMs);
    exportSeconds = done.at(0).at(3).toDouble();
    exportBytes = done.at(0).at(2).toULongLong();
    verified = done.at(0).at(4).toBool();
    dialog->close();
  }
  std::printf("export: %.2f GB in %.2f s (%.2f GB/s)%s\n", exportBytes / 1e9, exportSeconds, exportBytes / 1e9 / exportSeconds,
              verified ? ", verified by re-reading" : "");
  report("UI thread's longest stall during export", "stall_during_export", stall, 50);
  std::filesystem::remove(output.toStdString());

  return 0;
}
