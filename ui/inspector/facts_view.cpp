#include "inspector/facts_view.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "inspector/elided_label.h"
#include "inspector/number_text.h"
#include "plan/result_status.h"

namespace graft::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }
QString dtypeText(DType t) { return QString::fromLatin1(dtypeName(t).data()); }

const char* const kPending = "…";

// "9,216 (36 KiB)": how many values and what they weigh, in one row.
QString sizedCount(std::uint64_t count, std::uint64_t bytes) { return QStringLiteral("%1 (%2)").arg(countText(count), bytesText(bytes)); }

}  // namespace

FactsView::FactsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  // Keys, shapes and numbers in a fixed-width face, at the size of the surrounding text.
  mono_ = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  mono_.setPointSizeF(font().pointSizeF());
  restart(1);
}

void FactsView::restart(int valueColumns) {
  // A fresh grid each time: QGridLayout never forgets rows it once had.
  delete body_;
  body_ = new QWidget(this);
  grid_ = new QGridLayout(body_);
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setHorizontalSpacing(12);
  grid_->setVerticalSpacing(2);
  grid_->setColumnStretch(0, 0);
  for (int c = 1; c <= valueColumns; ++c) grid_->setColumnStretch(c, 1);
  layout()->addWidget(body_);
  valueColumns_ = valueColumns;
  row_ = 0;
  cells_.clear();
}

void FactsView::clear() {
  columns_.clear();
  restart(1);
  body_->show();
}

QLabel* FactsView::valueLabel(bool elided) {
  QLabel* label = elided ? new ElidedLabel(body_) : new QLabel(body_);
  label->setFont(mono_);
  label->setTextInteractionFlags(elided ? Qt::NoTextInteraction : Qt::TextSelectableByMouse);
  label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // columns share the width, not the text
  return label;
}

void FactsView::addSection(const QString& title) {
  auto* label = new QLabel(title, body_);
  QFont bold = label->font();
  bold.setBold(true);
  label->setFont(bold);
  if (row_ > 0) grid_->setRowMinimumHeight(row_++, 4);  // air between sections
  grid_->addWidget(label, row_++, 0, 1, valueColumns_ + 1);
}

void FactsView::addName(const QString& label) {
  auto* name = new QLabel(label, body_);
  name->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  QPalette muted = name->palette();
  muted.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
  name->setPalette(muted);
  grid_->addWidget(name, row_, 0);
}

void FactsView::addRow(const QString& fact, const QString& label, const QStringList& values, bool elided) {
  addName(label);
  auto& cells = cells_[fact];
  for (int c = 0; c < valueColumns_; ++c) {
    QLabel* value = valueLabel(elided);
    grid_->addWidget(value, row_, c + 1);
    cells.push_back(value);
  }
  ++row_;
  for (int c = 0; c < values.size() && c < valueColumns_; ++c) setValue(fact, c, values[c]);
}

void FactsView::addWideRow(const QString& fact, const QString& label, const QString& value) {
  addName(label);
  QLabel* cell = valueLabel(false);
  grid_->addWidget(cell, row_++, 1, 1, valueColumns_);
  cells_[fact] = {cell};
  setValue(fact, 0, value);
}

void FactsView::setValue(const QString& fact, int column, const QString& value, const QString& toolTip) {
  const auto it = cells_.find(fact);
  if (it == cells_.end() || column >= static_cast<int>(it->second.size())) return;
  QLabel* label = it->second[static_cast<std::size_t>(column)];
  if (auto* elided = qobject_cast<ElidedLabel*>(label))
    elided->setFullText(value);
  else
    label->setText(value);
  if (!toolTip.isEmpty()) label->setToolTip(toolTip);
}

QString FactsView::text(const QString& fact, int column) const {
  const auto it = cells_.find(fact);
  if (it == cells_.end() || column < 0 || column >= static_cast<int>(it->second.size())) return {};
  const QLabel* label = it->second[static_cast<std::size_t>(column)];
  if (const auto* elided = qobject_cast<const ElidedLabel*>(label)) return elided->fullText();
  return label->text();
}

