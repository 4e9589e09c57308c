#include "plan/match_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <set>
#include <tuple>

#include "io/error.h"
#include "plan/match_preview_model.h"
#include "plan/plan_document.h"
#include "plan/result_status.h"

namespace graft::ui {

namespace {

QString pairs(std::size_t n) { return n == 1 ? MatchDialog::tr("1 pair") : MatchDialog::tr("%1 pairs").arg(n); }

// Order and shape pair by position and signature; names, and so rename rules, play no part.
bool usesNames(MatchStrategy s) { return s == MatchStrategy::Name || s == MatchStrategy::Normalized; }

// Rich text, so that Qt wraps a long tooltip instead of drawing one endless line.
QString wrapped(const QString& text) { return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped()); }

}  // namespace

MatchDialog::MatchDialog(PlanDocument* document, QWidget* parent)
    : QDialog(parent), document_(document), model_(new MatchPreviewModel(this)), debounce_(new QTimer(this)) {
  setWindowTitle(tr("Auto-match"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

  strategy_ = new QComboBox(this);
  const struct {
    MatchStrategy strategy;
    QString label, tip;
  } strategies[] = {
      {MatchStrategy::Name, tr("Name"), tr("Pairs variables whose native key (dense/dense/kernel:0) or tree path is the same, after the rename rules.")},
      {MatchStrategy::Normalized, tr("Normalized name"),
       tr("Compares names without framework decorations (:0, repeated layer names, module. prefixes); layers numbered "
          "differently by another session (dense_3 vs dense) pair up by kind, in order.")},
      {MatchStrategy::Order, tr("Layer order"),
       tr("The n-th source layer with weights goes onto the n-th target layer with weights, as Keras' load_weights does. "
          "Names are ignored.")},
      {MatchStrategy::Shape, tr("Shape"),
       tr("Each target variable takes the first unused source variable of the same shape and dtype, in order. Names are ignored.")},
  };
  for (const auto& s : strategies) {
    strategy_->addItem(s.label, static_cast<int>(s.strategy));
    strategy_->setItemData(strategy_->count() - 1, wrapped(s.tip), Qt::ToolTipRole);
  }
  strategy_->setToolTip(tr("How source variables are paired with target variables (hover an item for details)"));
  form->addRow(tr("&Strategy:"), strategy_);

  rules_ = new QPlainTextEdit(this);
  rules_->setFont(mono);
  rules_->setTabChangesFocus(true);
  rules_->setLineWrapMode(QPlainTextEdit::NoWrap);
  rules_->setPlaceholderText(tr("One REGEX=>REPLACEMENT per line, e.g.\n^encoder_(\\d+)=>block_$1"));
  rules_->setFixedHeight(QFontMetrics(mono).lineSpacing() * 4 + 2 * rules_->frameWidth() + 8);
  form->addRow(tr("&Rename rules:"), rules_);

  take_ = new QLineEdit(this);
  take_->setFont(mono);
  take_->setClearButtonEnabled(true);
  take_->setPlaceholderText(tr("e.g. conv — empty takes every weight"));
  take_->setToolTip(wrapped(tr("Only source variables whose path or key contains a match of this regular expression "
                               "(ECMAScript, like graft-cli match --take), e.g. ^conv2d_3/")));
  form->addRow(tr("&Take only:"), take_);
  layout->addLayout(form);

  errorRow_ = new QWidget(this);
  auto* errorLayout = new QHBoxLayout(errorRow_);
  errorLayout->setContentsMargins(0, 0, 0, 0);
  auto* errorIcon = new QLabel(errorRow_);
  const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
  errorIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize, iconSize));
  errorIcon->setAlignment(Qt::AlignTop);
  error_ = new QLabel(errorRow_);
  error_->setWordWrap(true);
  error_->setTextFormat(Qt::PlainText);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QPalette red = error_->palette();
  red.setColor(QPalette::WindowText, statusColor(SlotStatus::ConflictShape));
  error_->setPalette(red);
  error_->setToolTip(tr("Nothing can be added until this is fixed"));
  errorLayout->addWidget(errorIcon);
  errorLayout->addWidget(error_, 1);
  errorRow_->setVisible(false);
  layout->addWidget(errorRow_);

  summary_ = new QLabel(this);
  summary_->setToolTip(tr("How the proposed pairs would come out, judged with the plan as it is now"));
  layout->addWidget(summary_);

  table_ = new QTableView(this);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideMiddle);  // both ends of a path say more than its middle
  table_->setColumnWidth(MatchPreviewModel::PairColumn, 340);
  table_->setColumnWidth(MatchPreviewModel::StatusColumn, 110);
  table_->horizontalHeader()->setSectionResizeMode(MatchPreviewModel::ReasonColumn, QHeaderView::Stretch);
  table_->horizontalHeader()->setStretchLastSection(false);
  table_->setToolTip(tr("Every pair Auto-match would add; hover a status for what the evaluation says"));
  layout->addWidget(table_, 1);
  // The pair column takes what its paths need (up to half the width); the reason gets the rest.
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    if (model_->rowCount() == 0) return;
    table_->resizeColumnToContents(MatchPreviewModel::PairColumn);
    table_->setColumnWidth(MatchPreviewModel::PairColumn,
                           std::min(table_->columnWidth(MatchPreviewModel::PairColumn) + 12, table_->viewport()->width() / 2));
  });

  auto* buttons = new QDialogButtonBox(this);
  addButton_ = buttons->addButton(tr("Add Pairs"), QDialogButtonBox::AcceptRole);
  addButton_->setDefault(true);
  addButton_->setToolTip(tr("Add the pairs to the plan as one step (Edit › Undo takes them all back)"));
  QPushButton* cancel = buttons->addButton(QDialogButtonBox::Cancel);
  cancel->setToolTip(tr("Close without changing the plan"));
  connect(buttons, &QDialogButtonBox::accepted, this, &MatchDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &MatchDialog::reject);
  layout->addWidget(buttons);

  // Typing re-matches after a short pause, not on every keystroke.
  debounce_->setSingleShot(true);
  debounce_->setInterval(150);
  connect(debounce_, &QTimer::timeout, this, &MatchDialog::refreshNow);
  connect(strategy_, &QComboBox::currentIndexChanged, this, &MatchDialog::scheduleRefresh);
  connect(rules_, &QPlainTextEdit::textChanged, this, &MatchDialog::scheduleRefresh);
  connect(take_, &QLineEdit::textChanged, this, &MatchDialog::scheduleRefresh);
  connect(document_, &PlanDocument::planChanged, this, &MatchDialog::scheduleRefresh);
  connect(document_, &PlanDocument::checkpointsChanged, this, &MatchDialog::scheduleRefresh);

  setStrategy(MatchStrategy::Normalized);  // what the toolbar's Auto-match uses
  resize(1000, 620);
  refreshNow();
}

