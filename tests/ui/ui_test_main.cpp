// One QApplication for every UI test; the platform must be chosen before it exists
// (gtest discovery runs this binary too, outside ctest's environment).

#include <gtest/gtest.h>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

int main(int argc, char** argv) {
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  ::testing::InitGoogleTest(&argc, argv);
#ifdef GRAFT_CLI_PATH
  // The window parses files only after graft-cli has parsed them in a child process.
  if (!qEnvironmentVariableIsSet("GRAFT_CLI")) qputenv("GRAFT_CLI", GRAFT_CLI_PATH);
#endif
  QStandardPaths::setTestModeEnabled(true);  // settings of test runs never touch the user's
  // Nor each other's: ctest runs test processes in parallel, and one's recent files or window
  // state must not show up in another.
  QTemporaryDir settings;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
  QApplication app(argc, argv);
  return RUN_ALL_TESTS();
}
