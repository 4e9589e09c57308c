#pragma once
// The Inspector's facts: a label column and one value column per inspected variable (two for a
// source → target pair, so numbers line up side by side), grouped in sections.

#include <QColor>
#include <QFont>
#include <QWidget>

#include <map>
#include <vector>

#include "inspector/inspection.h"

class QGridLayout;
class QLabel;

namespace graft::ui {

class FactsView : public QWidget {
  Q_OBJECT
 public:
  struct Column {
    const Node* variable = nullptr;
    QString heading;  // "Source", "Target"
    QColor color;     // its histogram's colour
  };

  explicit FactsView(QWidget* parent = nullptr);

  // Tensor facts of one variable or a pair; statistics show as pending until showFindings.
  void showVariables(const std::vector<Column>& columns);
  void showFindings(const InspectionResult& result);
  // A layer or group: its totals.
  void showGroup(const Node& group);
  void clear();

  // The text of a fact ("key", "shape", "min", "cosine", ...) in a value column; "" when absent.
  QString text(const QString& fact, int column = 0) const;

 private:
  void restart(int valueColumns);
  void addSection(const QString& title);
  void addName(const QString& label);  // the muted label column of the current row
  // One row; elided values are single-line and elide in the middle (keys and paths).
  void addRow(const QString& fact, const QString& label, const QStringList& values, bool elided = false);
  // A value spanning every value column (the difference of a pair).
  void addWideRow(const QString& fact, const QString& label, const QString& value);
  void setValue(const QString& fact, int column, const QString& value, const QString& toolTip = {});
  QLabel* valueLabel(bool elided);

  QWidget* body_ = nullptr;
  QGridLayout* grid_ = nullptr;
  int valueColumns_ = 0;
  int row_ = 0;
  std::map<QString, std::vector<QLabel*>> cells_;
  std::vector<Column> columns_;
  QFont mono_;
};

}  // namespace graft::ui