void FactsView::showVariables(const std::vector<Column>& columns) {
  columns_ = columns;
  restart(static_cast<int>(columns.size()));
  const bool pair = columns.size() == 2;
  if (pair) {
    grid_->addWidget(new QLabel(body_), row_, 0);
    for (int c = 0; c < 2; ++c) {
      const Column& column = columns[static_cast<std::size_t>(c)];
      auto* heading = new QLabel(QStringLiteral("<span style='color:%1'>■</span> <b>%2</b>").arg(column.color.name(), column.heading), body_);
      grid_->addWidget(heading, row_, c + 1);
    }
    ++row_;
  }
  auto each = [&](auto text) {
    QStringList values;
    for (const Column& c : columns) values << text(*c.variable->tensor());
    return values;
  };
  // The tree path is the dock's title; the key is the file's own name, whose end says the most.
  addRow(QStringLiteral("key"), tr("key"), each([](const TensorInfo& t) { return qs(t.key); }), true);
  for (QLabel* key : cells_[QStringLiteral("key")]) static_cast<ElidedLabel*>(key)->setElideMode(Qt::ElideLeft);
  addRow(QStringLiteral("shape"), tr("shape"), each([](const TensorInfo& t) { return qs(t.shape.toString()); }));
  addRow(QStringLiteral("dtype"), tr("dtype"), each([](const TensorInfo& t) { return dtypeText(t.dtype); }));
  addRow(QStringLiteral("parameters"), tr("parameters"),
         each([](const TensorInfo& t) { return sizedCount(t.elementCount, t.byteSize); }));
  for (int c = 0; c < valueColumns_; ++c)
    cells_[QStringLiteral("parameters")][static_cast<std::size_t>(c)]->setToolTip(
        tr("%1 bytes").arg(countText(columns[static_cast<std::size_t>(c)].variable->tensor()->byteSize)));
  if (pair) {
    // What keeps a pair from fitting stands out in the target's column.
    const TensorInfo& s = *columns[0].variable->tensor();
    const TensorInfo& t = *columns[1].variable->tensor();
    const QString conflict = QStringLiteral("color:%1; font-weight:bold").arg(statusColor(SlotStatus::ConflictShape).name());
    if (s.shape != t.shape) cells_[QStringLiteral("shape")][1]->setStyleSheet(conflict);
    if (s.dtype != t.dtype) cells_[QStringLiteral("dtype")][1]->setStyleSheet(conflict);
  }

  const QStringList pending(valueColumns_, QString::fromUtf8(kPending));
  addSection(tr("Values"));
  addRow(QStringLiteral("min"), tr("min"), pending);
  addRow(QStringLiteral("max"), tr("max"), pending);
  addRow(QStringLiteral("mean"), tr("mean"), pending);
  addRow(QStringLiteral("std"), tr("std"), pending);
  addRow(QStringLiteral("zeros"), tr("zeros"), pending);
  addRow(QStringLiteral("nonFinite"), tr("NaN / inf"), pending);
  body_->show();  // now, with its rows: a layout alone shows new children a pass later
  if (!pair) return;

  addSection(tr("Difference (source − target)"));
  if (comparable(*columns[0].variable, *columns[1].variable)) {
    addWideRow(QStringLiteral("maxAbsDiff"), tr("max |Δ|"), QString::fromUtf8(kPending));
    addWideRow(QStringLiteral("relativeL2"), tr("relative L2"), QString::fromUtf8(kPending));
    addWideRow(QStringLiteral("cosine"), tr("cosine"), QString::fromUtf8(kPending));
  } else {
    addWideRow(QStringLiteral("diffNote"), tr("values"), tr("not compared: the shapes differ"));
  }
  body_->show();
}

void FactsView::showFindings(const InspectionResult& result) {
  for (int c = 0; c < valueColumns_ && c < static_cast<int>(result.variables.size()); ++c) {
    const VariableFindings& f = result.variables[static_cast<std::size_t>(c)];
    if (!f.statistics) {
      const QString why = f.error.empty() ? tr("no statistics for this dtype") : qs(f.error);
      for (const char* fact : {"min", "max", "mean", "std", "zeros", "nonFinite"}) setValue(QString::fromLatin1(fact), c, QStringLiteral("—"), why);
      continue;
    }
    const TensorStatistics& s = *f.statistics;
    setValue(QStringLiteral("min"), c, valueText(s.min), QString::number(s.min, 'g', 17));
    setValue(QStringLiteral("max"), c, valueText(s.max), QString::number(s.max, 'g', 17));
    setValue(QStringLiteral("mean"), c, valueText(s.mean), QString::number(s.mean, 'g', 17));
    setValue(QStringLiteral("std"), c, valueText(s.std), tr("population standard deviation: %1").arg(QString::number(s.std, 'g', 17)));
    setValue(QStringLiteral("zeros"), c, shareText(s.zeros, s.count));
    setValue(QStringLiteral("nonFinite"), c, QStringLiteral("%1 / %2").arg(countText(s.nans), countText(s.positiveInfs + s.negativeInfs)),
             tr("%1 NaN, %2 +inf, %3 −inf").arg(countText(s.nans), countText(s.positiveInfs), countText(s.negativeInfs)));
  }
  if (result.diff) {
    const DiffMetrics& d = *result.diff;
    setValue(QStringLiteral("maxAbsDiff"), 0, valueText(d.maxAbsDiff));
    setValue(QStringLiteral("relativeL2"), 0, valueText(d.relativeL2), tr("‖source − target‖ / ‖target‖"));
    setValue(QStringLiteral("cosine"), 0, cosineText(d.cosine), tr("cosine similarity of the flattened tensors"));
  } else {
    const QString why = result.diffError.empty() ? QStringLiteral("—") : qs(result.diffError);
    for (const char* fact : {"maxAbsDiff", "relativeL2", "cosine"}) setValue(QString::fromLatin1(fact), 0, why);
  }
}

void FactsView::showGroup(const Node& group) {
  columns_.clear();
  restart(1);
  QString kind = group.kind() == NodeKind::Layer ? tr("layer") : tr("group");
  if (!group.layerClass().empty()) kind = qs(group.layerClass()) + QLatin1Char(' ') + kind;
  addSection(group.kind() == NodeKind::Layer ? tr("Layer") : tr("Group"));
  addRow(QStringLiteral("kind"), tr("kind"), {kind});
  addRow(QStringLiteral("variables"), tr("variables"), {countText(group.variableCount())});
  addRow(QStringLiteral("parameters"), tr("parameters"), {sizedCount(group.parameterCount(), group.byteSize())});
  cells_[QStringLiteral("parameters")][0]->setToolTip(tr("%1 bytes").arg(countText(group.byteSize())));
  body_->show();
}

}  // namespace graft::ui
