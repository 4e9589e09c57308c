#include "inspector/inspector_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QScrollArea>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

#include "inspector/facts_view.h"
#include "inspector/histogram_plot.h"
#include "inspector/number_text.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/plan_document.h"
#include "plan/result_status.h"

namespace graft::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString sideName(InspectorDock::Side side) {
  return side == InspectorDock::Side::Source ? InspectorDock::tr("Source") : InspectorDock::tr("Target");
}

// Whether node lies in the tree of checkpoint (a pane can briefly show another file than the plan).
bool belongsTo(const Node* node, const Checkpoint* checkpoint) {
  if (!node || !checkpoint) return false;
  while (node->parent()) node = node->parent();
  return node == &checkpoint->root();
}

QString mutedHtml(const QWidget* w, const QString& html) {
  return QStringLiteral("<span style='color:%1'>%2</span>").arg(w->palette().color(QPalette::PlaceholderText).name(), html);
}

}  // namespace

InspectorDock::InspectorDock(PlanDocument* document, QWidget* parent) : QDockWidget(tr("Inspector"), parent), document_(document) {
  setObjectName(QStringLiteral("InspectorDock"));
  pool_.setMaxThreadCount(1);  // one computation at a time; a superseded one stops at its next chunk

  // The whole body scrolls when the dock is short; otherwise the histogram takes the spare height.
  auto* scroll = new QScrollArea(this);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* body = new QWidget(scroll);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(6, 2, 6, 4);
  layout->setSpacing(4);
  title_ = new QLabel(body);
  title_->setTextFormat(Qt::PlainText);
  title_->setWordWrap(true);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  subtitle_ = new QLabel(body);
  subtitle_->setTextFormat(Qt::RichText);
  subtitle_->setWordWrap(true);
  pairChooser_ = new QComboBox(body);
  pairChooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  pairChooser_->setMinimumContentsLength(16);
  pairChooser_->setToolTip(tr("The variable pairs this operation writes"));
  pairChooser_->hide();
  connect(pairChooser_, &QComboBox::activated, this, &InspectorDock::showOperationPair);
  layout->addWidget(title_);
  layout->addWidget(subtitle_);
  layout->addWidget(pairChooser_);
  facts_ = new FactsView(body);
  layout->addWidget(facts_);
  buildControls(body, layout);
  scroll->setWidget(body);
  setWidget(scroll);

  connect(document_, &PlanDocument::checkpointsChanged, this, &InspectorDock::forgetReplacedCheckpoints);
  connect(document_, &PlanDocument::planChanged, this, &InspectorDock::followPlan);
  clear();
}

void InspectorDock::buildControls(QWidget* panel, QVBoxLayout* layout) {
  controlsRow_ = new QWidget(panel);
  auto* controls = new QHBoxLayout(controlsRow_);
  controls->setContentsMargins(0, 0, 0, 0);
  logScale_ = new QCheckBox(tr("Log y"), controlsRow_);
  logScale_->setToolTip(tr("Logarithmic counts: rare values and long tails stay visible"));
  binCount_ = new QSpinBox(controlsRow_);
  binCount_->setRange(10, 1000);
  binCount_->setValue(kDefaultBins);
  binCount_->setAccelerated(true);
  binCount_->setToolTip(tr("Histogram bins over the finite values (a pair shares one range)"));
  auto* binsLabel = new QLabel(tr("Bins"), controlsRow_);
  binsLabel->setBuddy(binCount_);
  // The busy bar takes the place of the bin width while values are read: nothing shifts.
  statusStack_ = new QStackedWidget(controlsRow_);
  status_ = new QLabel(statusStack_);
  status_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  QPalette mutedStatus = status_->palette();
  mutedStatus.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
  status_->setPalette(mutedStatus);
  progress_ = new QProgressBar(statusStack_);
  progress_->setTextVisible(false);
  progress_->setToolTip(tr("Reading values…"));
  auto* progressPage = new QWidget(statusStack_);
  auto* progressLayout = new QHBoxLayout(progressPage);
  progressLayout->setContentsMargins(0, 0, 0, 0);
  progressLayout->addStretch(1);
  progressLayout->addWidget(progress_);
  progress_->setFixedSize(status_->fontMetrics().averageCharWidth() * 12, status_->fontMetrics().height() * 2 / 3);
  statusStack_->addWidget(status_);
  statusStack_->addWidget(progressPage);
  statusStack_->setMinimumWidth(status_->fontMetrics().horizontalAdvance(QStringLiteral("bin width -0.000123")));
  controls->addWidget(logScale_);
  controls->addSpacing(8);
  controls->addWidget(binsLabel);
  controls->addWidget(binCount_);
  controls->addStretch(1);
  controls->addWidget(statusStack_);
  layout->addWidget(controlsRow_);

  plotStack_ = new QStackedWidget(panel);
  plot_ = new HistogramPlot(plotStack_);
  placeholder_ = new QLabel(plotStack_);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  placeholder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  placeholder_->setMargin(12);
  QPalette muted = placeholder_->palette();
  muted.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
  placeholder_->setPalette(muted);
  plotStack_->addWidget(plot_);
  plotStack_->addWidget(placeholder_);
  layout->addWidget(plotStack_, 1);

  connect(logScale_, &QCheckBox::toggled, plot_, &HistogramPlot::setLogScale);
  // Arrow keys and typing step through values: recompute once the count settles.
  binsSettle_ = new QTimer(this);
  binsSettle_->setSingleShot(true);
  binsSettle_->setInterval(250);
  connect(binCount_, &QSpinBox::valueChanged, binsSettle_, qOverload<>(&QTimer::start));
  connect(binsSettle_, &QTimer::timeout, this, [this] {
    if (!shown_.empty()) startComputation();
  });
}

