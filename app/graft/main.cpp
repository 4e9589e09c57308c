// graft: the window. `graft [SOURCE [TARGET]]`.

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

#include "about.h"
#include "io/local_timezone.h"
#include "main_window.h"

namespace {

// The demo checkpoints: beside the build (development) or installed under share/graft/demo.
QString demoFolder() {
  QStringList candidates;
#ifdef GRAFT_DEMO_DIR
  candidates << QStringLiteral(GRAFT_DEMO_DIR);
#endif
  candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/graft/demo");
  for (const QString& c : candidates)
    if (QFileInfo::exists(c + QStringLiteral("/pretrained_cnn.h5")) && QFileInfo::exists(c + QStringLiteral("/new_cnn.h5")))
      return QDir(c).absolutePath();
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  graft::pinLocalTimezone();
  QApplication app(argc, argv);
  Q_INIT_RESOURCE(graft);  // the icons live in libgraft-ui, a static library
  QApplication::setApplicationName(QStringLiteral("Graft"));
  QApplication::setOrganizationName(QStringLiteral("Graft"));
  QApplication::setApplicationVersion(QString::fromStdString(graft::graftVersion()));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/graft.svg")));  // needs libqt6svg6

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Side-by-side editor for deep-learning checkpoints"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("source"), QStringLiteral("Checkpoint to take weights from"), QStringLiteral("[SOURCE]"));
  parser.addPositionalArgument(QStringLiteral("target"), QStringLiteral("Checkpoint to put weights into"), QStringLiteral("[TARGET]"));
  QCommandLineOption quitAfter(QStringLiteral("quit-after"), QStringLiteral("Quit after MS milliseconds (smoke tests, screenshots)"),
                               QStringLiteral("MS"));
  parser.addOption(quitAfter);
  QCommandLineOption plan(QStringLiteral("plan"), QStringLiteral("Load a saved plan (it names its source and target)"), QStringLiteral("PLAN.json"));
  parser.addOption(plan);
  parser.process(app);

  graft::ui::MainWindow window;
  const QStringList files = parser.positionalArguments();
  if (files.size() > 0) window.openFile(graft::ui::MainWindow::Side::Source, files[0]);
  if (files.size() > 1) window.openFile(graft::ui::MainWindow::Side::Target, files[1]);
  if (parser.isSet(plan)) window.loadPlanFrom(parser.value(plan));
  window.show();
  // A plan left by a session that crashed comes first; otherwise an empty start gets the demo.
  if (!window.offerToRestore() && files.isEmpty() && !parser.isSet(plan)) {
    if (const QString demo = demoFolder(); !demo.isEmpty()) window.openDemo(demo);
  }
  if (parser.isSet(quitAfter)) QTimer::singleShot(parser.value(quitAfter).toInt(), &app, &QApplication::quit);
  return app.exec();
}
