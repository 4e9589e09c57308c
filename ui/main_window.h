#pragma once
// Source | target side by side. Opening happens off the UI thread; failures show a dialog
// that names the file and the reason, and the window carries on.

#include <QMainWindow>

namespace graft::ui {

class CheckpointLoader;
class CheckpointPane;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum class Side { Source, Target };

  explicit MainWindow(QWidget* parent = nullptr);

  void openFile(Side side, const QString& path);
  CheckpointPane* pane(Side side) const;
  CheckpointLoader* loader(Side side) const;

 signals:
  // Emitted after the error dialog is shown; tests and the status bar listen.
  void openFailed(const QString& path, const QString& message);

 private:
  void createActions();
  void chooseFile(Side side);
  void updateTitle();
  void showAbout();
  void wireLoader(Side side);

  CheckpointPane* sourcePane_ = nullptr;
  CheckpointPane* targetPane_ = nullptr;
  CheckpointLoader* sourceLoader_ = nullptr;
  CheckpointLoader* targetLoader_ = nullptr;
  QString lastFolder_;
};

}  // namespace graft::ui