void MatchDialog::setStrategy(MatchStrategy strategy) { strategy_->setCurrentIndex(strategy_->findData(static_cast<int>(strategy))); }

MatchStrategy MatchDialog::strategy() const { return static_cast<MatchStrategy>(strategy_->currentData().toInt()); }

void MatchDialog::setRulesText(const QString& text) { rules_->setPlainText(text); }

void MatchDialog::setTakeText(const QString& text) { take_->setText(text); }

QString MatchDialog::errorText() const { return error_->text(); }

QString MatchDialog::summaryText() const { return summary_->text(); }

void MatchDialog::scheduleRefresh() { debounce_->start(); }

void MatchDialog::showError(const QString& text) {
  error_->setText(text);
  errorRow_->setVisible(!text.isEmpty());
}

void MatchDialog::refreshNow() {
  debounce_->stop();
  proposals_.clear();
  const bool names = usesNames(strategy());
  rules_->setEnabled(names);
  rules_->setToolTip(wrapped(names ? tr("Applied in order to each source name before comparing, like graft-cli match --rule: "
                                        "ECMAScript regex, $1 for a group. Blank lines and lines starting with # are ignored.")
                                   : tr("Layer order and shape ignore names, so rename rules do not apply")));

  MatchOptions options;
  options.strategy = strategy();
  QString error;
  if (names) {
    const QStringList lines = rules_->toPlainText().split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size() && error.isEmpty(); ++i) {
      const QString line = lines[i].trimmed();
      if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
      try {
        options.rules.push_back(RenameRule::parse(line.toStdString()));
      } catch (const Error& e) {
        error = tr("Line %1: %2").arg(QString::number(i + 1), QString::fromUtf8(e.what()));
      }
    }
  }
  if (error.isEmpty() && !take_->text().isEmpty()) {
    try {
      options.take = std::regex(take_->text().toStdString(), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      error = tr("Take only: invalid regular expression: %1").arg(QString::fromUtf8(e.what()));
    }
  }

  int alreadyPlanned = 0;
  if (error.isEmpty() && document_->ready()) {
    try {
      auto ops = proposeMatches(*document_->source(), *document_->target(), options);
      // Running the dialog again must not stack the same pairs twice.
      std::set<std::tuple<OperationKind, std::string, std::string>> planned;
      for (const auto& op : document_->plan().operations) planned.emplace(op.kind, op.source, op.target);
      for (auto& op : ops)
        if (planned.contains({op.kind, op.source, op.target}))
          ++alreadyPlanned;
        else
          proposals_.push_back(std::move(op));
      model_->setProposals(*document_->source(), *document_->target(), document_->plan(), proposals_);
    } catch (const std::exception& e) {  // std::regex can give up on a pathological pattern
      proposals_.clear();
      error = QString::fromUtf8(e.what());
    }
  }
  if (!error.isEmpty() || !document_->ready()) model_->clear();
  showError(error);
  updateSummary(alreadyPlanned);
}

