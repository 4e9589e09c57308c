#pragma once
// The Inspector: what is selected, up close — a variable's facts, statistics and histogram; a
// layer's totals; or both ends of a plan operation, their histograms overlaid on the same bins
// with how far apart they are. Values are computed on a worker thread: a newer selection
// cancels an older computation and its result, should it still arrive, is dropped.

#include <QDockWidget>
#include <QThreadPool>

#include <memory>
#include <vector>

#include "inspector/inspection.h"
#include "merge/merge_evaluation.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QSpinBox;
class QStackedWidget;
class QTimer;
class QVBoxLayout;

namespace graft::ui {

class FactsView;
class HistogramPlot;
class PlanDocument;

class InspectorDock : public QDockWidget {
  Q_OBJECT
 public:
  enum class Side { Source, Target };
  static constexpr int kDefaultBins = 64;

  explicit InspectorDock(PlanDocument* document, QWidget* parent = nullptr);
  ~InspectorDock() override;  // cancels the computation and waits for its thread

  // A variable, layer or group of the document's source or target; nullptr is ignored.
  void inspectNode(Side side, const Node* node);
  // Variables of the document's source and target side by side; either may be null.
  void inspectPair(const Node* source, const Node* target);
  void clear();

  static QColor sideColor(Side side);
  bool isComputing() const { return computing_; }
  // Computations superseded by a newer selection whose results were not shown.
  int droppedResults() const { return droppedResults_; }
  QString title() const;
  QString subtitle() const;  // rich text: the side and file, or the operation and its status
  QString placeholderText() const;
  FactsView* facts() const { return facts_; }
  HistogramPlot* plot() const { return plot_; }
  QSpinBox* binCount() const { return binCount_; }
  QCheckBox* logScale() const { return logScale_; }
  QComboBox* pairChooser() const { return pairChooser_; }
  QProgressBar* busyIndicator() const { return progress_; }  // visible while values are read

 public Q_SLOTS:
  // Connected to the trees' currentChanged and the Plan dock's operationSelected.
  void inspectSourceIndex(const QModelIndex& index);
  void inspectTargetIndex(const QModelIndex& index);
  void inspectOperation(int operation);

 Q_SIGNALS:
  // The current selection's statistics and histograms are on screen.
  void histogramReady();

 private:
  struct Shown {
    InspectedVariable variable;
    Side side = Side::Source;
  };
  struct OperationPair {
    const Node* source = nullptr;
    const Node* target = nullptr;
    SlotStatus status = SlotStatus::Unchanged;
  };

  void buildControls(QWidget* panel, QVBoxLayout* layout);
  void inspectIndex(Side side, const QModelIndex& index);
  std::vector<OperationPair> pairsOf(int operation) const;
  QString operationSubtitle(SlotStatus status) const;
  void showOperationPair(int choice);
  void showPair(const Node* source, const Node* target, const QString& subtitle);
  void followPlan();
  void showVariables(std::vector<Shown> shown, const QString& title, const QString& subtitle);
  void setTitle(const QString& title, const QString& subtitle);
  void showPlaceholder(const QString& text);
  void startComputation();
  void abandonComputation();
  void applyResult(quint64 generation, const InspectionResult& result);
  void applyProgress(quint64 generation, double fraction);
  void forgetReplacedCheckpoints();
  std::shared_ptr<const Checkpoint> checkpointOf(Side side) const;

  PlanDocument* document_;
  std::vector<Shown> shown_;        // the variables on screen, one or a pair
  Shown shownGroup_;                // or a layer or group
  int operation_ = -1;              // the plan operation shown, -1 for a tree selection
  Operation shownOperation_;        // a copy: the plan may change under it
  std::vector<OperationPair> operationPairs_;

  QThreadPool pool_;  // its own, so the destructor can wait for exactly this dock's work
  std::shared_ptr<CancelToken> cancel_;
  quint64 generation_ = 0;
  bool computing_ = false;
  int droppedResults_ = 0;

  QLabel* title_ = nullptr;  // the tree path(s) of what is shown
  QString titleText_;
  QLabel* subtitle_ = nullptr;
  QComboBox* pairChooser_ = nullptr;
  FactsView* facts_ = nullptr;
  QWidget* controlsRow_ = nullptr;
  QCheckBox* logScale_ = nullptr;
  QSpinBox* binCount_ = nullptr;
  QStackedWidget* statusStack_ = nullptr;  // the bin width, or the busy bar
  QLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QStackedWidget* plotStack_ = nullptr;
  HistogramPlot* plot_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QTimer* binsSettle_ = nullptr;
};

}  // namespace graft::ui