InspectorDock::~InspectorDock() {
  if (cancel_) cancel_->cancel();
  pool_.waitForDone();  // the worker posts to this object; it must be done first
}

QColor InspectorDock::sideColor(Side side) {
  // matplotlib's first two colours: what researchers already read as "this one, that one".
  return side == Side::Source ? QColor(0x1f, 0x77, 0xb4) : QColor(0xff, 0x7f, 0x0e);
}

QString InspectorDock::title() const { return titleText_; }
QString InspectorDock::subtitle() const { return subtitle_->text(); }
QString InspectorDock::placeholderText() const { return plotStack_->currentWidget() == placeholder_ ? placeholder_->text() : QString(); }

std::shared_ptr<const Checkpoint> InspectorDock::checkpointOf(Side side) const {
  return side == Side::Source ? document_->sourceShared() : document_->targetShared();
}

void InspectorDock::inspectSourceIndex(const QModelIndex& index) { inspectIndex(Side::Source, index); }
void InspectorDock::inspectTargetIndex(const QModelIndex& index) { inspectIndex(Side::Target, index); }

void InspectorDock::inspectIndex(Side side, const QModelIndex& index) {
  const auto* model = qobject_cast<const CheckpointTreeModel*>(index.model());
  const Node* node = model ? model->nodeAt(index.siblingAtColumn(0)) : nullptr;
  // A variable the plan adds is not in the target file yet: its values are the source's.
  if (const ResultSlot* added = model ? model->additions().slotOf(node) : nullptr) {
    if (added->source) inspectNode(Side::Source, added->source);
    return;
  }
  inspectNode(side, node);
}

void InspectorDock::inspectNode(Side side, const Node* node) {
  if (!node) return;  // a tree without a current row: keep what is shown
  // Showing an operation selects its ends in the trees; those echoes keep the operation on screen.
  if (operation_ >= 0)
    for (const Shown& s : shown_)
      if (s.side == side && s.variable.node == node) return;
  std::shared_ptr<const Checkpoint> checkpoint = checkpointOf(side);
  if (!belongsTo(node, checkpoint.get())) return;
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
  const QString file = QFileInfo(qs(checkpoint->path().string())).fileName();
  if (node->isVariable()) {
    showVariables({{{checkpoint, node}, side}}, qs(node->path()), tr("%1 variable · %2").arg(sideName(side), file));
    return;
  }
  abandonComputation();
  shown_.clear();
  shownGroup_ = {{checkpoint, node}, side};
  setTitle(qs(node->path()), tr("%1 · %2").arg(sideName(side), file));  // the facts name its kind
  facts_->showGroup(*node);
  showPlaceholder(tr("Layers show their totals.\nSelect one of its weights to see its values."));
}

std::vector<InspectorDock::OperationPair> InspectorDock::pairsOf(int operation) const {
  std::vector<OperationPair> pairs;
  for (const ResultSlot& slot : document_->evaluation().slots)
    if (slot.operation == operation && (slot.source || slot.target)) pairs.push_back({slot.source, slot.target, slot.status});
  return pairs;
}