void MatchDialog::updateSummary(int alreadyPlanned) {
  const std::size_t n = proposals_.size();
  addButton_->setEnabled(n > 0);
  addButton_->setText(n == 0 ? tr("Add Pairs") : n == 1 ? tr("Add 1 Pair") : tr("Add %1 Pairs").arg(n));
  if (!document_->ready()) {
    summary_->setText(tr("Open a source and a target first."));
    return;
  }
  if (!errorText().isEmpty()) {
    summary_->setText(tr("No preview until the input is fixed."));
    return;
  }
  const QString planned = alreadyPlanned ? tr("%1 already in the plan").arg(alreadyPlanned) : QString();
  if (n == 0) {
    summary_->setText(planned.isEmpty() ? tr("No pairs. Try another strategy, a rename rule or a looser take-only filter.")
                                        : tr("No new pairs: %1.").arg(planned));
    return;
  }
  std::size_t fit = 0, convert = 0, conflict = 0;
  for (int r = 0; r < model_->rowCount(); ++r) {
    const SlotStatus s = model_->row(r).status;
    if (isConflict(s))
      ++conflict;
    else if (s == SlotStatus::Converted)
      ++convert;
    else if (s != SlotStatus::Unchanged)
      ++fit;
  }
  QStringList parts{pairs(n).toHtmlEscaped()};
  if (fit) parts << tr("%1 fit").arg(fit);
  if (convert) parts << tr("%1 convert").arg(convert);
  if (conflict)
    parts << QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                 .arg(statusColor(SlotStatus::ConflictShape).name(), conflict == 1 ? tr("1 conflict") : tr("%1 conflicts").arg(conflict));
  if (!planned.isEmpty()) parts << QStringLiteral("<span style='color:%1'>%2</span>").arg(statusColor(SlotStatus::Unchanged).name(), planned);
  summary_->setText(parts.join(QStringLiteral(" · ")));
}

void MatchDialog::accept() {
  if (debounce_->isActive()) refreshNow();  // OK right after typing takes what was typed
  if (proposals_.empty()) return;
  document_->addOperations(proposals_, tr("Auto-match by %1 (%2)").arg(strategy_->currentText().toLower(), pairs(proposals_.size())));
  QDialog::accept();
}

}  // namespace graft::ui
