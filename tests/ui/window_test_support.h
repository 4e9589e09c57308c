#pragma once
// Helpers shared by the window's tests.

#include <QMessageBox>
#include <QSignalSpy>

#include <filesystem>

#include "main_window.h"
#include "panes/checkpoint_loader.h"

namespace graft::test {

// Opens source and target in the window and waits for both background loads.
inline bool openBoth(ui::MainWindow& w, const std::filesystem::path& source, const std::filesystem::path& target) {
  using Side = ui::MainWindow::Side;
  QSignalSpy a(w.loader(Side::Source), &ui::CheckpointLoader::loaded);
  QSignalSpy b(w.loader(Side::Target), &ui::CheckpointLoader::loaded);
  w.openFile(Side::Source, QString::fromStdString(source.string()));
  w.openFile(Side::Target, QString::fromStdString(target.string()));
  return (a.count() || a.wait(10000)) && (b.count() || b.wait(10000));
}

// The message box the window shows without blocking (open failures, restore offers), if any.
inline QMessageBox* visibleMessageBox(const QWidget& w) {
  for (auto* box : w.findChildren<QMessageBox*>())
    if (box->isVisible()) return box;
  return nullptr;
}

}  // namespace graft::test