void InspectorDock::inspectOperation(int operation) {
  const auto& operations = document_->plan().operations;
  if (operation < 0 || operation >= static_cast<int>(operations.size())) return;
  operation_ = operation;
  shownOperation_ = operations[static_cast<std::size_t>(operation)];
  operationPairs_ = pairsOf(operation);
  pairChooser_->clear();
  for (const OperationPair& p : operationPairs_) {
    const QString from = p.source ? qs(p.source->path()) : tr("(nothing)");
    const QString to = p.target ? qs(p.target->path()) : tr("(added)");
    pairChooser_->addItem(statusIcon(p.status), QStringLiteral("%1 → %2").arg(from, to));
  }
  pairChooser_->setVisible(operationPairs_.size() > 1);  // a layer copy writes several pairs
  if (operationPairs_.empty()) {
    abandonComputation();
    shown_.clear();
    shownGroup_ = {};
    const Operation& op = shownOperation_;
    setTitle(QStringLiteral("%1 → %2").arg(qs(op.source), qs(op.target)), QString::fromLatin1(operationKindName(op.kind).data()));
    facts_->clear();
    showPlaceholder(tr("This operation writes no variable of the checkpoints."));
    return;
  }
  pairChooser_->setCurrentIndex(0);
  showOperationPair(0);
}

QString InspectorDock::operationSubtitle(SlotStatus status) const {
  QString subtitle = QString::fromLatin1(operationKindName(shownOperation_.kind).data());
  if (!shownOperation_.reason.empty()) subtitle += QStringLiteral(" · ") + qs(shownOperation_.reason).toHtmlEscaped();
  return subtitle + QStringLiteral(" · <span style='color:%1'>%2</span>").arg(statusColor(status).name(), statusLabel(status));
}

void InspectorDock::showOperationPair(int choice) {
  if (operation_ < 0 || choice < 0 || choice >= static_cast<int>(operationPairs_.size())) return;
  const OperationPair& p = operationPairs_[static_cast<std::size_t>(choice)];
  showPair(p.source, p.target, operationSubtitle(p.status));
}

void InspectorDock::followPlan() {
  if (operation_ < 0) return;
  const auto& operations = document_->plan().operations;
  const bool present = operation_ < static_cast<int>(operations.size());
  if (present && operations[static_cast<std::size_t>(operation_)] == shownOperation_) {
    // The same operation: only its statuses can have changed (another one may now write a slot).
    const auto pairs = pairsOf(operation_);
    const int choice = pairChooser_->currentIndex();
    if (pairs.size() == operationPairs_.size() && choice >= 0 && choice < static_cast<int>(pairs.size())) {
      operationPairs_ = pairs;
      subtitle_->setText(mutedHtml(this, operationSubtitle(pairs[static_cast<std::size_t>(choice)].status)));
      return;
    }
  }
  const Operation& edited = present ? operations[static_cast<std::size_t>(operation_)] : shownOperation_;
  if (present && edited.source == shownOperation_.source && edited.target == shownOperation_.target) {
    inspectOperation(operation_);  // edited in place, e.g. a conflict resolved: show what it does now
    return;
  }
  // Gone or moved: keep the variables on screen, without an operation to describe them.
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
}

void InspectorDock::inspectPair(const Node* source, const Node* target) {
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
  showPair(source, target, {});
}

void InspectorDock::showPair(const Node* source, const Node* target, const QString& subtitle) {
  std::vector<Shown> shown;
  if (source && belongsTo(source, document_->source())) shown.push_back({{document_->sourceShared(), source}, Side::Source});
  if (target && belongsTo(target, document_->target())) shown.push_back({{document_->targetShared(), target}, Side::Target});
  if (shown.empty()) {
    clear();
    return;
  }
  const QString from = source ? qs(source->path()) : tr("(nothing)");
  const QString to = target ? qs(target->path()) : tr("(added)");
  showVariables(std::move(shown), QStringLiteral("%1 → %2").arg(from, to), subtitle);
}

void InspectorDock::showVariables(std::vector<Shown> shown, const QString& title, const QString& subtitle) {
  abandonComputation();
  shown_ = std::move(shown);
  shownGroup_ = {};
  setTitle(title, subtitle);
  std::vector<FactsView::Column> columns;
  for (const Shown& s : shown_) columns.push_back({s.variable.node, sideName(s.side), sideColor(s.side)});
  facts_->showVariables(columns);
  bool anyValues = false;
  for (const Shown& s : shown_) anyValues = anyValues || hasStatistics(s.variable.node->tensor()->dtype);
  if (!anyValues) {
    showPlaceholder(tr("No statistics for %1 tensors.").arg(QString::fromLatin1(dtypeName(shown_.front().variable.node->tensor()->dtype).data())));
    controlsRow_->hide();
    return;
  }
  startComputation();
}

