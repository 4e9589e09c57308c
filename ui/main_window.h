#pragma once
// Source | target side by side. Opening happens off the UI thread; failures show a dialog
// that names the file and the reason, and the window carries on.

#include <QMainWindow>

#include <memory>
#include <vector>

class QMessageBox;

namespace graft {
class Node;
}

namespace graft::ui {

class CheckpointLoader;
class ExportDialog;
class CheckpointPane;
class PlanDocument;
class PlanDock;
class InspectorDock;
class TransplantController;
class PlanAutosave;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum class Side { Source, Target };

  explicit MainWindow(QWidget* parent = nullptr);

  ~MainWindow() override;
  void openFile(Side side, const QString& path);
  CheckpointPane* pane(Side side) const;
  CheckpointLoader* loader(Side side) const;
  PlanDocument* document() const { return document_; }
  PlanDock* planDock() const { return planDock_; }
  InspectorDock* inspectorDock() const { return inspectorDock_; }
  TransplantController* transplanter() const { return transplanter_.get(); }
  class QAction* showOptimizerAction() const { return showOptimizerAction_; }

  // Keyboard route: the selected source nodes onto the selected target node (or empty space).
  bool transplantSelection();
  void autoMatch(int strategy);  // a MatchStrategy
  // The auto-match dialog: strategy, rename rules, take-only regex, live preview.
  class MatchDialog* showMatchDialog();
  bool savePlanTo(const QString& path);
  ExportDialog* showExportDialog();
  // Opens the bundled demo pair and says what to try.
  void openDemo(const QString& folder);
  // asSaved: the plan counts as saved (Load Plan); a restored autosave does not.
  bool loadPlanFrom(const QString& path, bool asSaved = true);
  PlanAutosave* autosave() const { return autosave_; }
  // When an earlier session ended without a clean exit and left a plan, asks (without
  // blocking) whether to restore it. Returns the question, or nullptr when there is none.
  QMessageBox* offerToRestore();

 Q_SIGNALS:
  // Emitted after the error dialog is shown; tests and the status bar listen.
  void openFailed(const QString& path, const QString& message);

 private:
  void createActions();
  void chooseFile(Side side);
  void updateTitle();
  void showAbout();
  void wireLoader(Side side);
  void onPlanChanged();
  void selectOperation(int index);
  void showTargetContextMenu(const QPoint& pos);
  void closeEvent(QCloseEvent* event) override;
  void rememberRecent(const QString& path);
  void rebuildRecentMenu();
  std::vector<const Node*> selectedNodes(Side side) const;

  CheckpointPane* sourcePane_ = nullptr;
  CheckpointPane* targetPane_ = nullptr;
  CheckpointLoader* sourceLoader_ = nullptr;
  CheckpointLoader* targetLoader_ = nullptr;
  QString lastFolder_;
  PlanDocument* document_ = nullptr;
  PlanDock* planDock_ = nullptr;
  InspectorDock* inspectorDock_ = nullptr;
  std::unique_ptr<TransplantController> transplanter_;
  PlanAutosave* autosave_ = nullptr;
  class QMenu* recentMenu_ = nullptr;
  class QAction* showOptimizerAction_ = nullptr;
};

}  // namespace graft::ui
