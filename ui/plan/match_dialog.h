#pragma once
// Auto-match with the matcher's full options: a strategy, rename rules and a take-only regex,
// previewed live (pair, reason, how it would come out) before the pairs join the plan as one
// undoable step.

#include <QDialog>

#include <vector>

#include "merge/matcher.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;
class QWidget;

namespace graft::ui {

class MatchPreviewModel;
class PlanDocument;

class MatchDialog : public QDialog {
  Q_OBJECT
 public:
  explicit MatchDialog(PlanDocument* document, QWidget* parent = nullptr);

  void setStrategy(MatchStrategy strategy);
  MatchStrategy strategy() const;
  void setRulesText(const QString& text);  // one REGEX=>REPLACEMENT per line
  void setTakeText(const QString& text);

  // What OK would add (empty while the input is invalid), and how each pair would come out.
  const std::vector<Operation>& proposals() const { return proposals_; }
  MatchPreviewModel* previewModel() const { return model_; }
  QString errorText() const;  // empty when the input is valid
  QString summaryText() const;  // "12 pairs · 10 fit · 2 conflicts" (rich text)
  QPushButton* addButton() const { return addButton_; }

  // Recomputes at once instead of after the typing pause.
  void refreshNow();

  void accept() override;

 private:
  void scheduleRefresh();
  void showError(const QString& text);
  void updateSummary(int alreadyPlanned);

  PlanDocument* document_;
  MatchPreviewModel* model_;
  QComboBox* strategy_;
  QPlainTextEdit* rules_;
  QLineEdit* take_;
  QWidget* errorRow_;
  QLabel* error_;
  QLabel* summary_;
  QTableView* table_;
  QPushButton* addButton_;
  QTimer* debounce_;
  std::vector<Operation> proposals_;
};

}  // namespace graft::ui