void InspectorDock::clear() {
  abandonComputation();
  shown_.clear();
  shownGroup_ = {};
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
  setTitle(tr("Nothing selected"), {});
  facts_->clear();
  showPlaceholder(tr("Select a weight in either tree, or an operation in the plan, to see its values here."));
}

void InspectorDock::setTitle(const QString& title, const QString& subtitle) {
  titleText_ = title;
  // Paths have no spaces: let a long one wrap after its slashes instead of widening the dock.
  QString wrappable = title;
  wrappable.replace(QLatin1Char('/'), QStringLiteral("/\u200b"));
  title_->setText(wrappable);
  title_->setToolTip(title);
  subtitle_->setText(mutedHtml(this, subtitle));
  subtitle_->setVisible(!subtitle.isEmpty());
}

void InspectorDock::showPlaceholder(const QString& text) {
  plot_->clear();
  placeholder_->setText(text);
  plotStack_->setCurrentWidget(placeholder_);
  controlsRow_->setVisible(!shown_.empty());  // bins and scale mean nothing without values
  status_->clear();
}

void InspectorDock::abandonComputation() {
  if (cancel_) cancel_->cancel();
  cancel_.reset();
  ++generation_;  // whatever the old computation returns is now stale
  computing_ = false;
  statusStack_->setCurrentWidget(status_);
  binsSettle_->stop();
}

void InspectorDock::startComputation() {
  abandonComputation();
  const quint64 generation = generation_;
  auto cancel = std::make_shared<CancelToken>();
  cancel_ = cancel;
  computing_ = true;
  InspectionRequest request;
  for (const Shown& s : shown_) request.variables.push_back(s.variable);
  request.bins = static_cast<std::size_t>(binCount_->value());

  controlsRow_->setVisible(true);
  plot_->clear();  // empty axes, not the previous selection's bars
  plotStack_->setCurrentWidget(plot_);
  status_->clear();
  progress_->setRange(0, 0);  // indeterminate until the first chunk reports
  statusStack_->setCurrentIndex(1);

  // From the computation's threads: post at most one update per permille.
  auto lastPermille = std::make_shared<std::atomic<int>>(-1);
  auto progress = [this, generation, lastPermille](double fraction) {
    const int permille = static_cast<int>(fraction * 1000);
    if (lastPermille->exchange(permille) == permille) return;
    QMetaObject::invokeMethod(this, [this, generation, fraction] { applyProgress(generation, fraction); }, Qt::QueuedConnection);
  };
  auto* watcher = new QFutureWatcher<InspectionResult>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    applyResult(generation, watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(QtConcurrent::run(&pool_, [request = std::move(request), cancel, progress] {
    return runInspection(request, *cancel, progress);
  }));
}

void InspectorDock::applyProgress(quint64 generation, double fraction) {
  if (generation != generation_ || !computing_) return;
  progress_->setRange(0, 1000);
  progress_->setValue(static_cast<int>(fraction * 1000));
}

void InspectorDock::applyResult(quint64 generation, const InspectionResult& result) {
  if (generation != generation_ || result.cancelled) {
    ++droppedResults_;
    return;
  }
  computing_ = false;
  statusStack_->setCurrentWidget(status_);
  facts_->showFindings(result);

  std::vector<HistogramSeries> series;
  QStringList problems;
  for (std::size_t i = 0; i < result.variables.size() && i < shown_.size(); ++i) {
    const VariableFindings& f = result.variables[i];
    if (!f.error.empty()) problems << tr("%1: %2").arg(sideName(shown_[i].side), qs(f.error));
    if (f.statistics && f.statistics->histogram)
      series.push_back({sideName(shown_[i].side), sideColor(shown_[i].side), *f.statistics->histogram});
  }
  if (!problems.isEmpty()) {
    showPlaceholder(tr("Cannot read the values.\n%1").arg(problems.join(QLatin1Char('\n'))));
  } else if (series.empty()) {
    showPlaceholder(tr("No finite values to plot."));
  } else {
    plotStack_->setCurrentWidget(plot_);
    plot_->setSeries(std::move(series));
    status_->setText(tr("bin width %1").arg(QString::number(plot_->binWidth(), 'g', 3)));
  }
  Q_EMIT histogramReady();
}

void InspectorDock::forgetReplacedCheckpoints() {
  auto replaced = [this](const Shown& s) { return s.variable.node && s.variable.checkpoint != checkpointOf(s.side); };
  bool stale = replaced(shownGroup_);
  for (const Shown& s : shown_) stale = stale || replaced(s);
  if (stale) clear();
}

}  // namespace graft::ui
